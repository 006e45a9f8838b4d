/**
 * The write-behind examples of RDI's documentation, deployed unchanged, end to end against real Redis and
 * MariaDB: a `rename_field` job of `emp:*` hashes with `keys` and `mapping`; a JSON job whose `add_field`
 * builds an array that `foreach` splits into child rows (kept in sync on update and delete); a job with
 * `add_field` in SQL and a `filter`. Only config.yaml is ours: it names the connections the jobs use. The
 * schemas the jobs name (`my-schema`, `dbo`) are created for the test and dropped after it.
 */
import t from 'tap';
import type { Test } from 'tap';
import { rows } from '../fixtures/mysql/database.js';
import { setupApply, waitUntil } from '../helpers/apply.js';
import type { ApplySetup } from '../helpers/apply.js';

/** RDI's write-behind quickstart job, as documented. */
const QUICKSTART_JOB = `
source:
  redis:
    key_pattern: emp:*
    trigger: write-behind
    exclude_commands: ["json.del"]
transform:
  - uses: rename_field
    with:
      from_field: after.country
      to_field: after.my_country
output:
  - uses: relational.write
    with:
      connection: my-connection
      schema: my-schema
      table: my-table
      keys:
        - first_name
        - last_name
      mapping:
        - first_name
        - last_name
        - address
        - gender
`;

/** RDI's write-behind foreach example, as documented (multi-select hash without commas included). */
const FOREACH_JOB = `
source:
  redis:
    key_pattern: orderdetail:*
    trigger: write-behind
    exclude_commands: ["json.del"]
transform:
  - uses: add_field
    with:
      fields:
        - field: my_orders
          language: jmespath
          expression: |
            orders[*].{
              code: code
              periodStartTime: periodStartTime
              periodEndTime: periodEndTime
              specs: to_string(specs)
            }
output:
  - uses: relational.write
    with:
      connection: mssql
      schema: dbo
      table: OrderMaster
      keys:
        - Code: orderDetail.code
      mapping:
        - DeliveryDate: orderDetail.deliveryDate
        - ProductCode: orderDetail.productCode
        - CountryCode: orderDetail.countryCode
  - uses: relational.write
    with:
      connection: mssql
      schema: dbo
      table: Order
      foreach: "order: my_orders[]"
      keys:
        - Code: order.code
      mapping:
        - OrderDetailCode: orderDetail.code
        - PeriodStartTime: order.periodStartTime
        - PeriodEndTime: order.periodEndTime
        - Specs: order.specs
`;

/** RDI's add_field (SQL) and filter examples, as one write-behind job. */
const SQL_JOB = `
source:
  redis:
    key_pattern: emp:*
    trigger: write-behind
transform:
  - uses: add_field
    with:
      field: country
      language: sql
      expression: country_code || ' - ' || UPPER(country_name)
  - uses: filter
    with:
      language: sql
      expression: age>20
output:
  - uses: relational.write
    with:
      connection: target
      table: emp
      keys:
        - emp_id
      mapping:
        - emp_id
        - name
        - age
        - country
`;

/** Creates a database the job names and drops it after the test. */
async function namedSchema(t: Test, setup: ApplySetup, name: string, ddl: string[]): Promise<void> {
  await setup.db.admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await setup.db.admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  t.teardown(() => setup.db.admin.query(`DROP DATABASE IF EXISTS \`${name}\``));
  for (const statement of ddl) await setup.db.admin.query(statement.replaceAll('{schema}', `\`${name}\``));
}

/** Ids no other test run uses: the documented key patterns carry no test prefix. */
function uniqueBase(): number {
  return 1_000_000 + Math.floor(Math.random() * 8_000_000) * 100;
}

t.test('rename_field job of the quickstart: emp:* hashes become rows keyed by name', async (t) => {
  const setup = await setupApply(t, 'rdi-quickstart', {
    jobs: { emp: QUICKSTART_JOB },
    schema: 'SELECT 1',
    connectionName: 'my-connection',
    partitions: 2,
  });
  await namedSchema(t, setup, 'my-schema', [
    'CREATE TABLE {schema}.`my-table` (first_name VARCHAR(40), last_name VARCHAR(40), address VARCHAR(80), ' +
      'gender CHAR(1), my_country VARCHAR(20), PRIMARY KEY (first_name, last_name))',
  ]);
  const keys = [`emp:${setup.prefix}:1`, `emp:${setup.prefix}:2`];
  t.teardown(() => setup.redis.del(...keys));
  await setup.redis.hset(keys[0] as string, {
    first_name: 'Ada',
    last_name: 'Lovelace',
    address: '12 St James Square',
    gender: 'F',
    country: 'GB',
  });
  await setup.redis.hset(keys[1] as string, { first_name: 'Alan', last_name: 'Turing', gender: 'M' });
  await setup.startWorker();
  await setup.append(keys.map((key) => ({ key, command: 'hset', db: 0 })));
  const table = (): Promise<Record<string, unknown>[]> =>
    rows(setup.db.admin, 'SELECT * FROM `my-schema`.`my-table` ORDER BY first_name');
  await waitUntil('both rows are written', async () => (await table()).length === 2);
  t.strictSame(await table(), [
    {
      first_name: 'Ada',
      last_name: 'Lovelace',
      address: '12 St James Square',
      gender: 'F',
      my_country: null,
    },
    { first_name: 'Alan', last_name: 'Turing', address: null, gender: 'M', my_country: null },
  ]);

  // A deleted key: its key columns are fields of the value, which is gone, and the pattern has one "*" for
  // two columns. The row cannot be found, so the delete is dead-lettered with the reason, not guessed.
  await setup.redis.del(keys[1] as string);
  await setup.append([{ key: keys[1] as string, command: 'del', db: 0 }]);
  const client = setup.cp.client();
  await waitUntil(
    'the delete is dead-lettered',
    async () => (await client.listRejects({ job: 'emp' })).total === 1,
  );
  const [reject] = (await client.listRejects({ job: 'emp' })).records;
  t.match(reject, {
    key: keys[1],
    errorCode: 'MISSING_KEY',
    error:
      'key column first_name has no value: the key was deleted and key_pattern "emp:*" has 1 "*" for 2 key ' +
      'column(s), so the key cannot give it; use one "*" per key column',
  });
  t.equal((await table()).length, 2, 'nothing was deleted by guesswork');
});

t.test('foreach example: orders of a JSON document become child rows, kept in sync', async (t) => {
  const setup = await setupApply(t, 'rdi-foreach', {
    jobs: { orders: FOREACH_JOB },
    schema: 'SELECT 1',
    connectionName: 'mssql',
    partitions: 2,
  });
  await namedSchema(t, setup, 'dbo', [
    'CREATE TABLE {schema}.OrderMaster (Code VARCHAR(40) PRIMARY KEY, DeliveryDate DATE, ProductCode VARCHAR(20), ' +
      'CountryCode CHAR(2))',
    'CREATE TABLE {schema}.`Order` (Code VARCHAR(40) PRIMARY KEY, OrderDetailCode VARCHAR(40) NOT NULL, ' +
      'PeriodStartTime DATETIME, PeriodEndTime DATETIME, Specs TEXT, KEY (OrderDetailCode))',
  ]);
  const code = `OD${uniqueBase()}`;
  const key = `orderdetail:${code}`;
  t.teardown(() => setup.redis.del(key));
  const document = (orders: { code: string; start: string; specs: unknown[] }[]): string =>
    JSON.stringify({
      orderDetail: { code, deliveryDate: '2024-03-01', productCode: 'P-7', countryCode: 'GB' },
      orders: orders.map((order) => ({
        code: order.code,
        periodStartTime: order.start,
        periodEndTime: '2024-03-31 00:00:00',
        specs: order.specs,
      })),
    });
  await setup.redis.set(
    key,
    document([
      { code: `${code}-1`, start: '2024-03-01 08:00:00', specs: [{ size: 'L' }] },
      { code: `${code}-2`, start: '2024-03-02 08:00:00', specs: [] },
      { code: `${code}-3`, start: '2024-03-03 08:00:00', specs: [1, 2] },
    ]),
  );
  await setup.startWorker();
  await setup.append([{ key, command: 'set', db: 0 }]);
  const master = (): Promise<Record<string, unknown>[]> =>
    rows(setup.db.admin, 'SELECT * FROM dbo.OrderMaster ORDER BY Code');
  const orders = (): Promise<Record<string, unknown>[]> =>
    rows(setup.db.admin, 'SELECT * FROM dbo.`Order` ORDER BY Code');
  await waitUntil('the orders are written', async () => (await orders()).length === 3);
  t.strictSame(await master(), [
    { Code: code, DeliveryDate: '2024-03-01', ProductCode: 'P-7', CountryCode: 'GB' },
  ]);
  t.strictSame(await orders(), [
    {
      Code: `${code}-1`,
      OrderDetailCode: code,
      PeriodStartTime: '2024-03-01 08:00:00',
      PeriodEndTime: '2024-03-31 00:00:00',
      Specs: '[{"size":"L"}]',
    },
    {
      Code: `${code}-2`,
      OrderDetailCode: code,
      PeriodStartTime: '2024-03-02 08:00:00',
      PeriodEndTime: '2024-03-31 00:00:00',
      Specs: '[]',
    },
    {
      Code: `${code}-3`,
      OrderDetailCode: code,
      PeriodStartTime: '2024-03-03 08:00:00',
      PeriodEndTime: '2024-03-31 00:00:00',
      Specs: '[1,2]',
    },
  ]);

  // An update drops order 2 and adds order 4: the child table follows.
  await setup.redis.set(
    key,
    document([
      { code: `${code}-1`, start: '2024-03-01 09:00:00', specs: [{ size: 'L' }] },
      { code: `${code}-3`, start: '2024-03-03 08:00:00', specs: [1, 2] },
      { code: `${code}-4`, start: '2024-03-04 08:00:00', specs: [] },
    ]),
  );
  await setup.append([{ key, command: 'set', db: 0 }]);
  await waitUntil('order 4 is written', async () =>
    (await orders()).some((row) => row['Code'] === `${code}-4`),
  );
  t.strictSame(
    (await orders()).map((row) => [row['Code'], row['PeriodStartTime']]),
    [
      [`${code}-1`, '2024-03-01 09:00:00'],
      [`${code}-3`, '2024-03-03 08:00:00'],
      [`${code}-4`, '2024-03-04 08:00:00'],
    ],
  );

  // Deleting the key deletes the master row and every child row.
  await setup.redis.del(key);
  await setup.append([{ key, command: 'del', db: 0 }]);
  await waitUntil(
    'the rows are deleted',
    async () => (await master()).length === 0 && (await orders()).length === 0,
  );
  const job = (await setup.cp.client().getStatus()).jobs.find((candidate) => candidate.name === 'orders');
  t.match(job, { rejected: 0 }, 'master and child rows deleted, nothing dead-lettered');
  t.ok((job?.deleted ?? 0) >= 3, `the master row and the child rows count as deleted (${job?.deleted})`);
});

t.test('add_field in SQL and a filter: computed column, filtered records not written', async (t) => {
  const setup = await setupApply(t, 'rdi-sql', {
    jobs: { emp: SQL_JOB },
    schema: 'CREATE TABLE emp (emp_id INT PRIMARY KEY, name VARCHAR(40), age INT, country VARCHAR(60))',
    partitions: 2,
  });
  const base = uniqueBase();
  const keys = [1, 2, 3].map((offset) => `emp:${base + offset}`);
  t.teardown(() => setup.redis.del(...keys));
  await setup.redis.hset(keys[0] as string, {
    emp_id: String(base + 1),
    name: 'Ada',
    age: '36',
    country_code: 'GB',
    country_name: 'United Kingdom',
  });
  await setup.redis.hset(keys[1] as string, {
    emp_id: String(base + 2),
    name: 'Kid',
    age: '12',
    country_code: 'FR',
    country_name: 'France',
  });
  // No country_name: NULL propagates through ||, so country is NULL.
  await setup.redis.hset(keys[2] as string, {
    emp_id: String(base + 3),
    name: 'Cy',
    age: '21',
    country_code: 'US',
  });
  await setup.startWorker();
  await setup.append(keys.map((key) => ({ key, command: 'hset', db: 0 })));
  const table = (): Promise<Record<string, unknown>[]> =>
    rows(setup.db.admin, 'SELECT * FROM emp ORDER BY emp_id');
  const client = setup.cp.client();
  await waitUntil('the batch is counted', async () => {
    const status = await client.getStatus();
    const job = status.jobs.find((candidate) => candidate.name === 'emp');
    return (job?.inserted ?? 0) + (job?.filtered ?? 0) >= 3;
  });
  t.strictSame(await table(), [
    { emp_id: base + 1, name: 'Ada', age: 36, country: 'GB - UNITED KINGDOM' },
    { emp_id: base + 3, name: 'Cy', age: 21, country: null },
  ]);
  const job = (await client.getStatus()).jobs.find((candidate) => candidate.name === 'emp');
  t.match(job, { inserted: 2, filtered: 1, rejected: 0 });

  // A deleted key deletes its row: the key gives emp_id.
  await setup.redis.del(keys[0] as string);
  await setup.append([{ key: keys[0] as string, command: 'del', db: 0 }]);
  await waitUntil('the row is deleted', async () => (await table()).length === 1);
  t.strictSame(await table(), [{ emp_id: base + 3, name: 'Cy', age: 21, country: null }]);
});
