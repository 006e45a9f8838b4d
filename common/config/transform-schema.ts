/**
 * Schema of a job's `transform` blocks: RDI's add_field, filter, map, remove_field, rename_field and key, and
 * Ferry's sandboxed `js`. Each block is `{uses, with}`; blocks that accept one field or a `fields` list are
 * compiled to the list form. Expressions are checked for presence and language only: the transform task
 * compiles them.
 */
import { isMap, isScalar } from 'yaml';
import {
  MappingView,
  alternatives,
  array,
  discriminated,
  integer,
  map,
  mismatch,
  object,
  oneOf,
  string,
} from './combinators.js';
import type { Decoder } from './combinators.js';
import { TransformDefaults } from './job-model.js';
import type {
  Expression,
  ExpressionLanguage,
  FieldExpression,
  FieldRename,
  MapExpression,
  MapObject,
  TransformBlock,
} from './job-model.js';

export const language = oneOf(['jmespath', 'sql']);

/** `{expression, language}` -> Expression, language defaulted. */
export function toExpression(value: { expression: string; language?: ExpressionLanguage }): Expression {
  return { expression: value.expression, language: value.language ?? TransformDefaults.language };
}

/** `{expression, language}` with expression required. */
export const expressionObject: Decoder<Expression> = map(
  object({ fields: { expression: string(), language }, required: ['expression'] }),
  toExpression,
);

const fieldExpression = map(
  object({ fields: { field: string(), expression: string(), language }, required: ['field', 'expression'] }),
  (value): FieldExpression => ({ field: value.field, expression: toExpression(value) }),
);

const addFieldWith = alternatives<FieldExpression[]>('field and expression, or fields', [
  { markers: ['field', 'expression'], decoder: map(fieldExpression, (value) => [value]) },
  {
    markers: ['fields'],
    decoder: map(
      object({ fields: { fields: array(fieldExpression, { nonEmpty: true }) }, required: ['fields'] }),
      (value) => value.fields,
    ),
  },
]);

/** The mapping form of `map`: field -> expression, nested mappings for nested fields. */
const mapObject: Decoder<MapObject> = (node, at) => {
  if (!isMap(node)) return mismatch(node, at, 'a mapping');
  const view = new MappingView(at.ctx, at.path, node);
  const keys = view.keys();
  if (keys.length === 0) {
    at.ctx.problem(node, at.path, 'must not be empty');
    return undefined;
  }
  // Built with fromEntries so that a field named __proto__ stays a field.
  const entries: [string, string | MapObject][] = [];
  for (const key of new Set(keys)) {
    const decoded = mapExpression(view.valueNode(key), { ctx: at.ctx, path: view.pathOf(key) });
    if (decoded !== undefined) entries.push([key, decoded]);
  }
  return Object.fromEntries(entries);
};

const mapExpression: Decoder<MapExpression> = (node, at) => {
  if (isMap(node)) return mapObject(node, at);
  if (isScalar(node) && typeof node.value === 'string') return string()(node, at);
  return mismatch(node, at, 'an expression or a mapping of field: expression');
};

const removeFieldWith = alternatives<string[]>('field, or fields', [
  {
    markers: ['field'],
    decoder: map(object({ fields: { field: string() }, required: ['field'] }), (v) => [v.field]),
  },
  {
    markers: ['fields'],
    decoder: map(
      object({
        fields: {
          fields: array(
            map(object({ fields: { field: string() }, required: ['field'] }), (v) => v.field),
            { nonEmpty: true },
          ),
        },
        required: ['fields'],
      }),
      (value) => value.fields,
    ),
  },
]);

const fieldRename = map(
  object({ fields: { from_field: string(), to_field: string() }, required: ['from_field', 'to_field'] }),
  (value): FieldRename => ({ fromField: value.from_field, toField: value.to_field }),
);

const renameFieldWith = alternatives<FieldRename[]>('from_field and to_field, or fields', [
  { markers: ['from_field', 'to_field'], decoder: map(fieldRename, (value) => [value]) },
  {
    markers: ['fields'],
    decoder: map(
      object({ fields: { fields: array(fieldRename, { nonEmpty: true }) }, required: ['fields'] }),
      (value) => value.fields,
    ),
  },
]);

const jsLimits = { timeout_ms: integer({ min: 1 }), memory_mb: integer({ min: 1 }) };

type JsScript = Extract<TransformBlock, { uses: 'js' }>['script'];

const jsWith = alternatives<{ script: JsScript; timeout_ms?: number; memory_mb?: number }>('code or file', [
  {
    markers: ['code'],
    decoder: map(object({ fields: { code: string(), ...jsLimits }, required: ['code'] }), (value) => ({
      ...value,
      script: { kind: 'inline', code: value.code },
    })),
  },
  {
    markers: ['file'],
    decoder: map(object({ fields: { file: string(), ...jsLimits }, required: ['file'] }), (value) => ({
      ...value,
      script: { kind: 'file', path: value.file },
    })),
  },
]);

/** `{uses: <name>, with: <parameters>}` compiled by `compile`. */
function block<W>(uses: string, withDecoder: Decoder<W>, compile: (value: W) => TransformBlock) {
  return map(
    object({ fields: { uses: oneOf([uses]), with: withDecoder }, required: ['uses', 'with'] }),
    (value) => compile(value.with),
  );
}

/** One transform block, chosen by `uses`. */
export const transformBlock: Decoder<TransformBlock> = discriminated<TransformBlock>('uses', {
  add_field: block('add_field', addFieldWith, (fields) => ({ uses: 'add_field', fields })),
  filter: block('filter', expressionObject, (expression) => ({ uses: 'filter', expression })),
  js: block('js', jsWith, (value) => ({
    uses: 'js',
    script: value.script,
    timeoutMs: value.timeout_ms ?? TransformDefaults.jsTimeoutMs,
    memoryMb: value.memory_mb ?? TransformDefaults.jsMemoryMb,
  })),
  key: block('key', expressionObject, (expression) => ({ uses: 'key', expression })),
  map: block(
    'map',
    object({ fields: { expression: mapExpression, language }, required: ['expression'] }),
    (value) => ({
      uses: 'map',
      expression: value.expression,
      language: value.language ?? TransformDefaults.language,
    }),
  ),
  remove_field: block('remove_field', removeFieldWith, (fields) => ({ uses: 'remove_field', fields })),
  rename_field: block('rename_field', renameFieldWith, (fields) => ({ uses: 'rename_field', fields })),
});
