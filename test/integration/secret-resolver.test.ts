/**
 * SecretResolver over a real SecretStore in a real Redis: a secret the control plane stored (sealed) is
 * resolved by a worker with the same key, and refused, with a message saying what to do, without it.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { FerryError } from '../../common/errors.js';
import { ferryKeys } from '../../common/redis-keys.js';
import { SecretBox } from '../../common/secret-box.js';
import { SecretStore } from '../../common/secret-store.js';
import { SecretResolver } from '../../common/secrets/index.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

const noFiles = (path: string): Promise<string> => Promise.reject(new Error(`unexpected read of ${path}`));

async function failure(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw error;
  }
  throw new Error('expected the resolve to fail');
}

t.test('a stored secret resolves where the worker runs', async (t) => {
  const redis = testRedis(t);
  const prefix = uniquePrefix('secret-resolver');
  t.teardown(() => deleteKeys(redis, prefix));
  const keys = ferryKeys(prefix);
  const key = randomBytes(32);
  const password = `pw-${randomBytes(8).toString('hex')}`;

  // The control plane seals and stores it...
  await new SecretStore(redis, keys, new SecretBox(key)).set('TARGET_PW', password, 'test');
  t.notOk((await redis.hget(keys.secrets.secrets, 'TARGET_PW'))?.includes(password), 'stored sealed');

  // ...and a worker with the same key (its own SecretBox) reads it.
  const worker = new SecretResolver({
    env: { TARGET_PW: 'from-the-environment', DB_USER: 'ferry' },
    readFile: noFiles,
    secrets: new SecretStore(redis, keys, new SecretBox(Buffer.from(key))),
  });
  t.equal(await worker.resolve('${secret:TARGET_PW}', 'connections.target.password'), password);
  t.equal(
    await worker.resolve('${TARGET_PW}', 'connections.target.password'),
    password,
    'bare: the store first',
  );
  t.equal(await worker.resolve('${DB_USER}:${secret:TARGET_PW}', 'x'), `ferry:${password}`);

  const missing = await failure(worker.resolve('${secret:OTHER_PW}', 'connections.target.password'));
  t.equal(
    missing.message,
    'connections.target.password: cannot resolve ${secret:OTHER_PW}: there is no stored secret named OTHER_PW; ' +
      'store it with: ferry set-secret OTHER_PW',
  );

  // A worker started without the key finds the secret but cannot open it: it says so, and does not fall
  // back to the environment for the bare form.
  const keyless = new SecretResolver({
    env: { TARGET_PW: 'from-the-environment' },
    readFile: noFiles,
    secrets: new SecretStore(redis, keys, undefined),
  });
  for (const reference of ['${secret:TARGET_PW}', '${TARGET_PW}']) {
    const error = await failure(keyless.resolve(reference, 'connections.target.password'));
    t.equal(error.code, 'FAILED_PRECONDITION');
    t.equal(
      error.message,
      `connections.target.password: cannot resolve ${reference}: cannot open secret TARGET_PW: this process has ` +
        'no secret key; start it with --secret-key-file FILE or FERRY_SECRET_KEY (the key the control plane uses)',
    );
    t.notOk(error.message.includes(password));
  }

  // A worker with another key is told so, by key id.
  const otherKey = new SecretResolver({
    env: {},
    readFile: noFiles,
    secrets: new SecretStore(redis, keys, new SecretBox(randomBytes(32))),
  });
  const wrongKey = await failure(otherKey.resolve('${secret:TARGET_PW}', 'connections.target.password'));
  t.equal(wrongKey.code, 'FAILED_PRECONDITION');
  t.match(
    wrongKey.message,
    /^connections\.target\.password: cannot resolve \$\{secret:TARGET_PW\}: secret TARGET_PW was sealed with another key/,
  );
  t.notOk(wrongKey.message.includes(password));
});
