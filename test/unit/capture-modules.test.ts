// MODULE LIST answers as capture reads them: RedisJSON loaded (with its version), not loaded, or unknown.
import t from 'tap';
import { redisJsonState } from '../../worker/capture/modules.js';

t.test('RedisJSON from MODULE LIST', (t) => {
  const cases: [unknown, string][] = [
    [[], 'not loaded'],
    [[['name', 'search', 'ver', 20810, 'path', '/m/search.so', 'args', []]], 'not loaded'],
    [[['name', 'ReJSON', 'ver', 20609, 'path', '/m/rejson.so', 'args', []]], 'loaded 2.6.9'],
    [
      [
        ['name', 'search', 'ver', 20810],
        ['name', 'ReJSON', 'ver', 999999],
      ],
      'loaded 99.99.99',
    ],
    [[['name', 'rejson', 'ver', 'x']], 'loaded x'],
    ['ERR unknown command', 'unknown'],
    [null, 'unknown'],
  ];
  for (const [reply, expected] of cases) t.equal(redisJsonState(reply), expected, JSON.stringify(reply));
  t.end();
});
