/** The one error type of Portcullis: every expected failure carries a stable code from a closed union. */

export type ErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_UNREADABLE'
  | 'ERR_USERS_FILE_INVALID'
  | 'ERR_USERS_FILE_CREATED'
  | 'ERR_USERS_FILE_WRITE_CONFLICT'
  | 'ERR_HASH_UNKNOWN_FORMAT'
  | 'ERR_HASH_MALFORMED'
  | 'ERR_HASH_PARAMS'
  | 'ERR_AUTHN_FAILED'
  | 'ERR_REGULATION_BANNED'
  | 'ERR_SESSION_INVALID'
  | 'ERR_REQUEST_MALFORMED'
  | 'ERR_REQUEST_TOO_LARGE'
  | 'ERR_TARGET_INVALID'
  | 'ERR_REDIRECT_UNSAFE'
  | 'ERR_TOTP_INVALID'
  | 'ERR_TOTP_NOT_REGISTERED'
  | 'ERR_STORAGE_UNAVAILABLE'
  | 'ERR_STORAGE_ENCRYPTION_KEY'
  | 'ERR_STORAGE_MIGRATION'
  | 'ERR_STORAGE_CONFLICT'
  | 'ERR_CLI_USAGE'
  | 'ERR_OVERLOADED'
  | 'ERR_AUDIT_KEY'
  | 'ERR_AUDIT_UNAVAILABLE'
  | 'ERR_NOTIFIER_UNAVAILABLE'
  | 'ERR_IMPORT_FAILED'
  | 'ERR_INTERNAL';

/** What went wrong in a config or users file, and where. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly source?: { readonly file: string; readonly line: number; readonly col: number } | undefined;
}

export class PortcullisError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'PortcullisError';
  }
}

/** Configuration (or users file) failed validation; `issues` holds every problem found, not just the first. */
export class ConfigError extends PortcullisError {
  readonly issues: readonly ConfigIssue[];
  constructor(
    issues: readonly ConfigIssue[],
    code: 'ERR_CONFIG_INVALID' | 'ERR_USERS_FILE_INVALID' = 'ERR_CONFIG_INVALID',
  ) {
    const errors = issues.filter((i) => i.severity === 'error').length;
    super(code, `configuration has ${errors} error${errors === 1 ? '' : 's'}`);
    this.issues = issues;
    this.name = 'ConfigError';
  }
}

/** A login attempt hit a ban; callers answer exactly as for a wrong password. */
export class BannedError extends PortcullisError {
  readonly until: Date;
  constructor(until: Date) {
    super('ERR_REGULATION_BANNED', 'banned');
    this.until = until;
    this.name = 'BannedError';
  }
}

export function isPortcullisError(e: unknown): e is PortcullisError {
  return e instanceof PortcullisError;
}

/** Every code, for the docs check (a code missing from docs/errors.md fails the test suite). */
export const ERROR_CODES: readonly ErrorCode[] = [
  'ERR_CONFIG_INVALID',
  'ERR_CONFIG_UNREADABLE',
  'ERR_USERS_FILE_INVALID',
  'ERR_USERS_FILE_CREATED',
  'ERR_USERS_FILE_WRITE_CONFLICT',
  'ERR_HASH_UNKNOWN_FORMAT',
  'ERR_HASH_MALFORMED',
  'ERR_HASH_PARAMS',
  'ERR_AUTHN_FAILED',
  'ERR_REGULATION_BANNED',
  'ERR_SESSION_INVALID',
  'ERR_REQUEST_MALFORMED',
  'ERR_REQUEST_TOO_LARGE',
  'ERR_TARGET_INVALID',
  'ERR_REDIRECT_UNSAFE',
  'ERR_TOTP_INVALID',
  'ERR_TOTP_NOT_REGISTERED',
  'ERR_STORAGE_UNAVAILABLE',
  'ERR_STORAGE_ENCRYPTION_KEY',
  'ERR_STORAGE_MIGRATION',
  'ERR_STORAGE_CONFLICT',
  'ERR_CLI_USAGE',
  'ERR_OVERLOADED',
  'ERR_AUDIT_KEY',
  'ERR_AUDIT_UNAVAILABLE',
  'ERR_NOTIFIER_UNAVAILABLE',
  'ERR_IMPORT_FAILED',
  'ERR_INTERNAL',
];
