// Original file: proto/ferry/v1/pipeline.proto

import type { ConfigVersionInput as _ferry_v1_ConfigVersionInput, ConfigVersion as _ferry_v1_ConfigVersion } from '../../ferry/v1/ConfigVersion.js';
import type { ValidationProblemInput as _ferry_v1_ValidationProblemInput, ValidationProblem as _ferry_v1_ValidationProblem } from '../../ferry/v1/ValidationProblem.js';

export interface DeployResponseInput {
  /**
   * The version just stored.
   */
  'version'?: (_ferry_v1_ConfigVersionInput | null);
  /**
   * Things that are allowed but probably not meant (for example write_batch_size > read_batch_size).
   */
  'warnings'?: (_ferry_v1_ValidationProblemInput)[];
}

export interface DeployResponse {
  /**
   * The version just stored.
   */
  'version': (_ferry_v1_ConfigVersion | null);
  /**
   * Things that are allowed but probably not meant (for example write_batch_size > read_batch_size).
   */
  'warnings': (_ferry_v1_ValidationProblem)[];
}
