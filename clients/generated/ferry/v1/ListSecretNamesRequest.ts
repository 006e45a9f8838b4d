// Original file: proto/ferry/v1/secrets.proto


export interface ListSecretNamesRequestInput {
}

export interface ListSecretNamesRequest {
}
