/**
 * What the benchmarks share: option parsing helpers, interruption handling, the `ferry worker` child process
 * and its resource sampling, waiting, cleanup and formatting. Plain ES module over the compiled code.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FERRY_BIN = fileURLToPath(new URL('../bin/ferry.js', import.meta.url));
export const WORKER_ID = 'bench-worker';
/** Password of the target, handed to the worker through its environment, never stored in the config. */
export const DB_PASSWORD_ENV = 'FERRY_BENCH_DB_PASSWORD';

/** User + system CPU time of a process, all threads (/proc/<pid>/stat counts USER_HZ, 100/s; 0 elsewhere). */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

export function integer(text, name, min, max = Number.MAX_SAFE_INTEGER) {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new Error(
      `${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
    );
  }
  return value;
}

export function parseMysql(text) {
  const match = /^(?:([^:@]+)(?::([^@]*))?@)?([^:@]+):(\d+)$/.exec(text);
  if (!match) throw new Error(`--mysql must be [USER[:PASSWORD]@]HOST:PORT (got ${JSON.stringify(text)})`);
  const [, user = 'root', password = '', host = '', port = ''] = match;
  return { user, password, host, port: integer(port, '--mysql port', 1, 65535) };
}

/** The Redis URL without its password, for printing. */
export function shownRedisUrl(text) {
  const url = new URL(text);
  if (url.password) url.password = '***';
  return url.toString();
}

export function watchInterruption() {
  // `failure`: set by a benchmark when something else it started died (e.g. a source redis-server).
  const state = { signal: undefined, workerExit: undefined, expectWorkerExit: false, failure: undefined };
  const onSignal = (signal) => {
    if (state.signal) process.exit(130); // a second Ctrl-C: leave at once
    state.signal = signal;
    process.stderr.write(`\n${signal}: stopping and cleaning up (again to leave at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    state,
    /** Throws when the run was interrupted or the worker died; called at every step of every loop. */
    check() {
      if (state.signal) throw new Error(`interrupted by ${state.signal}`);
      if (state.failure) throw new Error(state.failure);
      if (state.workerExit && !state.expectWorkerExit) {
        const { code, signal } = state.workerExit;
        throw new Error(
          `the worker exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`,
        );
      }
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function runCleanup(cleanup) {
  for (const [what, step] of cleanup.reverse()) {
    try {
      await step();
    } catch (error) {
      process.stderr.write(`cleanup: could not ${what}: ${error.message}\n`);
    }
  }
}

export function startWorker(settings, prefix, state, env = {}) {
  // FERRY_BENCH_CPU_PROF=<dir>: the worker writes V8 CPU profiles there (one per thread) when it exits.
  const profile = process.env['FERRY_BENCH_CPU_PROF'];
  const args = [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    FERRY_BIN,
    'worker',
    '--redis',
    settings.redisUrl,
    '--key-prefix',
    prefix,
    '--id',
    WORKER_ID,
    '--threads',
    String(settings.threads),
  ];
  const child = spawn(process.execPath, args, {
    cwd: PACKAGE_ROOT,
    env: {
      ...process.env,
      FERRY_LOG_LEVEL: process.env['FERRY_LOG_LEVEL'] ?? 'warn',
      [DB_PASSWORD_ENV]: settings.mysql.password,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      state.workerExit = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      state.workerExit = { code: `spawn error: ${error.message}`, signal: null };
      resolve();
    });
  });
  createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`[worker] ${line}\n`));
  return {
    child,
    async stop() {
      state.expectWorkerExit = true;
      if (child.exitCode !== null || child.signalCode !== null || state.workerExit) return;
      child.kill('SIGTERM');
      const timeout = sleep(20_000, 'timeout', { ref: false });
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        process.stderr.write('the worker did not stop within 20 s of SIGTERM; killing it\n');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * Samples the process's resident set every 200 ms from /proc (Linux; 0 elsewhere), and reads its CPU time on
 * demand (user + system, all threads; /proc/<pid>/stat counts in USER_HZ, 100 per second on Linux).
 */
export function watchProcess(pid) {
  let peakKb = 0;
  let lastKb = 0;
  let hwmKb = 0;
  let stopped;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      lastKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      hwmKb = Math.max(hwmKb, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      peakKb = Math.max(peakKb, lastKb);
    } catch {
      // the process has gone, or this is not Linux
    }
  };
  read();
  const timer = setInterval(read, 200);
  return {
    currentKb: () => lastKb,
    cpuMs: () => processCpuMs(pid),
    /** Stops sampling (reading a last time) and returns the sampled peak and the kernel's high-water mark. */
    stop() {
      if (!stopped) {
        read();
        clearInterval(timer);
        stopped = { peakKb: Math.max(peakKb, hwmKb), hwmKb, sampledPeakKb: peakKb };
      }
      return stopped;
    },
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Deletes every key under `prefix` (SCAN + UNLINK). */
export async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export async function waitFor(what, timeoutMs, everyMs, check, condition) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    check();
    if (await condition()) return;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function seconds(value) {
  return value.toFixed(2);
}

export function mib(kb) {
  return (kb / 1024).toFixed(1);
}

/**
 * The `run(argv)` of a benchmark module: parses the settings (usage text and exit code 2 on a bad argument,
 * the usage and 0 for --help), runs `benchmark(settings, interruption)` and answers its exit code (1 when it
 * failed, with the reason on stderr).
 */
export async function runBenchmark(name, argv, usage, parseSettings, benchmark) {
  let settings;
  try {
    settings = parseSettings(argv);
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${usage}`);
    return 2;
  }
  if (settings === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const interruption = watchInterruption();
  try {
    await benchmark(settings, interruption);
    return 0;
  } catch (error) {
    process.stderr.write(`\n${name} benchmark failed: ${error.message}\n`);
    return 1;
  } finally {
    interruption.dispose();
  }
}
