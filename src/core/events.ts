/**
 * The diagnostics_channel names Portcullis publishes observability events on, their payloads, and publish
 * helpers. Publishing with no subscriber costs one boolean check (undici's pattern), so flows always publish.
 */
import { channel } from 'node:diagnostics_channel';

/** Security events, `noun.verb`; the audit catalog (src/audit/events.ts) documents each one. */
export type SecurityEventType =
  | 'authn.password.succeeded'
  | 'authn.password.failed'
  | 'authn.password.banned'
  | 'authn.totp.succeeded'
  | 'authn.totp.failed'
  | 'authn.totp.banned'
  | 'authn.webauthn.succeeded'
  | 'authn.webauthn.failed'
  | 'device.registered'
  | 'device.removed'
  | 'password.changed'
  | 'password.reset'
  | 'session.destroyed'
  | 'session.revoked'
  | 'ban.added'
  | 'ban.removed'
  | 'config.reloaded'
  | 'authz.denied'
  | 'authz.allowed'
  | 'detection.triggered'
  | 'audit.dropped';

export type EventValue = string | number | boolean;

export interface SecurityEvent {
  readonly type: SecurityEventType;
  /** ms since the epoch, from the injected clock. */
  readonly at: number;
  readonly ip?: string | undefined;
  readonly username?: string | undefined;
  /** How long the check took (authn events feed authelia_authn_duration). */
  readonly durationMs?: number | undefined;
  readonly detail?: Readonly<Record<string, EventValue>> | undefined;
}

/** One answer of an authz endpoint (forward-auth, auth-request, ext-authz, legacy). */
export interface AuthzEvent {
  readonly at: number;
  readonly endpoint: string;
  readonly status: number;
  readonly outcome: 'allow' | 'login' | 'step-up' | 'deny' | 'bad-request';
  readonly policy: string;
  readonly rule: number;
  readonly ip: string;
  readonly username: string;
  readonly method: string;
  readonly url: string;
  /** A digest of the presented session cookie (never the cookie itself), to group decisions per session. */
  readonly session?: string | undefined;
  readonly durationMs: number;
}

/** One HTTP request answered by the gateway (authelia_request / authelia_request_duration). */
export interface RequestEvent {
  readonly method: string;
  readonly status: number;
  readonly durationMs: number;
}

/** One audit record stored (or one that could not be, `ok: false`). */
export interface AuditAppendEvent {
  readonly type: string;
  readonly ok: boolean;
}

/** The number of bans in force changed (published by whoever adds or lifts bans). */
export interface BanEvent {
  readonly action: 'added' | 'removed';
  readonly kind: 'ip' | 'user';
  readonly value: string;
  readonly source: string;
}

export const CHANNELS = {
  security: 'portcullis:security',
  authz: 'portcullis:authz',
  request: 'portcullis:http.request',
  audit: 'portcullis:audit.append',
  ban: 'portcullis:ban',
} as const;

export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];

const security = channel(CHANNELS.security);
const authz = channel(CHANNELS.authz);
const request = channel(CHANNELS.request);
const audit = channel(CHANNELS.audit);
const ban = channel(CHANNELS.ban);

export function publishSecurityEvent(e: SecurityEvent): void {
  if (security.hasSubscribers) security.publish(e);
}
export function publishAuthzEvent(e: AuthzEvent): void {
  if (authz.hasSubscribers) authz.publish(e);
}
export function publishRequestEvent(e: RequestEvent): void {
  if (request.hasSubscribers) request.publish(e);
}
export function publishAuditAppend(e: AuditAppendEvent): void {
  if (audit.hasSubscribers) audit.publish(e);
}
export function publishBanEvent(e: BanEvent): void {
  if (ban.hasSubscribers) ban.publish(e);
}
