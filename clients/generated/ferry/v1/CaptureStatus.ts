// Original file: proto/ferry/v1/pipeline.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Capture of one source master's replication stream, as the worker holding its capture lease last reported.
 */
export interface CaptureStatusInput {
  /**
   * The sources read through this link (sources naming the same host and port share one), comma-separated.
   */
  'sources'?: (string);
  /**
   * connecting, streaming, error or stopped; "not started" while no worker has held its capture lease.
   */
  'state'?: (string);
  /**
   * The master's replication id and the offset captured up to (durably in the change log).
   */
  'replid'?: (string);
  'offset'?: (number | string | Long);
  /**
   * How the stream was joined at the last connect: "continue" (no resync) or "fullresync".
   */
  'syncMode'?: (string);
  /**
   * Keys emitted by the current or last snapshot, and whether it finished.
   */
  'snapshotKeys'?: (number | string | Long);
  'snapshotDone'?: (boolean);
  /**
   * FLUSHALL, FLUSHDB and SWAPDB seen in the stream (the targets are left alone), and the last such warning.
   */
  'databaseEvents'?: (number | string | Long);
  'lastWarning'?: (string);
  /**
   * The last error; empty when none.
   */
  'lastError'?: (string);
  /**
   * The worker that reported, and when.
   */
  'workerId'?: (string);
  'updatedAt'?: (_google_protobuf_TimestampInput | null);
  /**
   * Why the current or last snapshot ran: "first start", "full resync", "reset", "SWAPDB"...
   */
  'snapshotReason'?: (string);
  /**
   * The newest Reset asked of this link (its snapshot id), and the newest one served (snapshot and delete
   * reconciliation finished); empty when none.
   */
  'snapshotRequested'?: (string);
  'snapshotId'?: (string);
  /**
   * The delete reconciliation after a gap, a Reset or a flush: target rows read, keys found missing (their
   * rows are deleted through the change log), and whether it finished.
   */
  'reconcileRows'?: (number | string | Long);
  'reconcileDeletes'?: (number | string | Long);
  'reconcileDone'?: (boolean);
  /**
   * A standing warning, e.g. a replication backlog too small for the source's write rate; empty when none.
   */
  'warning'?: (string);
  /**
   * RedisJSON on the master: "loaded <version>", "not loaded" (no JSON documents can exist there), or
   * "unknown" (MODULE LIST refused).
   */
  'redisJson'?: (string);
}

/**
 * Capture of one source master's replication stream, as the worker holding its capture lease last reported.
 */
export interface CaptureStatus {
  /**
   * The sources read through this link (sources naming the same host and port share one), comma-separated.
   */
  'sources': (string);
  /**
   * connecting, streaming, error or stopped; "not started" while no worker has held its capture lease.
   */
  'state': (string);
  /**
   * The master's replication id and the offset captured up to (durably in the change log).
   */
  'replid': (string);
  'offset': (number);
  /**
   * How the stream was joined at the last connect: "continue" (no resync) or "fullresync".
   */
  'syncMode': (string);
  /**
   * Keys emitted by the current or last snapshot, and whether it finished.
   */
  'snapshotKeys': (number);
  'snapshotDone': (boolean);
  /**
   * FLUSHALL, FLUSHDB and SWAPDB seen in the stream (the targets are left alone), and the last such warning.
   */
  'databaseEvents': (number);
  'lastWarning': (string);
  /**
   * The last error; empty when none.
   */
  'lastError': (string);
  /**
   * The worker that reported, and when.
   */
  'workerId': (string);
  'updatedAt': (_google_protobuf_Timestamp | null);
  /**
   * Why the current or last snapshot ran: "first start", "full resync", "reset", "SWAPDB"...
   */
  'snapshotReason': (string);
  /**
   * The newest Reset asked of this link (its snapshot id), and the newest one served (snapshot and delete
   * reconciliation finished); empty when none.
   */
  'snapshotRequested': (string);
  'snapshotId': (string);
  /**
   * The delete reconciliation after a gap, a Reset or a flush: target rows read, keys found missing (their
   * rows are deleted through the change log), and whether it finished.
   */
  'reconcileRows': (number);
  'reconcileDeletes': (number);
  'reconcileDone': (boolean);
  /**
   * A standing warning, e.g. a replication backlog too small for the source's write rate; empty when none.
   */
  'warning': (string);
  /**
   * RedisJSON on the master: "loaded <version>", "not loaded" (no JSON documents can exist there), or
   * "unknown" (MODULE LIST refused).
   */
  'redisJson': (string);
}
