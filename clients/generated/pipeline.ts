import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BatchTimingsInput as _ferry_v1_BatchTimingsInput, BatchTimings as _ferry_v1_BatchTimings } from './ferry/v1/BatchTimings.js';
import type { CaptureStatusInput as _ferry_v1_CaptureStatusInput, CaptureStatus as _ferry_v1_CaptureStatus } from './ferry/v1/CaptureStatus.js';
import type { ClusterServiceClient as _ferry_v1_ClusterServiceClient, ClusterServiceDefinition as _ferry_v1_ClusterServiceDefinition } from './ferry/v1/ClusterService.js';
import type { ConfigVersionInput as _ferry_v1_ConfigVersionInput, ConfigVersion as _ferry_v1_ConfigVersion } from './ferry/v1/ConfigVersion.js';
import type { ConnectionStatusInput as _ferry_v1_ConnectionStatusInput, ConnectionStatus as _ferry_v1_ConnectionStatus } from './ferry/v1/ConnectionStatus.js';
import type { DeployRequestInput as _ferry_v1_DeployRequestInput, DeployRequest as _ferry_v1_DeployRequest } from './ferry/v1/DeployRequest.js';
import type { DeployResponseInput as _ferry_v1_DeployResponseInput, DeployResponse as _ferry_v1_DeployResponse } from './ferry/v1/DeployResponse.js';
import type { DescribeJobRequestInput as _ferry_v1_DescribeJobRequestInput, DescribeJobRequest as _ferry_v1_DescribeJobRequest } from './ferry/v1/DescribeJobRequest.js';
import type { DescribeJobResponseInput as _ferry_v1_DescribeJobResponseInput, DescribeJobResponse as _ferry_v1_DescribeJobResponse } from './ferry/v1/DescribeJobResponse.js';
import type { DrainWorkerRequestInput as _ferry_v1_DrainWorkerRequestInput, DrainWorkerRequest as _ferry_v1_DrainWorkerRequest } from './ferry/v1/DrainWorkerRequest.js';
import type { DrainWorkerResponseInput as _ferry_v1_DrainWorkerResponseInput, DrainWorkerResponse as _ferry_v1_DrainWorkerResponse } from './ferry/v1/DrainWorkerResponse.js';
import type { GetConfigRequestInput as _ferry_v1_GetConfigRequestInput, GetConfigRequest as _ferry_v1_GetConfigRequest } from './ferry/v1/GetConfigRequest.js';
import type { GetConfigResponseInput as _ferry_v1_GetConfigResponseInput, GetConfigResponse as _ferry_v1_GetConfigResponse } from './ferry/v1/GetConfigResponse.js';
import type { GetStatusRequestInput as _ferry_v1_GetStatusRequestInput, GetStatusRequest as _ferry_v1_GetStatusRequest } from './ferry/v1/GetStatusRequest.js';
import type { JobStatusInput as _ferry_v1_JobStatusInput, JobStatus as _ferry_v1_JobStatus } from './ferry/v1/JobStatus.js';
import type { JobSummaryInput as _ferry_v1_JobSummaryInput, JobSummary as _ferry_v1_JobSummary } from './ferry/v1/JobSummary.js';
import type { LeaseInfoInput as _ferry_v1_LeaseInfoInput, LeaseInfo as _ferry_v1_LeaseInfo } from './ferry/v1/LeaseInfo.js';
import type { ListJobsRequestInput as _ferry_v1_ListJobsRequestInput, ListJobsRequest as _ferry_v1_ListJobsRequest } from './ferry/v1/ListJobsRequest.js';
import type { ListJobsResponseInput as _ferry_v1_ListJobsResponseInput, ListJobsResponse as _ferry_v1_ListJobsResponse } from './ferry/v1/ListJobsResponse.js';
import type { ListLeasesRequestInput as _ferry_v1_ListLeasesRequestInput, ListLeasesRequest as _ferry_v1_ListLeasesRequest } from './ferry/v1/ListLeasesRequest.js';
import type { ListLeasesResponseInput as _ferry_v1_ListLeasesResponseInput, ListLeasesResponse as _ferry_v1_ListLeasesResponse } from './ferry/v1/ListLeasesResponse.js';
import type { ListVersionsRequestInput as _ferry_v1_ListVersionsRequestInput, ListVersionsRequest as _ferry_v1_ListVersionsRequest } from './ferry/v1/ListVersionsRequest.js';
import type { ListVersionsResponseInput as _ferry_v1_ListVersionsResponseInput, ListVersionsResponse as _ferry_v1_ListVersionsResponse } from './ferry/v1/ListVersionsResponse.js';
import type { ListWorkersRequestInput as _ferry_v1_ListWorkersRequestInput, ListWorkersRequest as _ferry_v1_ListWorkersRequest } from './ferry/v1/ListWorkersRequest.js';
import type { ListWorkersResponseInput as _ferry_v1_ListWorkersResponseInput, ListWorkersResponse as _ferry_v1_ListWorkersResponse } from './ferry/v1/ListWorkersResponse.js';
import type { PipelineFileInput as _ferry_v1_PipelineFileInput, PipelineFile as _ferry_v1_PipelineFile } from './ferry/v1/PipelineFile.js';
import type { PipelineServiceClient as _ferry_v1_PipelineServiceClient, PipelineServiceDefinition as _ferry_v1_PipelineServiceDefinition } from './ferry/v1/PipelineService.js';
import type { PipelineStatusInput as _ferry_v1_PipelineStatusInput, PipelineStatus as _ferry_v1_PipelineStatus } from './ferry/v1/PipelineStatus.js';
import type { ResetRequestInput as _ferry_v1_ResetRequestInput, ResetRequest as _ferry_v1_ResetRequest } from './ferry/v1/ResetRequest.js';
import type { ResetResponseInput as _ferry_v1_ResetResponseInput, ResetResponse as _ferry_v1_ResetResponse } from './ferry/v1/ResetResponse.js';
import type { StartRequestInput as _ferry_v1_StartRequestInput, StartRequest as _ferry_v1_StartRequest } from './ferry/v1/StartRequest.js';
import type { StartResponseInput as _ferry_v1_StartResponseInput, StartResponse as _ferry_v1_StartResponse } from './ferry/v1/StartResponse.js';
import type { StopRequestInput as _ferry_v1_StopRequestInput, StopRequest as _ferry_v1_StopRequest } from './ferry/v1/StopRequest.js';
import type { StopResponseInput as _ferry_v1_StopResponseInput, StopResponse as _ferry_v1_StopResponse } from './ferry/v1/StopResponse.js';
import type { TargetConnectionCheckInput as _ferry_v1_TargetConnectionCheckInput, TargetConnectionCheck as _ferry_v1_TargetConnectionCheck } from './ferry/v1/TargetConnectionCheck.js';
import type { TargetProblemInput as _ferry_v1_TargetProblemInput, TargetProblem as _ferry_v1_TargetProblem } from './ferry/v1/TargetProblem.js';
import type { TraceEventInput as _ferry_v1_TraceEventInput, TraceEvent as _ferry_v1_TraceEvent } from './ferry/v1/TraceEvent.js';
import type { TraceRequestInput as _ferry_v1_TraceRequestInput, TraceRequest as _ferry_v1_TraceRequest } from './ferry/v1/TraceRequest.js';
import type { ValidateRequestInput as _ferry_v1_ValidateRequestInput, ValidateRequest as _ferry_v1_ValidateRequest } from './ferry/v1/ValidateRequest.js';
import type { ValidateResponseInput as _ferry_v1_ValidateResponseInput, ValidateResponse as _ferry_v1_ValidateResponse } from './ferry/v1/ValidateResponse.js';
import type { ValidationErrorsInput as _ferry_v1_ValidationErrorsInput, ValidationErrors as _ferry_v1_ValidationErrors } from './ferry/v1/ValidationErrors.js';
import type { ValidationProblemInput as _ferry_v1_ValidationProblemInput, ValidationProblem as _ferry_v1_ValidationProblem } from './ferry/v1/ValidationProblem.js';
import type { WatchStatusRequestInput as _ferry_v1_WatchStatusRequestInput, WatchStatusRequest as _ferry_v1_WatchStatusRequest } from './ferry/v1/WatchStatusRequest.js';
import type { WorkerInfoInput as _ferry_v1_WorkerInfoInput, WorkerInfo as _ferry_v1_WorkerInfo } from './ferry/v1/WorkerInfo.js';
import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ferry: {
    v1: {
      BatchTimings: MessageTypeDefinition<_ferry_v1_BatchTimingsInput, _ferry_v1_BatchTimings>
      CaptureStatus: MessageTypeDefinition<_ferry_v1_CaptureStatusInput, _ferry_v1_CaptureStatus>
      ClusterService: SubtypeConstructor<typeof grpc.Client, _ferry_v1_ClusterServiceClient> & { service: _ferry_v1_ClusterServiceDefinition }
      ConfigVersion: MessageTypeDefinition<_ferry_v1_ConfigVersionInput, _ferry_v1_ConfigVersion>
      ConnectionStatus: MessageTypeDefinition<_ferry_v1_ConnectionStatusInput, _ferry_v1_ConnectionStatus>
      DeployRequest: MessageTypeDefinition<_ferry_v1_DeployRequestInput, _ferry_v1_DeployRequest>
      DeployResponse: MessageTypeDefinition<_ferry_v1_DeployResponseInput, _ferry_v1_DeployResponse>
      DescribeJobRequest: MessageTypeDefinition<_ferry_v1_DescribeJobRequestInput, _ferry_v1_DescribeJobRequest>
      DescribeJobResponse: MessageTypeDefinition<_ferry_v1_DescribeJobResponseInput, _ferry_v1_DescribeJobResponse>
      DrainWorkerRequest: MessageTypeDefinition<_ferry_v1_DrainWorkerRequestInput, _ferry_v1_DrainWorkerRequest>
      DrainWorkerResponse: MessageTypeDefinition<_ferry_v1_DrainWorkerResponseInput, _ferry_v1_DrainWorkerResponse>
      EngineState: EnumTypeDefinition
      GetConfigRequest: MessageTypeDefinition<_ferry_v1_GetConfigRequestInput, _ferry_v1_GetConfigRequest>
      GetConfigResponse: MessageTypeDefinition<_ferry_v1_GetConfigResponseInput, _ferry_v1_GetConfigResponse>
      GetStatusRequest: MessageTypeDefinition<_ferry_v1_GetStatusRequestInput, _ferry_v1_GetStatusRequest>
      JobKind: EnumTypeDefinition
      JobStatus: MessageTypeDefinition<_ferry_v1_JobStatusInput, _ferry_v1_JobStatus>
      JobSummary: MessageTypeDefinition<_ferry_v1_JobSummaryInput, _ferry_v1_JobSummary>
      LeaseInfo: MessageTypeDefinition<_ferry_v1_LeaseInfoInput, _ferry_v1_LeaseInfo>
      LeaseKind: EnumTypeDefinition
      ListJobsRequest: MessageTypeDefinition<_ferry_v1_ListJobsRequestInput, _ferry_v1_ListJobsRequest>
      ListJobsResponse: MessageTypeDefinition<_ferry_v1_ListJobsResponseInput, _ferry_v1_ListJobsResponse>
      ListLeasesRequest: MessageTypeDefinition<_ferry_v1_ListLeasesRequestInput, _ferry_v1_ListLeasesRequest>
      ListLeasesResponse: MessageTypeDefinition<_ferry_v1_ListLeasesResponseInput, _ferry_v1_ListLeasesResponse>
      ListVersionsRequest: MessageTypeDefinition<_ferry_v1_ListVersionsRequestInput, _ferry_v1_ListVersionsRequest>
      ListVersionsResponse: MessageTypeDefinition<_ferry_v1_ListVersionsResponseInput, _ferry_v1_ListVersionsResponse>
      ListWorkersRequest: MessageTypeDefinition<_ferry_v1_ListWorkersRequestInput, _ferry_v1_ListWorkersRequest>
      ListWorkersResponse: MessageTypeDefinition<_ferry_v1_ListWorkersResponseInput, _ferry_v1_ListWorkersResponse>
      PipelineFile: MessageTypeDefinition<_ferry_v1_PipelineFileInput, _ferry_v1_PipelineFile>
      PipelineService: SubtypeConstructor<typeof grpc.Client, _ferry_v1_PipelineServiceClient> & { service: _ferry_v1_PipelineServiceDefinition }
      PipelineStatus: MessageTypeDefinition<_ferry_v1_PipelineStatusInput, _ferry_v1_PipelineStatus>
      ResetRequest: MessageTypeDefinition<_ferry_v1_ResetRequestInput, _ferry_v1_ResetRequest>
      ResetResponse: MessageTypeDefinition<_ferry_v1_ResetResponseInput, _ferry_v1_ResetResponse>
      StartRequest: MessageTypeDefinition<_ferry_v1_StartRequestInput, _ferry_v1_StartRequest>
      StartResponse: MessageTypeDefinition<_ferry_v1_StartResponseInput, _ferry_v1_StartResponse>
      StopRequest: MessageTypeDefinition<_ferry_v1_StopRequestInput, _ferry_v1_StopRequest>
      StopResponse: MessageTypeDefinition<_ferry_v1_StopResponseInput, _ferry_v1_StopResponse>
      TargetConnectionCheck: MessageTypeDefinition<_ferry_v1_TargetConnectionCheckInput, _ferry_v1_TargetConnectionCheck>
      TargetProblem: MessageTypeDefinition<_ferry_v1_TargetProblemInput, _ferry_v1_TargetProblem>
      TargetProblemKind: EnumTypeDefinition
      TraceEvent: MessageTypeDefinition<_ferry_v1_TraceEventInput, _ferry_v1_TraceEvent>
      TraceRequest: MessageTypeDefinition<_ferry_v1_TraceRequestInput, _ferry_v1_TraceRequest>
      ValidateRequest: MessageTypeDefinition<_ferry_v1_ValidateRequestInput, _ferry_v1_ValidateRequest>
      ValidateResponse: MessageTypeDefinition<_ferry_v1_ValidateResponseInput, _ferry_v1_ValidateResponse>
      ValidationErrors: MessageTypeDefinition<_ferry_v1_ValidationErrorsInput, _ferry_v1_ValidationErrors>
      ValidationProblem: MessageTypeDefinition<_ferry_v1_ValidationProblemInput, _ferry_v1_ValidationProblem>
      WatchStatusRequest: MessageTypeDefinition<_ferry_v1_WatchStatusRequestInput, _ferry_v1_WatchStatusRequest>
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

