// Ferry's benchmarks: `npm run bench -- <name> [options]` (the npm script builds dist/ first).
// Each benchmark is a module of this folder that exports `usage` (text) and `run(argv)` (resolves to an exit
// code). See bench/README.md for what each one measures and how to read its output.

const BENCHMARKS = {
  'write-behind': {
    summary: 'N keys through the pipeline into MariaDB vs. a raw mysql2 upsert; latency; worker RSS',
    load: () => import('./write-behind.mjs'),
  },
  transform: {
    summary:
      'records/s of one thread through 5 transform blocks (JMESPath, SQL) and a js transform vs plain JS',
    load: () => import('./transform.mjs'),
  },
  capture: {
    summary: 'application HSET throughput with replication capture attached vs. without; latency; worker RSS',
    load: () => import('./capture.mjs'),
  },
};

function printList(stream) {
  stream.write('usage: npm run bench -- <name> [options]   (--help after the name for its options)\n\n');
  stream.write('benchmarks:\n');
  for (const [name, { summary }] of Object.entries(BENCHMARKS))
    stream.write(`  ${name.padEnd(14)} ${summary}\n`);
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    printList(name === undefined ? process.stderr : process.stdout);
    return name === undefined ? 2 : 0;
  }
  const benchmark = Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (!benchmark) {
    process.stderr.write(`unknown benchmark ${JSON.stringify(name)}\n\n`);
    printList(process.stderr);
    return 2;
  }
  const module = await benchmark.load();
  return module.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
