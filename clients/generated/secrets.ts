import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DeleteSecretRequestInput as _ferry_v1_DeleteSecretRequestInput, DeleteSecretRequest as _ferry_v1_DeleteSecretRequest } from './ferry/v1/DeleteSecretRequest.js';
import type { DeleteSecretResponseInput as _ferry_v1_DeleteSecretResponseInput, DeleteSecretResponse as _ferry_v1_DeleteSecretResponse } from './ferry/v1/DeleteSecretResponse.js';
import type { ListSecretNamesRequestInput as _ferry_v1_ListSecretNamesRequestInput, ListSecretNamesRequest as _ferry_v1_ListSecretNamesRequest } from './ferry/v1/ListSecretNamesRequest.js';
import type { ListSecretNamesResponseInput as _ferry_v1_ListSecretNamesResponseInput, ListSecretNamesResponse as _ferry_v1_ListSecretNamesResponse } from './ferry/v1/ListSecretNamesResponse.js';
import type { SecretNameInput as _ferry_v1_SecretNameInput, SecretName as _ferry_v1_SecretName } from './ferry/v1/SecretName.js';
import type { SecretsServiceClient as _ferry_v1_SecretsServiceClient, SecretsServiceDefinition as _ferry_v1_SecretsServiceDefinition } from './ferry/v1/SecretsService.js';
import type { SetSecretRequestInput as _ferry_v1_SetSecretRequestInput, SetSecretRequest as _ferry_v1_SetSecretRequest } from './ferry/v1/SetSecretRequest.js';
import type { SetSecretResponseInput as _ferry_v1_SetSecretResponseInput, SetSecretResponse as _ferry_v1_SetSecretResponse } from './ferry/v1/SetSecretResponse.js';
import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ferry: {
    v1: {
      DeleteSecretRequest: MessageTypeDefinition<_ferry_v1_DeleteSecretRequestInput, _ferry_v1_DeleteSecretRequest>
      DeleteSecretResponse: MessageTypeDefinition<_ferry_v1_DeleteSecretResponseInput, _ferry_v1_DeleteSecretResponse>
      ListSecretNamesRequest: MessageTypeDefinition<_ferry_v1_ListSecretNamesRequestInput, _ferry_v1_ListSecretNamesRequest>
      ListSecretNamesResponse: MessageTypeDefinition<_ferry_v1_ListSecretNamesResponseInput, _ferry_v1_ListSecretNamesResponse>
      SecretName: MessageTypeDefinition<_ferry_v1_SecretNameInput, _ferry_v1_SecretName>
      SecretsService: SubtypeConstructor<typeof grpc.Client, _ferry_v1_SecretsServiceClient> & { service: _ferry_v1_SecretsServiceDefinition }
      SetSecretRequest: MessageTypeDefinition<_ferry_v1_SetSecretRequestInput, _ferry_v1_SetSecretRequest>
      SetSecretResponse: MessageTypeDefinition<_ferry_v1_SetSecretResponseInput, _ferry_v1_SetSecretResponse>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_TimestampInput, _google_protobuf_Timestamp>
    }
  }
}

