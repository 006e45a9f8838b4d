/** Redis stream entry ids (`<ms>-<seq>`, two unsigned 64-bit integers): validation and order. */
import { InvalidArgumentError } from '../errors.js';

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;
const MAX_UINT64 = 2n ** 64n - 1n;

/** The two parts of a complete stream id, or undefined when `id` is not one. */
export function parseStreamId(id: string): [bigint, bigint] | undefined {
  const match = STREAM_ID.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  const ms = BigInt(match[1]);
  const seq = BigInt(match[2]);
  return ms <= MAX_UINT64 && seq <= MAX_UINT64 ? [ms, seq] : undefined;
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b` (both complete ids). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = parseStreamId(a) ?? [0n, 0n];
  const [bMs, bSeq] = parseStreamId(b) ?? [0n, 0n];
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/** Throws InvalidArgumentError naming `what` unless every id is a complete stream id such as `list` returns. */
export function checkStreamIds(ids: readonly string[], what: string): void {
  const bad = ids.find((id) => typeof id !== 'string' || parseStreamId(id) === undefined);
  if (bad !== undefined) {
    throw new InvalidArgumentError(
      `${what} must be dead-letter record ids like 1700000000000-0 (got ${JSON.stringify(bad)})`,
    );
  }
}

/** The millisecond part of a stream id: when Redis added the entry. */
export function streamIdMs(id: string): number {
  return Number(parseStreamId(id)?.[0] ?? 0n);
}
