// Original file: proto/ferry/v1/pipeline.proto

import type { PipelineFileInput as _ferry_v1_PipelineFileInput, PipelineFile as _ferry_v1_PipelineFile } from '../../ferry/v1/PipelineFile.js';

export interface ValidateRequestInput {
  'config'?: (_ferry_v1_PipelineFileInput | null);
  'jobs'?: (_ferry_v1_PipelineFileInput)[];
}

export interface ValidateRequest {
  'config': (_ferry_v1_PipelineFile | null);
  'jobs': (_ferry_v1_PipelineFile)[];
}
