// Original file: proto/ferry/v1/cluster.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DrainWorkerRequestInput as _ferry_v1_DrainWorkerRequestInput, DrainWorkerRequest as _ferry_v1_DrainWorkerRequest } from '../../ferry/v1/DrainWorkerRequest.js';
import type { DrainWorkerResponseInput as _ferry_v1_DrainWorkerResponseInput, DrainWorkerResponse as _ferry_v1_DrainWorkerResponse } from '../../ferry/v1/DrainWorkerResponse.js';
import type { ListLeasesRequestInput as _ferry_v1_ListLeasesRequestInput, ListLeasesRequest as _ferry_v1_ListLeasesRequest } from '../../ferry/v1/ListLeasesRequest.js';
import type { ListLeasesResponseInput as _ferry_v1_ListLeasesResponseInput, ListLeasesResponse as _ferry_v1_ListLeasesResponse } from '../../ferry/v1/ListLeasesResponse.js';
import type { ListWorkersRequestInput as _ferry_v1_ListWorkersRequestInput, ListWorkersRequest as _ferry_v1_ListWorkersRequest } from '../../ferry/v1/ListWorkersRequest.js';
import type { ListWorkersResponseInput as _ferry_v1_ListWorkersResponseInput, ListWorkersResponse as _ferry_v1_ListWorkersResponse } from '../../ferry/v1/ListWorkersResponse.js';

export interface ClusterServiceClient extends grpc.Client {
  /**
   * Asks a worker to hand its leases over gracefully and take no new ones. Operator role.
   * Errors: NOT_FOUND for an unknown worker.
   */
  DrainWorker(argument: _ferry_v1_DrainWorkerRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  DrainWorker(argument: _ferry_v1_DrainWorkerRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  DrainWorker(argument: _ferry_v1_DrainWorkerRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  DrainWorker(argument: _ferry_v1_DrainWorkerRequestInput, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  /**
   * Asks a worker to hand its leases over gracefully and take no new ones. Operator role.
   * Errors: NOT_FOUND for an unknown worker.
   */
  drainWorker(argument: _ferry_v1_DrainWorkerRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  drainWorker(argument: _ferry_v1_DrainWorkerRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  drainWorker(argument: _ferry_v1_DrainWorkerRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  drainWorker(argument: _ferry_v1_DrainWorkerRequestInput, callback: grpc.requestCallback<_ferry_v1_DrainWorkerResponse>): grpc.ClientUnaryCall;
  
  /**
   * Current leases, one per unit of work. Viewer role.
   */
  ListLeases(argument: _ferry_v1_ListLeasesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  ListLeases(argument: _ferry_v1_ListLeasesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  ListLeases(argument: _ferry_v1_ListLeasesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  ListLeases(argument: _ferry_v1_ListLeasesRequestInput, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  /**
   * Current leases, one per unit of work. Viewer role.
   */
  listLeases(argument: _ferry_v1_ListLeasesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  listLeases(argument: _ferry_v1_ListLeasesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  listLeases(argument: _ferry_v1_ListLeasesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  listLeases(argument: _ferry_v1_ListLeasesRequestInput, callback: grpc.requestCallback<_ferry_v1_ListLeasesResponse>): grpc.ClientUnaryCall;
  
  /**
   * Workers known to the cluster: live ones and those gone within the last minutes. Viewer role.
   */
  ListWorkers(argument: _ferry_v1_ListWorkersRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  ListWorkers(argument: _ferry_v1_ListWorkersRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  ListWorkers(argument: _ferry_v1_ListWorkersRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  ListWorkers(argument: _ferry_v1_ListWorkersRequestInput, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  /**
   * Workers known to the cluster: live ones and those gone within the last minutes. Viewer role.
   */
  listWorkers(argument: _ferry_v1_ListWorkersRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  listWorkers(argument: _ferry_v1_ListWorkersRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  listWorkers(argument: _ferry_v1_ListWorkersRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  listWorkers(argument: _ferry_v1_ListWorkersRequestInput, callback: grpc.requestCallback<_ferry_v1_ListWorkersResponse>): grpc.ClientUnaryCall;
  
}

export interface ClusterServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Asks a worker to hand its leases over gracefully and take no new ones. Operator role.
   * Errors: NOT_FOUND for an unknown worker.
   */
  DrainWorker: grpc.handleUnaryCall<_ferry_v1_DrainWorkerRequest, _ferry_v1_DrainWorkerResponseInput>;
  
  /**
   * Current leases, one per unit of work. Viewer role.
   */
  ListLeases: grpc.handleUnaryCall<_ferry_v1_ListLeasesRequest, _ferry_v1_ListLeasesResponseInput>;
  
  /**
   * Workers known to the cluster: live ones and those gone within the last minutes. Viewer role.
   */
  ListWorkers: grpc.handleUnaryCall<_ferry_v1_ListWorkersRequest, _ferry_v1_ListWorkersResponseInput>;
  
}

export interface ClusterServiceDefinition extends grpc.ServiceDefinition {
  DrainWorker: MethodDefinition<_ferry_v1_DrainWorkerRequestInput, _ferry_v1_DrainWorkerResponseInput, _ferry_v1_DrainWorkerRequest, _ferry_v1_DrainWorkerResponse>
  ListLeases: MethodDefinition<_ferry_v1_ListLeasesRequestInput, _ferry_v1_ListLeasesResponseInput, _ferry_v1_ListLeasesRequest, _ferry_v1_ListLeasesResponse>
  ListWorkers: MethodDefinition<_ferry_v1_ListWorkersRequestInput, _ferry_v1_ListWorkersResponseInput, _ferry_v1_ListWorkersRequest, _ferry_v1_ListWorkersResponse>
}
