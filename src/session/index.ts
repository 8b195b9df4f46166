/** Public API of session: the model, cookie helpers, the manager and the store implementations. */

export { deletionCookie, readSessionCookie, serializeSessionCookie } from './cookie.js';
export { hashSessionId, isSessionId, newSessionId, SESSION_ID_LENGTH } from './id.js';
export {
  type CreateOptions,
  type DestroyReason,
  type LoadOptions,
  type LoadResult,
  SessionManager,
  type SessionManagerDeps,
  type UserProfile,
} from './manager.js';
export {
  type Amr,
  type AuthLevelOptions,
  authLevel,
  type Elevation,
  expiresAt,
  hasKnowledge,
  hasPossession,
  isExpired,
  isInactive,
  type PendingTotp,
  rememberMeEnabled,
  sameStringSet,
  sessionLifetime,
  type UserSession,
} from './session.js';
export type { SessionFilter, SessionStore } from './store.js';
export { MemorySessionStore, type MemorySessionStoreOptions } from './stores/memory.js';
export { RedisSessionStore, type RedisSessionStoreOptions, type SessionCipher } from './stores/redis.js';
export { SqlSessionStore, type SqlSessionStoreOptions } from './stores/sql.js';
