/**
 * SecretResolver over plain sources (an environment object, a file reader, a secret lookup): every kind of
 * reference, RDI's bare ${NAME}, literals, and one exact message per failure, none of which shows a value.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FerryError, UnavailableError } from '../../common/errors.js';
import { SecretResolver, SettingResolutionError, fileErrorReason } from '../../common/secrets/index.js';
import type { SecretSources } from '../../common/secrets/index.js';

const VALUES = {
  env: 'env-value-Zq81',
  file: 'file-value-Jx07',
  secret: 'stored-value-Vp55',
  shadowedEnv: 'env-loses-Rk32',
};

/** Node's error for a file that is not there, as fs.readFile raises it. */
function enoent(path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`ENOENT: no such file or directory, open '${path}'`);
  error.code = 'ENOENT';
  error.errno = -2;
  error.syscall = 'open';
  error.path = path;
  return error;
}

interface Fixture {
  resolver: SecretResolver;
  reads: string[];
  reveals: string[];
}

function fixture(
  options: {
    env?: Record<string, string | undefined>;
    files?: Record<string, string>;
    secrets?: Record<string, string> | null;
    reveal?: (name: string) => Promise<string | undefined>;
  } = {},
): Fixture {
  const reads: string[] = [];
  const reveals: string[] = [];
  const files = options.files ?? { 'secrets/db.txt': `${VALUES.file}\n` };
  const stored =
    options.secrets === undefined ? { DB_PW: VALUES.secret, SHARED: VALUES.secret } : options.secrets;
  const sources: SecretSources = {
    env: options.env ?? { DB_USER: VALUES.env, SHARED: VALUES.shadowedEnv, EMPTY: '' },
    readFile: (path) => {
      reads.push(path);
      const content = files[path];
      return content === undefined ? Promise.reject(enoent(path)) : Promise.resolve(content);
    },
  };
  if (stored !== null) {
    sources.secrets = {
      reveal:
        options.reveal ??
        ((name) => {
          reveals.push(name);
          return Promise.resolve(stored[name]);
        }),
    };
  }
  return { resolver: new SecretResolver(sources), reads, reveals };
}

async function failure(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw error;
  }
  throw new Error('expected the resolve to fail');
}

t.test('each kind of reference', async (t) => {
  const { resolver } = fixture();
  t.equal(await resolver.resolve('${env:DB_USER}', 'x'), VALUES.env);
  t.equal(
    await resolver.resolve('${file:secrets/db.txt}', 'x'),
    VALUES.file,
    'the trailing newline is trimmed',
  );
  t.equal(await resolver.resolve('${secret:DB_PW}', 'x'), VALUES.secret);
  t.equal(await resolver.resolve('${env:EMPTY}', 'x'), '', 'a variable set to nothing is set');
  t.equal(await resolver.resolve('plain text', 'x'), 'plain text');
  t.equal(await resolver.resolve('', 'x'), '');
});

t.test('RDI bare ${NAME}: the secret store first, then the environment', async (t) => {
  const { resolver, reveals } = fixture();
  t.equal(await resolver.resolve('${SHARED}', 'x'), VALUES.secret, 'a stored secret wins over the variable');
  t.equal(await resolver.resolve('${DB_USER}', 'x'), VALUES.env, 'not stored: the environment');
  t.same(reveals, ['SHARED', 'DB_USER']);

  const withoutStore = fixture({ secrets: null }).resolver;
  t.equal(await withoutStore.resolve('${SHARED}', 'x'), VALUES.shadowedEnv, 'no store: the environment');
});

t.test('$${ is a literal ${, and several references mix with text', async (t) => {
  const { resolver } = fixture();
  t.equal(await resolver.resolve('a$${b}c', 'x'), 'a${b}c');
  t.equal(await resolver.resolve('$${env:DB_USER}', 'x'), '${env:DB_USER}', 'an escaped reference is text');
  t.equal(
    await resolver.resolve('${env:DB_USER}:${secret:DB_PW}@${file:secrets/db.txt}/$${x}', 'x'),
    `${VALUES.env}:${VALUES.secret}@${VALUES.file}/\${x}`,
  );
  t.equal(await resolver.resolve('${env:DB_USER}${env:DB_USER}', 'x'), VALUES.env + VALUES.env);
});

t.test('file contents lose trailing newlines only', async (t) => {
  const { resolver } = fixture({
    files: { multi: 'line 1\nline 2\n\n', crlf: 'value\r\n', inner: '\n x \n' },
  });
  t.equal(await resolver.resolve('${file:multi}', 'x'), 'line 1\nline 2');
  t.equal(await resolver.resolve('${file:crlf}', 'x'), 'value');
  t.equal(await resolver.resolve('${file:inner}', 'x'), '\n x ', 'leading newlines and spaces are kept');
});

t.test('files and stored secrets are read once per resolver; failures are not kept', async (t) => {
  const files: Record<string, string> = { 'a.txt': 'A' };
  const { resolver, reads, reveals } = fixture({ files });
  await resolver.resolve('${file:a.txt}${file:a.txt}', 'x');
  await Promise.all([resolver.resolve('${secret:DB_PW}', 'x'), resolver.resolve('${DB_PW}', 'y')]);
  t.same(reads, ['a.txt']);
  t.same(reveals, ['DB_PW']);

  await failure(resolver.resolve('${file:b.txt}', 'x'));
  files['b.txt'] = 'B';
  t.equal(await resolver.resolve('${file:b.txt}', 'x'), 'B', 'the file is read again once it is there');
  t.same(reads, ['a.txt', 'b.txt', 'b.txt']);
});

t.test('one message per failure, naming the setting and the reference', async (t) => {
  const where = 'connections.target.password';
  const cases: [string, string, Fixture][] = [
    [
      '${env:DB_PASSWORD}',
      "connections.target.password: cannot resolve ${env:DB_PASSWORD}: DB_PASSWORD is not set; set DB_PASSWORD in the worker's environment",
      fixture(),
    ],
    [
      '${file:secrets/missing.txt}',
      'connections.target.password: cannot resolve ${file:secrets/missing.txt}: cannot read secrets/missing.txt ' +
        "(ENOENT: no such file or directory); the file must exist on the worker's machine and be readable by the worker",
      fixture(),
    ],
    [
      '${secret:TARGET_PW}',
      'connections.target.password: cannot resolve ${secret:TARGET_PW}: there is no stored secret named TARGET_PW; ' +
        'store it with: ferry set-secret TARGET_PW',
      fixture(),
    ],
    [
      '${secret:DB_PW}',
      'connections.target.password: cannot resolve ${secret:DB_PW}: this worker has no secret key, so it cannot read ' +
        "stored secrets; start the worker with FERRY_SECRET_KEY or --secret-key-file FILE (the control plane's key)",
      fixture({ secrets: null }),
    ],
    [
      '${TARGET_PW}',
      "connections.target.password: cannot resolve ${TARGET_PW}: TARGET_PW is neither a stored secret nor set in the worker's " +
        "environment; store it with: ferry set-secret TARGET_PW, or set TARGET_PW in the worker's environment",
      fixture(),
    ],
    [
      '${TARGET_PW}',
      "connections.target.password: cannot resolve ${TARGET_PW}: TARGET_PW is not set in the worker's environment, and " +
        "this worker has no secret key to read stored secrets; set TARGET_PW in the worker's environment, or start the " +
        "worker with FERRY_SECRET_KEY or --secret-key-file FILE (the control plane's key)",
      fixture({ secrets: null }),
    ],
    [
      `${VALUES.env}\${env:DB_USER`,
      'connections.target.password: unclosed secret reference; add the closing "}"',
      fixture(),
    ],
    [
      'x${vault:pw}',
      'connections.target.password: unknown secret reference kind; use env, file or secret',
      fixture(),
    ],
  ];
  for (const [value, message, { resolver }] of cases) {
    const error = await failure(resolver.resolve(value, where));
    t.equal(error.message, message, value);
    t.type(error, SettingResolutionError);
    t.equal(error.code, 'FAILED_PRECONDITION');
    t.equal(error.context['setting'], where);
  }
  const error = await failure(fixture().resolver.resolve('${env:DB_PASSWORD}', where));
  t.match(error, { name: 'SettingResolutionError', setting: where, reference: '${env:DB_PASSWORD}' });
});

t.test("the store's own errors are wrapped; a store that cannot be reached is UNAVAILABLE", async (t) => {
  const noKey = fixture({
    reveal: () => Promise.reject(new FerryError('FAILED_PRECONDITION', 'cannot open secret DB_PW: no key')),
  });
  const wrapped = await failure(noKey.resolver.resolve('${secret:DB_PW}', 'sources.app.password'));
  t.equal(
    wrapped.message,
    'sources.app.password: cannot resolve ${secret:DB_PW}: cannot open secret DB_PW: no key',
  );
  t.equal(wrapped.code, 'FAILED_PRECONDITION');
  t.type(wrapped.cause, FerryError);

  const bareNoKey = await failure(noKey.resolver.resolve('${DB_PW}', 'sources.app.password'));
  t.equal(bareNoKey.code, 'FAILED_PRECONDITION', 'a stored secret that cannot be opened does not fall back');

  const down = fixture({ reveal: () => Promise.reject(new Error('connect ECONNREFUSED')) });
  const unavailable = await failure(down.resolver.resolve('${secret:DB_PW}', 'sources.app.password'));
  t.type(unavailable, UnavailableError);
  t.equal(
    unavailable.message,
    'sources.app.password: cannot resolve ${secret:DB_PW}: the secret store cannot be read (connect ECONNREFUSED)',
  );
});

t.test('no message contains a value, resolved or written', async (t) => {
  const { resolver } = fixture();
  const attempts = [
    '${env:DB_USER}${env:MISSING}',
    '${secret:DB_PW}${secret:MISSING}',
    '${file:secrets/db.txt}${file:nowhere}',
    '${SHARED}${MISSING}',
    `${VALUES.secret}\${env:`,
    `${VALUES.secret}\${bad name}`,
  ];
  for (const value of attempts) {
    const error = await failure(resolver.resolve(value, 'connections.target.password'));
    const shown = JSON.stringify({ message: error.message, context: error.context });
    t.same(
      Object.values(VALUES).filter((secret) => shown.includes(secret)),
      [],
      `${value}: neither the message nor the context shows a value`,
    );
  }
});

t.test("fileErrorReason gives the OS reason of Node's own errors without the path", async (t) => {
  const path = join(tmpdir(), `ferry-missing-${randomBytes(4).toString('hex')}`);
  const error = await readFile(path, 'utf8').then(
    () => undefined,
    (cause: unknown) => cause,
  );
  t.equal(fileErrorReason(error), 'ENOENT: no such file or directory');
  const directory = await readFile(tmpdir(), 'utf8').then(
    () => undefined,
    (cause: unknown) => cause,
  );
  t.equal(fileErrorReason(directory), 'EISDIR: illegal operation on a directory');
  t.equal(fileErrorReason(new Error('plain')), 'plain');
});

t.test('messages name the process that resolves: the control plane checking targets', async (t) => {
  const resolver = new SecretResolver({
    env: {},
    readFile: () => Promise.reject(new Error('no')),
    process: 'control plane',
  });
  await t.rejects(resolver.resolve('${env:DB_PASSWORD}', 'connections.target.password'), {
    message:
      "connections.target.password: cannot resolve ${env:DB_PASSWORD}: DB_PASSWORD is not set; set DB_PASSWORD in the control plane's environment",
  });
  await t.rejects(resolver.resolve('${secret:PW}', 'connections.target.password'), {
    message:
      'connections.target.password: cannot resolve ${secret:PW}: this control plane has no secret key, so it cannot ' +
      'read stored secrets; start the control plane with FERRY_SECRET_KEY or --secret-key-file FILE',
  });
});
