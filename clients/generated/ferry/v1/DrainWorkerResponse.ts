// Original file: proto/ferry/v1/cluster.proto


export interface DrainWorkerResponseInput {
  /**
   * Leases the worker is handing over.
   */
  'leasesReleased'?: (number);
}

export interface DrainWorkerResponse {
  /**
   * Leases the worker is handing over.
   */
  'leasesReleased': (number);
}
