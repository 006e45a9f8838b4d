// Original file: proto/ferry/v1/secrets.proto


export interface DeleteSecretRequestInput {
  'name'?: (string);
}

export interface DeleteSecretRequest {
  'name': (string);
}
