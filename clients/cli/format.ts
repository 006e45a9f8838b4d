/** Small formatting helpers for what people read: times, ages, hashes, counts and enum values. */
import type { Timestamp } from '../generated/google/protobuf/Timestamp.js';

/** A timestamp from the wire -> milliseconds since the epoch; undefined when unset. */
export function timestampMs(timestamp: Timestamp | null | undefined): number | undefined {
  if (!timestamp) return undefined;
  const ms = Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000);
  return ms > 0 ? ms : undefined;
}

/** `2024-05-01T12:34:56Z`: UTC, to the second, the same on every machine. "-" when unset. */
export function formatTime(timestamp: Timestamp | null | undefined): string {
  const ms = timestampMs(timestamp);
  return ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A duration in the largest fitting unit: `3s`, `4m`, `2h`, `5d`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** `3s ago` for a past time, `in 12s` for a future one (a lease's expiry). */
export function formatAgo(timestamp: Timestamp | null | undefined, now: number = Date.now()): string {
  const ms = timestampMs(timestamp);
  if (ms === undefined) return '-';
  return ms <= now ? `${formatDuration(now - ms)} ago` : `in ${formatDuration(ms - now)}`;
}

/** `sha256:ab12cd34ef56…`: enough of a content hash to tell versions apart. */
export function shortHash(contentHash: string): string {
  const match = /^(sha256:)?([0-9a-f]+)$/i.exec(contentHash);
  if (!match?.[2] || match[2].length <= 12) return contentHash;
  return `${match[1] ?? ''}${match[2].slice(0, 12)}…`;
}

/** `1 job`, `2 jobs`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * An enum value for people: `ENGINE_STATE_RUNNING` -> `running`, `JOB_KIND_WRITE_BEHIND` -> `write-behind`.
 * The prefix is the enum's name in upper snake case.
 */
export function enumLabel(value: string, prefix: string): string {
  const bare = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  if (bare === 'UNSPECIFIED' || bare === '') return 'unknown';
  return bare.toLowerCase().replace(/_/g, '-');
}

/**
 * Replaces google.protobuf.Timestamp objects by ISO strings, recursively, so that --json documents read like
 * every other JSON API. Everything else (field names, enum names) stays as the ferry.v1 contract has it.
 */
export function toJsonDocument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonDocument);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (isTimestamp(value, entries.length)) {
    const ms = timestampMs(value);
    return ms === undefined ? null : new Date(ms).toISOString();
  }
  return Object.fromEntries(entries.map(([key, field]) => [key, toJsonDocument(field)]));
}

function isTimestamp(value: object, keyCount: number): value is Timestamp {
  const candidate = value as Partial<Timestamp>;
  return keyCount === 2 && typeof candidate.seconds === 'number' && typeof candidate.nanos === 'number';
}
