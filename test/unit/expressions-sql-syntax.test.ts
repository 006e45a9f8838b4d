// Compile-time errors of the `sql` expression language: every message says what was expected and what was
// found, at the exact offset, line and column of the offending token.
import t from 'tap';
import { SqlSyntaxError, compileSql } from '../../common/expressions/sql/index.js';

interface Expected {
  message: string;
  offset: number;
  line: number;
  column: number;
}

function syntaxError(source: string): Expected | string {
  try {
    compileSql(source);
    return 'compiled without error';
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) return `threw ${String(error)}`;
    return { message: error.message, offset: error.offset, line: error.line, column: error.column };
  }
}

t.test('parse errors carry the position of the offending token', (t) => {
  const cases: [string, string, number, number, number][] = [
    // source, message, offset, line, column
    ['', 'expected an expression but found end of expression at line 1, column 1', 0, 1, 1],
    ['   ', 'expected an expression but found end of expression at line 1, column 1', 0, 1, 1],
    ['-- only a comment', 'expected an expression but found end of expression at line 1, column 1', 0, 1, 1],
    ['a +', 'expected an expression after "+" but found end of expression at line 1, column 4', 3, 1, 4],
    ['a +   ', 'expected an expression after "+" but found end of expression at line 1, column 4', 3, 1, 4],
    [
      '(a + b',
      'expected ")" to close the parenthesis but found end of expression at line 1, column 7',
      6,
      1,
      7,
    ],
    [
      'SUBSTR(name, 1, 3',
      'expected ")" after the arguments of SUBSTR but found end of expression at line 1, column 18',
      17,
      1,
      18,
    ],
    [
      'substr(name 1)',
      'expected ")" after the arguments of SUBSTR but found number 1 at line 1, column 13',
      12,
      1,
      13,
    ],
    ['a b', 'expected an operator or end of expression but found identifier b at line 1, column 3', 2, 1, 3],
    ['1 2', 'expected an operator or end of expression but found number 2 at line 1, column 3', 2, 1, 3],
    ['a )', 'expected an operator or end of expression but found ")" at line 1, column 3', 2, 1, 3],
    ['a NOT b', 'expected an operator or end of expression but found NOT at line 1, column 3', 2, 1, 3],
    ['a = THEN', 'expected an expression after "=" but found THEN at line 1, column 5', 4, 1, 5],
    ["a = 'abc", "unterminated text (no closing ') at line 1, column 5", 4, 1, 5],
    ['"abc', 'unterminated identifier (no closing ") at line 1, column 1', 0, 1, 1],
    ['`abc', 'unterminated identifier (no closing `) at line 1, column 1', 0, 1, 1],
    ['[abc', 'unterminated identifier (no closing ]) at line 1, column 1', 0, 1, 1],
    ['12abc', 'malformed number "12abc" at line 1, column 1', 0, 1, 1],
    ['1e', 'malformed number "1e" at line 1, column 1', 0, 1, 1],
    ['1 + 0x', 'malformed number "0x" at line 1, column 5', 4, 1, 5],
    ['a ! b', 'unexpected character "!" at line 1, column 3', 2, 1, 3],
    ['a = ?', 'unexpected character "?" at line 1, column 5', 4, 1, 5],
    ['a.', 'expected a field name after "." but found end of expression at line 1, column 3', 2, 1, 3],
    ['a.1', 'expected an operator or end of expression but found number .1 at line 1, column 2', 1, 1, 2],
    ['a.+', 'expected a field name after "." but found "+" at line 1, column 3', 2, 1, 3],
    [
      'CASE WHEN a THEN 1',
      'expected WHEN, ELSE or END in CASE but found end of expression at line 1, column 19',
      18,
      1,
      19,
    ],
    ['CASE a END', 'expected WHEN in CASE but found END at line 1, column 8', 7, 1, 8],
    [
      'CASE WHEN a 1 END',
      'expected THEN after the WHEN condition of CASE but found number 1 at line 1, column 13',
      12,
      1,
      13,
    ],
    [
      'CASE WHEN a THEN 1 ELSE 2',
      'expected END to close CASE but found end of expression at line 1, column 26',
      25,
      1,
      26,
    ],
    ['CAST(a AS)', 'expected a type name after AS in CAST but found ")" at line 1, column 10', 9, 1, 10],
    ['CAST(a INTEGER)', 'expected AS in CAST but found identifier INTEGER at line 1, column 8', 7, 1, 8],
    ['CAST a AS INTEGER', 'expected "(" after CAST but found identifier a at line 1, column 6', 5, 1, 6],
    [
      'CAST(a AS INTEGER',
      'expected ")" to close CAST but found end of expression at line 1, column 18',
      17,
      1,
      18,
    ],
    [
      'CAST(a AS VARCHAR(x))',
      'expected a number in the size of the type but found identifier x at line 1, column 19',
      18,
      1,
      19,
    ],
    ['a IN 1', 'expected "(" after IN but found number 1 at line 1, column 6', 5, 1, 6],
    [
      'a IN (1, 2',
      'expected ")" after the values of IN but found end of expression at line 1, column 11',
      10,
      1,
      11,
    ],
    [
      'a BETWEEN 1',
      'expected AND between the bounds of BETWEEN but found end of expression at line 1, column 12',
      11,
      1,
      12,
    ],
    ['a IS DISTINCT 1', 'expected FROM after IS DISTINCT but found number 1 at line 1, column 15', 14, 1, 15],
    [
      "x LIKE 'a' ESCAPE",
      'expected an expression after ESCAPE but found end of expression at line 1, column 18',
      17,
      1,
      18,
    ],
    [
      "a GLOB 'x' ESCAPE 'y'",
      'ESCAPE can only follow a LIKE pattern, not GLOB at line 1, column 12',
      11,
      1,
      12,
    ],
    ['(1, 2)', 'row values such as (a, b) are not supported at line 1, column 3', 2, 1, 3],
    ["a REGEXP 'x'", 'REGEXP is not supported at line 1, column 3', 2, 1, 3],
    ['a COLLATE NOCASE', 'COLLATE is not supported at line 1, column 3', 2, 1, 3],
    ['count(*)', 'COUNT(*) is not supported: an expression works on one record at line 1, column 7', 6, 1, 7],
    ['upper(DISTINCT a)', 'DISTINCT is not supported in the arguments of UPPER at line 1, column 7', 6, 1, 7],
    ['NOT', 'expected an expression after NOT but found end of expression at line 1, column 4', 3, 1, 4],
    ['a IS', 'expected an expression after IS but found end of expression at line 1, column 5', 4, 1, 5],
    ['-', 'expected an expression after "-" but found end of expression at line 1, column 2', 1, 1, 2],
  ];
  for (const [source, message, offset, line, column] of cases) {
    t.strictSame(syntaxError(source), { message, offset, line, column }, JSON.stringify(source));
  }
  t.end();
});

t.test('lines and columns count within a multi-line expression', (t) => {
  const cases: [string, string, number, number, number][] = [
    ['1 +\n  2 *\n  )', 'expected an expression after "*" but found ")" at line 3, column 3', 12, 3, 3],
    [
      'a = 1\nAND b = ',
      'expected an expression after "=" but found end of expression at line 2, column 8',
      13,
      2,
      8,
    ],
    [
      'a = 1\r\nAND (b',
      'expected ")" to close the parenthesis but found end of expression at line 2, column 7',
      13,
      2,
      7,
    ],
    [
      'upper(a)\n  || lenght(b)',
      'unknown function LENGHT at line 2, column 6; did you mean LENGTH?',
      14,
      2,
      6,
    ],
    ["-- first line\n'abc", "unterminated text (no closing ') at line 2, column 1", 14, 2, 1],
  ];
  for (const [source, message, offset, line, column] of cases) {
    t.strictSame(syntaxError(source), { message, offset, line, column }, JSON.stringify(source));
  }
  t.end();
});

t.test('unknown functions name the closest known one; aggregates are explained', (t) => {
  const cases: [string, string][] = [
    ['lenght(a)', 'unknown function LENGHT at line 1, column 1; did you mean LENGTH?'],
    ['subtr(a, 1)', 'unknown function SUBTR at line 1, column 1; did you mean SUBSTR?'],
    ['a || UPPR(b)', 'unknown function UPPR at line 1, column 6; did you mean UPPER?'],
    ['coalese(a, b)', 'unknown function COALESE at line 1, column 1; did you mean COALESCE?'],
    ['json_extrct(a, b)', 'unknown function JSON_EXTRCT at line 1, column 1; did you mean JSON_EXTRACT?'],
    ['frobnicate(a)', 'unknown function FROBNICATE at line 1, column 1'],
    [
      'COUNT(id)',
      'COUNT is an aggregate function, which an expression over one record cannot use at line 1, column 1',
    ],
    [
      'sum(a)',
      'SUM is an aggregate function, which an expression over one record cannot use at line 1, column 1',
    ],
    [
      'avg(a)',
      'AVG is an aggregate function, which an expression over one record cannot use at line 1, column 1',
    ],
    [
      'group_concat(a)',
      'GROUP_CONCAT is an aggregate function, which an expression over one record cannot use at line 1, column 1',
    ],
    [
      'MAX(a)',
      'MAX expects at least 2 arguments but got 1 at line 1, column 1; with one argument MAX is an aggregate ' +
        'function, which an expression over one record cannot use',
    ],
  ];
  for (const [source, message] of cases) {
    const error = syntaxError(source);
    t.equal(typeof error === 'string' ? error : error.message, message, source);
  }
  t.end();
});

t.test('literals and names', (t) => {
  const cases: [string, unknown][] = [
    ['42', 42],
    ['-7', -7],
    ['0x1F', 31],
    ['0XfF', 255],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ["'O''Brien'", "O'Brien"],
    ["''", ''],
    ["'multi\nline'", 'multi\nline'],
    ['TRUE', true],
    ['false', false],
    ['NULL', null],
    ['null IS NULL', true],
  ];
  for (const [source, expected] of cases) t.strictSame(compileSql(source).evaluate({}), expected, source);
  const names: [string, Record<string, unknown>, unknown][] = [
    ['"order"', { order: 1 }, 1],
    ['`select`', { select: 2 }, 2],
    ['[my field]', { 'my field': 3 }, 3],
    ['"say ""hi"""', { 'say "hi"': 4 }, 4],
    ['`a``b`', { 'a`b': 5 }, 5],
    ['_private', { _private: 6 }, 6],
    ['a$b', { a$b: 7 }, 7],
    ['café', { café: 8 }, 8],
    ['a1.b2', { a1: { b2: 9 } }, 9],
    ['date', { date: 'a field, not a function' }, 'a field, not a function'],
    ['left', { left: 10 }, 10],
  ];
  for (const [source, record, expected] of names)
    t.strictSame(compileSql(source).evaluate(record), expected, source);
  t.end();
});

t.test('CURRENT_DATE and friends are keywords; MySQL’s empty parentheses are accepted', (t) => {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  const time = /^\d{2}:\d{2}:\d{2}$/;
  t.match(compileSql('CURRENT_DATE').evaluate({}), date);
  t.match(compileSql('current_time').evaluate({}), time);
  t.match(compileSql('CURRENT_TIMESTAMP').evaluate({}), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  t.match(compileSql('CURRENT_TIMESTAMP()').evaluate({}), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  t.strictSame(compileSql('"current_date"').evaluate({ current_date: 'quoted: a field' }), 'quoted: a field');
  t.end();
});

t.test('deep nesting and very long chains are refused at compile time, not by a stack overflow', (t) => {
  const parentheses = (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`;
  const chain = (n: number) => Array.from({ length: n }, () => 'a').join(' + ');
  t.equal(compileSql(parentheses(400)).evaluate({}), 1);
  t.equal(compileSql(chain(900)).evaluate({ a: 1 }), 900);
  t.strictSame(syntaxError(parentheses(600)), {
    message: 'the expression is nested more than 500 levels deep at line 1, column 501',
    offset: 500,
    line: 1,
    column: 501,
  });
  const long = syntaxError(chain(20000));
  t.match(
    typeof long === 'string' ? long : long.message,
    /^the expression is too complex: more than 1000 operations inside one another at line 1, column \d+$/,
  );
  t.end();
});
