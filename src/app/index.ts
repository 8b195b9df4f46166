/** Public API of app: the runtime (composition root) and the flows the http layer renders. */

export {
  currentVersion,
  type Migration,
  migrateDown,
  migrateUp,
  migrationHistory,
} from '../storage/migrate.js';
export { migrationsFor } from '../storage/migrations/server.js';
export {
  type Authorizer,
  type AuthzRequest,
  type AuthzResult,
  createAuthorizer,
} from './authorize-request.js';
export {
  createElevationFlow,
  type ElevationFlow,
  type ElevationNeed,
  type ElevationStatus,
  OTC_CHARSET,
} from './elevation.js';
export { createEnrolmentFlow, type EnrolmentFlow } from './enrolment.js';
export { type ImportReport, importAuthelia } from './import-authelia.js';
export { createLimiter, type Limiter } from './limiter.js';
export { createLogger } from './logger.js';
export { createPortalFlows, type FlowResult, type PortalFlows, type RequestContext } from './login.js';
export {
  attachMonitoring,
  type BanAdmin,
  type BanWriter,
  type Monitoring,
  type MonitoringDeps,
  openMonitoringStorage,
} from './monitoring.js';
export {
  createPreferencesFlow,
  type PreferencesFlow,
  type SecondFactorMethodName,
  type UserSecondFactorInfo,
} from './preferences.js';
export { hostWithin, isSafeTarget, UNSAFE_URL_CHARS } from './redirect.js';
export { createPasswordFlow, type PasswordFlow, POLICY_MESSAGE } from './reset-password.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
export { openSessionAdmin } from './session-admin.js';
export { openSqlDatabase, openStorage } from './storage.js';
export { createWebAuthnFlow, type RelyingParty, type WebAuthnFlow } from './webauthn.js';
