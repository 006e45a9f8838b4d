/**
 * Status: what workers publish about their work in the state Redis (per-job counters and the last batch's
 * timings, connection reachability) and what the control plane's GetStatus reads back. The only public door
 * of common/status.
 *
 * - Worker side: `StatusRecorder` (`recordBatch`, `recordConnection`).
 * - Control-plane side: `readJobStatuses`, `readConnectionStates`, `readChangeLogBacklog`.
 * - `resetJobStatuses` for a reset and for tests; `redactErrorText` for any error text shown to viewers.
 * - `readCaptureMaintenance`: a capture link's snapshot, reconciliation and backlog fields.
 */
export type { BatchCounts, BatchTimingsRecord, ConnectionState, JobStatusRecord } from './types.js';
export { BATCH_COUNTERS } from './types.js';
export { LAST_BATCH_FIELD, StatusRecorder } from './status-recorder.js';
export { readConnectionStates, readJobStatuses, resetJobStatuses } from './status-reader.js';
export type { ReadStatusOptions } from './status-reader.js';
export { readChangeLogBacklog } from './change-log-backlog.js';
export type { ChangeLogBacklog } from './change-log-backlog.js';
export { REDACTED, redactErrorText } from './redact-error.js';
export { CAPTURE_MAINTENANCE_FIELDS, readCaptureMaintenance } from './capture-status.js';
export type { CaptureMaintenanceStatus } from './capture-status.js';
