/**
 * Value conversion for MySQL/MariaDB columns, table by table: the column as the catalog describes it, the
 * incoming value, and either the value sent or the reject code.
 */
import t from 'tap';
import { describeColumn, parseMemberList } from '../../worker/targets/mysql/column-types.js';
import type { CatalogColumn, TargetColumn } from '../../worker/targets/mysql/column-types.js';
import { DecimalLiteral, byteLengthIn, convertValue, preview } from '../../worker/targets/mysql/convert.js';
import type { Conversion } from '../../worker/targets/mysql/convert.js';
import type { ColumnValue } from '../../worker/targets/mysql/index.js';

/** A catalog column: `int`, `int(10) unsigned` and so on; nullable unless said otherwise. */
function catalogColumn(
  dataType: string,
  columnType: string,
  extra: Partial<CatalogColumn> = {},
): CatalogColumn {
  return {
    name: 'c',
    dataType,
    columnType,
    nullable: true,
    characterMaximumLength: null,
    characterOctetLength: null,
    numericPrecision: null,
    numericScale: null,
    datetimePrecision: null,
    characterSetName: null,
    collationName: null,
    extra: '',
    isJson: false,
    ...extra,
  };
}

function column(dataType: string, columnType: string, extra: Partial<CatalogColumn> = {}): TargetColumn {
  return describeColumn(catalogColumn(dataType, columnType, extra));
}

/** What a conversion sent, in a comparable form; or the reject code. */
function sent(conversion: Conversion): unknown {
  if (!conversion.ok) return { reject: conversion.code };
  const { value } = conversion;
  if (value instanceof DecimalLiteral) return { decimal: value.text };
  if (Buffer.isBuffer(value)) return { hex: value.toString('hex') };
  return value;
}

type Case = [ColumnValue | undefined, unknown];

/** The one assertion `check` needs (tap does not export its plugged-in Test type by name). */
type Asserts = Pick<typeof t, 'same'>;

function check(t: Asserts, target: TargetColumn, cases: Case[]): void {
  for (const [input, expected] of cases) {
    t.same(sent(convertValue(target, input)), expected, `${target.sqlType} <- ${JSON.stringify(input)}`);
  }
}

const CONVERSION = { reject: 'CONVERSION' };
const OUT_OF_RANGE = { reject: 'OUT_OF_RANGE' };
const NOT_NULL = { reject: 'NOT_NULL' };
const TOO_LONG = { reject: 'DATA_TOO_LONG' };

t.test('integers: range by type and UNSIGNED, sent as exact numeric literals', (t) => {
  check(t, column('int', 'int(11)'), [
    ['12', 12n],
    ['-3', -3n],
    ['+7', 7n],
    [' 42 ', 42n],
    ['007', 7n],
    ['2147483647', 2147483647n],
    ['2147483648', OUT_OF_RANGE],
    ['-2147483648', -2147483648n],
    ['-2147483649', OUT_OF_RANGE],
    ['1.5', CONVERSION],
    ['1.0', CONVERSION],
    ['1e3', CONVERSION],
    ['0x10', CONVERSION],
    ['abc', CONVERSION],
    ['true', CONVERSION],
    ['-', CONVERSION],
    [12, 12n],
    [1.5, CONVERSION],
    [true, 1n],
    [false, 0n],
    ['', null],
    [null, null],
    [undefined, null],
  ]);
  check(t, column('tinyint', 'tinyint(3) unsigned'), [
    ['255', 255n],
    ['256', OUT_OF_RANGE],
    ['-1', OUT_OF_RANGE],
    ['-0', 0n],
  ]);
  check(t, column('tinyint', 'tinyint(4)'), [
    ['-128', -128n],
    ['127', 127n],
    ['128', OUT_OF_RANGE],
  ]);
  check(t, column('smallint', 'smallint unsigned'), [
    ['65535', 65535n],
    ['65536', OUT_OF_RANGE],
  ]);
  check(t, column('mediumint', 'mediumint(9)'), [
    ['8388607', 8388607n],
    ['-8388609', OUT_OF_RANGE],
  ]);
  check(t, column('int', 'int(10) unsigned'), [['4294967295', 4294967295n]]);
  check(t, column('bigint', 'bigint(20)'), [
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', OUT_OF_RANGE],
    ['9007199254740993', 9007199254740993n], // beyond 2^53, still exact
  ]);
  check(t, column('bigint', 'bigint unsigned'), [
    ['18446744073709551615', 18446744073709551615n],
    ['18446744073709551616', OUT_OF_RANGE],
  ]);
  check(t, column('int', 'int(11)', { nullable: false }), [
    ['', NOT_NULL],
    [null, NOT_NULL],
    ['0', 0n],
  ]);
  check(t, column('int', 'int(11)', { nullable: false, extra: 'auto_increment' }), [[null, null]]);
  t.match(convertValue(column('int', 'int(11)'), 'abc'), {
    ok: false,
    message: 'column c INT(11) cannot take "abc": expected an integer',
  });
  t.match(convertValue(column('int', 'int(11)', { nullable: false }), ''), {
    ok: false,
    message: 'column c is NOT NULL and got NULL (an empty string counts as NULL for INT(11))',
  });
  t.end();
});

t.test('booleans: TINYINT(1), BOOLEAN and BIT(1)', (t) => {
  const words: Case[] = [
    ['true', 1n],
    ['FALSE', 0n],
    ['Yes', 1n],
    ['no', 0n],
    ['ON', 1n],
    ['off', 0n],
    ['1', 1n],
    ['0', 0n],
    [true, 1n],
    [false, 0n],
    ['maybe', CONVERSION],
    ['y', CONVERSION],
    ['', null],
  ];
  check(t, column('tinyint', 'tinyint(1)'), [...words, ['5', 5n], ['-128', -128n], ['300', OUT_OF_RANGE]]);
  check(t, column('bit', 'bit(1)', { numericPrecision: 1 }), [
    ...words,
    ['2', OUT_OF_RANGE],
    ['-1', OUT_OF_RANGE],
  ]);
  check(t, column('bit', 'bit(12)', { numericPrecision: 12 }), [
    ['4095', 4095n],
    ['4096', OUT_OF_RANGE],
    ['true', CONVERSION],
    ['', null],
  ]);
  check(t, column('bit', 'bit(64)', { numericPrecision: 64 }), [
    ['18446744073709551615', 18446744073709551615n],
  ]);
  check(t, column('int', 'int(11)'), [['yes', CONVERSION]]);
  t.end();
});

t.test('DECIMAL(p,s): digits validated, extra scale rejected, never rounded', (t) => {
  const price = column('decimal', 'decimal(10,2)', { numericPrecision: 10, numericScale: 2 });
  check(t, price, [
    ['12', { decimal: '12' }],
    ['12.5', { decimal: '12.5' }],
    ['12.50', { decimal: '12.5' }],
    ['12.500', { decimal: '12.5' }],
    ['-0.01', { decimal: '-0.01' }],
    ['+3.', { decimal: '3' }],
    ['.75', { decimal: '0.75' }],
    ['0012.30', { decimal: '12.3' }],
    ['-0.00', { decimal: '0' }],
    ['12345678.99', { decimal: '12345678.99' }],
    ['123456789', OUT_OF_RANGE],
    ['-123456789.5', OUT_OF_RANGE],
    ['1.234', CONVERSION],
    ['1.2e1', { decimal: '12' }],
    ['125e-2', { decimal: '1.25' }],
    ['1e-3', CONVERSION],
    ['1E8', OUT_OF_RANGE],
    ['1,5', CONVERSION],
    ['.', CONVERSION],
    ['e5', CONVERSION],
    ['12abc', CONVERSION],
    ['NaN', CONVERSION],
    [0.25, { decimal: '0.25' }],
    [1e-7, CONVERSION],
    [true, CONVERSION],
    ['', null],
  ]);
  check(t, column('decimal', 'decimal(5,0) unsigned', { numericPrecision: 5, numericScale: 0 }), [
    ['99999', { decimal: '99999' }],
    ['-1', OUT_OF_RANGE],
    ['-0', { decimal: '0' }],
    ['1.5', CONVERSION],
  ]);
  check(t, column('decimal', 'decimal(65,30)', { numericPrecision: 65, numericScale: 30 }), [
    [
      '12345678901234567890123456789012345.123456789012345678901234567890',
      {
        decimal: '12345678901234567890123456789012345.12345678901234567890123456789',
      },
    ],
  ]);
  t.match(convertValue(price, '1.234'), {
    message:
      'column c DECIMAL(10,2) cannot take "1.234": 3 digits after the decimal point, at most 2 (values are not rounded)',
  });
  t.match(convertValue(price, '123456789'), { message: /at most 8 digits before the decimal point/ });
  t.end();
});

t.test('FLOAT and DOUBLE', (t) => {
  check(t, column('double', 'double'), [
    ['1.5', 1.5],
    ['-2', -2],
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['6.02E23', 6.02e23],
    ['1e308', 1e308],
    ['1e309', OUT_OF_RANGE],
    ['-0', 0],
    ['NaN', CONVERSION],
    ['Infinity', CONVERSION],
    ['0x10', CONVERSION],
    ['1,5', CONVERSION],
    [2.25, 2.25],
    [Number.NaN, CONVERSION],
    [Number.POSITIVE_INFINITY, OUT_OF_RANGE],
    [true, CONVERSION],
    ['', null],
  ]);
  check(t, column('float', 'float'), [
    ['3.4e38', 3.4e38],
    ['3.5e38', OUT_OF_RANGE],
    ['-3.5e38', OUT_OF_RANGE],
  ]);
  check(t, column('double', 'double unsigned'), [
    ['-1', OUT_OF_RANGE],
    ['1', 1],
  ]);
  t.end();
});

t.test('DATE: ISO dates, or instants at midnight UTC', (t) => {
  check(t, column('date', 'date'), [
    ['2024-02-29', '2024-02-29'],
    ['2023-02-29', CONVERSION],
    ['2024-13-01', CONVERSION],
    ['2024-04-31', CONVERSION],
    ['0000-00-00', CONVERSION],
    ['2024-1-5', CONVERSION],
    ['2024-01-05T00:00:00Z', '2024-01-05'],
    ['2024-01-05T00:00:00.000Z', '2024-01-05'],
    ['2024-01-05T02:00:00+02:00', '2024-01-05'],
    ['2024-01-05T10:00:00Z', CONVERSION],
    ['2024-01-05T00:00:00.001Z', CONVERSION],
    ['1704412800000', '2024-01-05'],
    [1704412800000, '2024-01-05'],
    ['0001-01-01', '0001-01-01'],
    ['9999-12-31', '9999-12-31'],
    ['9999-12-31T23:00:00-01:00', OUT_OF_RANGE],
    ['yesterday', CONVERSION],
    [true, CONVERSION],
    ['', null],
  ]);
  t.match(convertValue(column('date', 'date'), '2024-01-05T10:00:00Z'), {
    message:
      'column c DATE cannot take "2024-01-05T10:00:00Z": it has a time of day (10:00:00 UTC) that a DATE would drop',
  });
  t.end();
});

t.test('DATETIME and TIMESTAMP: ISO 8601 or epoch milliseconds, in UTC, fraction truncated', (t) => {
  const seconds = column('datetime', 'datetime');
  check(t, seconds, [
    ['2024-03-10T12:34:56Z', '2024-03-10 12:34:56'],
    ['2024-03-10 12:34:56', '2024-03-10 12:34:56'],
    ['2024-03-10t12:34:56z', '2024-03-10 12:34:56'],
    ['2024-03-10T12:34', '2024-03-10 12:34:00'],
    ['2024-03-10', '2024-03-10 00:00:00'],
    ['2024-03-10T12:34:56.999Z', '2024-03-10 12:34:56'],
    ['2024-03-10T12:34:56+02:00', '2024-03-10 10:34:56'],
    ['2024-03-10T12:34:56+0200', '2024-03-10 10:34:56'],
    ['2024-03-10T12:34:56+02', '2024-03-10 10:34:56'],
    ['2024-03-10T01:00:00+05:30', '2024-03-09 19:30:00'],
    ['2024-12-31T23:30:00-01:00', '2025-01-01 00:30:00'],
    ['2024-03-10T12:34:56 Z', '2024-03-10 12:34:56'],
    ['2024-03-10T24:00:00Z', CONVERSION],
    ['2024-03-10T12:60:00Z', CONVERSION],
    ['2024-03-10T12:34:60Z', CONVERSION],
    ['2024-03-10T12:34:56+24:00', CONVERSION],
    ['2024-03-10T12:34:56PST', CONVERSION],
    ['10/03/2024', CONVERSION],
    ['0', '1970-01-01 00:00:00'],
    ['-1000', '1969-12-31 23:59:59'],
    [1700000000123, '2023-11-14 22:13:20'],
    ['1700000000123', '2023-11-14 22:13:20'],
    [1.5, CONVERSION],
    ['', null],
  ]);
  check(t, column('datetime', 'datetime(3)', { datetimePrecision: 3 }), [
    ['2024-03-10T12:34:56.789123Z', '2024-03-10 12:34:56.789'],
    ['2024-03-10T12:34:56.7Z', '2024-03-10 12:34:56.700'],
    ['2024-03-10T12:34:56,5Z', '2024-03-10 12:34:56.500'],
    ['2024-03-10T12:34:56Z', '2024-03-10 12:34:56.000'],
    ['1700000000123', '2023-11-14 22:13:20.123'],
    ['-1', '1969-12-31 23:59:59.999'],
  ]);
  check(t, column('timestamp', 'timestamp(6)', { datetimePrecision: 6 }), [
    ['2024-03-10T12:34:56.123456789+01:00', '2024-03-10 11:34:56.123456'],
    ['1700000000123', '2023-11-14 22:13:20.123000'],
  ]);
  t.end();
});

t.test('TIME and YEAR', (t) => {
  check(t, column('time', 'time'), [
    ['12:30', '12:30:00'],
    ['12:30:45', '12:30:45'],
    ['-12:30', '-12:30:00'],
    ['838:59:59', '838:59:59'],
    ['839:00:00', OUT_OF_RANGE],
    ['-838:59:59', '-838:59:59'],
    ['1:02:03.999', '01:02:03'],
    ['12:30:00Z', '12:30:00'],
    ['01:30:00+02:00', '23:30:00'],
    ['23:30:00-01:00', '00:30:00'],
    ['-01:00+02:00', CONVERSION],
    ['30:00:00+01:00', CONVERSION],
    ['12:60', CONVERSION],
    ['-00:00:00', '00:00:00'],
    ['noon', CONVERSION],
    [1200, CONVERSION],
    ['', null],
  ]);
  check(t, column('time', 'time(2)', { datetimePrecision: 2 }), [['12:30:45.678', '12:30:45.67']]);
  check(t, column('year', 'year(4)'), [
    ['2024', 2024],
    ['1901', 1901],
    ['2155', 2155],
    ['1900', OUT_OF_RANGE],
    ['2156', OUT_OF_RANGE],
    ['0000', 0],
    ['24', CONVERSION],
    ['2024-01-01', CONVERSION],
    [2024, 2024],
    [0, 0],
    ['', null],
  ]);
  t.end();
});

t.test('CHAR, VARCHAR and TEXT: characters, or bytes in the charset', (t) => {
  const varchar = column('varchar', 'varchar(5)', {
    characterMaximumLength: 5,
    characterOctetLength: 20,
    characterSetName: 'utf8mb4',
  });
  check(t, varchar, [
    ['hello', 'hello'],
    ['hello!', TOO_LONG],
    ['ünïcö', 'ünïcö'],
    ['😀😀😀😀😀', '😀😀😀😀😀'], // 5 characters, 10 UTF-16 units
    ['😀😀😀😀😀😀', TOO_LONG],
    ['', ''],
    [12345, '12345'],
    [true, 'true'],
    [null, null],
  ]);
  t.match(convertValue(varchar, 'hello!'), {
    message: 'column c VARCHAR(5) cannot take "hello!": 6 characters, at most 5',
  });
  check(t, column('varchar', 'varchar(5)', { characterMaximumLength: 5, nullable: false }), [
    ['', ''],
    [null, NOT_NULL],
  ]);
  const tinytext = column('tinytext', 'tinytext', {
    characterMaximumLength: 255,
    characterOctetLength: 255,
    characterSetName: 'utf8mb4',
  });
  check(t, tinytext, [
    ['a'.repeat(255), 'a'.repeat(255)],
    ['a'.repeat(256), TOO_LONG],
    ['é'.repeat(128), TOO_LONG], // 256 bytes
    ['é'.repeat(127), 'é'.repeat(127)],
  ]);
  check(t, column('tinytext', 'tinytext', { characterOctetLength: 255, characterSetName: 'latin1' }), [
    ['é'.repeat(255), 'é'.repeat(255)],
  ]);
  check(t, column('tinytext', 'tinytext', { characterOctetLength: 255, characterSetName: 'gbk' }), [
    ['a'.repeat(300), 'a'.repeat(300)], // not modelled: the server decides
  ]);
  t.equal(byteLengthIn('utf8mb4', 'a😀é'), 7);
  t.equal(byteLengthIn('latin1', 'aé'), 2);
  t.equal(byteLengthIn('utf16', 'a😀'), 6);
  t.equal(byteLengthIn('ucs2', 'ab'), 4);
  t.equal(byteLengthIn('utf32', 'a😀'), 8);
  t.equal(byteLengthIn('sjis', 'a'), undefined);
  t.end();
});

t.test('ENUM and SET: members from COLUMN_TYPE', (t) => {
  t.same(parseMemberList("enum('a','b''c','x,y','')"), ['a', "b'c", 'x,y', '']);
  t.same(parseMemberList("set('read','write')"), ['read', 'write']);
  t.same(parseMemberList('enum()'), []);

  const size = column('enum', "enum('small','medium','large')", { collationName: 'utf8mb4_general_ci' });
  check(t, size, [
    ['medium', 'medium'],
    ['MEDIUM', 'medium'],
    ['huge', CONVERSION],
    ['1', CONVERSION],
    ['', null],
  ]);
  t.match(convertValue(size, 'huge'), { message: /expected one of 'small', 'medium', 'large'/ });
  check(t, column('enum', "enum('a','A','')", { collationName: 'utf8mb4_bin' }), [
    ['A', 'A'],
    ['a', 'a'],
    ['', ''],
  ]);
  check(t, column('enum', "enum('yes','no')", { collationName: 'utf8mb4_bin' }), [['YES', CONVERSION]]);

  const perms = column('set', "set('read','write','admin')");
  check(t, perms, [
    ['read', 'read'],
    ['write,read', 'read,write'],
    ['READ,read', 'read'],
    ['', ''],
    ['read,delete', CONVERSION],
    ['read, write', CONVERSION],
    [null, null],
  ]);
  t.end();
});

t.test('JSON: must parse, MySQL type or MariaDB alias', (t) => {
  const mysqlJson = column('json', 'json');
  const mariaJson = column('longtext', 'longtext', {
    isJson: true,
    characterOctetLength: 20,
    characterSetName: 'utf8mb4',
  });
  t.equal(mysqlJson.type.kind, 'json');
  t.equal(mariaJson.type.kind, 'json');
  for (const target of [mysqlJson, mariaJson]) {
    check(t, target, [
      ['{"a":1}', '{"a":1}'],
      ['[1, 2]', '[1, 2]'],
      ['"text"', '"text"'],
      ['null', 'null'],
      ['12', '12'],
      [12, '12'],
      [true, 'true'],
      ['{bad', CONVERSION],
      ["{'a':1}", CONVERSION],
      ['', null],
    ]);
  }
  check(t, mariaJson, [['"' + 'x'.repeat(30) + '"', TOO_LONG]]);
  t.end();
});

t.test('BINARY and BLOB: the UTF-8 bytes of the string', (t) => {
  const raw = column('varbinary', 'varbinary(4)', { characterMaximumLength: 4, characterOctetLength: 4 });
  check(t, raw, [
    ['abcd', { hex: '61626364' }],
    ['é', { hex: 'c3a9' }],
    ['abcde', TOO_LONG],
    ['éé€', TOO_LONG],
    ['', { hex: '' }],
    [null, null],
  ]);
  check(t, column('blob', 'blob', { characterOctetLength: 65535 }), [['\u0000\u0001', { hex: '0001' }]]);
  t.end();
});

t.test('types the server validates, and types the writer refuses', (t) => {
  check(t, column('uuid', 'uuid'), [
    ['123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000'],
    ['', null],
  ]);
  check(t, column('inet6', 'inet6'), [['::1', '::1']]);
  check(t, column('point', 'point'), [['POINT(1 2)', CONVERSION]]);
  t.equal(column('geometry', 'geometry').type.kind, 'unsupported');
  t.end();
});

t.test('the catalog description of a column', (t) => {
  t.same(column('int', 'int(10) unsigned', { extra: 'auto_increment', nullable: false }), {
    name: 'c',
    sqlType: 'INT(10) UNSIGNED',
    nullable: false,
    autoIncrement: true,
    generated: false,
    type: { kind: 'integer', min: 0n, max: 4294967295n, boolean: false },
  });
  t.equal(column('int', 'int(11)', { extra: 'VIRTUAL GENERATED' }).generated, true);
  t.equal(column('int', 'int(11)', { extra: 'STORED GENERATED' }).generated, true);
  t.same(column('decimal', 'decimal(10,2) unsigned', { numericPrecision: 10, numericScale: 2 }).type, {
    kind: 'decimal',
    precision: 10,
    scale: 2,
    unsigned: true,
  });
  t.same(
    column('varchar', 'varchar(20)', {
      characterMaximumLength: 20,
      characterOctetLength: 80,
      characterSetName: 'utf8mb4',
    }).type,
    {
      kind: 'text',
      maxChars: 20,
      maxBytes: null,
      charset: 'utf8mb4',
    },
  );
  t.same(
    column('text', 'text', {
      characterMaximumLength: 65535,
      characterOctetLength: 65535,
      characterSetName: 'utf8mb4',
    }).type,
    {
      kind: 'text',
      maxChars: null,
      maxBytes: 65535,
      charset: 'utf8mb4',
    },
  );
  t.same(column('datetime', 'datetime(6)', { datetimePrecision: 6 }).type, {
    kind: 'datetime',
    fsp: 6,
    timestamp: false,
  });
  t.same(column('timestamp', 'timestamp', { datetimePrecision: 0 }).type, {
    kind: 'datetime',
    fsp: 0,
    timestamp: true,
  });
  t.same(column('bit', 'bit(8)').type, { kind: 'bit', bits: 8 });
  t.same(column('tinyint', 'tinyint(1) unsigned').type, {
    kind: 'integer',
    min: 0n,
    max: 255n,
    boolean: true,
  });
  t.same(column('float', 'float unsigned').type, { kind: 'float', single: true, unsigned: true });
  t.same(column('double', 'double').type, { kind: 'float', single: false, unsigned: false });
  t.end();
});

t.test('previews of values in messages are short', (t) => {
  t.equal(preview('abc'), '"abc"');
  t.equal(preview('x'.repeat(100)), `"${'x'.repeat(40)}"... (100 characters)`);
  t.equal(preview(12), '12');
  t.equal(preview(false), 'false');
  t.end();
});
