/**
 * The `sql` expression language of transform blocks and mappings (`language: sql`): SQL expressions over
 * one record's fields, with SQLite's semantics, parsed and evaluated by Ferry itself (never sent to a
 * database). Compile once with `compileSql`, evaluate many times. The language is described for users in
 * docs/expressions-sql.md.
 */
import { SqlEvaluationError } from './errors.js';
import { compileTree } from './evaluate.js';
import { fieldsOf, parseSql } from './parser.js';
import { toPublic } from './values.js';

export { SqlEvaluationError, SqlSyntaxError } from './errors.js';

/** A value an expression gives: text, a number, a boolean (from comparisons and logic), or null for NULL. */
export type SqlValue = string | number | boolean | null;

export interface SqlExpression {
  /** The text as written. */
  readonly source: string;
  /** Evaluates against one record. Returns null for SQL NULL. Throws SqlEvaluationError on bad arguments. */
  evaluate(record: Readonly<Record<string, unknown>>): SqlValue;
  /** Field names (first path step) the expression reads, e.g. for `a.b + c` -> ['a', 'c']. */
  readonly fields: readonly string[];
}

/** Compiles an expression; throws SqlSyntaxError with the position of the first problem. */
export function compileSql(source: string): SqlExpression {
  const tree = parseSql(source);
  const evaluator = compileTree(tree, source);
  const fields = Object.freeze(fieldsOf(tree));
  return {
    source,
    fields,
    evaluate(record) {
      try {
        return toPublic(evaluator(record));
      } catch (error) {
        if (error instanceof SqlEvaluationError) throw error;
        // Anything else (a string too long to build, for one) is still this expression's failure.
        const reason = error instanceof Error ? error.message : String(error);
        throw new SqlEvaluationError(`the expression failed: ${reason}`, { cause: error });
      }
    },
  };
}
