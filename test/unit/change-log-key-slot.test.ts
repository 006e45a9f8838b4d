/**
 * keySlot must answer exactly what Redis Cluster's CLUSTER KEYSLOT answers, or a key's changes would land
 * in another partition than a cluster-aware reader expects. The vectors below were produced by
 * `CLUSTER KEYSLOT` of redis-server 7.0.15 started with cluster-enabled yes (a standalone server refuses the
 * command), and a 3000-key random sample (braces, UTF-8, long keys) matched as well.
 */
import t from 'tap';
import { CLUSTER_SLOTS, crc16, keySlot, partitionOf } from '../../common/change-log/index.js';

t.test('CRC16-XMODEM check value', (t) => {
  t.equal(crc16(Buffer.from('123456789')), 0x31c3);
  t.equal(keySlot('123456789'), 0x31c3 & (CLUSTER_SLOTS - 1));
  t.end();
});

t.test('slots of plain keys match CLUSTER KEYSLOT', (t) => {
  const vectors: Array<[string, number]> = [
    ['foo', 12182],
    ['bar', 5061],
    ['123456789', 12739],
    ['', 0],
    ['a', 15495],
    ['user:1000', 1649],
    ['emp:1', 3835],
  ];
  for (const [key, slot] of vectors) t.equal(keySlot(key), slot, JSON.stringify(key));
  t.end();
});

t.test('hash tags: the first {...} with something inside decides the slot', (t) => {
  t.equal(keySlot('{user1000}.following'), 3443);
  t.equal(keySlot('{user1000}.followers'), 3443, 'same tag, same slot');
  t.equal(keySlot('foo{bar}{zap}'), keySlot('bar'), 'only the first tag counts');
  t.equal(keySlot('foo{}{bar}'), 8363, 'an empty first tag hashes the whole key');
  t.equal(keySlot('foo{{bar}}zap'), 4015, 'hashes "{bar"');
  t.equal(keySlot('{bar'), 4015);
  t.equal(keySlot('{}'), 15257, 'an empty tag hashes the whole key');
  t.equal(keySlot('}{'), 12793, 'a } before the { is no tag');
  t.equal(keySlot('a{b'), 13340, 'an unclosed { is no tag');
  t.equal(keySlot('{a}'), keySlot('a'));
  t.end();
});

t.test('non-ASCII keys hash as their UTF-8 bytes', (t) => {
  t.equal(keySlot('é'), 10180);
  t.equal(keySlot('ключ:1'), 2323);
  t.equal(keySlot('😀'), 2959);
  t.equal(keySlot('日本語{タグ}x'), 9716);
  t.equal(keySlot('タグ'), 9716, 'a UTF-8 hash tag');
  t.equal(keySlot(Buffer.from('ключ:1')), 2323, 'bytes and string agree');
  t.end();
});

t.test('binary keys given as bytes', (t) => {
  t.equal(keySlot(Buffer.from([0xff, 0xfe])), 3374);
  t.equal(keySlot(Buffer.from([0x7b, 0xff, 0x7d, 0x41])), 7920, 'a one-byte binary tag');
  t.equal(keySlot(new Uint8Array([0x80])), 4488);
  t.equal(keySlot(new Uint8Array([0xc3])), 10543);
  t.end();
});

t.test('long keys (past the ASCII scratch buffer) hash the same as short ones would', (t) => {
  const long = 'x'.repeat(300);
  t.equal(keySlot(long), crc16(Buffer.from(long)) & (CLUSTER_SLOTS - 1));
  t.equal(keySlot(`${long}{tag}`), keySlot('tag'));
  t.equal(keySlot('é'.repeat(300)), crc16(Buffer.from('é'.repeat(300))) & (CLUSTER_SLOTS - 1));
  t.equal(keySlot('foo'), 12182, 'a short key after a long one is unaffected');
  t.end();
});

t.test('partitionOf keeps a key, and its tag, in one partition', (t) => {
  t.equal(partitionOf('foo', 16), 12182 % 16);
  t.equal(partitionOf('foo', 1), 0);
  t.equal(partitionOf('{user1000}.following', 10), partitionOf('{user1000}.followers', 10));
  t.equal(partitionOf('foo', 1024), 12182 % 1024);
  t.end();
});

t.test('100 000 keys spread evenly over the partitions', (t) => {
  // CRC16 is deterministic, so these counts are fixed; the bound is what a user would call "uniform".
  for (const partitions of [16, 10, 7]) {
    const counts = new Array<number>(partitions).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const partition = partitionOf(`emp:${i}`, partitions);
      counts[partition] = (counts[partition] ?? 0) + 1;
    }
    const mean = 100_000 / partitions;
    const worst = Math.max(...counts.map((count) => Math.abs(count - mean) / mean));
    t.ok(
      worst <= 0.2,
      `${partitions} partitions: every partition within 20% of the mean (worst ${worst.toFixed(3)})`,
    );
  }
  t.end();
});
