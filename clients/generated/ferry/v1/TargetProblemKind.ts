// Original file: proto/ferry/v1/pipeline.proto

/**
 * What a check of the targets (ValidateRequest.check_targets) found.
 */
export const TargetProblemKind = {
  TARGET_PROBLEM_KIND_UNSPECIFIED: 'TARGET_PROBLEM_KIND_UNSPECIFIED',
  /**
   * The connection or source cannot be used: no connection (refused, timed out), login refused, a setting
   * that does not resolve, or a mysql connection without the database that holds ferry_checkpoints. The
   * other checks that need it were skipped.
   */
  TARGET_PROBLEM_KIND_UNREACHABLE: 'TARGET_PROBLEM_KIND_UNREACHABLE',
  /**
   * The output's table does not exist (or the connection's user cannot see it).
   */
  TARGET_PROBLEM_KIND_TABLE_MISSING: 'TARGET_PROBLEM_KIND_TABLE_MISSING',
  /**
   * A mapped column does not exist; with an empty mapping, a field of the sampled records has no column.
   */
  TARGET_PROBLEM_KIND_COLUMN_MISSING: 'TARGET_PROBLEM_KIND_COLUMN_MISSING',
  /**
   * A key column does not exist.
   */
  TARGET_PROBLEM_KIND_KEY_COLUMN_MISSING: 'TARGET_PROBLEM_KIND_KEY_COLUMN_MISSING',
  /**
   * The keys are not exactly the columns of the PRIMARY KEY or of a UNIQUE index.
   */
  TARGET_PROBLEM_KIND_KEYS_NOT_UNIQUE: 'TARGET_PROBLEM_KIND_KEYS_NOT_UNIQUE',
  /**
   * A written column cannot be written at all: generated, or of a type the writer does not support.
   */
  TARGET_PROBLEM_KIND_COLUMN_NOT_WRITABLE: 'TARGET_PROBLEM_KIND_COLUMN_NOT_WRITABLE',
  /**
   * Values of sampled rows do not convert to the column's type; the writer would reject those rows.
   */
  TARGET_PROBLEM_KIND_VALUES_DO_NOT_CONVERT: 'TARGET_PROBLEM_KIND_VALUES_DO_NOT_CONVERT',
  /**
   * Sampled keys that cannot become rows at all (a key column without a value, an unsupported Redis type).
   */
  TARGET_PROBLEM_KIND_RECORDS_REJECTED: 'TARGET_PROBLEM_KIND_RECORDS_REJECTED',
  /**
   * A warning: Ferry cannot check this target type yet.
   */
  TARGET_PROBLEM_KIND_NOT_CHECKED: 'TARGET_PROBLEM_KIND_NOT_CHECKED',
} as const;

/**
 * What a check of the targets (ValidateRequest.check_targets) found.
 */
export type TargetProblemKindInput =
  | 'TARGET_PROBLEM_KIND_UNSPECIFIED'
  | 0
  /**
   * The connection or source cannot be used: no connection (refused, timed out), login refused, a setting
   * that does not resolve, or a mysql connection without the database that holds ferry_checkpoints. The
   * other checks that need it were skipped.
   */
  | 'TARGET_PROBLEM_KIND_UNREACHABLE'
  | 1
  /**
   * The output's table does not exist (or the connection's user cannot see it).
   */
  | 'TARGET_PROBLEM_KIND_TABLE_MISSING'
  | 2
  /**
   * A mapped column does not exist; with an empty mapping, a field of the sampled records has no column.
   */
  | 'TARGET_PROBLEM_KIND_COLUMN_MISSING'
  | 3
  /**
   * A key column does not exist.
   */
  | 'TARGET_PROBLEM_KIND_KEY_COLUMN_MISSING'
  | 4
  /**
   * The keys are not exactly the columns of the PRIMARY KEY or of a UNIQUE index.
   */
  | 'TARGET_PROBLEM_KIND_KEYS_NOT_UNIQUE'
  | 5
  /**
   * A written column cannot be written at all: generated, or of a type the writer does not support.
   */
  | 'TARGET_PROBLEM_KIND_COLUMN_NOT_WRITABLE'
  | 6
  /**
   * Values of sampled rows do not convert to the column's type; the writer would reject those rows.
   */
  | 'TARGET_PROBLEM_KIND_VALUES_DO_NOT_CONVERT'
  | 7
  /**
   * Sampled keys that cannot become rows at all (a key column without a value, an unsupported Redis type).
   */
  | 'TARGET_PROBLEM_KIND_RECORDS_REJECTED'
  | 8
  /**
   * A warning: Ferry cannot check this target type yet.
   */
  | 'TARGET_PROBLEM_KIND_NOT_CHECKED'
  | 9

/**
 * What a check of the targets (ValidateRequest.check_targets) found.
 */
export type TargetProblemKind = typeof TargetProblemKind[keyof typeof TargetProblemKind]
