/**
 * The MySQL/MariaDB target writer: the only public door of worker/targets/mysql. A piscina task module
 * creates one MysqlWriter per thread and calls applyBatch per write batch; see writer.ts for the
 * transaction, convert.ts for how values are converted and errors.ts for what is transient and what a reject.
 */
export { MysqlWriter } from './writer.js';
export {
  FencedError,
  TargetAuthError,
  TargetError,
  TargetSchemaError,
  TargetWriteError,
  TransientTargetError,
  classifyMysqlError,
  toTransferableError,
} from './errors.js';
export type {
  MysqlErrorClass,
  TargetErrorCode,
  TargetErrorContext,
  TransferableTargetError,
} from './errors.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_POOL_SIZE } from './options.js';
export { compareStreamIds } from './stream-id.js';
export type {
  ApplyHooks,
  ApplyMode,
  BatchResult,
  Checkpoint,
  ColumnValue,
  LoadStrategy,
  MysqlTargetOptions,
  MysqlTargetTls,
  RejectCode,
  RejectedRow,
  RowChange,
  TableBatch,
  TableRef,
  TargetLogger,
  Type2Options,
  WriteBatch,
} from './types.js';
