// The application of `npm run bench -- capture`, run as a child process of bench/capture.mjs so that it does
// not share an event loop with the benchmark: pipelined HSET of `emp:<id>` hashes against one Redis.
//
//   node bench/capture-load.mjs --port P --first ID --seconds S [--pipeline 100] [--rate R]
//
// Keys are emp:<first>, emp:<first + 1>, ... each written once. Without --rate (or --rate 0) it writes as fast
// as it can, one pipeline in flight at a time; with --rate R it writes R keys per second. Progress goes to
// stderr once a second; at the end it prints one JSON line on stdout: {"commands": N, "elapsedMs": T}.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';

const COUNTRIES = ['DE', 'FR', 'GB', 'IT', 'ES', 'NL', 'PL', 'SE'];

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    first: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    pipeline: { type: 'string', default: '100' },
    rate: { type: 'string', default: '0' },
  },
});
const port = Number(values.port);
const first = Number(values.first);
const durationMs = Number(values.seconds) * 1000;
const pipelineSize = Number(values.pipeline);
const rate = Number(values.rate);

const redis = new Redis({ host: values.host, port, maxRetriesPerRequest: 1, connectionName: 'bench-load' });
redis.on('error', () => undefined); // failures surface through the commands

function fields(id) {
  return {
    emp_id: String(id),
    first_name: `First${id}`,
    last_name: `Last-${(id * 7919) % 100_000}`,
    country: COUNTRIES[id % COUNTRIES.length],
    salary: `${(id * 37) % 200_000}.${String(id % 100).padStart(2, '0')}`,
    written_ms: String(Date.now()),
  };
}

async function write(from, count) {
  const pipeline = redis.pipeline();
  for (let id = from; id < from + count; id++) pipeline.hset(`emp:${id}`, fields(id));
  const results = (await pipeline.exec()) ?? [];
  for (const [error] of results) if (error) throw error;
}

try {
  await redis.ping();
  let done = 0;
  const started = performance.now();
  let lastReport = started;
  for (;;) {
    const now = performance.now();
    const elapsed = now - started;
    if (elapsed >= durationMs) break;
    if (now - lastReport >= 1000) {
      lastReport = now;
      process.stderr.write(`  load: ${done} commands, ${Math.round((done * 1000) / elapsed)}/s\n`);
    }
    if (rate > 0) {
      const due = Math.floor((elapsed * rate) / 1000) - done;
      if (due <= 0) {
        await sleep(2);
        continue;
      }
      const count = Math.min(due, pipelineSize);
      await write(first + done, count);
      done += count;
    } else {
      await write(first + done, pipelineSize);
      done += pipelineSize;
    }
  }
  const elapsedMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ commands: done, elapsedMs })}\n`);
} catch (error) {
  process.stderr.write(`load failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
}
