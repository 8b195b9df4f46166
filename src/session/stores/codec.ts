/**
 * How persistent stores serialise a session: the fields without a column of their own go into one JSON
 * object, and reading it back validates every field so a record this version cannot read is "no session".
 */
import type { Amr, Elevation, PendingTotp, UserSession } from '../session.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The fields stores keep beside the JSON (their own SQL columns; plain JSON members in Redis). */
export interface SessionColumns {
  readonly cookieDomain: string;
  readonly username: string;
  readonly createdAt: number;
  readonly lastActivity: number;
}

/** The fields that travel in the data object. */
export type SessionData = Omit<
  UserSession,
  'id' | 'cookieDomain' | 'username' | 'createdAt' | 'lastActivity'
>;

export function sessionData(s: UserSession): SessionData {
  return {
    displayName: s.displayName,
    groups: s.groups,
    emails: s.emails,
    keepMeLoggedIn: s.keepMeLoggedIn,
    firstFactorAt: s.firstFactorAt,
    secondFactorAt: s.secondFactorAt,
    amr: s.amr,
    refreshAt: s.refreshAt,
    ip: s.ip,
    elevation: s.elevation,
    pendingTotp: s.pendingTotp,
  };
}

/** The data object as JSON text. */
export function encodeSessionData(s: UserSession): string {
  return JSON.stringify(sessionData(s));
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function readAmr(v: unknown): Amr | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const a = v as Record<string, unknown>;
  if (typeof a['pwd'] !== 'boolean' || typeof a['otp'] !== 'boolean' || typeof a['webauthn'] !== 'boolean') {
    return undefined;
  }
  return {
    pwd: a['pwd'],
    otp: a['otp'],
    webauthn: a['webauthn'],
    ...(a['duo'] === true ? { duo: true } : {}),
    ...(typeof a['hwk'] === 'boolean' ? { hwk: a['hwk'] } : {}),
    ...(typeof a['uv'] === 'boolean' ? { uv: a['uv'] } : {}),
  };
}

/** Rebuilds a session from its columns and parsed data object; undefined when any field is unreadable. */
export function readSession(id: string, cols: SessionColumns, d: unknown): Mutable<UserSession> | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  const o = d as Record<string, unknown>;
  const amr = readAmr(o['amr']);
  if (
    !amr ||
    !isStr(o['displayName']) ||
    !isStrList(o['groups']) ||
    !isStrList(o['emails']) ||
    typeof o['keepMeLoggedIn'] !== 'boolean' ||
    !isNum(o['firstFactorAt']) ||
    !isNum(o['secondFactorAt']) ||
    !isNum(o['refreshAt']) ||
    !isStr(o['ip'])
  ) {
    return undefined;
  }
  const session: Mutable<UserSession> = {
    id,
    cookieDomain: cols.cookieDomain,
    username: cols.username,
    displayName: o['displayName'],
    groups: o['groups'],
    emails: o['emails'],
    keepMeLoggedIn: o['keepMeLoggedIn'],
    createdAt: cols.createdAt,
    lastActivity: cols.lastActivity,
    firstFactorAt: o['firstFactorAt'],
    secondFactorAt: o['secondFactorAt'],
    amr,
    refreshAt: o['refreshAt'],
    ip: o['ip'],
  };
  if (o['elevation'] !== undefined) session.elevation = o['elevation'] as Elevation;
  if (o['pendingTotp'] !== undefined) session.pendingTotp = o['pendingTotp'] as PendingTotp;
  return session;
}

/** readSession over the data object's JSON text. */
export function decodeSessionData(
  id: string,
  cols: SessionColumns,
  json: string,
): Mutable<UserSession> | undefined {
  let d: unknown;
  try {
    d = JSON.parse(json);
  } catch {
    return undefined;
  }
  return readSession(id, cols, d);
}
