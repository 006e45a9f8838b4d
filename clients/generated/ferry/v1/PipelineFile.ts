// Original file: proto/ferry/v1/pipeline.proto


/**
 * One file of a pipeline.
 */
export interface PipelineFileInput {
  /**
   * The file name relative to the pipeline's directory: "config.yaml" or "jobs/<job>.yaml".
   * For jobs a bare "<job>.yaml" is accepted and stored as "jobs/<job>.yaml".
   */
  'name'?: (string);
  /**
   * The file's text, UTF-8 YAML.
   */
  'content'?: (string);
}

/**
 * One file of a pipeline.
 */
export interface PipelineFile {
  /**
   * The file name relative to the pipeline's directory: "config.yaml" or "jobs/<job>.yaml".
   * For jobs a bare "<job>.yaml" is accepted and stored as "jobs/<job>.yaml".
   */
  'name': (string);
  /**
   * The file's text, UTF-8 YAML.
   */
  'content': (string);
}
