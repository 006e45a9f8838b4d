// Date and time functions of the jmespath language: RDI's time_delta_days / time_delta_seconds and Ferry's
// format_datetime / parse_datetime. Everything is UTC; a time without an offset is UTC.
import t from 'tap';
import type { Test } from 'tap';
import { compileJmespath } from '../../common/expressions/jmespath/index.js';

const evaluate = (source: string, record: unknown): unknown => compileJmespath(source).evaluate(record);

function evaluationErrors(t: Test, cases: readonly [string, unknown, string][]): void {
  for (const [source, record, message] of cases) {
    t.throws(() => evaluate(source, record), { name: 'JmespathEvaluationError', message }, source);
  }
}

function compileErrors(t: Test, cases: readonly [string, string][]): void {
  for (const [source, message] of cases) {
    t.throws(() => compileJmespath(source), { name: 'JmespathSyntaxError', message }, source);
  }
}

/**
 * Evaluates `source` with `dt` and checks the result against `expected(nowMs)` for the clock before and after
 * the evaluation: the result must lie between the two (the clock may tick during the call).
 */
function delta(
  t: Test,
  source: string,
  dt: unknown,
  expected: (nowMs: number) => number,
  name: string,
): void {
  const before = Date.now();
  const result = evaluate(source, { dt });
  const after = Date.now();
  t.ok(
    typeof result === 'number' && result >= expected(before) && result <= expected(after),
    `${name}: ${String(result)} in [${expected(before)}, ${expected(after)}]`,
  );
}

t.test('time_delta_seconds and time_delta_days: from the given time to now', (t) => {
  const hourAgo = Date.now() - 3_600_000;
  delta(
    t,
    'time_delta_seconds(dt)',
    hourAgo / 1000,
    (now) => Math.floor((now - hourAgo) / 1000),
    'epoch seconds',
  );
  delta(
    t,
    'time_delta_seconds(dt)',
    new Date(hourAgo).toISOString(),
    (now) => Math.floor((now - hourAgo) / 1000),
    'ISO',
  );

  const threeDaysAgo = Date.now() - 3 * 86_400_000 - 3_600_000;
  delta(
    t,
    'time_delta_days(dt)',
    new Date(threeDaysAgo).toISOString(),
    () => 3,
    'three days and an hour ago',
  );
  delta(t, 'time_delta_days(dt)', threeDaysAgo / 1000, () => 3, 'as epoch seconds');

  // A time in the future is negative, rounded down as Python's timedelta is: an hour ahead is day -1.
  const hourAhead = Date.now() + 3_600_000;
  delta(t, 'time_delta_days(dt)', hourAhead / 1000, () => -1, 'an hour ahead');
  delta(
    t,
    'time_delta_seconds(dt)',
    hourAhead / 1000,
    (now) => Math.floor((now - hourAhead) / 1000),
    'seconds ahead',
  );

  // RDI's documented example: a fixed date, so the expectation follows the clock.
  const documented = Date.UTC(2021, 9, 6, 18, 56, 16, 701.67);
  delta(
    t,
    'time_delta_days(dt)',
    '2021-10-06T18:56:16.701670+00:00',
    (now) => Math.floor((now - documented) / 86_400_000),
    'RDI example',
  );

  // An offset is honoured; a time without one is UTC.
  const midnightUtc = Date.UTC(2000, 0, 1);
  const days = (now: number): number => Math.floor((now - midnightUtc) / 86_400_000);
  delta(t, 'time_delta_days(dt)', '2000-01-01T04:00:00+04:00', days, 'with an offset');
  delta(t, 'time_delta_days(dt)', '2000-01-01T00:00:00', days, 'without an offset');
  delta(t, 'time_delta_days(dt)', '2000-01-01', days, 'a date');
  delta(t, 'time_delta_days(dt)', 946684800, days, 'epoch seconds');

  t.equal(evaluate('time_delta_days(dt)', { dt: null }), null);
  t.equal(evaluate('time_delta_seconds(missing)', {}), null);
  evaluationErrors(t, [
    [
      'time_delta_days(dt)',
      { dt: 'yesterday' },
      'time_delta_days(): argument 1 (datetime) is not an ISO 8601 date and time',
    ],
    [
      'time_delta_seconds(dt)',
      { dt: '2021-02-30' },
      'argument 1 (datetime) is not a valid date and time: day 30 does not exist in 2021-2',
    ],
    [
      'time_delta_days(dt)',
      { dt: true },
      'time_delta_days(): argument 1 (datetime) must be an ISO 8601 date and time string or a number of seconds since the epoch (got boolean true)',
    ],
    [
      'time_delta_seconds(dt)',
      { dt: [1] },
      'time_delta_seconds(): argument 1 (datetime) must be an ISO 8601',
    ],
  ]);
  compileErrors(t, [
    ['time_delta_days()', 'time_delta_days() takes 1 argument (time_delta_days(datetime)) but got 0'],
    [
      'time_delta_seconds(a, b)',
      'time_delta_seconds() takes 1 argument (time_delta_seconds(datetime)) but got 2',
    ],
  ]);
  t.end();
});

t.test('parse_datetime: ISO 8601 to epoch seconds', (t) => {
  const cases: [string, number][] = [
    ['2011-11-04', 1320364800],
    ['2011-11-04T00:05:23', 1320365123],
    ['2011-11-04 00:05:23', 1320365123],
    ['2011-11-04T00:05:23Z', 1320365123],
    ['2011-11-04t00:05:23z', 1320365123],
    ['2011-11-04T04:05:23+04:00', 1320365123],
    ['2011-11-04T04:05:23+0400', 1320365123],
    ['2011-11-03T22:05:23-02', 1320365123],
    ['2011-11-04T00:05', 1320365100],
    ['2011-11-04T00:05:23.25', 1320365123.25],
    ['2011-11-04T00:05:23,5Z', 1320365123.5],
    ['2011-11-04T00:05:23.123456789Z', 1320365123.123456],
    ['20111104T000523', 1320365123],
    ['20111104', 1320364800],
    [' 2011-11-04T00:05:23Z ', 1320365123],
    ['1969-12-31T23:59:59.5+00:00', -0.5],
    ['0099-01-01T00:00:00Z', -59042995200],
    ['2024-02-29', 1709164800],
    ['2000-02-29', 951782400],
  ];
  for (const [text, seconds] of cases) t.equal(evaluate('parse_datetime(s)', { s: text }), seconds, text);
  t.equal(evaluate('parse_datetime(s)', { s: null }), null);
  evaluationErrors(t, [
    [
      'parse_datetime(s)',
      { s: 'Nov 4 2011' },
      'parse_datetime(): argument 1 (text) is not an ISO 8601 date and time',
    ],
    [
      'parse_datetime(s)',
      { s: '2023-02-29' },
      'is not a valid date and time: day 29 does not exist in 2023-2',
    ],
    ['parse_datetime(s)', { s: '1900-02-29' }, 'day 29 does not exist in 1900-2'],
    ['parse_datetime(s)', { s: '2011-13-01' }, 'month 13 is not between 1 and 12'],
    ['parse_datetime(s)', { s: '2011-11-04T24:00' }, 'hour 24 is not between 0 and 23'],
    ['parse_datetime(s)', { s: '2011-11-04T10:60' }, 'minute 60 is not between 0 and 59'],
    ['parse_datetime(s)', { s: '2011-11-04T10:00:60' }, 'second 60 is not between 0 and 59'],
    ['parse_datetime(s)', { s: '2011-11-04T10:00+25:00' }, 'has the offset +25:00, which is out of range'],
    [
      'parse_datetime(n)',
      { n: 1 },
      'parse_datetime(): argument 1 (text) must be a string or null (got number 1)',
    ],
  ]);
  t.end();
});

t.test('parse_datetime with a strptime format', (t) => {
  const cases: [string, string, number][] = [
    ['04/11/2011 00:05', '%d/%m/%Y %H:%M', 1320365100],
    ['Fri, 04 Nov 2011 12:05:23 PM', '%a, %d %b %Y %I:%M:%S %p', 1320408323],
    ['friday 4 november 2011 12:05:23 am', '%A %d %B %Y %I:%M:%S %p', 1320365123],
    ['2011-11-04T00:05:23.5', '%Y-%m-%dT%H:%M:%S.%f', 1320365123.5],
    ['2011-11-04 04:05 +04:00', '%Y-%m-%d %H:%M %z', 1320365100],
    ['2011-11-04 00:05 UTC', '%Y-%m-%d %H:%M %Z', 1320365100],
    ['2011-308', '%Y-%j', 1320364800],
    ['11-11-04', '%y-%m-%d', 1320364800],
    ['70-01-01', '%y-%m-%d', 0],
    ['1320365123', '%s', 1320365123],
    ['2011-11-04 00:05:23', '%F %T', 1320365123],
    ['0100%', '%Y%%', -59011459200],
    ['2011   11 04', '%Y %m %d', 1320364800],
  ];
  for (const [text, format, seconds] of cases) {
    t.equal(evaluate('parse_datetime(s, f)', { s: text, f: format }), seconds, `${text} / ${format}`);
  }
  t.equal(evaluate("parse_datetime(s, '%Y')", { s: null }), null);
  evaluationErrors(t, [
    [
      'parse_datetime(s, f)',
      { s: '2011/11/04', f: '%Y-%m-%d' },
      'argument 1 (text) does not match the format "%Y-%m-%d"',
    ],
    ['parse_datetime(s, f)', { s: '13:00 PM', f: '%I:%M %p' }, 'hour 13 is not between 1 and 12'],
    ['parse_datetime(s, f)', { s: 'Foo 2011', f: '%b %Y' }, '"Foo" is not a month name'],
    ['parse_datetime(s, f)', { s: 'Fry 2011', f: '%a %Y' }, '"Fry" is not a weekday name'],
    ['parse_datetime(s, f)', { s: '2011-366', f: '%Y-%j' }, 'day of year 366 does not exist in 2011'],
    [
      'parse_datetime(s, f)',
      { s: '2011', f: '%Y %Q' },
      'parse_datetime(): argument 2 (format) is not a valid format: the format has the unknown directive %Q',
    ],
    [
      'parse_datetime(s, f)',
      { s: '2011', f: 1 },
      'parse_datetime(): argument 2 (format) must be a string (got number 1)',
    ],
  ]);
  compileErrors(t, [
    [
      'parse_datetime()',
      'parse_datetime() takes 1 to 2 arguments (parse_datetime(text, [format])) but got 0',
    ],
    ["parse_datetime(s, '%Y-%K')", 'the format has the unknown directive %K'],
  ]);
  t.end();
});

t.test('format_datetime: strftime in UTC', (t) => {
  const cases: [unknown, string, string][] = [
    [
      1320365123.5,
      '%a %A %b %B %d %f %H %I %j %m %M %p %S %u %w %y %Y %z %Z',
      'Fri Friday Nov November 04 500000 00 12 308 11 05 AM 23 5 5 11 2011 +0000 UTC',
    ],
    [1320365123, '%F %T', '2011-11-04 00:05:23'],
    [1320365123, '%Y-%m-%dT%H:%M:%SZ', '2011-11-04T00:05:23Z'],
    [1320408323, '%I:%M %p, %e %h', '12:05 PM,  4 Nov'],
    [1320365123, '%s%%', '1320365123%'],
    ['2011-11-04T04:05:23+04:00', '%F %T', '2011-11-04 00:05:23'],
    ['2011-11-04', '%d.%m.%Y', '04.11.2011'],
    [-0.5, '%Y-%m-%d %H:%M:%S.%f', '1969-12-31 23:59:59.500000'],
    [1320365123, 'no directives', 'no directives'],
  ];
  for (const [value, format, expected] of cases) {
    t.equal(
      evaluate('format_datetime(v, f)', { v: value, f: format }),
      expected,
      `${String(value)} / ${format}`,
    );
  }
  // epoch milliseconds, as Debezium writes many date types: divide first
  t.equal(evaluate("format_datetime(ms / `1000`, '%F')", { ms: 1749047572000 }), '2025-06-04');
  t.equal(evaluate("format_datetime(v, '%F')", { v: null }), null);
  evaluationErrors(t, [
    [
      "format_datetime(v, '%F')",
      { v: 'June' },
      'format_datetime(): argument 1 (datetime) is not an ISO 8601 date and time',
    ],
    [
      "format_datetime(v, '%F')",
      { v: {} },
      'format_datetime(): argument 1 (datetime) must be an ISO 8601 date and time string',
    ],
    [
      'format_datetime(`0`, f)',
      { f: '%Y%' },
      'format_datetime(): argument 2 (format) is not a valid format: the format ends with a lone %',
    ],
    [
      'format_datetime(`0`, f)',
      { f: null },
      'format_datetime(): argument 2 (format) must be a string (got null)',
    ],
  ]);
  compileErrors(t, [
    [
      'format_datetime(v)',
      'format_datetime() takes 2 arguments (format_datetime(datetime, format)) but got 1',
    ],
    [
      "format_datetime(v, '%E')",
      'format_datetime(): argument 2 (format) is not a valid format: the format has the unknown directive %E',
    ],
  ]);
  t.end();
});
