/**
 * The expression languages of job files, behind one door: `jmespath` (the default, with RDI's extra
 * functions) and `sql` (SQL expressions evaluated by Ferry, never sent to a database). Expressions are compiled
 * once (at deploy, to report errors with their position, and once per worker thread) and evaluated per record.
 *
 * RDI's documentation writes JMESPath multi-select hashes with one `key: value` per line and no commas
 * (`{code: code<newline>periodStartTime: periodStartTime}`), which the JMESPath grammar rejects. Ferry accepts
 * that spelling so that those jobs deploy unchanged: inside `{...}`, a `name:` that follows a complete value
 * on a new line gets the missing comma (see `insertHashCommas`).
 */
import { compileJmespath } from './jmespath/index.js';
import { compileSql } from './sql/index.js';

export type ExpressionLanguage = 'jmespath' | 'sql';

export interface CompiledExpression {
  readonly language: ExpressionLanguage;
  readonly source: string;
  evaluate(record: Readonly<Record<string, unknown>>): unknown;
}

/** A syntax error of an expression, positioned within the expression's text. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  readonly code = 'EXPRESSION_SYNTAX';
  constructor(
    readonly language: ExpressionLanguage,
    message: string,
    /** 1-based, within the expression's text. */
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const cache = new Map<string, CompiledExpression>();

/** Compiles (or returns the cached compilation of) an expression. Throws ExpressionSyntaxError. */
export function compileExpression(source: string, language: ExpressionLanguage): CompiledExpression {
  const id = `${language}\u0000${source}`;
  let compiled = cache.get(id);
  if (compiled) return compiled;
  compiled = language === 'sql' ? compileSqlExpression(source) : compileJmespathExpression(source);
  cache.set(id, compiled);
  return compiled;
}

function compileSqlExpression(source: string): CompiledExpression {
  try {
    const compiled = compileSql(source);
    return { language: 'sql', source, evaluate: (record) => compiled.evaluate(record) };
  } catch (error) {
    throw positioned('sql', error);
  }
}

function compileJmespathExpression(source: string): CompiledExpression {
  let compiled;
  try {
    compiled = compileJmespath(source);
  } catch (error) {
    const fixed = insertHashCommas(source);
    if (fixed === source) throw positioned('jmespath', error);
    try {
      compiled = compileJmespath(fixed);
    } catch {
      throw positioned('jmespath', error);
    }
  }
  const expression = compiled;
  return { language: 'jmespath', source, evaluate: (record) => expression.evaluate(record) };
}

function positioned(language: ExpressionLanguage, error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const { line, column } = error as { line?: unknown; column?: unknown };
  if (typeof line === 'number' && typeof column === 'number') {
    return new ExpressionSyntaxError(language, error.message, line, column);
  }
  return new ExpressionSyntaxError(language, error.message, 1, 1);
}

/**
 * Adds the commas RDI's examples leave out between the entries of a multi-select hash written one per line.
 * Only a newline between a complete value and `name:` inside braces is touched; strings and literals are
 * skipped. Returns the text unchanged when there is nothing to add.
 */
export function insertHashCommas(source: string): string {
  let out = '';
  const stack: string[] = [];
  let lastSignificant = '';
  let index = 0;
  while (index < source.length) {
    const char = source[index] as string;
    if (char === "'" || char === '"' || char === '`') {
      const end = closingQuote(source, index);
      out += source.slice(index, end);
      lastSignificant = char;
      index = end;
      continue;
    }
    if (char === '{' || char === '[' || char === '(') stack.push(char);
    if (char === '}' || char === ']' || char === ')') stack.pop();
    if (char === '\n' && stack.at(-1) === '{') {
      const rest = /^(\s*)([A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")\s*:/.exec(source.slice(index + 1));
      if (rest && lastSignificant !== '' && !',{:'.includes(lastSignificant)) {
        out += ',';
        lastSignificant = ',';
      }
    }
    out += char;
    if (!/\s/.test(char)) lastSignificant = char;
    index++;
  }
  return out;
}

function closingQuote(source: string, start: number): number {
  const quote = source[start];
  let index = start + 1;
  while (index < source.length) {
    const char = source[index];
    if (char === '\\') index += 2;
    else if (char === quote) return index + 1;
    else index++;
  }
  return source.length;
}
