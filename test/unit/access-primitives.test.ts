/** Pure pieces of access control: listen addresses, the loopback rule, token hashing, sealed secrets. */
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { Authenticator, hashToken, loadAuthenticator } from '../../control-plane/auth.js';
import { isLoopback, parseListenAddress } from '../../control-plane/listen-address.js';
import { SecretBox } from '../../common/secret-box.js';

t.test('listen addresses', (t) => {
  t.same(parseListenAddress('127.0.0.1:50051'), {
    host: '127.0.0.1',
    port: 50051,
    bindTarget: '127.0.0.1:50051',
  });
  t.same(parseListenAddress('[::1]:0'), { host: '::1', port: 0, bindTarget: '[::1]:0' });
  t.same(parseListenAddress(':7000'), { host: '0.0.0.0', port: 7000, bindTarget: '0.0.0.0:7000' });
  t.throws(() => parseListenAddress('127.0.0.1:99999'), {
    message: '--listen must be host:port, e.g. 127.0.0.1:50051 (got "127.0.0.1:99999")',
  });
  t.equal(isLoopback('127.0.0.1'), true);
  t.equal(isLoopback('127.8.9.1'), true);
  t.equal(isLoopback('localhost'), true);
  t.equal(isLoopback('::1'), true);
  t.equal(isLoopback('0.0.0.0'), false);
  t.equal(isLoopback('10.0.0.1'), false);
  t.end();
});

t.test('tokens: from FERRY_TOKENS, checked by hash, with clear errors', (t) => {
  const auth = loadAuthenticator({ env: { FERRY_TOKENS: 'ci:operator:abcdefghijklmnop:with-colon' } });
  const metadata = new grpc.Metadata();
  metadata.set('authorization', 'Bearer abcdefghijklmnop:with-colon');
  t.same(auth.authenticate(metadata), { name: 'ci', role: 'operator' });
  t.throws(() => Authenticator.authorize({ name: 'ci', role: 'operator' }, 'admin', 'Deploy'), {
    code: 'PERMISSION_DENIED',
    message: 'Deploy needs the admin role; token "ci" has operator',
  });
  const basic = new grpc.Metadata();
  basic.set('authorization', 'Basic Zm9vOmJhcg==');
  t.throws(() => auth.authenticate(basic), {
    code: 'UNAUTHENTICATED',
    message: 'the authorization header must be "Bearer <token>"',
  });
  t.throws(() => loadAuthenticator({ env: { FERRY_TOKENS: 'ci:admin:short' } }), {
    message: 'FERRY_TOKENS: tokens[0].token must be at least 16 characters',
  });
  t.throws(
    () => loadAuthenticator({ env: { FERRY_TOKENS: 'a:admin:0123456789abcdef,a:viewer:0123456789abcdeg' } }),
    {
      message: 'FERRY_TOKENS: tokens[1].name "a" is used twice',
    },
  );
  t.throws(() => loadAuthenticator({ tokensFile: '/nonexistent/tokens.yaml' }), {
    message: /^cannot read tokens file \/nonexistent\/tokens.yaml: /,
  });
  t.equal(hashToken('x').toString('hex'), '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  t.equal(loadAuthenticator({ env: {} }).isOpen, true);
  t.end();
});

t.test('sealed secrets: bound to their name and key', (t) => {
  const box = new SecretBox(Buffer.alloc(32, 1));
  const sealed = box.seal('DB_PASSWORD', 's3cret');
  t.notMatch(JSON.stringify(sealed), /s3cret/);
  t.equal(box.open('DB_PASSWORD', sealed), 's3cret');
  t.throws(() => box.open('OTHER', sealed), {
    message: 'secret OTHER does not authenticate: it was altered or stored under another name',
  });
  const other = new SecretBox(Buffer.alloc(32, 2));
  t.throws(() => other.open('DB_PASSWORD', sealed), {
    code: 'FAILED_PRECONDITION',
    message: /was sealed with another key/,
  });
  t.throws(() => new SecretBox(Buffer.alloc(16)), { message: 'the secret key must be 32 bytes (got 16)' });
  t.end();
});
