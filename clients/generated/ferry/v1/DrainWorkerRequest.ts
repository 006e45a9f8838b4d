// Original file: proto/ferry/v1/cluster.proto


export interface DrainWorkerRequestInput {
  'workerId'?: (string);
}

export interface DrainWorkerRequest {
  'workerId': (string);
}
