/**
 * End to end against real Redis and MariaDB: a sandboxed JavaScript transform deployed as a file next to its
 * job (records split, dropped, and a runaway call dead-lettered with JS_TIMEOUT while the rest is written), and
 * sets and sorted sets written one row per member, the key's rows kept equal to its members.
 */
import t from 'tap';
import { rows } from '../fixtures/mysql/database.js';
import { setupApply, waitUntil } from '../helpers/apply.js';

const JS_JOB = `
source:
  redis:
    key_pattern: "{prefix}:emp:*"
    trigger: write-behind
transform:
  - uses: js
    with:
      file: emp.js
      timeout_ms: 100
output:
  - uses: relational.write
    with:
      connection: target
      table: emp
      keys: [emp_id]
      mapping: [emp_id, full_name, salary_band]
`;

const JS_CODE = `
function transform(record, meta) {
  if (record.status === 'gone') return null;
  if (record.first === 'Loop') { for (;;) {} }
  const id = Number(meta.key.split(':').pop());
  const band = Number(record.salary) >= 5000 ? 'high' : 'low';
  return { emp_id: id, full_name: record.first + ' ' + record.last, salary_band: band };
}
`;

t.test('a js transform from a file: records mapped, dropped, and a runaway call dead-lettered', async (t) => {
  const setup = await setupApply(t, 'js-transform', {
    jobs: { emp: JS_JOB },
    files: { 'jobs/emp.js': JS_CODE },
    schema: 'CREATE TABLE emp (emp_id INT PRIMARY KEY, full_name VARCHAR(80), salary_band VARCHAR(10))',
    partitions: 2,
  });
  const key = (id: number): string => `${setup.prefix}:emp:${id}`;
  await setup.redis.hset(key(1), { first: 'Ada', last: 'Lovelace', salary: '7000' });
  await setup.redis.hset(key(2), { first: 'Alan', last: 'Turing', salary: '4000' });
  await setup.redis.hset(key(3), { first: 'Old', last: 'Record', status: 'gone' });
  await setup.redis.hset(key(4), { first: 'Loop', last: 'Forever' });
  await setup.startWorker();
  await setup.append([1, 2, 3, 4].map((id) => ({ key: key(id), command: 'hset', db: 0 })));
  const client = setup.cp.client();
  await waitUntil('all four keys are accounted for', async () => {
    const job = (await client.getStatus()).jobs.find((candidate) => candidate.name === 'emp');
    return (job?.inserted ?? 0) + (job?.filtered ?? 0) + (job?.rejected ?? 0) >= 4;
  });
  t.strictSame(await rows(setup.db.admin, 'SELECT * FROM emp ORDER BY emp_id'), [
    { emp_id: 1, full_name: 'Ada Lovelace', salary_band: 'high' },
    { emp_id: 2, full_name: 'Alan Turing', salary_band: 'low' },
  ]);
  const job = (await client.getStatus()).jobs.find((candidate) => candidate.name === 'emp');
  t.match(job, { inserted: 2, filtered: 1, rejected: 1 });
  const [reject] = (await client.listRejects({ job: 'emp' })).records;
  t.match(reject, { key: key(4), errorCode: 'JS_TIMEOUT', error: /^transform\[0\] \(js\)/ });
});

const TAGS_JOB = `
source:
  redis:
    key_pattern: "{prefix}:tags:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      table: user_tags
      keys:
        - user_id
        - tag: member
`;

const BOARD_JOB = `
source:
  redis:
    key_pattern: "{prefix}:board:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      table: board
      keys:
        - board
        - player: member
      mapping:
        - points: score
`;

t.test('sets and sorted sets: one row per member, kept equal to the members', async (t) => {
  const setup = await setupApply(t, 'sets', {
    jobs: { tags: TAGS_JOB, board: BOARD_JOB },
    schema: `
      CREATE TABLE user_tags (user_id INT, tag VARCHAR(20), PRIMARY KEY (user_id, tag));
      CREATE TABLE board (board VARCHAR(10), player VARCHAR(20), points DOUBLE, PRIMARY KEY (board, player));
    `,
    partitions: 2,
  });
  const tags = (id: number): string => `${setup.prefix}:tags:${id}`;
  const board = `${setup.prefix}:board:b1`;
  await setup.redis.sadd(tags(1), 'red', 'green', 'blue');
  await setup.redis.sadd(tags(2), 'black');
  await setup.redis.zadd(board, 10, 'ann', 2.5, 'bob');
  await setup.startWorker();
  await setup.append([
    { key: tags(1), command: 'sadd', db: 0 },
    { key: tags(2), command: 'sadd', db: 0 },
    { key: board, command: 'zadd', db: 0 },
  ]);
  const tagRows = (): Promise<Record<string, unknown>[]> =>
    rows(setup.db.admin, 'SELECT user_id, tag FROM user_tags ORDER BY user_id, tag');
  const boardRows = (): Promise<Record<string, unknown>[]> =>
    rows(setup.db.admin, 'SELECT board, player, points FROM board ORDER BY player');
  await waitUntil(
    'the members are written',
    async () => (await tagRows()).length === 4 && (await boardRows()).length === 2,
  );
  t.strictSame(await tagRows(), [
    { user_id: 1, tag: 'blue' },
    { user_id: 1, tag: 'green' },
    { user_id: 1, tag: 'red' },
    { user_id: 2, tag: 'black' },
  ]);
  t.strictSame(await boardRows(), [
    { board: 'b1', player: 'ann', points: 10 },
    { board: 'b1', player: 'bob', points: 2.5 },
  ]);

  // SREM / SADD, ZINCRBY / ZREM, and DEL of a whole set.
  await setup.redis.srem(tags(1), 'green');
  await setup.redis.sadd(tags(1), 'white');
  await setup.redis.del(tags(2));
  await setup.redis.zincrby(board, 5, 'bob');
  await setup.redis.zrem(board, 'ann');
  await setup.redis.zadd(board, 1, 'cy');
  await setup.append([
    { key: tags(1), command: 'srem', db: 0 },
    { key: tags(2), command: 'del', db: 0 },
    { key: board, command: 'zrem', db: 0 },
  ]);
  await waitUntil(
    'the changes are applied',
    async () =>
      JSON.stringify(await tagRows()) ===
      JSON.stringify([
        { user_id: 1, tag: 'blue' },
        { user_id: 1, tag: 'red' },
        { user_id: 1, tag: 'white' },
      ]),
  );
  await waitUntil('the board follows', async () => (await boardRows()).some((row) => row['player'] === 'cy'));
  t.strictSame(await boardRows(), [
    { board: 'b1', player: 'bob', points: 7.5 },
    { board: 'b1', player: 'cy', points: 1 },
  ]);
  t.strictSame(
    (await setup.cp.client().getStatus()).jobs.map((job) => [job.name, job.rejected]),
    [
      ['board', 0],
      ['tags', 0],
    ],
    'no member was dead-lettered',
  );
});
