/** SQLite schema migrations as data (tsc does not copy .sql files). Same version number = same change on every engine. */
import { AUDIT_SQLITE_DDL } from '../audit-sql.js';
import type { Migration } from '../migrate.js';

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: `
CREATE TABLE encryption (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, value BLOB NOT NULL);
CREATE TABLE authentication_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, successful INTEGER NOT NULL, banned INTEGER NOT NULL DEFAULT 0,
  username TEXT NOT NULL, auth_type TEXT NOT NULL, remote_ip TEXT NOT NULL, request_uri TEXT NOT NULL DEFAULT '',
  request_method TEXT NOT NULL DEFAULT '');
CREATE INDEX authentication_logs_username_time ON authentication_logs (username, time);
CREATE INDEX authentication_logs_ip_time ON authentication_logs (remote_ip, time);
CREATE TABLE banned_user (
  id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, expires INTEGER, revoked INTEGER, username TEXT NOT NULL,
  source TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
CREATE INDEX banned_user_lookup ON banned_user (username, expires);
CREATE TABLE banned_ip (
  id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, expires INTEGER, revoked INTEGER, ip TEXT NOT NULL,
  source TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
CREATE INDEX banned_ip_lookup ON banned_ip (ip, expires);
CREATE TABLE totp_configurations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, last_used_at INTEGER, username TEXT NOT NULL UNIQUE,
  issuer TEXT NOT NULL, algorithm TEXT NOT NULL, digits INTEGER NOT NULL, period INTEGER NOT NULL, secret BLOB NOT NULL);
CREATE TABLE totp_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL, step INTEGER NOT NULL, created_at INTEGER NOT NULL,
  UNIQUE (username, step));
CREATE TABLE user_preferences (username TEXT PRIMARY KEY, second_factor_method TEXT NOT NULL);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, cookie_domain TEXT NOT NULL, username TEXT NOT NULL, data TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_activity INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX sessions_username ON sessions (username);
CREATE INDEX sessions_expires_at ON sessions (expires_at);`,
    down: `
DROP TABLE sessions; DROP TABLE user_preferences; DROP TABLE totp_history; DROP TABLE totp_configurations;
DROP TABLE banned_ip; DROP TABLE banned_user; DROP TABLE authentication_logs; DROP TABLE encryption;`,
  },
  {
    version: 2,
    name: 'audit_log',
    up: AUDIT_SQLITE_DDL,
    down: 'DROP TABLE audit_meta; DROP TABLE audit_checkpoints; DROP TABLE audit_log;',
  },
  {
    version: 3,
    name: 'credentials',
    up: `
CREATE TABLE webauthn_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT, rpid TEXT NOT NULL, username TEXT NOT NULL, userid TEXT NOT NULL,
  UNIQUE (rpid, username), UNIQUE (rpid, userid));
CREATE TABLE webauthn_credentials (
  id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, last_used_at INTEGER, rpid TEXT NOT NULL,
  username TEXT NOT NULL, description TEXT NOT NULL, kid TEXT NOT NULL UNIQUE, aaguid TEXT,
  attestation_type TEXT NOT NULL DEFAULT '', attachment TEXT NOT NULL DEFAULT '', transport TEXT NOT NULL DEFAULT '',
  sign_count INTEGER NOT NULL DEFAULT 0, clone_warning INTEGER NOT NULL DEFAULT 0, discoverable INTEGER NOT NULL DEFAULT 0,
  present INTEGER NOT NULL DEFAULT 0, verified INTEGER NOT NULL DEFAULT 0, backup_eligible INTEGER NOT NULL DEFAULT 0,
  backup_state INTEGER NOT NULL DEFAULT 0, public_key BLOB NOT NULL, attestation BLOB,
  UNIQUE (username, description));
CREATE INDEX webauthn_credentials_lookup ON webauthn_credentials (username, rpid);
CREATE TABLE webauthn_challenges (
  challenge TEXT PRIMARY KEY, kind TEXT NOT NULL, username TEXT NOT NULL, binding TEXT NOT NULL, data TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE TABLE one_time_code (
  id INTEGER PRIMARY KEY AUTOINCREMENT, public_id TEXT NOT NULL UNIQUE, signature TEXT NOT NULL UNIQUE,
  issued_at INTEGER NOT NULL, issued_ip TEXT NOT NULL, expires_at INTEGER NOT NULL, username TEXT NOT NULL,
  intent TEXT NOT NULL, consumed_at INTEGER, consumed_ip TEXT, revoked_at INTEGER, revoked_ip TEXT, code BLOB NOT NULL);
CREATE TABLE identity_verification (
  id INTEGER PRIMARY KEY AUTOINCREMENT, jti TEXT NOT NULL UNIQUE, iat INTEGER NOT NULL, issued_ip TEXT NOT NULL,
  exp INTEGER NOT NULL, username TEXT NOT NULL, action TEXT NOT NULL, consumed INTEGER, consumed_ip TEXT,
  revoked INTEGER, revoked_ip TEXT);`,
    down: `
DROP TABLE identity_verification; DROP TABLE one_time_code; DROP TABLE webauthn_challenges;
DROP TABLE webauthn_credentials; DROP TABLE webauthn_users;`,
  },
];
