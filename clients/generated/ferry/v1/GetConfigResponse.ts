// Original file: proto/ferry/v1/pipeline.proto

import type { ConfigVersionInput as _ferry_v1_ConfigVersionInput, ConfigVersion as _ferry_v1_ConfigVersion } from '../../ferry/v1/ConfigVersion.js';
import type { PipelineFileInput as _ferry_v1_PipelineFileInput, PipelineFile as _ferry_v1_PipelineFile } from '../../ferry/v1/PipelineFile.js';

export interface GetConfigResponseInput {
  'version'?: (_ferry_v1_ConfigVersionInput | null);
  /**
   * config.yaml as deployed, with literal secret values replaced by "******". References such as
   * ${env:NAME} or ${secret:NAME} are kept as written; they are never resolved here.
   */
  'config'?: (_ferry_v1_PipelineFileInput | null);
  /**
   * The job files as deployed.
   */
  'jobs'?: (_ferry_v1_PipelineFileInput)[];
}

export interface GetConfigResponse {
  'version': (_ferry_v1_ConfigVersion | null);
  /**
   * config.yaml as deployed, with literal secret values replaced by "******". References such as
   * ${env:NAME} or ${secret:NAME} are kept as written; they are never resolved here.
   */
  'config': (_ferry_v1_PipelineFile | null);
  /**
   * The job files as deployed.
   */
  'jobs': (_ferry_v1_PipelineFile)[];
}
