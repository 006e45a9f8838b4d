/**
 * Which partition of the change log a Redis key belongs to. The partition is derived from the key's Redis
 * Cluster hash slot, computed exactly as Redis computes it (CRC16-XMODEM of the key's bytes, or of its hash
 * tag, mod 16384), so that keys a cluster keeps together (same `{tag}`) also share a change-log partition,
 * and so that every process computes the same partition for the same key, forever: changing this function
 * would send a key's later changes to another partition than its earlier ones and break per-key order.
 */

/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** CRC16-XMODEM (polynomial 0x1021, initial value 0, no reflection), one entry per byte value. */
const CRC16_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[byte] = crc & 0xffff;
  }
  return table;
})();

/** CRC16-XMODEM of `bytes[start, end)`, as Redis' crc16.c computes it. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    // Both indexes are in range by construction; `?? 0` only satisfies noUncheckedIndexedAccess.
    crc = ((crc << 8) ^ (CRC16_TABLE[((crc >>> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0)) & 0xffff;
  }
  return crc;
}

/**
 * The Redis Cluster hash slot of `key` (0..16383), as `CLUSTER KEYSLOT` answers. A string key is hashed as
 * its UTF-8 bytes, which is what Redis stores for it. When the key contains a `{` followed later by a `}`
 * with at least one byte between the first `{` and the first `}` after it, only those bytes are hashed (the
 * hash tag); otherwise the whole key is. So `{user1000}.following` and `{user1000}.followers` share a slot,
 * `foo{}{bar}` hashes the whole key and `foo{{bar}}zap` hashes `{bar`.
 */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? utf8Bytes(key) : key;
  const open = bytes.indexOf(OPEN_BRACE);
  if (open >= 0) {
    const close = bytes.indexOf(CLOSE_BRACE, open + 1);
    if (close > open + 1) return crc16(bytes, open + 1, close) & (CLUSTER_SLOTS - 1);
  }
  return crc16(bytes) & (CLUSTER_SLOTS - 1);
}

/**
 * The change-log partition of `key` when the log has `partitions` partitions: its hash slot mod
 * `partitions`. All changes of one key land in one partition, which is what keeps them in order.
 * With a power of two (the default 16) every partition gets the same number of slots; otherwise the first
 * `16384 mod partitions` partitions get one slot more than the others (at most 1/16 more for 1024
 * partitions; far less for small counts).
 */
export function partitionOf(key: string | Uint8Array, partitions: number): number {
  return keySlot(key) % partitions;
}

const encoder = new TextEncoder();
/** Bytes of an ASCII key, reused: capture calls keySlot for every change, so it should not allocate. */
const asciiScratch = new Uint8Array(256);

/**
 * The UTF-8 bytes of `key`. Pure ASCII keys up to 256 characters (nearly all keys) are copied into a
 * scratch buffer instead of allocating; the result is only valid until the next call.
 */
function utf8Bytes(key: string): Uint8Array {
  if (key.length <= asciiScratch.length) {
    let ascii = true;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      asciiScratch[i] = code;
    }
    if (ascii) return asciiScratch.subarray(0, key.length);
  }
  return encoder.encode(key);
}
