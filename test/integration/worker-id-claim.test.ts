/** One live process per worker id: a second one with the same id is refused; a crashed one's id frees up. */
import t from 'tap';
import { ferryKeys } from '../../common/redis-keys.js';
import { setupApply } from '../helpers/apply.js';

const JOB = `
source:
  redis:
    key_pattern: "{prefix}:emp:*"
    trigger: write-behind
output:
  - uses: relational.write
    with: {connection: target, table: emp, keys: [emp_id], mapping: [emp_id, name]}
`;

t.test('a second worker with a live id is refused; after a crash the id is free again', async (t) => {
  const setup = await setupApply(t, 'worker-claim', {
    jobs: { emp: JOB },
    schema: 'CREATE TABLE emp (emp_id INT PRIMARY KEY, name VARCHAR(20))',
  });
  const first = await setup.startWorker({ id: 'same' });
  const started = Date.now();
  await t.rejects(setup.startWorker({ id: 'same' }), {
    name: 'FerryError',
    code: 'FAILED_PRECONDITION',
    message:
      'another worker process is running with id "same": two processes with one id would share its leases. ' +
      'Give this one another --id, or stop the other first',
  });
  t.ok(Date.now() - started >= 1000, 'it waited for the claim to expire before giving up');

  await first.stop({ clean: false });
  const claim = ferryKeys(setup.prefix).cluster.workerClaim('same');
  t.ok((await setup.redis.pttl(claim)) > 0, 'a crashed worker leaves its claim to expire');
  const again = await setup.startWorker({ id: 'same' });
  t.equal(again.id, 'same', 'the id is free once the claim expired');
  await again.stop();
  t.equal(await setup.redis.exists(claim), 0, 'a clean stop releases the claim');
});
