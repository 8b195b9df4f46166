/** Public API of core: errors, decision vocabulary, clock, randomness, logger interface. */

export { type Clock, ManualClock, systemClock } from './clock.js';
export {
  BannedError,
  ConfigError,
  type ConfigIssue,
  ERROR_CODES,
  type ErrorCode,
  isPortcullisError,
  PortcullisError,
} from './errors.js';
export {
  type AuditAppendEvent,
  type AuthzEvent,
  type BanEvent,
  CHANNELS,
  type ChannelName,
  type EventValue,
  publishAuditAppend,
  publishAuthzEvent,
  publishBanEvent,
  publishRequestEvent,
  publishSecurityEvent,
  type RequestEvent,
  type SecurityEvent,
  type SecurityEventType,
} from './events.js';
export { type Logger, silentLogger } from './log.js';
export { ALPHANUMERIC, randomString, randomToken, safeEqual } from './random.js';
export type { AuthLevel, Decision, Outcome, Policy, Subject, Target } from './types.js';
export { startModuleWorker } from './worker.js';
