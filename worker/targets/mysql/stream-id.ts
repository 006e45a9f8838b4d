/**
 * Redis stream ids (`<ms>-<seq>`) as the checkpoint stores them. They are compared numerically, milliseconds
 * then sequence, as BigInt: as strings "9-0" would sort after "10-0", and a sequence can exceed 2^53.
 */
import { InvalidArgumentError } from '../../../common/errors.js';

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

/** Parses `ms-seq`; throws InvalidArgumentError for anything else. */
export function parseStreamId(id: string): StreamId {
  const match = STREAM_ID.exec(id);
  if (!match) throw new InvalidArgumentError(`${JSON.stringify(id)} is not a Redis stream id (ms-seq)`);
  return { ms: BigInt(match[1] ?? '0'), seq: BigInt(match[2] ?? '0') };
}

export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareStreamIds(a: string, b: string): number {
  const left = parseStreamId(a);
  const right = parseStreamId(b);
  if (left.ms !== right.ms) return left.ms < right.ms ? -1 : 1;
  if (left.seq !== right.seq) return left.seq < right.seq ? -1 : 1;
  return 0;
}
