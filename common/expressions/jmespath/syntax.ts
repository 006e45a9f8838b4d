/**
 * Compiling an expression: the library's parser, then Ferry's own checks on the tree, so that mistakes are
 * found when a pipeline is validated rather than on the first record. The checks: every function exists (with a
 * suggestion of the closest name), gets a number of arguments it accepts, and literal arguments that can be
 * checked early (a hash name, a regular expression, a date format, a filter_entries predicate) are valid.
 *
 * The library's errors carry no position, so the position is found here: a lexer error is at the end of the
 * longest prefix that still tokenizes; a parser error at the first token whose prefix fails the same way.
 */
import { compile, tokenize } from '@jmespath-community/jmespath';
import type { JSONValue } from '@jmespath-community/jmespath';
import type { ExpressionNode } from './arguments.js';
import { JmespathSyntaxError, positionOf } from './errors.js';
import { didYouMean } from '../../config/suggest.js';

/** The functions an expression may call, as the compile-time checks need them. */
export interface FunctionCatalog {
  names(): Iterable<string>;
  /** How many arguments the function takes (`max` is Infinity for a variadic one); undefined when unknown. */
  arity(name: string): { readonly min: number; readonly max: number } | undefined;
  /** The parameter list for messages, e.g. `text, count`; empty when the names are not known. */
  parameters(name: string): string;
  /** What is wrong with the literal arguments (undefined where an argument is not a literal). */
  checkLiterals(name: string, literals: readonly (JSONValue | undefined)[]): string | undefined;
}

/** The library is asked to accept RDI's `` `sha1` `` (a literal that is not JSON is a string), as RDI does. */
export const PARSE_OPTIONS = { enable_legacy_literals: true } as const;

type Token = ReturnType<typeof tokenize>[number];

function tokenizes(source: string): boolean {
  try {
    tokenize(source, PARSE_OPTIONS);
    return true;
  } catch {
    return false;
  }
}

function parses(source: string): string | undefined {
  try {
    compile(source, PARSE_OPTIONS);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A syntax error at `offset`, with the line, the column and the text near it in the message. */
export function syntaxErrorAt(
  source: string,
  offset: number,
  problem: string,
  cause?: unknown,
): JmespathSyntaxError {
  const position = positionOf(source, offset);
  const lineText = source.split('\n')[position.line - 1] ?? '';
  const near =
    position.offset >= source.trimEnd().length
      ? 'at the end of the expression'
      : `near ${JSON.stringify(lineText.slice(Math.max(0, position.column - 16), position.column + 15).trim())}`;
  return new JmespathSyntaxError(
    `${problem} at line ${position.line}, column ${position.column} (${near})`,
    position,
    { cause },
  );
}

/** The library's parse failure as a JmespathSyntaxError with a position. */
function locate(source: string, error: unknown): JmespathSyntaxError {
  const message = error instanceof Error ? error.message : String(error);
  if (source.trim() === '') return syntaxErrorAt(source, source.length, 'the expression is empty', error);
  if (!tokenizes(source)) {
    let offset = source.length - 1;
    while (offset > 0 && !tokenizes(source.slice(0, offset))) offset--;
    // A literal or quoted identifier cut short may still tokenize: then the error is where it opens.
    const last = tokenize(source.slice(0, offset), PARSE_OPTIONS).at(-1);
    const opener = last === undefined ? '' : source[last.start];
    if (last && (opener === '`' || opener === '"') && !closes(source.slice(last.start + 1, offset), opener)) {
      offset = last.start;
    }
    const char = source[offset] ?? '';
    const problem =
      char === '"'
        ? 'a quoted identifier is not closed or not valid'
        : char === '`'
          ? 'a literal is not closed or not valid JSON'
          : `unexpected character ${JSON.stringify(char)}`;
    return syntaxErrorAt(source, offset, problem, error);
  }
  const tokens = tokenize(source, PARSE_OPTIONS);
  if (/\bEOF\b/.test(message)) {
    return syntaxErrorAt(source, source.length, 'the expression ends too early', error);
  }
  for (const [index, token] of tokens.entries()) {
    const end = tokens[index + 1]?.start ?? source.length;
    if (parses(source.slice(0, end)) !== message) continue;
    const text = source.slice(token.start, end).trim();
    const detail = /invalid token|unexpected token/i.test(message) ? '' : `: ${cleanMessage(message)}`;
    return syntaxErrorAt(source, token.start, `unexpected ${JSON.stringify(text)}${detail}`, error);
  }
  return syntaxErrorAt(source, 0, cleanMessage(message), error);
}

/** Whether `text` holds an unescaped `delimiter`. */
function closes(text: string, delimiter: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === delimiter) return true;
  }
  return false;
}

function cleanMessage(message: string): string {
  return message.replace(/^Syntax error[:,]\s*/i, '');
}

/** The children of a node, in the order they appear in the source. */
function childrenOf(node: ExpressionNode): ExpressionNode[] {
  switch (node.type) {
    case 'FilterProjection':
      return [node.left, node.condition, node.right];
    case 'Ternary':
      return [node.condition, node.trueExpr, node.falseExpr];
    case 'Function':
    case 'MultiSelectList':
      return node.children;
    case 'MultiSelectHash':
      return node.children.map((pair) => pair.value);
    case 'LetExpression':
      return [...node.bindings, node.expression];
    case 'Binding':
      return [node.reference];
    case 'Unary':
      return [node.operand];
    default:
      if ('left' in node && 'right' in node) return [node.left, node.right];
      if ('child' in node) return [node.child];
      return [];
  }
}

/** Function calls in source order, each with its name's offset in the source. */
function functionCalls(
  root: ExpressionNode,
  tokens: readonly Token[],
): { node: Extract<ExpressionNode, { type: 'Function' }>; offset: number }[] {
  const nameOffsets = new Map<string, number[]>();
  for (const [index, token] of tokens.entries()) {
    const type: string = token.type;
    const next: string | undefined = tokens[index + 1]?.type;
    if (type === 'UnquotedIdentifier' && next === 'Lparen' && typeof token.value === 'string') {
      nameOffsets.set(token.value, [...(nameOffsets.get(token.value) ?? []), token.start]);
    }
  }
  const seen = new Map<string, number>();
  const calls: { node: Extract<ExpressionNode, { type: 'Function' }>; offset: number }[] = [];
  const stack: ExpressionNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as ExpressionNode;
    if (node.type === 'Function') {
      const occurrence = seen.get(node.name) ?? 0;
      seen.set(node.name, occurrence + 1);
      calls.push({ node, offset: nameOffsets.get(node.name)?.[occurrence] ?? 0 });
    }
    stack.push(...[...childrenOf(node)].reverse());
  }
  return calls;
}

function describeArity(min: number, max: number): string {
  const count = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (max === Number.POSITIVE_INFINITY) return `at least ${count(min)}`;
  if (min === max) return count(min);
  return `${min} to ${count(max)}`;
}

/** Parses and checks `source`; throws JmespathSyntaxError saying what is wrong and where. */
export function parseExpression(source: string, catalog: FunctionCatalog): ExpressionNode {
  let ast: ExpressionNode;
  try {
    ast = compile(source, PARSE_OPTIONS);
  } catch (error) {
    throw locate(source, error);
  }
  for (const { node, offset } of functionCalls(ast, tokenize(source, PARSE_OPTIONS))) {
    const arity = catalog.arity(node.name);
    if (!arity) {
      throw syntaxErrorAt(
        source,
        offset,
        `unknown function ${node.name}()${didYouMean(node.name, catalog.names())}`,
      );
    }
    const given = node.children.length;
    if (given < arity.min || given > arity.max) {
      const parameters = catalog.parameters(node.name);
      throw syntaxErrorAt(
        source,
        offset,
        `${node.name}() takes ${describeArity(arity.min, arity.max)}` +
          `${parameters === '' ? '' : ` (${node.name}(${parameters}))`} but got ${given}`,
      );
    }
    const literals = node.children.map((child) => (child.type === 'Literal' ? child.value : undefined));
    const problem = catalog.checkLiterals(node.name, literals);
    if (problem) throw syntaxErrorAt(source, offset, `${node.name}(): ${problem}`);
  }
  return ast;
}
