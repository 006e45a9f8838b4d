/**
 * A pipeline's configuration (config.yaml and jobs/<name>.yaml, RDI's job format): validation with every
 * problem located by file, line, column and path; compilation into a typed model with defaults applied;
 * secret references; redaction. The reference for users is docs/configuration.md.
 */
export { validatePipeline, parsePipeline, findSecretReferences } from './validate-pipeline.js';
export type { PipelineFiles, ValidationResult } from './validate-pipeline.js';
export type { SourceFile } from './yaml-source.js';
export { redactConfig, REDACTED } from './redact.js';
export { jobNameOf } from './cross-file-checks.js';
export { isScriptFile, scriptFileName, scriptSource } from './script-files.js';
export type { SecretReference, SecretReferenceKind } from './secret-references.js';
export { compileApplierOptions, compileChangeLogOptions } from './config-schema.js';
export type { ApplierUserOptions, ChangeLogUserOptions } from './config-schema.js';
export {
  ApplierDefaults,
  ChangeLogDefaults,
  ConnectionDefaults,
  CONNECTION_TYPES,
  RELATIONAL_CONNECTION_TYPES,
} from './model.js';
export type {
  PipelineConfig,
  ConnectionConfig,
  ConnectionType,
  RelationalConnection,
  RelationalConnectionType,
  RedisConnection,
  SourceConfig,
  CaptureMode,
  TlsOptions,
  DriverArgument,
  ApplierOptions,
  ErrorHandling,
  TargetDataType,
  ChangeLogOptions,
} from './model.js';
export { TransformDefaults } from './job-model.js';
export type {
  JobConfig,
  WriteBehindJob,
  IngestJob,
  WriteBehindSource,
  IngestSource,
  RowFormat,
  Expression,
  ExpressionLanguage,
  TransformBlock,
  AddFieldTransform,
  FilterTransform,
  MapTransform,
  MapExpression,
  MapObject,
  RemoveFieldTransform,
  RenameFieldTransform,
  KeyTransform,
  JsTransform,
  FieldExpression,
  FieldRename,
  OutputBlock,
  RelationalWriteOutput,
  RedisWriteOutput,
  FieldMapping,
  LoadStrategy,
  InactiveRecordColumn,
  RedisDataType,
  NestOptions,
} from './job-model.js';
export type { ConfigProblem } from '../errors.js';
export { ConfigValidationError } from '../errors.js';
