// Original file: proto/ferry/v1/pipeline.proto


export interface GetStatusRequestInput {
}

export interface GetStatusRequest {
}
