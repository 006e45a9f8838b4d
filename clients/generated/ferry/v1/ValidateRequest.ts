// Original file: proto/ferry/v1/pipeline.proto

import type { PipelineFileInput as _ferry_v1_PipelineFileInput, PipelineFile as _ferry_v1_PipelineFile } from '../../ferry/v1/PipelineFile.js';

export interface ValidateRequestInput {
  'config'?: (_ferry_v1_PipelineFileInput | null);
  'jobs'?: (_ferry_v1_PipelineFileInput)[];
  /**
   * Also check the jobs against the real databases, once the files are valid: connect to every mysql and
   * mariadb connection that a write-behind job's relational.write outputs use, compare each output with its
   * table (table, columns, keys against the unique indexes, writable columns), and convert the rows of up to
   * 100 existing keys per job, read from the job's source, with the writer's conversion. Findings come back
   * in target_problems and target_warnings of an OK answer. Each connection times out after 5 s (or its
   * connect_timeout_ms when shorter). Secret references are resolved where the control plane runs. Requires
   * the admin role (the control plane uses the configuration's credentials), where Validate needs viewer.
   */
  'checkTargets'?: (boolean);
}

export interface ValidateRequest {
  'config': (_ferry_v1_PipelineFile | null);
  'jobs': (_ferry_v1_PipelineFile)[];
  /**
   * Also check the jobs against the real databases, once the files are valid: connect to every mysql and
   * mariadb connection that a write-behind job's relational.write outputs use, compare each output with its
   * table (table, columns, keys against the unique indexes, writable columns), and convert the rows of up to
   * 100 existing keys per job, read from the job's source, with the writer's conversion. Findings come back
   * in target_problems and target_warnings of an OK answer. Each connection times out after 5 s (or its
   * connect_timeout_ms when shorter). Secret references are resolved where the control plane runs. Requires
   * the admin role (the control plane uses the configuration's credentials), where Validate needs viewer.
   */
  'checkTargets': (boolean);
}
