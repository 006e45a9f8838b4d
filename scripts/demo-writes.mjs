#!/usr/bin/env node
// The demo's application: writes emp:<id> hashes to Redis and appends their change events to Ferry's
// change log, as capture from the replication stream will do by itself (it is not built yet).
//
//   node scripts/demo-writes.mjs insert 1 100     HSET emp:1 .. emp:100
//   node scripts/demo-writes.mjs update 1 10      change last_name and salary of emp:1 .. emp:10
//   node scripts/demo-writes.mjs delete 91 100    DEL emp:91 .. emp:100
//
// Environment: FERRY_REDIS_URL (default redis://127.0.0.1:6379), FERRY_KEY_PREFIX (default ferry),
// FERRY_PARTITIONS (default 16, the example's change_log.partitions).
import { Redis } from 'ioredis';
import { ChangeLog } from '../dist/common/change-log/index.js';

const [action, fromText, toText] = process.argv.slice(2);
const from = Number(fromText);
const to = Number(toText);
if (!['insert', 'update', 'delete'].includes(action ?? '') || !(from >= 1) || !(to >= from)) {
  console.error('usage: node scripts/demo-writes.mjs insert|update|delete FROM TO');
  process.exit(1);
}
const prefix = process.env.FERRY_KEY_PREFIX ?? 'ferry';
const redis = new Redis(process.env.FERRY_REDIS_URL ?? 'redis://127.0.0.1:6379');
const changeLog = new ChangeLog(redis, {
  prefix,
  partitions: Number(process.env.FERRY_PARTITIONS ?? 16),
  pipeline: prefix,
});
const countries = ['FR', 'DE', 'IT', 'ES', 'NL', 'GB'];
try {
  const pipeline = redis.pipeline();
  const events = [];
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
    events.push({ key, command: action === 'delete' ? 'del' : 'hset', db: 0 });
  }
  await pipeline.exec();
  await changeLog.append(events);
  console.log(`${action}: ${events.length} key(s) emp:${from}..emp:${to} written and their changes logged`);
} finally {
  redis.disconnect();
}
