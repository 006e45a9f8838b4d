/** The MySQL writer's SQL, compared as exact strings, and the pure helpers around it. */
import t from 'tap';
import {
  buildCloseOutSql,
  buildDeleteSql,
  buildGroupCloseOutSql,
  buildGroupDeleteSql,
  buildInsertSql,
  buildUpsertSql,
  chunkRows,
  countUpsert,
  createCheckpointTableSql,
  insertCheckpointRowSql,
  lockCheckpointSql,
  parseInsertInfo,
  qualifiedName,
  quoteIdentifier,
  readCheckpointSql,
  serverTraits,
  statementByteBudget,
  writeCheckpointSql,
  writerSqlMode,
} from '../../worker/targets/mysql/sql.js';

const MARIADB = { insertRowAlias: false };
const MYSQL8 = { insertRowAlias: true };

t.test('identifiers are backtick-quoted with backticks doubled', (t) => {
  t.equal(quoteIdentifier('emp'), '`emp`');
  t.equal(quoteIdentifier('my`table'), '`my``table`');
  t.equal(quoteIdentifier('``'), '``````');
  t.equal(quoteIdentifier('it\'s "x"; DROP'), '`it\'s "x"; DROP`');
  t.equal(quoteIdentifier('ünï code'), '`ünï code`');
  t.equal(qualifiedName('app', 'emp`s'), '`app`.`emp``s`');
  t.throws(() => quoteIdentifier(''), {
    name: 'InvalidArgumentError',
    message: '"" is not a valid MySQL identifier',
  });
  t.throws(() => quoteIdentifier('a\u0000b'), { code: 'INVALID_ARGUMENT' });
  t.end();
});

t.test('multi-row upserts update only the non-key columns', (t) => {
  const spec = { schema: 'app', table: 'emp', columns: ['id', 'a', 'b'], keyColumns: ['id'], rowCount: 2 };
  t.equal(
    buildUpsertSql(spec, MARIADB),
    'INSERT INTO `app`.`emp` (`id`,`a`,`b`) VALUES (?,?,?),(?,?,?) ON DUPLICATE KEY UPDATE `a`=VALUES(`a`),`b`=VALUES(`b`)',
  );
  t.equal(
    buildUpsertSql(spec, MYSQL8),
    'INSERT INTO `app`.`emp` (`id`,`a`,`b`) VALUES (?,?,?),(?,?,?) AS `ferry_new` ' +
      'ON DUPLICATE KEY UPDATE `a`=`ferry_new`.`a`,`b`=`ferry_new`.`b`',
  );
  t.equal(
    buildUpsertSql(
      { schema: 's`1', table: 't`1', columns: ['k`1', 'v`1'], keyColumns: ['k`1'], rowCount: 1 },
      MARIADB,
    ),
    'INSERT INTO `s``1`.`t``1` (`k``1`,`v``1`) VALUES (?,?) ON DUPLICATE KEY UPDATE `v``1`=VALUES(`v``1`)',
  );
  t.end();
});

t.test('an upsert whose columns are all keys is a no-op update, not INSERT IGNORE', (t) => {
  const spec = {
    schema: 'app',
    table: 'tag',
    columns: ['owner', 'name'],
    keyColumns: ['owner', 'name'],
    rowCount: 3,
  };
  const expected =
    'INSERT INTO `app`.`tag` (`owner`,`name`) VALUES (?,?),(?,?),(?,?) ON DUPLICATE KEY UPDATE `owner`=`owner`';
  t.equal(buildUpsertSql(spec, MARIADB), expected);
  t.equal(
    buildUpsertSql(spec, MYSQL8),
    'INSERT INTO `app`.`tag` (`owner`,`name`) VALUES (?,?),(?,?),(?,?) AS `ferry_new` ON DUPLICATE KEY UPDATE `owner`=`owner`',
  );
  t.throws(() => buildUpsertSql({ ...spec, rowCount: 0 }, MARIADB), { code: 'INVALID_ARGUMENT' });
  t.end();
});

t.test('deletes by one key column and by several', (t) => {
  t.equal(
    buildDeleteSql({ schema: 'app', table: 'emp', keyColumns: ['id'], rowCount: 3 }),
    'DELETE FROM `app`.`emp` WHERE `id` IN (?,?,?)',
  );
  t.equal(
    buildDeleteSql({ schema: 'app', table: 'm', keyColumns: ['org', 'member`id'], rowCount: 2 }),
    'DELETE FROM `app`.`m` WHERE (`org`,`member``id`) IN ((?,?),(?,?))',
  );
  t.equal(
    buildDeleteSql({ schema: 'app', table: 'm', keyColumns: ['a', 'b', 'c'], rowCount: 1 }),
    'DELETE FROM `app`.`m` WHERE (`a`,`b`,`c`) IN ((?,?,?))',
  );
  t.throws(() => buildDeleteSql({ schema: 'app', table: 'm', keyColumns: [], rowCount: 1 }), {
    code: 'INVALID_ARGUMENT',
  });
  t.end();
});

t.test('load strategies: plain inserts, group deletes, TYPE2 close-outs', (t) => {
  t.equal(
    buildInsertSql({ schema: 'app', table: 'log', columns: ['id', 'op'], rowCount: 2 }),
    'INSERT INTO `app`.`log` (`id`,`op`) VALUES (?,?),(?,?)',
  );
  t.throws(() => buildInsertSql({ schema: 'app', table: 'log', columns: [], rowCount: 1 }), {
    code: 'INVALID_ARGUMENT',
  });
  const group = { schema: 'app', table: 'tags', groupColumns: ['user_id'], keyColumns: ['user_id', 'tag'] };
  t.equal(
    buildGroupDeleteSql({ ...group, keepCount: 0 }),
    'DELETE FROM `app`.`tags` WHERE `user_id`=?',
    'a deleted parent: every child row goes',
  );
  t.equal(
    buildGroupDeleteSql({ ...group, keepCount: 2 }),
    'DELETE FROM `app`.`tags` WHERE `user_id`=? AND NOT ((`user_id`,`tag`) IN ((?,?),(?,?)))',
    'the rows the parent still has are kept',
  );
  t.equal(
    buildGroupDeleteSql({ ...group, keyColumns: ['line_id'], groupColumns: ['a', 'b'], keepCount: 1 }),
    'DELETE FROM `app`.`tags` WHERE `a`=? AND `b`=? AND NOT (`line_id` IN (?))',
  );
  t.throws(() => buildGroupDeleteSql({ ...group, groupColumns: [], keepCount: 0 }), {
    message: 'a group delete needs group columns',
  });
  const type2 = {
    schema: 'app',
    table: 'emp_history',
    keyColumns: ['emp_id'],
    activeCondition: "is_active = 'Y'",
    closeOut: [
      { column: 'is_active', sql: "'N'" },
      { column: 'valid_to', sql: 'CURRENT_TIMESTAMP' },
    ],
  };
  t.equal(
    buildCloseOutSql({ ...type2, rowCount: 2 }),
    "UPDATE `app`.`emp_history` SET `is_active`=('N'),`valid_to`=(CURRENT_TIMESTAMP) " +
      "WHERE `emp_id` IN (?,?) AND (is_active = 'Y')",
  );
  t.equal(
    buildGroupCloseOutSql({ ...type2, groupColumns: ['dept'], keepCount: 1 }),
    "UPDATE `app`.`emp_history` SET `is_active`=('N'),`valid_to`=(CURRENT_TIMESTAMP) " +
      "WHERE `dept`=? AND NOT (`emp_id` IN (?)) AND (is_active = 'Y')",
  );
  t.throws(() => buildCloseOutSql({ ...type2, closeOut: [], rowCount: 1 }), { code: 'INVALID_ARGUMENT' });
  t.end();
});

t.test('statements are chunked by placeholders and by bytes, in order', (t) => {
  const rows = Array.from({ length: 10 }, (_, index) => index);
  t.same(
    chunkRows(rows, 3, { maxPlaceholders: 12 }, () => 1),
    [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ],
  );
  t.same(
    chunkRows(rows, 5, { maxPlaceholders: 4 }, () => 1),
    rows.map((row) => [row]),
    'at least one row each',
  );
  t.same(
    chunkRows(rows, 1, { maxBytes: 25 }, () => 10),
    [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
    ],
  );
  t.same(
    chunkRows([1, 100, 2, 3], 1, { maxBytes: 10 }, (row) => row),
    [[1], [100], [2, 3]],
    'a row larger than the budget gets its own statement',
  );
  t.same(
    chunkRows([], 3, {}, () => 1),
    [],
  );

  // The default limit: 65535 placeholders, so 13107 rows of 5 columns and 21845 of 3.
  const many = Array.from({ length: 30_000 }, (_, index) => index);
  t.same(
    chunkRows(many, 5, {}, () => 1).map((chunk) => chunk.length),
    [13_107, 13_107, 3_786],
  );
  t.same(
    chunkRows(many, 3, {}, () => 1).map((chunk) => chunk.length),
    [21_845, 8_155],
  );
  t.end();
});

t.test('upsert counts come from the info string and affectedRows', (t) => {
  t.same(parseInsertInfo('Records: 4  Duplicates: 1  Warnings: 0'), {
    records: 4,
    duplicates: 1,
    warnings: 0,
  });
  t.equal(parseInsertInfo(''), undefined);
  // [rows, affectedRows, info] -> inserted/updated. Without CLIENT_FOUND_ROWS:
  // affected = inserted + 2 x changed; Duplicates = changed; unchanged existing rows count 0 in both.
  const cases: [number, number, string, { inserted: number; updated: number }][] = [
    [4, 4, 'Records: 4  Duplicates: 0  Warnings: 0', { inserted: 4, updated: 0 }],
    [4, 4, 'Records: 4  Duplicates: 1  Warnings: 0', { inserted: 2, updated: 2 }], // 2 new, 1 changed, 1 same
    [4, 8, 'Records: 4  Duplicates: 4  Warnings: 0', { inserted: 0, updated: 4 }],
    [4, 0, 'Records: 4  Duplicates: 0  Warnings: 0', { inserted: 0, updated: 4 }],
    [1, 1, '', { inserted: 1, updated: 0 }],
    [1, 2, '', { inserted: 0, updated: 1 }],
    [1, 0, '', { inserted: 0, updated: 1 }],
  ];
  for (const [rowCount, affected, info, expected] of cases) {
    t.same(
      countUpsert(rowCount, affected, info),
      expected,
      `${rowCount} rows, ${affected} affected, "${info}"`,
    );
  }
  t.end();
});

t.test('checkpoint statements', (t) => {
  t.equal(
    createCheckpointTableSql('app'),
    'CREATE TABLE IF NOT EXISTS `app`.`ferry_checkpoints` (`pipeline` VARCHAR(200) NOT NULL, ' +
      '`partition_no` INT NOT NULL, `last_entry_id` VARCHAR(48) NOT NULL, `lease_epoch` BIGINT NOT NULL, ' +
      '`updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (`pipeline`, `partition_no`)' +
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  );
  t.equal(
    insertCheckpointRowSql('app'),
    'INSERT IGNORE INTO `app`.`ferry_checkpoints` (`pipeline`,`partition_no`,`last_entry_id`,`lease_epoch`,`updated_at`) ' +
      "VALUES (?,?,'0-0',0,CURRENT_TIMESTAMP(3))",
  );
  t.equal(
    lockCheckpointSql('app'),
    'SELECT `last_entry_id`,`lease_epoch` FROM `app`.`ferry_checkpoints` WHERE `pipeline`=? AND `partition_no`=? FOR UPDATE',
  );
  t.equal(
    readCheckpointSql('a`b'),
    'SELECT `last_entry_id`,`lease_epoch` FROM `a``b`.`ferry_checkpoints` WHERE `pipeline`=? AND `partition_no`=?',
  );
  t.equal(
    writeCheckpointSql('app'),
    'INSERT INTO `app`.`ferry_checkpoints` (`pipeline`,`partition_no`,`last_entry_id`,`lease_epoch`,`updated_at`) ' +
      'VALUES (?,?,?,?,CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE `last_entry_id`=?,`lease_epoch`=?,' +
      '`updated_at`=CURRENT_TIMESTAMP(3)',
  );
  t.end();
});

t.test('session sql_mode: strict, and never NO_BACKSLASH_ESCAPES', (t) => {
  t.equal(
    writerSqlMode(
      'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',
    ),
    'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION,STRICT_ALL_TABLES',
  );
  t.equal(writerSqlMode('NO_BACKSLASH_ESCAPES,ANSI_QUOTES'), 'ANSI_QUOTES,STRICT_ALL_TABLES');
  t.equal(writerSqlMode(''), 'STRICT_ALL_TABLES');
  t.equal(writerSqlMode('strict_all_tables'), 'STRICT_ALL_TABLES');
  t.end();
});

t.test('server traits from VERSION()', (t) => {
  t.same(serverTraits('10.11.19-MariaDB-0+deb12u1'), { mariaDb: true, dialect: { insertRowAlias: false } });
  t.same(serverTraits('5.5.5-10.6.12-MariaDB'), { mariaDb: true, dialect: { insertRowAlias: false } });
  t.same(serverTraits('8.0.18'), { mariaDb: false, dialect: { insertRowAlias: false } });
  t.same(serverTraits('8.0.19'), { mariaDb: false, dialect: { insertRowAlias: true } });
  t.same(serverTraits('8.4.2-log'), { mariaDb: false, dialect: { insertRowAlias: true } });
  t.same(serverTraits('9.1.0'), { mariaDb: false, dialect: { insertRowAlias: true } });
  t.same(serverTraits('5.7.44'), { mariaDb: false, dialect: { insertRowAlias: false } });
  t.same(serverTraits('unknown'), { mariaDb: false, dialect: { insertRowAlias: false } });
  t.equal(statementByteBudget(16 * 1024 * 1024), 4 * 1024 * 1024);
  t.equal(statementByteBudget(1024), 64 * 1024);
  t.end();
});
