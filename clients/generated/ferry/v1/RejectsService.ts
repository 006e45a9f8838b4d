// Original file: proto/ferry/v1/rejects.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListRejectsRequestInput as _ferry_v1_ListRejectsRequestInput, ListRejectsRequest as _ferry_v1_ListRejectsRequest } from '../../ferry/v1/ListRejectsRequest.js';
import type { ListRejectsResponseInput as _ferry_v1_ListRejectsResponseInput, ListRejectsResponse as _ferry_v1_ListRejectsResponse } from '../../ferry/v1/ListRejectsResponse.js';
import type { PurgeRejectsRequestInput as _ferry_v1_PurgeRejectsRequestInput, PurgeRejectsRequest as _ferry_v1_PurgeRejectsRequest } from '../../ferry/v1/PurgeRejectsRequest.js';
import type { PurgeRejectsResponseInput as _ferry_v1_PurgeRejectsResponseInput, PurgeRejectsResponse as _ferry_v1_PurgeRejectsResponse } from '../../ferry/v1/PurgeRejectsResponse.js';
import type { ReplayRejectsRequestInput as _ferry_v1_ReplayRejectsRequestInput, ReplayRejectsRequest as _ferry_v1_ReplayRejectsRequest } from '../../ferry/v1/ReplayRejectsRequest.js';
import type { ReplayRejectsResponseInput as _ferry_v1_ReplayRejectsResponseInput, ReplayRejectsResponse as _ferry_v1_ReplayRejectsResponse } from '../../ferry/v1/ReplayRejectsResponse.js';

export interface RejectsServiceClient extends grpc.Client {
  /**
   * Lists rejected records of one job, oldest first. Viewer role.
   */
  List(argument: _ferry_v1_ListRejectsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  List(argument: _ferry_v1_ListRejectsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  List(argument: _ferry_v1_ListRejectsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  List(argument: _ferry_v1_ListRejectsRequestInput, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  /**
   * Lists rejected records of one job, oldest first. Viewer role.
   */
  list(argument: _ferry_v1_ListRejectsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  list(argument: _ferry_v1_ListRejectsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  list(argument: _ferry_v1_ListRejectsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  list(argument: _ferry_v1_ListRejectsRequestInput, callback: grpc.requestCallback<_ferry_v1_ListRejectsResponse>): grpc.ClientUnaryCall;
  
  /**
   * Deletes rejected records. Operator role.
   */
  Purge(argument: _ferry_v1_PurgeRejectsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  Purge(argument: _ferry_v1_PurgeRejectsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  Purge(argument: _ferry_v1_PurgeRejectsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  Purge(argument: _ferry_v1_PurgeRejectsRequestInput, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  /**
   * Deletes rejected records. Operator role.
   */
  purge(argument: _ferry_v1_PurgeRejectsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  purge(argument: _ferry_v1_PurgeRejectsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  purge(argument: _ferry_v1_PurgeRejectsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  purge(argument: _ferry_v1_PurgeRejectsRequestInput, callback: grpc.requestCallback<_ferry_v1_PurgeRejectsResponse>): grpc.ClientUnaryCall;
  
  /**
   * Replays rejected records through the pipeline, after their cause is fixed. Apply is state-based: for each
   * record's key, a change event is appended to the change log, and the partition's lease holder applies it
   * in order with the key's other changes, writing the key's current value in the source Redis, not the
   * values stored with the record (a key deleted since is deleted in the target). The records leave the
   * stream; a key the target refuses again comes back as a new record. The call waits for apply up to 30 s,
   * or until shortly before its deadline, and tells which keys were written, rejected again or still
   * pending. FAILED_PRECONDITION for ingest jobs (not supported yet). Operator role.
   */
  Replay(argument: _ferry_v1_ReplayRejectsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  Replay(argument: _ferry_v1_ReplayRejectsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  Replay(argument: _ferry_v1_ReplayRejectsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  Replay(argument: _ferry_v1_ReplayRejectsRequestInput, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  /**
   * Replays rejected records through the pipeline, after their cause is fixed. Apply is state-based: for each
   * record's key, a change event is appended to the change log, and the partition's lease holder applies it
   * in order with the key's other changes, writing the key's current value in the source Redis, not the
   * values stored with the record (a key deleted since is deleted in the target). The records leave the
   * stream; a key the target refuses again comes back as a new record. The call waits for apply up to 30 s,
   * or until shortly before its deadline, and tells which keys were written, rejected again or still
   * pending. FAILED_PRECONDITION for ingest jobs (not supported yet). Operator role.
   */
  replay(argument: _ferry_v1_ReplayRejectsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  replay(argument: _ferry_v1_ReplayRejectsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  replay(argument: _ferry_v1_ReplayRejectsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  replay(argument: _ferry_v1_ReplayRejectsRequestInput, callback: grpc.requestCallback<_ferry_v1_ReplayRejectsResponse>): grpc.ClientUnaryCall;
  
}

export interface RejectsServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Lists rejected records of one job, oldest first. Viewer role.
   */
  List: grpc.handleUnaryCall<_ferry_v1_ListRejectsRequest, _ferry_v1_ListRejectsResponseInput>;
  
  /**
   * Deletes rejected records. Operator role.
   */
  Purge: grpc.handleUnaryCall<_ferry_v1_PurgeRejectsRequest, _ferry_v1_PurgeRejectsResponseInput>;
  
  /**
   * Replays rejected records through the pipeline, after their cause is fixed. Apply is state-based: for each
   * record's key, a change event is appended to the change log, and the partition's lease holder applies it
   * in order with the key's other changes, writing the key's current value in the source Redis, not the
   * values stored with the record (a key deleted since is deleted in the target). The records leave the
   * stream; a key the target refuses again comes back as a new record. The call waits for apply up to 30 s,
   * or until shortly before its deadline, and tells which keys were written, rejected again or still
   * pending. FAILED_PRECONDITION for ingest jobs (not supported yet). Operator role.
   */
  Replay: grpc.handleUnaryCall<_ferry_v1_ReplayRejectsRequest, _ferry_v1_ReplayRejectsResponseInput>;
  
}

export interface RejectsServiceDefinition extends grpc.ServiceDefinition {
  List: MethodDefinition<_ferry_v1_ListRejectsRequestInput, _ferry_v1_ListRejectsResponseInput, _ferry_v1_ListRejectsRequest, _ferry_v1_ListRejectsResponse>
  Purge: MethodDefinition<_ferry_v1_PurgeRejectsRequestInput, _ferry_v1_PurgeRejectsResponseInput, _ferry_v1_PurgeRejectsRequest, _ferry_v1_PurgeRejectsResponse>
  Replay: MethodDefinition<_ferry_v1_ReplayRejectsRequestInput, _ferry_v1_ReplayRejectsResponseInput, _ferry_v1_ReplayRejectsRequest, _ferry_v1_ReplayRejectsResponse>
}
