/**
 * Sandboxed JavaScript transforms (`uses: js`): a user's function from one record to a record, several
 * records or null, run in QuickJS compiled to WebAssembly, one sandbox per (job, block) per piscina thread,
 * created once and reused for every record. docs/js-transforms.md describes the contract for users and
 * the threat model for reviewers.
 *
 * Isolation rests on three things: QuickJS is a separate engine whose heap lives in a WebAssembly memory
 * of its own (one per sandbox, capped); the guest gets no host binding at all (not even a logger); and
 * records cross as JSON text only, parsed on each side, so no host object or function is ever reachable.
 *
 * State: each call runs the user's script again in a fresh function scope of a frozen realm, so nothing a
 * call does is visible to the next one. (A fresh QuickJS context per call was measured 10 to 20 times
 * slower: docs/js-transforms.md has the figures.) After a timeout, a memory error or an engine fault the
 * engine is thrown away and rebuilt before the next call (sandbox-state.ts).
 */
import { hostStackBytes, newEngineModule } from './engine.js';
import type { JsRecord } from './engine.js';
import { JsTransformError } from './errors.js';
import { CHECK_MEMORY_MB, CHECK_TIMEOUT_MS, compileLimits } from './limits.js';
import { Sandbox } from './sandbox-state.js';

export { JsTransformError } from './errors.js';
export type { JsTransformErrorCode } from './errors.js';
export type { JsRecord } from './engine.js';

export interface JsTransformOptions {
  code: string;
  /** For error messages and stack traces, e.g. 'jobs/emp.yaml' or 'jobs/emp.js'. */
  filename: string;
  /** Time budget of one call in milliseconds (`timeout_ms`), 1 to 60000. */
  timeoutMs: number;
  /** Heap of the sandbox in MiB (`memory_mb`), 1 to 2032. */
  memoryMb: number;
}

export interface JsTransformMeta {
  key: string;
  op: 'upsert' | 'delete';
}

export interface JsTransform {
  /** Runs transform(record, meta) once. Throws JsTransformError. After a timeout or memory error the
   *  sandbox is rebuilt transparently, so the next call works. */
  run(record: JsRecord, meta: JsTransformMeta): JsRecord[];
  dispose(): void;
}

/**
 * Compiles the code in a fresh sandbox and checks that `transform` is a function. Throws JsTransformError;
 * InvalidArgumentError when timeoutMs or memoryMb is out of range.
 */
export async function createJsTransform(options: JsTransformOptions): Promise<JsTransform> {
  const limits = compileLimits(options.timeoutMs, options.memoryMb, hostStackBytes());
  const sandbox = new Sandbox(options.code, options.filename, limits);
  // The spare is ready from the start, so that the first rebuild is synchronous too.
  const [module, spare] = await Promise.all([newEngineModule(limits), newEngineModule(limits)]);
  sandbox.start(module);
  sandbox.addSpare(spare);
  return sandbox;
}

/** For deploy-time validation without keeping a sandbox: undefined when the code is fine, else the error. */
export async function checkJsTransform(
  code: string,
  filename: string,
): Promise<JsTransformError | undefined> {
  const limits = compileLimits(CHECK_TIMEOUT_MS, CHECK_MEMORY_MB, hostStackBytes());
  const sandbox = new Sandbox(code, filename, limits);
  try {
    sandbox.start(await newEngineModule(limits));
    return undefined;
  } catch (error) {
    if (error instanceof JsTransformError) return error;
    throw error;
  } finally {
    sandbox.dispose();
  }
}
