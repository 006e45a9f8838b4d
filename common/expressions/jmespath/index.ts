/**
 * Ferry's `jmespath` expression language: standard JMESPath (the JMESPath Community edition) plus every extra
 * function Redis Data Integration documents, with the same names, arguments and results, and a few Ferry
 * additions. Users' reference: docs/expressions-jmespath.md.
 *
 * An expression is compiled once, when a pipeline is loaded (syntax, unknown functions and argument counts are
 * checked then), and evaluated against each record without parsing again.
 */
import type { ExpressionNode } from './arguments.js';
import { EXTRA_FUNCTION_SPECS, compileExpression, evaluateExpression } from './runtime.js';

export { JmespathEvaluationError, JmespathSyntaxError } from './errors.js';

/** A compiled expression. */
export interface JmespathExpression {
  readonly source: string;
  /** Evaluates against one record (a plain object). Throws JmespathEvaluationError for bad arguments. */
  evaluate(record: unknown): unknown;
}

/**
 * Compiles `source`. Throws JmespathSyntaxError (with offset, line and column) when it is not valid JMESPath,
 * calls a function that does not exist, gives a function a wrong number of arguments, or gives it a literal
 * argument that cannot work (an unknown hash name, an invalid regular expression or date format...).
 */
export function compileJmespath(source: string): JmespathExpression {
  const ast: ExpressionNode = compileExpression(source);
  return { source, evaluate: (record) => evaluateExpression(ast, record) };
}

/** Names of the extra (non-standard) functions, for docs and error suggestions. */
export const EXTRA_FUNCTIONS: readonly string[] = Object.freeze([...EXTRA_FUNCTION_SPECS.keys()]);
