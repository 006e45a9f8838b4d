/**
 * The state of one js transform's sandbox: its engine, the WebAssembly instance the engine runs on and a
 * spare instance, and the rebuild policy. After a timeout, a memory error or queued promise jobs the engine
 * is disposed and a new one is built before the next record, on the spare instance when it is ready (fresh
 * memory) or else on the same one. After an engine fault the instance is dropped untouched and only the
 * spare can serve; a second fault before the next spare has loaded (in the background, a few tens of
 * milliseconds) fails records with the fault's code until it has.
 */
import { Engine, newEngineModule } from './engine.js';
import type { JsRecord } from './engine.js';
import { JsTransformError } from './errors.js';
import type { SandboxLimits } from './limits.js';
import type { QuickJSWASMModule } from 'quickjs-emscripten';

export interface RecordMeta {
  key: string;
  op: 'upsert' | 'delete';
}

/**
 * The JSON text `[record, key, op]`: all that crosses into the guest. Node escapes lone surrogates, so the
 * text survives its UTF-8 trip intact. A record that cannot be written as JSON fails like a transform would.
 */
function payloadOf(record: JsRecord, meta: RecordMeta): string {
  try {
    return JSON.stringify([record, String(meta.key), meta.op]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw error instanceof RangeError
      ? new JsTransformError(
          'JS_MEMORY',
          `the record is nested too deeply to enter the sandbox (${reason})`,
          {
            cause: error,
          },
        )
      : new JsTransformError(
          'JS_EXCEPTION',
          `the record cannot be converted to JSON for the sandbox: ${reason}`,
          {
            cause: error,
          },
        );
  }
}

export class Sandbox {
  private engine: Engine | undefined;
  /** The instance the engine runs on, or undefined once it was dropped. */
  private module: QuickJSWASMModule | undefined;
  private spare: QuickJSWASMModule | undefined;
  private spareLoading: Promise<void> | undefined;
  /** Why the sandbox has no engine and no instance to build one on (until the spare arrives). */
  private lastFault: JsTransformError | undefined;
  private disposed = false;

  constructor(
    private readonly code: string,
    private readonly filename: string,
    private readonly limits: SandboxLimits,
  ) {}

  /** Builds the engine on `module`. Throws what Engine.start throws; a corrupt instance is dropped. */
  start(module: QuickJSWASMModule): Engine {
    const engine = new Engine(module, this.spec());
    this.module = module;
    try {
      engine.start();
    } catch (error) {
      if (engine.corrupt) this.dropModule(error);
      throw error;
    }
    this.engine = engine;
    return engine;
  }

  run(record: JsRecord, meta: RecordMeta): JsRecord[] {
    if (this.disposed) throw new Error('this js transform was disposed');
    if (meta.op !== 'upsert' && meta.op !== 'delete') {
      throw new TypeError(`meta.op must be 'upsert' or 'delete' (got ${JSON.stringify(meta.op)})`);
    }
    const payload = payloadOf(record, meta);
    const engine = this.engine ?? this.rebuild();
    try {
      return engine.call(payload);
    } catch (error) {
      if (engine.corrupt) this.dropModule(error);
      throw error;
    } finally {
      if (engine.needsRebuild) this.retire(engine);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.engine?.dispose();
    this.engine = undefined;
    this.module = undefined;
    this.spare = undefined;
  }

  addSpare(module: QuickJSWASMModule): void {
    if (!this.disposed) this.spare = module;
  }

  /** Loads a spare WebAssembly instance in the background, unless one is ready or on its way. */
  prepareSpare(): void {
    if (this.disposed || this.spare !== undefined || this.spareLoading !== undefined) return;
    this.spareLoading = newEngineModule(this.limits).then(
      (module) => {
        this.spareLoading = undefined;
        this.addSpare(module);
      },
      () => {
        // The next rebuild asks again.
        this.spareLoading = undefined;
      },
    );
  }

  /** Settles once no spare is loading (for callers that can wait between batches, and for tests). */
  async spareSettled(): Promise<void> {
    await this.spareLoading;
  }

  private spec(): { code: string; filename: string; limits: SandboxLimits } {
    return { code: this.code, filename: this.filename, limits: this.limits };
  }

  /**
   * A new engine, synchronously: on the spare instance when one is ready (fresh memory), else on the
   * current one when it is not corrupt. With neither, the record fails with the fault that caused it.
   */
  private rebuild(): Engine {
    const module = this.spare ?? this.module;
    if (module === undefined) {
      this.prepareSpare();
      const fault = this.lastFault;
      throw new JsTransformError(
        fault?.code ?? 'JS_MEMORY',
        `${fault?.message ?? 'the sandbox failed'}; the sandbox is being rebuilt and was not ready for this record`,
      );
    }
    if (module === this.spare) this.spare = undefined;
    this.prepareSpare();
    return this.start(module);
  }

  /** After a timeout, a memory error or a fault: nothing of this engine may serve another record. */
  private retire(engine: Engine): void {
    if (this.engine === engine) this.engine = undefined;
    engine.dispose();
    // Disposing checks QuickJS's bookkeeping; when that fails, the instance is not reused either.
    if (engine.corrupt) this.dropModule(this.lastFault);
    this.prepareSpare();
  }

  /** The instance cannot be trusted any more; the next engine needs the spare. */
  private dropModule(error: unknown): void {
    this.module = undefined;
    if (error instanceof JsTransformError) this.lastFault = error;
  }
}
