// Original file: proto/ferry/v1/secrets.proto


export interface DeleteSecretResponseInput {
}

export interface DeleteSecretResponse {
}
