/** Public API of audit: the tamper-evident log (hash chain + signed checkpoints), its verifier and JSONL form. */
export { type Canonicalizable, canonicalJson } from './canonical.js';
export { type AuditEventBody, chainHash, chainRecord, GENESIS_HASH, recomputeHash } from './chain.js';
export {
  type CheckpointSigner,
  checkpointSignatureValid,
  createCheckpointSigner,
  generateSigningKey,
  keyIdOf,
  parsePublicKey,
} from './checkpoint.js';
export { AUDIT_EVENT_TYPES, AUDIT_EVENTS, type AuditEventInfo } from './events.js';
export { checkpointLine, entryLine, JsonlMirror, type ParsedLine, parseAuditLine } from './jsonl.js';
export { AuditLog, type AuditLogOptions } from './log.js';
export { exportAuditFile, exportAuditStore, verifyAuditFile, verifyAuditStore } from './sources.js';
export { AuditVerifier, type VerifyItem, type VerifyReport, verifyAuditLog } from './verify.js';
