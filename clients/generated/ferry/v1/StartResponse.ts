// Original file: proto/ferry/v1/pipeline.proto

import type { EngineStateInput as _ferry_v1_EngineStateInput, EngineState as _ferry_v1_EngineState } from '../../ferry/v1/EngineState.js';

export interface StartResponseInput {
  'state'?: (_ferry_v1_EngineStateInput);
}

export interface StartResponse {
  'state': (_ferry_v1_EngineState);
}
