/** The catalog of audit event types (`noun.verb`) with what each records; docs/events.md is checked against it. */
import type { SecurityEventType } from '../core/index.js';

export interface AuditEventInfo {
  readonly description: string;
  /** Detail keys the event carries beyond time, username and IP. */
  readonly detail: readonly string[];
}

export const AUDIT_EVENTS: Readonly<Record<SecurityEventType, AuditEventInfo>> = {
  'authn.password.succeeded': { description: 'first factor (password) accepted', detail: ['method'] },
  'authn.password.failed': {
    description: 'first factor rejected (unknown user or wrong password)',
    detail: ['method', 'reason'],
  },
  'authn.password.banned': {
    description: 'first factor refused because the user or IP is banned',
    detail: ['method'],
  },
  'authn.totp.succeeded': { description: 'TOTP second factor accepted', detail: [] },
  'authn.totp.failed': { description: 'TOTP second factor rejected', detail: ['reason'] },
  'authn.totp.banned': { description: 'TOTP refused because the user or IP is banned', detail: [] },
  'authn.webauthn.succeeded': { description: 'WebAuthn assertion accepted', detail: [] },
  'authn.webauthn.failed': { description: 'WebAuthn assertion rejected', detail: ['reason'] },
  'device.registered': {
    description: 'a second-factor device (TOTP or WebAuthn) was registered',
    detail: ['kind'],
  },
  'device.removed': { description: 'a second-factor device was removed', detail: ['kind'] },
  'password.changed': { description: 'a user changed their password', detail: [] },
  'password.reset': { description: 'a password was reset through identity validation', detail: [] },
  'session.destroyed': { description: 'the user logged out', detail: [] },
  'session.revoked': {
    description: 'a session was ended by an administrator or a policy',
    detail: ['reason', 'count'],
  },
  'ban.added': {
    description: 'an IP or user was banned',
    detail: ['kind', 'value', 'until', 'source', 'rule'],
  },
  'ban.removed': { description: 'a ban was lifted', detail: ['kind', 'value', 'source'] },
  'config.reloaded': { description: 'the configuration was reloaded', detail: ['sources'] },
  'authz.denied': {
    description: 'an authz endpoint answered 401/403 (or redirected to the portal)',
    detail: ['status', 'outcome', 'policy', 'rule', 'method', 'url', 'endpoint'],
  },
  'authz.allowed': {
    description: 'an authz endpoint allowed a request (recorded per audit.authz_allowed)',
    detail: ['status', 'policy', 'rule', 'method', 'url', 'endpoint'],
  },
  'detection.triggered': {
    description: 'a detection rule crossed its threshold',
    detail: ['rule', 'key', 'count', 'window_ms', 'actions'],
  },
  'audit.dropped': {
    description: 'events that could not be stored while the audit queue was full (count and time range)',
    detail: ['count', 'first_at', 'last_at'],
  },
};

export const AUDIT_EVENT_TYPES = Object.keys(AUDIT_EVENTS) as SecurityEventType[];
