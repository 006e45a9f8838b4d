import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ListRejectsRequestInput as _ferry_v1_ListRejectsRequestInput, ListRejectsRequest as _ferry_v1_ListRejectsRequest } from './ferry/v1/ListRejectsRequest.js';
import type { ListRejectsResponseInput as _ferry_v1_ListRejectsResponseInput, ListRejectsResponse as _ferry_v1_ListRejectsResponse } from './ferry/v1/ListRejectsResponse.js';
import type { PurgeRejectsRequestInput as _ferry_v1_PurgeRejectsRequestInput, PurgeRejectsRequest as _ferry_v1_PurgeRejectsRequest } from './ferry/v1/PurgeRejectsRequest.js';
import type { PurgeRejectsResponseInput as _ferry_v1_PurgeRejectsResponseInput, PurgeRejectsResponse as _ferry_v1_PurgeRejectsResponse } from './ferry/v1/PurgeRejectsResponse.js';
import type { RejectedRecordInput as _ferry_v1_RejectedRecordInput, RejectedRecord as _ferry_v1_RejectedRecord } from './ferry/v1/RejectedRecord.js';
import type { RejectsServiceClient as _ferry_v1_RejectsServiceClient, RejectsServiceDefinition as _ferry_v1_RejectsServiceDefinition } from './ferry/v1/RejectsService.js';
import type { ReplayRejectsRequestInput as _ferry_v1_ReplayRejectsRequestInput, ReplayRejectsRequest as _ferry_v1_ReplayRejectsRequest } from './ferry/v1/ReplayRejectsRequest.js';
import type { ReplayRejectsResponseInput as _ferry_v1_ReplayRejectsResponseInput, ReplayRejectsResponse as _ferry_v1_ReplayRejectsResponse } from './ferry/v1/ReplayRejectsResponse.js';
import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ferry: {
    v1: {
      ListRejectsRequest: MessageTypeDefinition<_ferry_v1_ListRejectsRequestInput, _ferry_v1_ListRejectsRequest>
      ListRejectsResponse: MessageTypeDefinition<_ferry_v1_ListRejectsResponseInput, _ferry_v1_ListRejectsResponse>
      PurgeRejectsRequest: MessageTypeDefinition<_ferry_v1_PurgeRejectsRequestInput, _ferry_v1_PurgeRejectsRequest>
      PurgeRejectsResponse: MessageTypeDefinition<_ferry_v1_PurgeRejectsResponseInput, _ferry_v1_PurgeRejectsResponse>
      RejectedRecord: MessageTypeDefinition<_ferry_v1_RejectedRecordInput, _ferry_v1_RejectedRecord>
      RejectsService: SubtypeConstructor<typeof grpc.Client, _ferry_v1_RejectsServiceClient> & { service: _ferry_v1_RejectsServiceDefinition }
      ReplayRejectsRequest: MessageTypeDefinition<_ferry_v1_ReplayRejectsRequestInput, _ferry_v1_ReplayRejectsRequest>
      ReplayRejectsResponse: MessageTypeDefinition<_ferry_v1_ReplayRejectsResponseInput, _ferry_v1_ReplayRejectsResponse>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_TimestampInput, _google_protobuf_Timestamp>
    }
  }
}

