/**
 * One QuickJS engine for one js transform: a WebAssembly instance of its own (its own linear memory, capped
 * at the image plus memory_mb), one runtime with the CPU, heap and stack limits, one context with the
 * hardened realm (guest-bootstrap.ts) and the user's code compiled into a factory. The host keeps four
 * handles (the driver's `check` and `run`, the factory) and exchanges only strings with the guest.
 *
 * Faults: an exception of the host (a RangeError of the host thread's stack, a WebAssembly trap, an
 * engine abort) that unwinds through the instance leaves its memory and QuickJS's state half-updated. The
 * engine is then `corrupt`, and nothing of it is touched again: the sandbox drops the whole instance.
 */
import { DefaultIntrinsics, RELEASE_SYNC, newQuickJSWASMModule, newVariant } from 'quickjs-emscripten';
import type {
  CustomizeVariantOptions,
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSWASMModule,
} from 'quickjs-emscripten';
import {
  JsTransformError,
  compileError,
  errorFromGuest,
  isResourceError,
  memoryError,
  nullThrownError,
  timeoutError,
} from './errors.js';
import type { CodeOrigin } from './errors.js';
import { BOOTSTRAP_FILENAME, BOOTSTRAP_SOURCE, FACTORY_PREFIX, factorySource } from './guest-bootstrap.js';
import type { GuestFailure } from './guest-bootstrap.js';
import { isMainThread, resourceLimits } from 'node:worker_threads';
import { ENGINE_IMAGE_PAGES, SETUP_TIMEOUT_MS } from './limits.js';
import type { SandboxLimits } from './limits.js';

export type JsRecord = Record<string, unknown>;

export interface EngineSpec {
  code: string;
  filename: string;
  limits: SandboxLimits;
}

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: { Memory: new (limits: { initial: number; maximum: number }) => WasmMemory };

/** Emscripten writes aborts to the console; library code never does. */
const silent = (): void => undefined;

/**
 * A new WebAssembly instance of QuickJS whose memory cannot grow past the limits. QuickJS's own
 * setMemoryLimit does not count large blocks in this build (a loop of 1 MiB strings reaches 2 GiB under
 * a 32 MiB limit), so the memory's `maximum` is the limit that holds: past it, malloc fails and QuickJS
 * throws "out of memory".
 */
export async function newEngineModule(limits: SandboxLimits): Promise<QuickJSWASMModule> {
  const wasmMemory = new WebAssembly.Memory({
    initial: ENGINE_IMAGE_PAGES,
    maximum: limits.wasmMaximumPages,
  });
  // Emscripten's module options take print and printErr, which quickjs-emscripten does not declare.
  const options = { wasmMemory, emscriptenModule: { print: silent, printErr: silent } };
  return newQuickJSWASMModule(newVariant(RELEASE_SYNC, options as CustomizeVariantOptions));
}

const HOST_STACK_OVERFLOW = 'Maximum call stack size exceeded';

/** V8's stack on Node's main thread unless --stack-size (in KiB) says otherwise. */
const MAIN_THREAD_STACK_BYTES = 984 * 1024;

/** The stack of the thread this runs on: a worker's resourceLimits, else the main thread's V8 setting. */
export function hostStackBytes(): number {
  if (!isMainThread && typeof resourceLimits.stackSizeMb === 'number') {
    return resourceLimits.stackSizeMb * 1_048_576;
  }
  const flag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].find((argument) =>
    argument.startsWith('--stack-size='),
  );
  const kib = flag === undefined ? NaN : Number(flag.slice('--stack-size='.length));
  return Number.isFinite(kib) && kib > 0 ? kib * 1024 : MAIN_THREAD_STACK_BYTES;
}

/** A defect of Ferry's sandbox itself (never the user's code): reported as is, never as a JS_ code. */
export class SandboxBug extends Error {
  override readonly name = 'SandboxBug';
  constructor(message: string) {
    super(`js sandbox: ${message}`);
  }
}

export class Engine {
  /** A host exception went through the instance: drop it without touching it. */
  corrupt = false;
  /** Nothing of the last call may survive it: a timeout, a memory error or queued promise jobs. */
  needsRebuild = false;
  private deadline = 0;
  private interrupted = false;
  private readonly handles: QuickJSHandle[] = [];
  /** Set once the realm is ready: the context, the driver's functions and the user's factory. */
  private guest:
    { context: QuickJSContext; run: QuickJSHandle; check: QuickJSHandle; factory: QuickJSHandle } | undefined;
  private context: QuickJSContext | undefined;
  private readonly origin: CodeOrigin;
  private readonly memoryMb: number;

  private readonly runtime: QuickJSRuntime;

  constructor(
    module: QuickJSWASMModule,
    private readonly spec: EngineSpec,
  ) {
    this.runtime = module.newRuntime();
    this.origin = { filename: spec.filename, firstLineShift: FACTORY_PREFIX.length };
    this.memoryMb = spec.limits.memoryBytes / 1_048_576;
  }

  /**
   * Sets the engine up: limits, hardened realm, the user's code compiled and its top-level code run once
   * to find `transform`. Throws JsTransformError for the user's problems (SandboxBug for Ferry's); the
   * engine is then disposed, or corrupt.
   */
  start(): void {
    try {
      this.setUp();
    } catch (error) {
      const failure = this.fault(error);
      this.dispose();
      throw failure;
    }
  }

  /** Runs the driver for one record (`payload` is the JSON of [record, key, op]). Throws JsTransformError. */
  call(payload: string): JsRecord[] {
    const guest = this.guest;
    if (guest === undefined || this.corrupt) throw new SandboxBug('the engine is not running');
    let text: string;
    this.arm(this.spec.limits.timeoutMs);
    try {
      text = this.invoke(guest, payload);
    } catch (error) {
      throw this.fault(error);
    } finally {
      this.disarm();
    }
    if (!this.corrupt && this.runtime.hasPendingJob()) this.needsRebuild = true;
    return this.outcome(text);
  }

  dispose(): void {
    if (this.corrupt) return;
    try {
      for (const handle of this.handles.splice(0)) if (handle.alive) handle.dispose();
      if (this.context?.alive) this.context.dispose();
      if (this.runtime.alive) this.runtime.dispose();
    } catch {
      // Freeing failed inside the engine: its state cannot be trusted any more.
      this.corrupt = true;
    }
  }

  private setUp(): void {
    const { runtime, spec } = this;
    runtime.setMemoryLimit(spec.limits.memoryBytes);
    runtime.setMaxStackSize(spec.limits.stackBytes);
    runtime.setInterruptHandler(() => this.shouldInterrupt());
    const context = runtime.newContext({ intrinsics: { ...DefaultIntrinsics, Proxy: false } });
    this.context = context;

    this.arm(SETUP_TIMEOUT_MS);
    try {
      // Compiling the code alone as a script reports syntax errors at the user's own lines and columns, and
      // proves the code cannot close the factory's function early.
      this.evaluate(context, spec.code, spec.filename, true).dispose();
      const bootstrap = this.keep(this.evaluate(context, BOOTSTRAP_SOURCE, BOOTSTRAP_FILENAME, false));
      const limits = this.keep(context.newObject());
      for (const name of ['maxArrayLength', 'maxSearchWork'] as const) {
        const value = context.newNumber(spec.limits[name]);
        context.setProp(limits, name, value);
        value.dispose();
      }
      const driver = this.keep(
        this.unwrap(context, context.callFunction(bootstrap, context.undefined, limits)),
      );
      const run = this.keep(context.getProp(driver, 'run'));
      const check = this.keep(context.getProp(driver, 'check'));
      const factory = this.keep(this.evaluate(context, factorySource(spec.code), spec.filename, false));
      this.release(bootstrap, limits, driver);
      this.guest = { context, run, check, factory };
    } finally {
      this.disarm();
    }

    this.arm(spec.limits.timeoutMs);
    let text: string;
    try {
      text = this.guestText(
        context,
        context.callFunction(this.guest.check, context.undefined, this.guest.factory),
      );
    } finally {
      this.disarm();
    }
    this.outcome(text);
  }

  /** Evaluates code as a classic script (never a module: no import of anything). Throws JsTransformError. */
  private evaluate(
    context: QuickJSContext,
    code: string,
    filename: string,
    compileOnly: boolean,
  ): QuickJSHandle {
    const result = context.evalCode(code, filename, { type: 'global', compileOnly });
    if (!result.error) return result.value;
    const error = this.describe(context, result.error);
    result.error.dispose();
    if (this.interrupted) throw timeoutError(SETUP_TIMEOUT_MS);
    if (isResourceError(error.name, error.message)) throw memoryError(this.memoryMb, error.message);
    if (filename === BOOTSTRAP_FILENAME) {
      throw new SandboxBug(`the bootstrap failed: ${error.name ?? 'Error'}: ${error.message}`);
    }
    // Compiled alone, the code starts at column 1; inside the factory, its first line moved right.
    const origin = compileOnly ? { ...this.origin, firstLineShift: 0 } : this.origin;
    throw compileError(error.name ?? 'SyntaxError', error.message, error.stack, origin);
  }

  private unwrap(context: QuickJSContext, result: ReturnType<QuickJSContext['callFunction']>): QuickJSHandle {
    if (!result.error) return result.value;
    throw this.escaped(context, result.error);
  }

  private invoke(
    { context, run, factory }: { context: QuickJSContext; run: QuickJSHandle; factory: QuickJSHandle },
    payload: string,
  ): string {
    const payloadHandle = context.newString(payload);
    try {
      return this.guestText(context, context.callFunction(run, context.undefined, factory, payloadHandle));
    } finally {
      payloadHandle.dispose();
    }
  }

  /** The driver always answers a string; anything else reaching the host is an error that escaped it. */
  private guestText(context: QuickJSContext, result: ReturnType<QuickJSContext['callFunction']>): string {
    const handle = this.unwrap(context, result);
    try {
      if (context.typeof(handle) !== 'string') throw new SandboxBug('the driver answered a non-string');
      return context.getString(handle);
    } finally {
      handle.dispose();
    }
  }

  /**
   * An error that escaped the driver's own try/catch: the interrupt (uncatchable), or a resource error
   * raised again while the driver handled the first one. Read while the deadline still holds.
   */
  private escaped(context: QuickJSContext, handle: QuickJSHandle): JsTransformError {
    try {
      if (this.interrupted) return timeoutError(this.spec.limits.timeoutMs);
      if (this.isNullish(context, handle)) return nullThrownError(this.memoryMb);
      const error = this.describe(context, handle);
      if (isResourceError(error.name, error.message)) return memoryError(this.memoryMb, error.message);
      return new JsTransformError('JS_EXCEPTION', `${error.name ?? 'Error'}: ${error.message}`);
    } finally {
      handle.dispose();
      this.needsRebuild = true;
    }
  }

  /** The outcome text of the driver: 'R' + JSON of the records, or 'E' + JSON of a GuestFailure. */
  private outcome(text: string): JsRecord[] {
    if (text.startsWith('E')) {
      const failure = JSON.parse(text.slice(1)) as GuestFailure;
      const error = errorFromGuest(failure, this.origin, this.memoryMb);
      if (error.code === 'JS_MEMORY') this.needsRebuild = true;
      throw error;
    }
    if (text === 'R') return [];
    const records: unknown = JSON.parse(text.slice(1));
    // The guest built this text with JSON.stringify of checked values; check again, never trust the guest.
    if (!Array.isArray(records))
      throw new JsTransformError('JS_BAD_RESULT', 'the transform returned no records');
    records.forEach((record: unknown, index) => {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw new JsTransformError(
          'JS_BAD_RESULT',
          `item ${index} of the transform's result is not a record once converted to JSON (a toJSON method?)`,
        );
      }
    });
    return records as JsRecord[];
  }

  /** Name, message and stack of an error value, read with no more than property reads. */
  private describe(
    context: QuickJSContext,
    handle: QuickJSHandle,
  ): { name?: string; message: string; stack?: string } {
    if (context.typeof(handle) !== 'object' || this.isNullish(context, handle)) {
      return { message: 'a value that is not an error was thrown' };
    }
    const read = (key: string): string | undefined => {
      const value = context.getProp(handle, key);
      try {
        return context.typeof(value) === 'string' ? context.getString(value) : undefined;
      } finally {
        value.dispose();
      }
    };
    return { name: read('name'), message: read('message') ?? '', stack: read('stack') };
  }

  private isNullish(context: QuickJSContext, handle: QuickJSHandle): boolean {
    return context.sameValue(handle, context.null) || context.sameValue(handle, context.undefined);
  }

  /**
   * Any exception of the host while the engine ran: JsTransformErrors and Ferry's own bugs pass; the host
   * thread's stack running out is a memory error; anything else is an engine failure. Both of these leave
   * the instance corrupt.
   */
  private fault(error: unknown): Error {
    if (error instanceof JsTransformError || error instanceof SandboxBug) return error;
    this.corrupt = true;
    this.needsRebuild = true;
    if (error instanceof RangeError && error.message.includes(HOST_STACK_OVERFLOW)) {
      return memoryError(this.memoryMb, 'stack overflow', error);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new JsTransformError(
      'JS_EXCEPTION',
      `the sandbox's engine failed (${message}); it was rebuilt for the next record`,
      { cause: error },
    );
  }

  private keep(handle: QuickJSHandle): QuickJSHandle {
    this.handles.push(handle);
    return handle;
  }

  private release(...handles: QuickJSHandle[]): void {
    for (const handle of handles) {
      handle.dispose();
      this.handles.splice(this.handles.indexOf(handle), 1);
    }
  }

  private arm(timeoutMs: number): void {
    this.interrupted = false;
    this.deadline = performance.now() + timeoutMs;
  }

  private disarm(): void {
    // Outside a call no guest code may run at all: any poll interrupts at once.
    this.deadline = 0;
  }

  private shouldInterrupt(): boolean {
    if (performance.now() <= this.deadline) return false;
    this.interrupted = true;
    this.needsRebuild = true;
    return true;
  }
}
