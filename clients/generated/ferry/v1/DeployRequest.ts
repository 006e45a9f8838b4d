// Original file: proto/ferry/v1/pipeline.proto

import type { PipelineFileInput as _ferry_v1_PipelineFileInput, PipelineFile as _ferry_v1_PipelineFile } from '../../ferry/v1/PipelineFile.js';
import type { Long } from '@grpc/proto-loader';

export interface DeployRequestInput {
  /**
   * config.yaml: connections, sources, applier settings.
   */
  'config'?: (_ferry_v1_PipelineFileInput | null);
  /**
   * One file per job. The job's name is the file's base name.
   */
  'jobs'?: (_ferry_v1_PipelineFileInput)[];
  /**
   * Compare-and-set: when set, the deploy succeeds only if the newest stored version equals this one
   * (0 means "nothing deployed yet"). Unset: deploy on top of whatever is there.
   */
  'expectedVersion'?: (number | string | Long);
  /**
   * Free text kept with the version, shown in the history (for example a commit id or a ticket).
   */
  'description'?: (string);
  '_expectedVersion'?: "expectedVersion";
}

export interface DeployRequest {
  /**
   * config.yaml: connections, sources, applier settings.
   */
  'config': (_ferry_v1_PipelineFile | null);
  /**
   * One file per job. The job's name is the file's base name.
   */
  'jobs': (_ferry_v1_PipelineFile)[];
  /**
   * Compare-and-set: when set, the deploy succeeds only if the newest stored version equals this one
   * (0 means "nothing deployed yet"). Unset: deploy on top of whatever is there.
   */
  'expectedVersion'?: (number);
  /**
   * Free text kept with the version, shown in the history (for example a commit id or a ticket).
   */
  'description': (string);
  '_expectedVersion'?: "expectedVersion";
}
