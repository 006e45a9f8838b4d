import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterServiceClient as _ferry_v1_ClusterServiceClient, ClusterServiceDefinition as _ferry_v1_ClusterServiceDefinition } from './ferry/v1/ClusterService.js';
import type { DrainWorkerRequestInput as _ferry_v1_DrainWorkerRequestInput, DrainWorkerRequest as _ferry_v1_DrainWorkerRequest } from './ferry/v1/DrainWorkerRequest.js';
import type { DrainWorkerResponseInput as _ferry_v1_DrainWorkerResponseInput, DrainWorkerResponse as _ferry_v1_DrainWorkerResponse } from './ferry/v1/DrainWorkerResponse.js';
import type { LeaseInfoInput as _ferry_v1_LeaseInfoInput, LeaseInfo as _ferry_v1_LeaseInfo } from './ferry/v1/LeaseInfo.js';
import type { ListLeasesRequestInput as _ferry_v1_ListLeasesRequestInput, ListLeasesRequest as _ferry_v1_ListLeasesRequest } from './ferry/v1/ListLeasesRequest.js';
import type { ListLeasesResponseInput as _ferry_v1_ListLeasesResponseInput, ListLeasesResponse as _ferry_v1_ListLeasesResponse } from './ferry/v1/ListLeasesResponse.js';
import type { ListWorkersRequestInput as _ferry_v1_ListWorkersRequestInput, ListWorkersRequest as _ferry_v1_ListWorkersRequest } from './ferry/v1/ListWorkersRequest.js';
import type { ListWorkersResponseInput as _ferry_v1_ListWorkersResponseInput, ListWorkersResponse as _ferry_v1_ListWorkersResponse } from './ferry/v1/ListWorkersResponse.js';
import type { WorkerInfoInput as _ferry_v1_WorkerInfoInput, WorkerInfo as _ferry_v1_WorkerInfo } from './ferry/v1/WorkerInfo.js';
import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ferry: {
    v1: {
      ClusterService: SubtypeConstructor<typeof grpc.Client, _ferry_v1_ClusterServiceClient> & { service: _ferry_v1_ClusterServiceDefinition }
      DrainWorkerRequest: MessageTypeDefinition<_ferry_v1_DrainWorkerRequestInput, _ferry_v1_DrainWorkerRequest>
      DrainWorkerResponse: MessageTypeDefinition<_ferry_v1_DrainWorkerResponseInput, _ferry_v1_DrainWorkerResponse>
      LeaseInfo: MessageTypeDefinition<_ferry_v1_LeaseInfoInput, _ferry_v1_LeaseInfo>
      LeaseKind: EnumTypeDefinition
      ListLeasesRequest: MessageTypeDefinition<_ferry_v1_ListLeasesRequestInput, _ferry_v1_ListLeasesRequest>
      ListLeasesResponse: MessageTypeDefinition<_ferry_v1_ListLeasesResponseInput, _ferry_v1_ListLeasesResponse>
      ListWorkersRequest: MessageTypeDefinition<_ferry_v1_ListWorkersRequestInput, _ferry_v1_ListWorkersRequest>
      ListWorkersResponse: MessageTypeDefinition<_ferry_v1_ListWorkersResponseInput, _ferry_v1_ListWorkersResponse>
      WorkerInfo: MessageTypeDefinition<_ferry_v1_WorkerInfoInput, _ferry_v1_WorkerInfo>
      WorkerState: EnumTypeDefinition
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_TimestampInput, _google_protobuf_Timestamp>
    }
  }
}

