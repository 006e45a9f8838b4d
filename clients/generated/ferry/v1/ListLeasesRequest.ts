// Original file: proto/ferry/v1/cluster.proto


export interface ListLeasesRequestInput {
}

export interface ListLeasesRequest {
}
