// Every example in docs/expressions-sql.md is run: each table row with an expression (or example) and a result
// column, and each row of the compile-error table. A reader can trust the examples.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { compileSql } from '../../common/expressions/sql/index.js';
import type { SqlValue } from '../../common/expressions/sql/index.js';

const doc = readFileSync(new URL('../../docs/expressions-sql.md', import.meta.url), 'utf8');

/** The cells of a Markdown table row, with `\|` turned back into `|`. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** The text of a cell that is one code span, or undefined. */
function code(cell: string | undefined): string | undefined {
  const match = cell === undefined ? null : /^`(.*)`$/.exec(cell);
  return match?.[1];
}

/** A result as the doc writes it: `'text'`, a number, `NULL`, `TRUE`, `FALSE`, or `error`. */
function parseResult(text: string): { error: true } | { error: false; value: SqlValue } {
  const value = (v: SqlValue) => ({ error: false as const, value: v });
  if (text === 'error') return { error: true };
  if (text === 'NULL') return value(null);
  if (text === 'TRUE') return value(true);
  if (text === 'FALSE') return value(false);
  if (text.startsWith("'") && text.endsWith("'")) return value(text.slice(1, -1).replace(/''/g, "'"));
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`cannot read the documented result ${text}`);
  return value(n);
}

interface Example {
  line: number;
  expression: string;
  result: string;
  kind: 'value' | 'syntax error';
}

function examples(): Example[] {
  const found: Example[] = [];
  const lines = doc.split('\n');
  let header: string[] | undefined;
  lines.forEach((line, index) => {
    if (!line.startsWith('|')) {
      header = undefined;
      return;
    }
    const row = cells(line);
    if (header === undefined) {
      header = row.map((cell) => cell.toLowerCase());
      return;
    }
    if (row.every((cell) => /^-+$/.test(cell))) return;
    const expressionColumn = header.findIndex((name) => name === 'expression' || name === 'example');
    const resultColumn = header.findIndex((name) => name === 'result' || name === 'message');
    if (expressionColumn < 0 || resultColumn < 0) return;
    const expression = code(row[expressionColumn]);
    const result = code(row[resultColumn]);
    if (expression === undefined || result === undefined) return;
    found.push({
      line: index + 1,
      expression,
      result,
      kind: header[resultColumn] === 'message' ? 'syntax error' : 'value',
    });
  });
  return found;
}

t.test('the documented examples give the documented results', (t) => {
  const all = examples();
  t.ok(all.length > 150, `the doc's examples are found (${all.length})`);
  for (const example of all) {
    const label = `line ${example.line}: ${example.expression}`;
    if (example.kind === 'syntax error') {
      t.throws(
        () => compileSql(example.expression),
        { name: 'SqlSyntaxError', message: example.result },
        label,
      );
      continue;
    }
    const expected = parseResult(example.result);
    const compiled = compileSql(example.expression);
    if (expected.error) t.throws(() => compiled.evaluate({}), { name: 'SqlEvaluationError' }, label);
    else t.strictSame(compiled.evaluate({}), expected.value, label);
  }
  t.end();
});

t.test('every function has a row in the doc', (t) => {
  const names = [
    ...'COALESCE IFNULL NULLIF IIF IF LENGTH LOWER LCASE UPPER UCASE TRIM LTRIM RTRIM SUBSTR SUBSTRING'.split(
      ' ',
    ),
    ...'REPLACE INSTR CONCAT CONCAT_WS LEFT RIGHT LPAD RPAD REVERSE PRINTF FORMAT HEX CHAR UNICODE QUOTE'.split(
      ' ',
    ),
    ...'TYPEOF ABS ROUND CEIL CEILING FLOOR SIGN MOD POWER POW SQRT EXP LN LOG LOG10 LOG2 PI MIN LEAST'.split(
      ' ',
    ),
    ...'MAX GREATEST RANDOM DATE TIME DATETIME JULIANDAY UNIXEPOCH STRFTIME NOW JSON_EXTRACT'.split(' '),
    'JSON_ARRAY_LENGTH',
  ];
  for (const name of names) {
    t.ok(doc.includes(`\`${name}(`), `${name} is documented`);
    let problem = '';
    try {
      compileSql(`${name}()`);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    t.notMatch(problem, /unknown function/, `${name} is a function`);
  }
  t.end();
});
