// Original file: proto/ferry/v1/pipeline.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeployRequestInput as _ferry_v1_DeployRequestInput, DeployRequest as _ferry_v1_DeployRequest } from '../../ferry/v1/DeployRequest.js';
import type { DeployResponseInput as _ferry_v1_DeployResponseInput, DeployResponse as _ferry_v1_DeployResponse } from '../../ferry/v1/DeployResponse.js';
import type { DescribeJobRequestInput as _ferry_v1_DescribeJobRequestInput, DescribeJobRequest as _ferry_v1_DescribeJobRequest } from '../../ferry/v1/DescribeJobRequest.js';
import type { DescribeJobResponseInput as _ferry_v1_DescribeJobResponseInput, DescribeJobResponse as _ferry_v1_DescribeJobResponse } from '../../ferry/v1/DescribeJobResponse.js';
import type { GetConfigRequestInput as _ferry_v1_GetConfigRequestInput, GetConfigRequest as _ferry_v1_GetConfigRequest } from '../../ferry/v1/GetConfigRequest.js';
import type { GetConfigResponseInput as _ferry_v1_GetConfigResponseInput, GetConfigResponse as _ferry_v1_GetConfigResponse } from '../../ferry/v1/GetConfigResponse.js';
import type { GetStatusRequestInput as _ferry_v1_GetStatusRequestInput, GetStatusRequest as _ferry_v1_GetStatusRequest } from '../../ferry/v1/GetStatusRequest.js';
import type { ListJobsRequestInput as _ferry_v1_ListJobsRequestInput, ListJobsRequest as _ferry_v1_ListJobsRequest } from '../../ferry/v1/ListJobsRequest.js';
import type { ListJobsResponseInput as _ferry_v1_ListJobsResponseInput, ListJobsResponse as _ferry_v1_ListJobsResponse } from '../../ferry/v1/ListJobsResponse.js';
import type { ListVersionsRequestInput as _ferry_v1_ListVersionsRequestInput, ListVersionsRequest as _ferry_v1_ListVersionsRequest } from '../../ferry/v1/ListVersionsRequest.js';
import type { ListVersionsResponseInput as _ferry_v1_ListVersionsResponseInput, ListVersionsResponse as _ferry_v1_ListVersionsResponse } from '../../ferry/v1/ListVersionsResponse.js';
import type { PipelineStatusInput as _ferry_v1_PipelineStatusInput, PipelineStatus as _ferry_v1_PipelineStatus } from '../../ferry/v1/PipelineStatus.js';
import type { ResetRequestInput as _ferry_v1_ResetRequestInput, ResetRequest as _ferry_v1_ResetRequest } from '../../ferry/v1/ResetRequest.js';
import type { ResetResponseInput as _ferry_v1_ResetResponseInput, ResetResponse as _ferry_v1_ResetResponse } from '../../ferry/v1/ResetResponse.js';
import type { StartRequestInput as _ferry_v1_StartRequestInput, StartRequest as _ferry_v1_StartRequest } from '../../ferry/v1/StartRequest.js';
import type { StartResponseInput as _ferry_v1_StartResponseInput, StartResponse as _ferry_v1_StartResponse } from '../../ferry/v1/StartResponse.js';
import type { StopRequestInput as _ferry_v1_StopRequestInput, StopRequest as _ferry_v1_StopRequest } from '../../ferry/v1/StopRequest.js';
import type { StopResponseInput as _ferry_v1_StopResponseInput, StopResponse as _ferry_v1_StopResponse } from '../../ferry/v1/StopResponse.js';
import type { TraceEventInput as _ferry_v1_TraceEventInput, TraceEvent as _ferry_v1_TraceEvent } from '../../ferry/v1/TraceEvent.js';
import type { TraceRequestInput as _ferry_v1_TraceRequestInput, TraceRequest as _ferry_v1_TraceRequest } from '../../ferry/v1/TraceRequest.js';
import type { ValidateRequestInput as _ferry_v1_ValidateRequestInput, ValidateRequest as _ferry_v1_ValidateRequest } from '../../ferry/v1/ValidateRequest.js';
import type { ValidateResponseInput as _ferry_v1_ValidateResponseInput, ValidateResponse as _ferry_v1_ValidateResponse } from '../../ferry/v1/ValidateResponse.js';
import type { WatchStatusRequestInput as _ferry_v1_WatchStatusRequestInput, WatchStatusRequest as _ferry_v1_WatchStatusRequest } from '../../ferry/v1/WatchStatusRequest.js';

export interface PipelineServiceClient extends grpc.Client {
  /**
   * Validates and stores a new configuration version. Requires the admin role.
   * Errors: INVALID_ARGUMENT (problems in the details), ABORTED (expected_version is not the newest version).
   */
  Deploy(argument: _ferry_v1_DeployRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  Deploy(argument: _ferry_v1_DeployRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  Deploy(argument: _ferry_v1_DeployRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  Deploy(argument: _ferry_v1_DeployRequestInput, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  /**
   * Validates and stores a new configuration version. Requires the admin role.
   * Errors: INVALID_ARGUMENT (problems in the details), ABORTED (expected_version is not the newest version).
   */
  deploy(argument: _ferry_v1_DeployRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  deploy(argument: _ferry_v1_DeployRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  deploy(argument: _ferry_v1_DeployRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  deploy(argument: _ferry_v1_DeployRequestInput, callback: grpc.requestCallback<_ferry_v1_DeployResponse>): grpc.ClientUnaryCall;
  
  /**
   * Describes one job: its file as deployed and its compiled form with defaults applied. Viewer role.
   */
  DescribeJob(argument: _ferry_v1_DescribeJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  DescribeJob(argument: _ferry_v1_DescribeJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  DescribeJob(argument: _ferry_v1_DescribeJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  DescribeJob(argument: _ferry_v1_DescribeJobRequestInput, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  /**
   * Describes one job: its file as deployed and its compiled form with defaults applied. Viewer role.
   */
  describeJob(argument: _ferry_v1_DescribeJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  describeJob(argument: _ferry_v1_DescribeJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  describeJob(argument: _ferry_v1_DescribeJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  describeJob(argument: _ferry_v1_DescribeJobRequestInput, callback: grpc.requestCallback<_ferry_v1_DescribeJobResponse>): grpc.ClientUnaryCall;
  
  /**
   * Returns one configuration version (default the newest) with literal secrets redacted. Viewer role.
   * Errors: NOT_FOUND when nothing is deployed or the version does not exist.
   */
  GetConfig(argument: _ferry_v1_GetConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  GetConfig(argument: _ferry_v1_GetConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  GetConfig(argument: _ferry_v1_GetConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  GetConfig(argument: _ferry_v1_GetConfigRequestInput, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  /**
   * Returns one configuration version (default the newest) with literal secrets redacted. Viewer role.
   * Errors: NOT_FOUND when nothing is deployed or the version does not exist.
   */
  getConfig(argument: _ferry_v1_GetConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  getConfig(argument: _ferry_v1_GetConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  getConfig(argument: _ferry_v1_GetConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  getConfig(argument: _ferry_v1_GetConfigRequestInput, callback: grpc.requestCallback<_ferry_v1_GetConfigResponse>): grpc.ClientUnaryCall;
  
  /**
   * The pipeline's status: configuration, engine state, per-job counters, workers, connections. Viewer role.
   */
  GetStatus(argument: _ferry_v1_GetStatusRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  GetStatus(argument: _ferry_v1_GetStatusRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  GetStatus(argument: _ferry_v1_GetStatusRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  GetStatus(argument: _ferry_v1_GetStatusRequestInput, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  /**
   * The pipeline's status: configuration, engine state, per-job counters, workers, connections. Viewer role.
   */
  getStatus(argument: _ferry_v1_GetStatusRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  getStatus(argument: _ferry_v1_GetStatusRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  getStatus(argument: _ferry_v1_GetStatusRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  getStatus(argument: _ferry_v1_GetStatusRequestInput, callback: grpc.requestCallback<_ferry_v1_PipelineStatus>): grpc.ClientUnaryCall;
  
  /**
   * Lists the jobs of a configuration version (default the newest). Viewer role.
   */
  ListJobs(argument: _ferry_v1_ListJobsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  ListJobs(argument: _ferry_v1_ListJobsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  ListJobs(argument: _ferry_v1_ListJobsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  ListJobs(argument: _ferry_v1_ListJobsRequestInput, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  /**
   * Lists the jobs of a configuration version (default the newest). Viewer role.
   */
  listJobs(argument: _ferry_v1_ListJobsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  listJobs(argument: _ferry_v1_ListJobsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  listJobs(argument: _ferry_v1_ListJobsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  listJobs(argument: _ferry_v1_ListJobsRequestInput, callback: grpc.requestCallback<_ferry_v1_ListJobsResponse>): grpc.ClientUnaryCall;
  
  /**
   * Lists stored configuration versions, newest first. Viewer role.
   */
  ListVersions(argument: _ferry_v1_ListVersionsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  ListVersions(argument: _ferry_v1_ListVersionsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  ListVersions(argument: _ferry_v1_ListVersionsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  ListVersions(argument: _ferry_v1_ListVersionsRequestInput, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  /**
   * Lists stored configuration versions, newest first. Viewer role.
   */
  listVersions(argument: _ferry_v1_ListVersionsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  listVersions(argument: _ferry_v1_ListVersionsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  listVersions(argument: _ferry_v1_ListVersionsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  listVersions(argument: _ferry_v1_ListVersionsRequestInput, callback: grpc.requestCallback<_ferry_v1_ListVersionsResponse>): grpc.ClientUnaryCall;
  
  /**
   * Re-snapshots the tracked keys of the named jobs (all when empty) into the change log. Operator role.
   */
  Reset(argument: _ferry_v1_ResetRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  Reset(argument: _ferry_v1_ResetRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  Reset(argument: _ferry_v1_ResetRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  Reset(argument: _ferry_v1_ResetRequestInput, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  /**
   * Re-snapshots the tracked keys of the named jobs (all when empty) into the change log. Operator role.
   */
  reset(argument: _ferry_v1_ResetRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  reset(argument: _ferry_v1_ResetRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  reset(argument: _ferry_v1_ResetRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  reset(argument: _ferry_v1_ResetRequestInput, callback: grpc.requestCallback<_ferry_v1_ResetResponse>): grpc.ClientUnaryCall;
  
  /**
   * Starts the engine: workers apply the change log again where they stopped. Operator role.
   * The engine starts and stops as a whole, because the jobs of a pipeline share its change log: jobs must
   * be empty. Errors: INVALID_ARGUMENT when jobs is not empty, FAILED_PRECONDITION when nothing is deployed.
   */
  Start(argument: _ferry_v1_StartRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  Start(argument: _ferry_v1_StartRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  Start(argument: _ferry_v1_StartRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  Start(argument: _ferry_v1_StartRequestInput, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  /**
   * Starts the engine: workers apply the change log again where they stopped. Operator role.
   * The engine starts and stops as a whole, because the jobs of a pipeline share its change log: jobs must
   * be empty. Errors: INVALID_ARGUMENT when jobs is not empty, FAILED_PRECONDITION when nothing is deployed.
   */
  start(argument: _ferry_v1_StartRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  start(argument: _ferry_v1_StartRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  start(argument: _ferry_v1_StartRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  start(argument: _ferry_v1_StartRequestInput, callback: grpc.requestCallback<_ferry_v1_StartResponse>): grpc.ClientUnaryCall;
  
  /**
   * Stops the engine: workers let the batches in flight finish, then apply nothing more. They keep their
   * leases, so Start goes on with the same workers; nothing is lost, capture keeps filling the change log.
   * Operator role. jobs must be empty, as for Start; errors as for Start.
   */
  Stop(argument: _ferry_v1_StopRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  Stop(argument: _ferry_v1_StopRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  Stop(argument: _ferry_v1_StopRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  Stop(argument: _ferry_v1_StopRequestInput, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  /**
   * Stops the engine: workers let the batches in flight finish, then apply nothing more. They keep their
   * leases, so Start goes on with the same workers; nothing is lost, capture keeps filling the change log.
   * Operator role. jobs must be empty, as for Start; errors as for Start.
   */
  stop(argument: _ferry_v1_StopRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  stop(argument: _ferry_v1_StopRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  stop(argument: _ferry_v1_StopRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  stop(argument: _ferry_v1_StopRequestInput, callback: grpc.requestCallback<_ferry_v1_StopResponse>): grpc.ClientUnaryCall;
  
  /**
   * Records of one job as they pass each stage, for debugging transforms. Viewer role.
   */
  Trace(argument: _ferry_v1_TraceRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_TraceEvent>;
  Trace(argument: _ferry_v1_TraceRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_TraceEvent>;
  /**
   * Records of one job as they pass each stage, for debugging transforms. Viewer role.
   */
  trace(argument: _ferry_v1_TraceRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_TraceEvent>;
  trace(argument: _ferry_v1_TraceRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_TraceEvent>;
  
  /**
   * Runs every check of Deploy and stores nothing. Requires the viewer role; with check_targets, which also
   * checks the jobs against the real databases, the admin role.
   * Errors: INVALID_ARGUMENT with the problems in the details, as for Deploy.
   */
  Validate(argument: _ferry_v1_ValidateRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  Validate(argument: _ferry_v1_ValidateRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  Validate(argument: _ferry_v1_ValidateRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  Validate(argument: _ferry_v1_ValidateRequestInput, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  /**
   * Runs every check of Deploy and stores nothing. Requires the viewer role; with check_targets, which also
   * checks the jobs against the real databases, the admin role.
   * Errors: INVALID_ARGUMENT with the problems in the details, as for Deploy.
   */
  validate(argument: _ferry_v1_ValidateRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  validate(argument: _ferry_v1_ValidateRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  validate(argument: _ferry_v1_ValidateRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  validate(argument: _ferry_v1_ValidateRequestInput, callback: grpc.requestCallback<_ferry_v1_ValidateResponse>): grpc.ClientUnaryCall;
  
  /**
   * The status again every interval until the client cancels. Viewer role.
   */
  WatchStatus(argument: _ferry_v1_WatchStatusRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_PipelineStatus>;
  WatchStatus(argument: _ferry_v1_WatchStatusRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_PipelineStatus>;
  /**
   * The status again every interval until the client cancels. Viewer role.
   */
  watchStatus(argument: _ferry_v1_WatchStatusRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_PipelineStatus>;
  watchStatus(argument: _ferry_v1_WatchStatusRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_ferry_v1_PipelineStatus>;
  
}

export interface PipelineServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Validates and stores a new configuration version. Requires the admin role.
   * Errors: INVALID_ARGUMENT (problems in the details), ABORTED (expected_version is not the newest version).
   */
  Deploy: grpc.handleUnaryCall<_ferry_v1_DeployRequest, _ferry_v1_DeployResponseInput>;
  
  /**
   * Describes one job: its file as deployed and its compiled form with defaults applied. Viewer role.
   */
  DescribeJob: grpc.handleUnaryCall<_ferry_v1_DescribeJobRequest, _ferry_v1_DescribeJobResponseInput>;
  
  /**
   * Returns one configuration version (default the newest) with literal secrets redacted. Viewer role.
   * Errors: NOT_FOUND when nothing is deployed or the version does not exist.
   */
  GetConfig: grpc.handleUnaryCall<_ferry_v1_GetConfigRequest, _ferry_v1_GetConfigResponseInput>;
  
  /**
   * The pipeline's status: configuration, engine state, per-job counters, workers, connections. Viewer role.
   */
  GetStatus: grpc.handleUnaryCall<_ferry_v1_GetStatusRequest, _ferry_v1_PipelineStatusInput>;
  
  /**
   * Lists the jobs of a configuration version (default the newest). Viewer role.
   */
  ListJobs: grpc.handleUnaryCall<_ferry_v1_ListJobsRequest, _ferry_v1_ListJobsResponseInput>;
  
  /**
   * Lists stored configuration versions, newest first. Viewer role.
   */
  ListVersions: grpc.handleUnaryCall<_ferry_v1_ListVersionsRequest, _ferry_v1_ListVersionsResponseInput>;
  
  /**
   * Re-snapshots the tracked keys of the named jobs (all when empty) into the change log. Operator role.
   */
  Reset: grpc.handleUnaryCall<_ferry_v1_ResetRequest, _ferry_v1_ResetResponseInput>;
  
  /**
   * Starts the engine: workers apply the change log again where they stopped. Operator role.
   * The engine starts and stops as a whole, because the jobs of a pipeline share its change log: jobs must
   * be empty. Errors: INVALID_ARGUMENT when jobs is not empty, FAILED_PRECONDITION when nothing is deployed.
   */
  Start: grpc.handleUnaryCall<_ferry_v1_StartRequest, _ferry_v1_StartResponseInput>;
  
  /**
   * Stops the engine: workers let the batches in flight finish, then apply nothing more. They keep their
   * leases, so Start goes on with the same workers; nothing is lost, capture keeps filling the change log.
   * Operator role. jobs must be empty, as for Start; errors as for Start.
   */
  Stop: grpc.handleUnaryCall<_ferry_v1_StopRequest, _ferry_v1_StopResponseInput>;
  
  /**
   * Records of one job as they pass each stage, for debugging transforms. Viewer role.
   */
  Trace: grpc.handleServerStreamingCall<_ferry_v1_TraceRequest, _ferry_v1_TraceEventInput>;
  
  /**
   * Runs every check of Deploy and stores nothing. Requires the viewer role; with check_targets, which also
   * checks the jobs against the real databases, the admin role.
   * Errors: INVALID_ARGUMENT with the problems in the details, as for Deploy.
   */
  Validate: grpc.handleUnaryCall<_ferry_v1_ValidateRequest, _ferry_v1_ValidateResponseInput>;
  
  /**
   * The status again every interval until the client cancels. Viewer role.
   */
  WatchStatus: grpc.handleServerStreamingCall<_ferry_v1_WatchStatusRequest, _ferry_v1_PipelineStatusInput>;
  
}

export interface PipelineServiceDefinition extends grpc.ServiceDefinition {
  Deploy: MethodDefinition<_ferry_v1_DeployRequestInput, _ferry_v1_DeployResponseInput, _ferry_v1_DeployRequest, _ferry_v1_DeployResponse>
  DescribeJob: MethodDefinition<_ferry_v1_DescribeJobRequestInput, _ferry_v1_DescribeJobResponseInput, _ferry_v1_DescribeJobRequest, _ferry_v1_DescribeJobResponse>
  GetConfig: MethodDefinition<_ferry_v1_GetConfigRequestInput, _ferry_v1_GetConfigResponseInput, _ferry_v1_GetConfigRequest, _ferry_v1_GetConfigResponse>
  GetStatus: MethodDefinition<_ferry_v1_GetStatusRequestInput, _ferry_v1_PipelineStatusInput, _ferry_v1_GetStatusRequest, _ferry_v1_PipelineStatus>
  ListJobs: MethodDefinition<_ferry_v1_ListJobsRequestInput, _ferry_v1_ListJobsResponseInput, _ferry_v1_ListJobsRequest, _ferry_v1_ListJobsResponse>
  ListVersions: MethodDefinition<_ferry_v1_ListVersionsRequestInput, _ferry_v1_ListVersionsResponseInput, _ferry_v1_ListVersionsRequest, _ferry_v1_ListVersionsResponse>
  Reset: MethodDefinition<_ferry_v1_ResetRequestInput, _ferry_v1_ResetResponseInput, _ferry_v1_ResetRequest, _ferry_v1_ResetResponse>
  Start: MethodDefinition<_ferry_v1_StartRequestInput, _ferry_v1_StartResponseInput, _ferry_v1_StartRequest, _ferry_v1_StartResponse>
  Stop: MethodDefinition<_ferry_v1_StopRequestInput, _ferry_v1_StopResponseInput, _ferry_v1_StopRequest, _ferry_v1_StopResponse>
  Trace: MethodDefinition<_ferry_v1_TraceRequestInput, _ferry_v1_TraceEventInput, _ferry_v1_TraceRequest, _ferry_v1_TraceEvent>
  Validate: MethodDefinition<_ferry_v1_ValidateRequestInput, _ferry_v1_ValidateResponseInput, _ferry_v1_ValidateRequest, _ferry_v1_ValidateResponse>
  WatchStatus: MethodDefinition<_ferry_v1_WatchStatusRequestInput, _ferry_v1_PipelineStatusInput, _ferry_v1_WatchStatusRequest, _ferry_v1_PipelineStatus>
}
