// Original file: proto/ferry/v1/pipeline.proto

import type { ValidationProblemInput as _ferry_v1_ValidationProblemInput, ValidationProblem as _ferry_v1_ValidationProblem } from '../../ferry/v1/ValidationProblem.js';

/**
 * Status detail of INVALID_ARGUMENT answers to Deploy and Validate: every problem found, in file order.
 */
export interface ValidationErrorsInput {
  'problems'?: (_ferry_v1_ValidationProblemInput)[];
}

/**
 * Status detail of INVALID_ARGUMENT answers to Deploy and Validate: every problem found, in file order.
 */
export interface ValidationErrors {
  'problems': (_ferry_v1_ValidationProblem)[];
}
