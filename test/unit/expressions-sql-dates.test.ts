// Date and time functions of the `sql` expression language: time values, modifiers, STRFTIME formats and the
// current time. Expected values were checked against SQLite 3.40 (all in UTC), except the conversions SQLite
// added later (%e %F %I %k %l %p %P %R %T %u), checked by hand.
import t from 'tap';
import type { Test } from 'tap';
import { compileSql } from '../../common/expressions/sql/index.js';
import type { SqlValue } from '../../common/expressions/sql/index.js';

type Case = readonly [expression: string, expected: SqlValue];

function evaluateAll(t: Test, cases: readonly Case[], record: Record<string, unknown> = {}): void {
  for (const [expression, expected] of cases) {
    t.strictSame(compileSql(expression).evaluate(record), expected, expression);
  }
}

t.test('time values: dates, times, ISO 8601 with zones, numbers', (t) => {
  evaluateAll(t, [
    ["DATE('2024-03-15 10:30:00')", '2024-03-15'],
    ["TIME('2024-03-15 10:30:00')", '10:30:00'],
    ["DATETIME('2024-03-15')", '2024-03-15 00:00:00'],
    ["DATETIME('2024-01-01 10:00:00.789')", '2024-01-01 10:00:00'],
    ["DATETIME('2024-01-01T10:00:00+02:00')", '2024-01-01 08:00:00'],
    ["DATETIME('2024-01-01T10:00:00-05:30')", '2024-01-01 15:30:00'],
    ["DATETIME('2024-01-01T10:00:00.5+01:00')", '2024-01-01 09:00:00'],
    ["DATETIME('2024-01-01 10:00Z')", '2024-01-01 10:00:00'],
    ["DATETIME('2024-01-01 10:00 +02:00')", '2024-01-01 08:00:00'],
    ["DATE('2024-01-01T10:00:00.123456Z')", '2024-01-01'],
    ["DATETIME('2024-01-01T10:00:00+14:00')", '2023-12-31 20:00:00'],
    ["DATETIME('2024-01-01T10:00:00+15:00')", null],
    ["TIME('10:30')", '10:30:00'],
    ["TIME('12:34:56.789')", '12:34:56'],
    ["DATETIME('10:30')", '2000-01-01 10:30:00'],
    ['DATETIME(2460000.5)', '2023-02-25 00:00:00'],
    ["DATETIME('2460000.5')", '2023-02-25 00:00:00'],
    ['DATE(2460310.5)', '2024-01-01'],
    ["DATETIME('1700000000')", null],
    ["DATE('2024-02-30')", '2024-02-30'],
    ["DATETIME('2024-01-01 24:00')", '2024-01-01 24:00:00'],
    ["DATE('2024-13-01')", null],
    ["DATE('2024-1-1')", null],
    ["DATETIME('2024-01-01 25:00')", null],
    ["DATETIME(' 2024-01-01 ')", null],
    ["DATE('tomorrow')", null],
    ["DATE('abc')", null],
    ["DATE('')", null],
    ['DATE(NULL)', null],
    ['TIME(NULL)', null],
    ["TIME('abc')", null],
    ['DATETIME(NULL)', null],
    ["DATETIME('abc')", null],
    ['JULIANDAY(NULL)', null],
    ["JULIANDAY('abc')", null],
    ['UNIXEPOCH(NULL)', null],
    ["UNIXEPOCH('abc')", null],
    ['DATE(0)', '-4713-11-24'],
    ["JULIANDAY('2024-01-01')", 2460310.5],
    ["JULIANDAY('2000-01-01 12:00')", 2451545],
    ["TYPEOF(JULIANDAY('2000-01-01 12:00'))", 'real'],
    ["JULIANDAY('0000-01-01')", 1721059.5],
    ["UNIXEPOCH('2024-01-01')", 1704067200],
    ["UNIXEPOCH('2024-01-01 00:00:01.9')", 1704067201],
    ["UNIXEPOCH('1970-01-01')", 0],
    ["UNIXEPOCH('1969-12-31 23:59:59')", -1],
    ["UNIXEPOCH('2038-01-19 03:14:08')", 2147483648],
    ["TYPEOF(UNIXEPOCH('2024-01-01'))", 'integer'],
  ]);
  const stamp = compileSql("DATETIME(ts, 'unixepoch')");
  t.equal(stamp.evaluate({ ts: '1700000000' }), '2023-11-14 22:13:20', 'Unix time as text from a hash');
  t.equal(stamp.evaluate({ ts: 1700000000.5 }), '2023-11-14 22:13:20', 'fractions are dropped');
  t.equal(stamp.evaluate({ ts: 'soon' }), null);
  t.equal(compileSql("DATE(at, 'start of month')").evaluate({ at: '2024-05-17T08:00:00Z' }), '2024-05-01');
  t.end();
});

t.test('modifiers', (t) => {
  evaluateAll(t, [
    ["DATE('2024-01-31', '+1 month')", '2024-03-02'],
    ["DATE('2024-03-31', '-1 month')", '2024-03-02'],
    ["DATE('2024-01-31', '+1.5 months')", '2024-03-17'],
    ["DATE('2024-01-01', '-1 year')", '2023-01-01'],
    ["DATE('2024-02-29', '+1 year')", '2025-03-01'],
    ["DATETIME('2024-01-01', '+1 MONTHS')", '2024-02-01 00:00:00'],
    ["DATETIME('2024-01-01', '+36 hours')", '2024-01-02 12:00:00'],
    ["DATETIME('2024-01-01', '+1 hour', '+30 minutes', '-10 seconds')", '2024-01-01 01:29:50'],
    ["DATETIME('2024-01-01', '+0.5 days')", '2024-01-01 12:00:00'],
    ["DATETIME('2024-01-01', '+1.25 hours')", '2024-01-01 01:15:00'],
    ["DATETIME('2024-01-01', '+90 seconds')", '2024-01-01 00:01:30'],
    ["DATETIME('2024-01-01', '+1 minute')", '2024-01-01 00:01:00'],
    ["DATETIME('2024-01-01', '+1days')", null],
    ["DATE('2024-02-30', '+0 days')", '2024-03-01'],
    ["DATETIME('2024-01-01', '+02:30')", '2024-01-01 02:30:00'],
    ["DATETIME('2024-01-01', '-02:30:15')", '2023-12-31 21:29:45'],
    ["DATETIME('2024-01-01', '-01:30')", '2023-12-31 22:30:00'],
    ["DATE('2024-03-15', 'start of month')", '2024-03-01'],
    ["DATETIME('2024-03-15 12:00', 'start of year', '+1.5 days')", '2024-01-02 12:00:00'],
    ["DATETIME('2024-06-15 13:45:30', 'start of day')", '2024-06-15 00:00:00'],
    ["DATE('2024-06-15', 'start of month', '+1 month', '-1 day')", '2024-06-30'],
    ["DATETIME('2024-01-01', 'weekday 0')", '2024-01-07 00:00:00'],
    ["DATETIME('2024-01-03', 'weekday 3')", '2024-01-03 00:00:00'],
    ["DATE('2024-03-13', 'weekday 0')", '2024-03-17'],
    ["DATETIME(1700000000, 'unixepoch')", '2023-11-14 22:13:20'],
    ["DATETIME('1700000000', 'unixepoch')", '2023-11-14 22:13:20'],
    ["DATE(1710460800, 'unixepoch')", '2024-03-15'],
    ["DATETIME(1700000000, 'auto')", '2023-11-14 22:13:20'],
    ["DATETIME(2460000.5, 'auto')", '2023-02-25 00:00:00'],
    ["DATETIME(2460000.5, 'julianday')", '2023-02-25 00:00:00'],
    ["DATETIME(2460385, 'julianday')", '2024-03-15 12:00:00'],
    ["DATE('2024-03-15', 'localtime')", '2024-03-15'],
    ["DATE('2024-02-30', 'localtime')", '2024-03-01'],
    ["DATETIME('2024-01-01 10:00', 'utc')", '2024-01-01 10:00:00'],
    ["TIME('2024-01-01 23:59:59', '+1 second')", '00:00:00'],
    // Modifiers SQLite refuses give NULL.
    ["DATETIME('2024-01-01', 'unixepoch')", null],
    ["DATETIME('2024-01-01', 'julianday')", null],
    ["DATE('2024-01-01', '+1 day', 'unixepoch')", null],
    ["DATE('2024-01-01', 'bogus')", null],
    ["DATETIME('2024-01-01', '+1 fortnight')", null],
    ["DATETIME('2024-01-01', ' +1 day')", null],
    ["DATETIME('2024-01-01', '+1 day ')", null],
    ["DATETIME('2024-06-15 13:45:30', 'start of week')", null],
    ["DATETIME('2024-01-01', 'weekday 7')", null],
    ["DATE('9999-12-31', '+1 day')", null],
    ["DATETIME('2024-01-01', NULL)", null],
  ]);
  t.end();
});

t.test('STRFTIME formats', (t) => {
  evaluateAll(t, [
    [
      "STRFTIME('%Y-%m-%d %H:%M:%S %f %j %s %w %W %J %%', '2024-03-05 14:07:09.123')",
      '2024-03-05 14:07:09 09.123 065 1709647629 2 10 2460375.088300035 %',
    ],
    ["STRFTIME('%Y-%m-%dT%H:%M:%fZ', '2024-03-05 14:07:09.123')", '2024-03-05T14:07:09.123Z'],
    ["STRFTIME('%d/%m/%Y', '2024-03-15')", '15/03/2024'],
    ["STRFTIME('%d/%m/%Y', '2024-02-29', '+1 year')", '01/03/2025'],
    ["STRFTIME('%j', '2024-12-31')", '366'],
    ["STRFTIME('%W', '2024-01-01')", '01'],
    ["STRFTIME('%W', '2023-01-01')", '00'],
    ["STRFTIME('%W', '2024-12-31')", '53'],
    ["STRFTIME('%w', '2024-03-10')", '0'],
    ["STRFTIME('%s', '2024-01-01 00:00:00')", '1704067200'],
    ["STRFTIME('%f', '2024-01-01 00:00:59.9999')", '59.999'],
    ["STRFTIME('%H:%M', 1700000000, 'unixepoch')", '22:13'],
    ["STRFTIME('%e|%k|%l', '2024-03-05 09:07')", ' 5| 9| 9'],
    ["STRFTIME('%I:%M %p', '2024-01-01 15:04')", '03:04 PM'],
    ["STRFTIME('%I %P', '2024-01-01 00:30')", '12 am'],
    ["STRFTIME('%I %p', '2024-01-01 12:00')", '12 PM'],
    ["STRFTIME('%F %T', '2024-03-05 14:07:09')", '2024-03-05 14:07:09'],
    ["STRFTIME('%R', '2024-03-05 14:07:09')", '14:07'],
    ["STRFTIME('%u %w', '2024-03-10')", '7 0'],
    ["STRFTIME('%u', '2024-03-11')", '1'],
    ["STRFTIME('plain text', '2024-01-01')", 'plain text'],
    ["STRFTIME('%Q', '2024-01-01')", null],
    ["STRFTIME('%Y', NULL)", null],
    ["STRFTIME(NULL, '2024-01-01')", null],
    ["STRFTIME('%Y', 'not a date')", null],
  ]);
  t.end();
});

t.test('the current time: no argument, now, NOW(), CURRENT_*', (t) => {
  const before = Date.now();
  const values = {
    date: compileSql('DATE()').evaluate({}),
    dateNow: compileSql("DATE('now')").evaluate({}),
    datetime: compileSql("DATETIME('NOW')").evaluate({}),
    now: compileSql('NOW()').evaluate({}),
    timestamp: compileSql('CURRENT_TIMESTAMP').evaluate({}),
    currentDate: compileSql('CURRENT_DATE').evaluate({}),
    currentTime: compileSql('CURRENT_TIME').evaluate({}),
    unix: compileSql('UNIXEPOCH()').evaluate({}),
    strftime: compileSql("STRFTIME('%s')").evaluate({}),
    julian: compileSql("JULIANDAY('now')").evaluate({}),
  };
  const after = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const between = (value: SqlValue, from: string, to: string, what: string) =>
    t.ok(
      typeof value === 'string' && value >= from && value <= to,
      `${what}: ${String(value)} in [${from}, ${to}]`,
    );
  const datetime = (ms: number) => iso(ms).slice(0, 19).replace('T', ' ');
  between(values.date, iso(before).slice(0, 10), iso(after).slice(0, 10), 'DATE()');
  between(values.dateNow, iso(before).slice(0, 10), iso(after).slice(0, 10), "DATE('now')");
  between(values.currentDate, iso(before).slice(0, 10), iso(after).slice(0, 10), 'CURRENT_DATE');
  between(values.datetime, datetime(before), datetime(after), "DATETIME('NOW')");
  between(values.now, datetime(before), datetime(after), 'NOW()');
  between(values.timestamp, datetime(before), datetime(after), 'CURRENT_TIMESTAMP');
  t.match(values.currentTime, /^\d{2}:\d{2}:\d{2}$/);
  t.ok(
    typeof values.unix === 'number' &&
      values.unix >= Math.floor(before / 1000) &&
      values.unix <= Math.floor(after / 1000),
    'UNIXEPOCH()',
  );
  t.equal(typeof values.strftime, 'string');
  t.ok(
    typeof values.julian === 'number' && Math.abs(values.julian - (before / 86400000 + 2440587.5)) < 0.001,
  );
  t.end();
});
