// Original file: proto/ferry/v1/secrets.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteSecretRequestInput as _ferry_v1_DeleteSecretRequestInput, DeleteSecretRequest as _ferry_v1_DeleteSecretRequest } from '../../ferry/v1/DeleteSecretRequest.js';
import type { DeleteSecretResponseInput as _ferry_v1_DeleteSecretResponseInput, DeleteSecretResponse as _ferry_v1_DeleteSecretResponse } from '../../ferry/v1/DeleteSecretResponse.js';
import type { ListSecretNamesRequestInput as _ferry_v1_ListSecretNamesRequestInput, ListSecretNamesRequest as _ferry_v1_ListSecretNamesRequest } from '../../ferry/v1/ListSecretNamesRequest.js';
import type { ListSecretNamesResponseInput as _ferry_v1_ListSecretNamesResponseInput, ListSecretNamesResponse as _ferry_v1_ListSecretNamesResponse } from '../../ferry/v1/ListSecretNamesResponse.js';
import type { SetSecretRequestInput as _ferry_v1_SetSecretRequestInput, SetSecretRequest as _ferry_v1_SetSecretRequest } from '../../ferry/v1/SetSecretRequest.js';
import type { SetSecretResponseInput as _ferry_v1_SetSecretResponseInput, SetSecretResponse as _ferry_v1_SetSecretResponse } from '../../ferry/v1/SetSecretResponse.js';

export interface SecretsServiceClient extends grpc.Client {
  /**
   * Deletes a secret. Admin role. Errors: NOT_FOUND.
   */
  Delete(argument: _ferry_v1_DeleteSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  Delete(argument: _ferry_v1_DeleteSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  Delete(argument: _ferry_v1_DeleteSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  Delete(argument: _ferry_v1_DeleteSecretRequestInput, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  /**
   * Deletes a secret. Admin role. Errors: NOT_FOUND.
   */
  delete(argument: _ferry_v1_DeleteSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  delete(argument: _ferry_v1_DeleteSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  delete(argument: _ferry_v1_DeleteSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  delete(argument: _ferry_v1_DeleteSecretRequestInput, callback: grpc.requestCallback<_ferry_v1_DeleteSecretResponse>): grpc.ClientUnaryCall;
  
  /**
   * Lists secret names, never values. Admin role.
   */
  ListNames(argument: _ferry_v1_ListSecretNamesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  ListNames(argument: _ferry_v1_ListSecretNamesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  ListNames(argument: _ferry_v1_ListSecretNamesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  ListNames(argument: _ferry_v1_ListSecretNamesRequestInput, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  /**
   * Lists secret names, never values. Admin role.
   */
  listNames(argument: _ferry_v1_ListSecretNamesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  listNames(argument: _ferry_v1_ListSecretNamesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  listNames(argument: _ferry_v1_ListSecretNamesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  listNames(argument: _ferry_v1_ListSecretNamesRequestInput, callback: grpc.requestCallback<_ferry_v1_ListSecretNamesResponse>): grpc.ClientUnaryCall;
  
  /**
   * Creates or replaces a secret. Admin role.
   */
  Set(argument: _ferry_v1_SetSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  Set(argument: _ferry_v1_SetSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  Set(argument: _ferry_v1_SetSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  Set(argument: _ferry_v1_SetSecretRequestInput, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  /**
   * Creates or replaces a secret. Admin role.
   */
  set(argument: _ferry_v1_SetSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  set(argument: _ferry_v1_SetSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  set(argument: _ferry_v1_SetSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  set(argument: _ferry_v1_SetSecretRequestInput, callback: grpc.requestCallback<_ferry_v1_SetSecretResponse>): grpc.ClientUnaryCall;
  
}

export interface SecretsServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Deletes a secret. Admin role. Errors: NOT_FOUND.
   */
  Delete: grpc.handleUnaryCall<_ferry_v1_DeleteSecretRequest, _ferry_v1_DeleteSecretResponseInput>;
  
  /**
   * Lists secret names, never values. Admin role.
   */
  ListNames: grpc.handleUnaryCall<_ferry_v1_ListSecretNamesRequest, _ferry_v1_ListSecretNamesResponseInput>;
  
  /**
   * Creates or replaces a secret. Admin role.
   */
  Set: grpc.handleUnaryCall<_ferry_v1_SetSecretRequest, _ferry_v1_SetSecretResponseInput>;
  
}

export interface SecretsServiceDefinition extends grpc.ServiceDefinition {
  Delete: MethodDefinition<_ferry_v1_DeleteSecretRequestInput, _ferry_v1_DeleteSecretResponseInput, _ferry_v1_DeleteSecretRequest, _ferry_v1_DeleteSecretResponse>
  ListNames: MethodDefinition<_ferry_v1_ListSecretNamesRequestInput, _ferry_v1_ListSecretNamesResponseInput, _ferry_v1_ListSecretNamesRequest, _ferry_v1_ListSecretNamesResponse>
  Set: MethodDefinition<_ferry_v1_SetSecretRequestInput, _ferry_v1_SetSecretResponseInput, _ferry_v1_SetSecretRequest, _ferry_v1_SetSecretResponse>
}
