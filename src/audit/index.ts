/** The audit module's public surface (re-exported from src/index.ts by the lead). */
export { AuditLog, AuditAppendEvent, AuditHealthEvent, type AuditHealth, type AuditLogOptions, type FailMode, type RetentionPolicy } from './audit-log.js';
export * from './record.js';
export { redact, redactValue, redactString, luhn, DEFAULT_SENSITIVE_KEYS, type RedactionPattern, type RedactOptions, type RedactionSummary } from './redact.js';
export { auditResult, redactAuditInput, RESULT_PREVIEW_CHARS, type AuditRedaction } from './redact-record.js';
export { findSecrets, loadSecretRules, secretRulesLoaded, shannonEntropy, type SecretFinding, type SecretCategory } from './secrets.js';
export { verifyChain, type BreakReason, type VerifyResult, type VerifyOptions } from './verify.js';
export { exportJsonl, parseJsonl, verifyJsonl, EXPORT_FORMAT, type ExportHeader } from './export.js';
export { toOtlpLogs, sendOtlpLogs, forwardToOtlp, type OtlpLogsRequest, type OtlpOptions } from './otlp.js';
export { matchesFilter, type AuditFilter } from './filter.js';
export { sha256Hex } from './sha256.js';
export { MemoryAuditSource, type AuditSource } from './source.js';
