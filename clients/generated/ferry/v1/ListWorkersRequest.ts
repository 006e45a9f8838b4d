// Original file: proto/ferry/v1/cluster.proto


export interface ListWorkersRequestInput {
}

export interface ListWorkersRequest {
}
