// Original file: proto/ferry/v1/pipeline.proto


/**
 * One problem in a pipeline's files. Carried in ValidationErrors in the details of an INVALID_ARGUMENT status.
 */
export interface ValidationProblemInput {
  /**
   * "config.yaml" or "jobs/<job>.yaml".
   */
  'file'?: (string);
  /**
   * 1-based line; 0 when the problem concerns the whole file.
   */
  'line'?: (number);
  /**
   * 1-based column; 0 when unknown.
   */
  'column'?: (number);
  /**
   * Dotted path inside the document, [i] for list items, e.g. "output[0].with.table"; empty for the document.
   */
  'path'?: (string);
  /**
   * What is wrong and, where it helps, what to do. Never contains a secret.
   */
  'message'?: (string);
}

/**
 * One problem in a pipeline's files. Carried in ValidationErrors in the details of an INVALID_ARGUMENT status.
 */
export interface ValidationProblem {
  /**
   * "config.yaml" or "jobs/<job>.yaml".
   */
  'file': (string);
  /**
   * 1-based line; 0 when the problem concerns the whole file.
   */
  'line': (number);
  /**
   * 1-based column; 0 when unknown.
   */
  'column': (number);
  /**
   * Dotted path inside the document, [i] for list items, e.g. "output[0].with.table"; empty for the document.
   */
  'path': (string);
  /**
   * What is wrong and, where it helps, what to do. Never contains a secret.
   */
  'message': (string);
}
