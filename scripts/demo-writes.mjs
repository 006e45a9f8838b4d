#!/usr/bin/env node
// The demo's application: writes emp:<id> hashes to Redis with plain Redis commands, nothing else. Ferry's
// worker captures these writes from Redis' replication stream (the example's source keeps the default
// `capture: replication`), appends them to the change log and applies them to the target table.
//
//   node scripts/demo-writes.mjs insert 1 100     HSET emp:1 .. emp:100
//   node scripts/demo-writes.mjs update 1 10      change last_name and salary of emp:1 .. emp:10
//   node scripts/demo-writes.mjs delete 91 100    DEL emp:91 .. emp:100
//
// Environment: FERRY_REDIS_URL (default redis://127.0.0.1:6379), the source Redis.
import { Redis } from 'ioredis';

const [action, fromText, toText] = process.argv.slice(2);
const from = Number(fromText);
const to = Number(toText);
if (!['insert', 'update', 'delete'].includes(action ?? '') || !(from >= 1) || !(to >= from)) {
  console.error('usage: node scripts/demo-writes.mjs insert|update|delete FROM TO');
  process.exit(1);
}
const redis = new Redis(process.env.FERRY_REDIS_URL ?? 'redis://127.0.0.1:6379');
const countries = ['FR', 'DE', 'IT', 'ES', 'NL', 'GB'];
try {
  const pipeline = redis.pipeline();
  for (let id = from; id <= to; id++) {
    const key = `emp:${id}`;
    if (action === 'insert') {
      pipeline.hset(key, {
        emp_id: String(id),
        first_name: `First${id}`,
        last_name: `Last${id}`,
        country: countries[id % countries.length],
        salary: (30000 + id * 10).toFixed(2),
      });
    } else if (action === 'update') {
      pipeline.hset(key, { last_name: `Renamed${id}`, salary: (40000 + id * 10).toFixed(2) });
    } else {
      pipeline.del(key);
    }
  }
  await pipeline.exec();
  console.log(`${action}: ${to - from + 1} key(s) emp:${from}..emp:${to} written; Ferry captures them`);
} finally {
  redis.disconnect();
}
