/** Exit codes scripts can rely on; documented in the README. */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** The check answered "no": invalid config, password mismatch, policy denied, findings at --fail-on. */
  FAILED: 1,
  /** Wrong usage: unknown command or flag, missing argument. */
  USAGE: 2,
  /** Could not run: I/O error, storage unavailable, server failed to start. */
  RUNTIME: 3,
} as const;
