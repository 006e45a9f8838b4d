/**
 * A job's `transform` blocks, compiled once per worker thread and run per record: RDI's add_field, filter,
 * map, remove_field, rename_field and key, and Ferry's sandboxed `js`. A record goes in; zero records (a
 * filter or a js transform dropped it), one, or several (js may split) come out.
 *
 * What expressions see: the record's fields at the top level, `key` (the Redis key, or what a `key` block
 * set) and `after` (the fields again, as RDI's `after.<field>` paths expect). A field of the record named
 * `key` or `after` wins over these. Field names in add_field, remove_field and rename_field may use dots for
 * nested fields, and may start with `after.`, which addresses the fields themselves.
 */
import { compileExpression } from '../../common/expressions/index.js';
import type { CompiledExpression, ExpressionLanguage } from '../../common/expressions/index.js';
import type { JsTransform as JsBlock, MapExpression, TransformBlock } from '../../common/config/job-model.js';
import { JsTransformError, createJsTransform } from './js/sandbox.js';
import type { JsTransform } from './js/sandbox.js';

export type Fields = Record<string, unknown>;

export interface TransformRecord {
  /** The Redis key, or what a `key` block computed. */
  key: string;
  fields: Fields;
}

/** A transform block as the apply tasks get it: plain data, with a js file's code already read. */
export type ApplyTransform =
  | Exclude<TransformBlock, JsBlock>
  | { uses: 'js'; code: string; filename: string; timeoutMs: number; memoryMb: number };

/** A record a block could not transform: it goes to the job's dead-letter queue with this code and message. */
export class TransformError extends Error {
  override readonly name = 'TransformError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Step = (records: TransformRecord[]) => TransformRecord[];

export interface Chain {
  /** Runs every block in order. Throws TransformError naming the block. */
  run(record: TransformRecord): TransformRecord[];
}

const sandboxes = new Map<string, Promise<JsTransform | JsTransformError>>();
/** The settled ones, for the synchronous run. */
const readySandboxes = new Map<string, JsTransform | JsTransformError>();

function sandboxId(block: Extract<ApplyTransform, { uses: 'js' }>): string {
  return JSON.stringify([block.filename, block.code, block.timeoutMs, block.memoryMb]);
}

/**
 * Creates the js sandboxes the blocks need (once per thread; creation is asynchronous, running is not).
 * A script that does not compile is kept as its error: every record of the job is then rejected with it.
 */
export async function prepareSandboxes(blocks: readonly ApplyTransform[]): Promise<void> {
  for (const block of blocks) {
    if (block.uses !== 'js') continue;
    const id = sandboxId(block);
    if (!sandboxes.has(id)) {
      sandboxes.set(
        id,
        createJsTransform({
          code: block.code,
          filename: block.filename,
          timeoutMs: block.timeoutMs,
          memoryMb: block.memoryMb,
        }).catch((error: unknown) =>
          error instanceof JsTransformError ? error : new JsTransformError('JS_COMPILE', String(error)),
        ),
      );
    }
    const ready = await sandboxes.get(id);
    if (ready) readySandboxes.set(id, ready);
  }
}

const chains = new Map<string, Chain>();
/** Each task brings its own (cloned) job list: the content lookup runs once per list, not once per record. */
const chainsByList = new WeakMap<readonly ApplyTransform[], Chain>();

/** The compiled chain of a list of blocks (cached by content). Call prepareSandboxes first for js blocks. */
export function chainOf(blocks: readonly ApplyTransform[]): Chain {
  let chain = chainsByList.get(blocks);
  if (chain) return chain;
  const id = JSON.stringify(blocks);
  chain = chains.get(id);
  if (!chain) {
    chain = compileChain(blocks);
    chains.set(id, chain);
  }
  chainsByList.set(blocks, chain);
  return chain;
}

function compileChain(blocks: readonly ApplyTransform[]): Chain {
  const steps = blocks.map((block, index) => {
    const where = `transform[${index}] (${block.uses})`;
    try {
      return compileBlock(block, where);
    } catch (error) {
      const failure = new TransformError('EXPRESSION', `${where}: ${(error as Error).message}`);
      return (): TransformRecord[] => {
        throw failure;
      };
    }
  });
  return {
    run(record) {
      let records = [record];
      for (const step of steps) {
        if (records.length === 0) break;
        records = step(records);
      }
      return records;
    },
  };
}

function compileBlock(block: ApplyTransform, where: string): Step {
  switch (block.uses) {
    case 'add_field': {
      const fields = block.fields.map((field) => ({
        path: fieldPath(field.field),
        name: field.field,
        expression: compileExpression(field.expression.expression, field.expression.language),
      }));
      return each((record) => {
        for (const field of fields) {
          setPath(
            record.fields,
            field.path,
            evaluate(field.expression, record, `${where} field ${field.name}`),
          );
        }
        return record;
      });
    }
    case 'filter': {
      const expression = compileExpression(block.expression.expression, block.expression.language);
      return (records) =>
        records.filter((record) => isTrue(evaluate(expression, record, where), block.expression.language));
    }
    case 'map': {
      const build = compileMap(block.expression, block.language);
      return each((record) => {
        const value = build(record, where);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new TransformError(
            'EXPRESSION',
            `${where}: the expression gave ${describe(value)}; map must give an object (the new record)`,
          );
        }
        return { key: record.key, fields: value as Fields };
      });
    }
    case 'remove_field': {
      const paths = block.fields.map(fieldPath);
      return each((record) => {
        for (const path of paths) removePath(record.fields, path);
        return record;
      });
    }
    case 'rename_field': {
      const renames = block.fields.map((rename) => ({
        from: fieldPath(rename.fromField),
        to: fieldPath(rename.toField),
      }));
      return each((record) => {
        for (const { from, to } of renames) {
          if (!hasPath(record.fields, from)) continue;
          const value = getPath(record.fields, from);
          removePath(record.fields, from);
          setPath(record.fields, to, value);
        }
        return record;
      });
    }
    case 'key': {
      const expression = compileExpression(block.expression.expression, block.expression.language);
      return each((record) => {
        const value = evaluate(expression, record, where);
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
          throw new TransformError('EXPRESSION', `${where}: the key expression gave ${describe(value)}`);
        }
        return { key: String(value), fields: record.fields };
      });
    }
    case 'js':
      return jsStep(block, where);
  }
}

function jsStep(block: Extract<ApplyTransform, { uses: 'js' }>, where: string): Step {
  const id = sandboxId(block);
  return (records) => {
    const out: TransformRecord[] = [];
    const sandbox = readySandboxes.get(id);
    for (const record of records) {
      if (sandbox === undefined) {
        throw new TransformError('JS_NOT_READY', `${where}: the sandbox of ${block.filename} is not ready`);
      }
      if (sandbox instanceof JsTransformError) throw jsFailure(sandbox, block, where);
      try {
        for (const fields of sandbox.run(record.fields, { key: record.key, op: 'upsert' })) {
          out.push({ key: record.key, fields });
        }
      } catch (error) {
        if (error instanceof JsTransformError) throw jsFailure(error, block, where);
        throw error;
      }
    }
    return out;
  };
}

function jsFailure(
  error: JsTransformError,
  block: Extract<ApplyTransform, { uses: 'js' }>,
  where: string,
): TransformError {
  const at = error.line === undefined ? '' : ` at ${block.filename}:${error.line}:${error.column ?? 1}`;
  return new TransformError(error.code, `${where}${at}: ${error.message}`);
}

function each(transform: (record: TransformRecord) => TransformRecord): Step {
  return (records) => records.map(transform);
}

/** The object expressions see: the fields, with `key` and `after` beside them unless fields use the names. */
export function contextOf(record: TransformRecord): Fields {
  const fields = record.fields;
  if (!Object.hasOwn(fields, 'key') || isMeta(fields, 'key')) {
    Object.defineProperty(fields, 'key', { value: record.key, enumerable: false, configurable: true });
  }
  if (!Object.hasOwn(fields, 'after')) {
    Object.defineProperty(fields, 'after', { value: fields, enumerable: false, configurable: true });
  }
  return fields;
}

function isMeta(fields: Fields, name: string): boolean {
  return Object.getOwnPropertyDescriptor(fields, name)?.enumerable === false;
}

function evaluate(expression: CompiledExpression, record: TransformRecord, where: string): unknown {
  try {
    return expression.evaluate(contextOf(record));
  } catch (error) {
    throw new TransformError('EXPRESSION', `${where}: ${(error as Error).message}`);
  }
}

/** A filter keeps a record when its expression is true: JMESPath truthiness, or SQL TRUE / a non-zero number. */
export function isTrue(value: unknown, language: ExpressionLanguage): boolean {
  if (language === 'sql') return value === true || (typeof value === 'number' && value !== 0);
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

type Builder = (record: TransformRecord, where: string) => unknown;

function compileMap(expression: MapExpression, language: ExpressionLanguage): Builder {
  if (typeof expression === 'string') {
    const compiled = compileExpression(expression, language);
    return (record, where) => evaluate(compiled, record, where);
  }
  const entries = Object.entries(expression).map(
    ([field, value]) => [field, compileMap(value, language)] as const,
  );
  return (record, where) => {
    const built: Fields = {};
    for (const [field, build] of entries) {
      Object.defineProperty(built, field, {
        value: build(record, `${where} field ${field}`),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return built;
  };
}

/** `after.a.b` -> ['a', 'b']; `a` -> ['a']. */
export function fieldPath(field: string): string[] {
  const path = field.split('.');
  return path.length > 1 && path[0] === 'after' ? path.slice(1) : path;
}

function getPath(fields: Fields, path: readonly string[]): unknown {
  let value: unknown = fields;
  for (const step of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Fields)[step];
  }
  return value;
}

function hasPath(fields: Fields, path: readonly string[]): boolean {
  let value: unknown = fields;
  for (const step of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return false;
    if (isMeta(value as Fields, step)) return false;
    value = (value as Fields)[step];
  }
  return true;
}

/** Sets a (nested) field, creating objects on the way; own properties only, so `__proto__` is a field. */
export function setPath(fields: Fields, path: readonly string[], value: unknown): void {
  let target = fields;
  path.forEach((step, index) => {
    if (index === path.length - 1) {
      Object.defineProperty(target, step, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const next = Object.hasOwn(target, step) && !isMeta(target, step) ? target[step] : undefined;
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      target = next as Fields;
    } else {
      const created: Fields = {};
      Object.defineProperty(target, step, {
        value: created,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      target = created;
    }
  });
}

function removePath(fields: Fields, path: readonly string[]): void {
  const parent = path.length === 1 ? fields : getPath(fields, path.slice(0, -1));
  const last = path.at(-1) as string;
  if (parent !== null && typeof parent === 'object' && Object.hasOwn(parent, last)) {
    if (!isMeta(parent as Fields, last)) delete (parent as Fields)[last];
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`;
}
