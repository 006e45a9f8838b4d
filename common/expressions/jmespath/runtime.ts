/**
 * Ferry's JMESPath runtime: a private interpreter holding the standard functions plus RDI's extra ones.
 *
 * Why a private interpreter rather than the library's shared one: RDI's `lower`, `upper`, `replace` and
 * `split` differ from the library's own (they accept null, `split`'s separator defaults to a comma), so they
 * must replace them; doing that on the shared interpreter would change the language for any other user of the
 * library in the process. Registration runs once, when this module is loaded (once per worker thread, since
 * each thread loads its own copy), and uses `override`, so running it again would change nothing.
 *
 * The interpreter also changes how fields are read, in two ways:
 * - only a record's own members are fields (`constructor` or `toString` is null, not a JavaScript function);
 * - `after` on the record, when the record has no member of that name, is the record itself, so that RDI's
 *   `after.<field>` and `<field>` mean the same thing.
 */
import { TYPE_ANY, TreeInterpreter } from '@jmespath-community/jmespath';
import type { InputSignature, JSONValue } from '@jmespath-community/jmespath';
import { ArgumentReader } from './arguments.js';
import type { CallContext, ExpressionNode, FunctionSpec } from './arguments.js';
import { DATE_FUNCTIONS } from './dates.js';
import { JmespathEvaluationError, JmespathSyntaxError } from './errors.js';
import { OBJECT_FUNCTIONS } from './objects.js';
import { REGEX_FUNCTIONS } from './regex.js';
import { STRING_FUNCTIONS } from './strings.js';
import { parseExpression } from './syntax.js';
import type { FunctionCatalog } from './syntax.js';

/** Every extra function, by name. */
export const EXTRA_FUNCTION_SPECS: ReadonlyMap<string, FunctionSpec> = new Map(
  [...STRING_FUNCTIONS, ...REGEX_FUNCTIONS, ...OBJECT_FUNCTIONS, ...DATE_FUNCTIONS]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((spec) => [spec.name, spec]),
);

type Interpreter = typeof TreeInterpreter;
type VisitNode = Parameters<Interpreter['visit']>[0];
type VisitValue = Parameters<Interpreter['visit']>[1];
type VisitResult = ReturnType<Interpreter['visit']>;

// The library exports its interpreter as an instance; its class is reached through the instance.
const InterpreterBase = TreeInterpreter.constructor as new () => Interpreter;

class FerryInterpreter extends InterpreterBase {
  /** The record being evaluated: the one value whose missing `after` member is the value itself. */
  record: JSONValue | undefined = undefined;

  override visit(node: VisitNode, value: VisitValue): VisitResult {
    if (node.type !== 'Field') return super.visit(node, value);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const members = value as Record<string, JSONValue | undefined>;
    if (Object.hasOwn(members, node.name)) return members[node.name] ?? null;
    return node.name === 'after' && value === this.record ? value : null;
  }

  // `let` expressions evaluate in a child interpreter that the library creates from its own class.
  override withScope(scope: Parameters<Interpreter['withScope']>[0]): Interpreter {
    const child = super.withScope(scope);
    Object.setPrototypeOf(child, FerryInterpreter.prototype);
    (child as FerryInterpreter).record = this.record;
    return child;
  }
}

const interpreter = new FerryInterpreter();

/**
 * Interpreters for expressions that functions evaluate with a root of their own (filter_entries' predicate),
 * one per nesting depth so that a nested call does not disturb the root of the call around it.
 */
const nestedInterpreters: FerryInterpreter[] = [];
let nestingDepth = 0;

function evaluateNested(node: ExpressionNode, value: JSONValue): JSONValue {
  let nested = nestedInterpreters[nestingDepth];
  if (!nested) {
    nested = interpreter.withScope({}) as FerryInterpreter;
    nested.record = undefined;
    nestedInterpreters[nestingDepth] = nested;
  }
  nestingDepth++;
  try {
    return nested.search(node, value);
  } finally {
    nestingDepth--;
  }
}

const MAX_CACHED_ARGUMENTS = 256;
const compiledArguments = new Map<string, ExpressionNode>();

const context: CallContext = {
  evaluate: evaluateNested,
  compileArgument(source) {
    const cached = compiledArguments.get(source);
    if (cached) return cached;
    const ast = compileExpression(source);
    if (compiledArguments.size >= MAX_CACHED_ARGUMENTS) compiledArguments.clear();
    compiledArguments.set(source, ast);
    return ast;
  },
};

for (const spec of EXTRA_FUNCTION_SPECS.values()) {
  const signature: InputSignature[] = spec.params.map((param) =>
    param.optional ? { types: [TYPE_ANY], optional: true } : { types: [TYPE_ANY] },
  );
  const result = interpreter.runtime.register(
    spec.name,
    (resolvedArgs) => spec.call(new ArgumentReader(spec, resolvedArgs), context),
    signature,
    { override: true },
  );
  if (!result.success) throw new Error(`registering ${spec.name}(): ${result.message}`);
}

/** filter_entries' predicate, when it is a literal, is compiled with the expression that holds it. */
function checkPredicate(literals: readonly (JSONValue | undefined)[]): string | undefined {
  const predicate = literals[1];
  if (typeof predicate !== 'string') return undefined;
  try {
    compileExpression(predicate);
    return undefined;
  } catch (error) {
    return `argument 2 (predicate) is not a valid expression: ${(error as Error).message}`;
  }
}

const catalog: FunctionCatalog = {
  names: () => interpreter.runtime.getRegistered(),
  arity(name) {
    const entry = Object.hasOwn(interpreter.runtime._functionTable, name)
      ? interpreter.runtime._functionTable[name]
      : undefined;
    if (!entry) return undefined;
    const signature = entry._signature;
    const min = signature.filter((param) => !(param.optional ?? false)).length;
    const variadic = signature[signature.length - 1]?.variadic ?? false;
    return { min, max: variadic ? Number.POSITIVE_INFINITY : signature.length };
  },
  parameters(name) {
    const spec = EXTRA_FUNCTION_SPECS.get(name);
    return spec
      ? spec.params.map((param) => (param.optional ? `[${param.name}]` : param.name)).join(', ')
      : '';
  },
  checkLiterals(name, literals) {
    if (name === 'filter_entries') return checkPredicate(literals);
    return EXTRA_FUNCTION_SPECS.get(name)?.checkLiterals?.(literals);
  },
};

/** Parses and checks an expression; throws JmespathSyntaxError. */
export function compileExpression(source: string): ExpressionNode {
  return parseExpression(source, catalog);
}

const ARITHMETIC_MESSAGES: Readonly<Record<string, string>> = {
  'not-a-number': 'arithmetic needs numbers on both sides',
  'not-a-number: undefined': 'arithmetic needs numbers on both sides (got null)',
  'not-a-number: divide by zero': 'division by zero',
};

function evaluationError(error: unknown): JmespathEvaluationError {
  if (error instanceof JmespathEvaluationError) return error;
  if (error instanceof JmespathSyntaxError)
    return new JmespathEvaluationError(error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new JmespathEvaluationError(ARITHMETIC_MESSAGES[message] ?? message, { cause: error });
}

/** Evaluates a compiled expression against one record; throws JmespathEvaluationError. */
export function evaluateExpression(ast: ExpressionNode, record: unknown): unknown {
  const root = (record ?? null) as JSONValue;
  interpreter.record = root;
  try {
    return interpreter.search(ast, root);
  } catch (error) {
    throw evaluationError(error);
  } finally {
    interpreter.record = undefined;
  }
}
