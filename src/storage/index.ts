/** Public API of storage for domains: types only. Implementations are imported by app/ directly. */
export type {
  AttemptStore,
  AuditCheckpointRecord,
  AuditHead,
  AuditRecord,
  AuditStore,
  AuthAttempt,
  BanKind,
  BanRecord,
  BanStore,
  PreferencesStore,
  SqlClient,
  SqlValue,
  TotpRecord,
  TotpStore,
} from './types.js';
