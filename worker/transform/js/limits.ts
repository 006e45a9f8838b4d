/**
 * The limits of a js transform's sandbox: the user's `timeout_ms` and `memory_mb` checked and turned into
 * what the engine needs (bytes, WebAssembly pages, the caps of the guarded built-ins). Pure, so that every
 * message is covered by a test. A bad value is an InvalidArgumentError; nothing is silently clamped.
 */
import { InvalidArgumentError } from '../../../common/errors.js';

/** `timeout_ms` when the job does not set it. */
export const DEFAULT_TIMEOUT_MS = 50;
/** `memory_mb` when the job does not set it. */
export const DEFAULT_MEMORY_MB = 32;
/** A record that needs a minute of CPU is a bug; the cap keeps one record from holding a thread for long. */
export const MAX_TIMEOUT_MS = 60_000;
/**
 * QuickJS runs in 32-bit WebAssembly whose memory ends at 2 GiB in this build; the engine's own image (code
 * data and the C stack) takes the first 16 MiB.
 */
export const MAX_MEMORY_MB = 2032;

/** WebAssembly memory is counted in 64 KiB pages. */
const WASM_PAGE_BYTES = 65_536;
const MIB = 1_048_576;
/** The engine's image: the build asks for at least 16 MiB (256 pages), of which about 5 MiB are data and stack. */
export const ENGINE_IMAGE_PAGES = 256;

/**
 * QuickJS's own limit on its C stack, as a share of the host thread's stack. QuickJS measures the stack
 * that WebAssembly keeps in its memory, but its frames also use the host thread's stack, up to about 25
 * times as much on the hungriest path (parsing deeply nested code; JSON of deeply nested values comes
 * next). If the host's stack ran out first, the engine would be left half-way through a call and would
 * have to be thrown away, so QuickJS must give up first: 1/32 of the host stack. In a worker thread (4 MiB
 * by default) that is 128 KiB, about 700 nested calls of a plain function (190 when each level goes
 * through a built-in such as Array.prototype.map); on Node's main thread (984 KiB) about 30 KiB.
 */
export const STACK_SHARE = 32;
export const MIN_STACK_BYTES = 16_384;
export const MAX_STACK_BYTES = 262_144;

export function stackBytesFor(hostStackBytes: number): number {
  const share = Math.floor(hostStackBytes / STACK_SHARE / 1024) * 1024;
  return Math.min(MAX_STACK_BYTES, Math.max(MIN_STACK_BYTES, share));
}

/**
 * The longest array (or array-like) the sandbox's array built-ins accept: 4 Mi elements, which is 32 MiB of
 * values, the default heap. Without a cap, `a.length = 2 ** 32 - 1; a.lastIndexOf(1)` loops in C for
 * minutes without ever reaching the interrupt handler.
 */
export const MAX_ARRAY_LENGTH = 4_194_304;

/**
 * The most character comparisons a string search may need in the worst case (text length x needle length):
 * QuickJS's indexOf, includes, split and replace compare naively, so a 8 MiB text and a 1 MiB needle would
 * take hours. 2^28 comparisons take well under a second.
 */
export const MAX_SEARCH_WORK = 268_435_456;

/** Time for work that is not the user's: loading the engine, hardening the realm, parsing. */
export const SETUP_TIMEOUT_MS = 5_000;

/** checkJsTransform does not know the job's limits: it runs the top-level code with these. */
export const CHECK_TIMEOUT_MS = 1_000;
export const CHECK_MEMORY_MB = 64;

export interface SandboxLimits {
  /** Wall-clock budget of one call, in milliseconds (the call is synchronous: an upper bound of its CPU time). */
  timeoutMs: number;
  /** QuickJS's allocation limit, in bytes (memory_mb). */
  memoryBytes: number;
  /** Hard cap of the WebAssembly memory, in pages: the engine's image plus memory_mb. */
  wasmMaximumPages: number;
  stackBytes: number;
  maxArrayLength: number;
  maxSearchWork: number;
}

/**
 * Checks `timeout_ms` and `memory_mb` and derives the sandbox's limits for a thread whose stack has
 * `hostStackBytes`. Throws InvalidArgumentError.
 */
export function compileLimits(timeoutMs: unknown, memoryMb: unknown, hostStackBytes: number): SandboxLimits {
  const timeout = integerIn('timeout_ms', timeoutMs, 1, MAX_TIMEOUT_MS);
  const memory = integerIn('memory_mb', memoryMb, 1, MAX_MEMORY_MB);
  return {
    timeoutMs: timeout,
    memoryBytes: memory * MIB,
    wasmMaximumPages: ENGINE_IMAGE_PAGES + (memory * MIB) / WASM_PAGE_BYTES,
    stackBytes: stackBytesFor(hostStackBytes),
    maxArrayLength: MAX_ARRAY_LENGTH,
    maxSearchWork: MAX_SEARCH_WORK,
  };
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `js transform ${field} must be an integer from ${min} to ${max} (got ${show(value)})`,
    );
  }
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return typeof value;
}
