/**
 * One run of the CLI: its input and output (CliIo, so tests can capture them), the global options with their
 * environment fallbacks, the client built from them, and the end of long-running commands (SIGINT/SIGTERM).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FerryClient } from '../ferry-client.js';
import type { FerryClientOptions, StreamHandle } from '../ferry-client.js';
import { CliInputError } from './errors.js';
import { Output } from './output.js';
import type { TextSink } from './output.js';

export type { TextSink } from './output.js';

/** The CLI's view of its process: everything it reads from or writes to. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** FERRY_SERVER, FERRY_TOKEN, NO_COLOR, FERRY_TOKENS... are read from here, never from process.env. */
  env: NodeJS.ProcessEnv;
  /** Relative paths (--dir, --out, --tls-ca...) are resolved against this directory. */
  cwd: string;
  /** Where `set-secret` and `hash-token` read a value given on neither command line. @default process.stdin */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Ends long-running commands (control-plane, status --live, trace) as SIGINT does; for embedding and tests. */
  signal?: AbortSignal;
}

/** The control plane the CLI talks to when neither --server nor FERRY_SERVER says otherwise. */
export const DEFAULT_SERVER = '127.0.0.1:50051';

/** The global options as commander parses them. */
interface RawGlobalOptions {
  server?: string;
  token?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  timeout?: number;
  json?: boolean;
}

/** The global options with their environment fallbacks applied. */
export interface GlobalOptions {
  server: string;
  token: string | undefined;
  tls: FerryClientOptions['tls'];
  timeoutMs: number | undefined;
  json: boolean;
}

export class CliSession {
  readonly io: CliIo;
  /** The server of the command being run, for error messages. */
  server: string;
  /** The form of the command being run, so that errors are reported in the same form as results. */
  json = false;
  /** The exit code the command's action returned. */
  exitCode = 0;

  constructor(io: CliIo) {
    this.io = io;
    this.server = io.env['FERRY_SERVER'] || DEFAULT_SERVER;
  }

  /** Wraps a command's action, which returns its exit code, for commander. */
  action<A extends unknown[]>(body: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      this.exitCode = await body(...args);
    };
  }

  /** Reads the global options, wherever they were written on the command line. */
  globals(command: Command): GlobalOptions {
    const raw = command.optsWithGlobals<RawGlobalOptions>();
    const env = this.io.env;
    const file = (path: string | undefined, flag: string): string | undefined => {
      if (path === undefined) return undefined;
      const absolute = resolve(this.io.cwd, path);
      if (!existsSync(absolute))
        throw new CliInputError(`${flag} ${path}: no such file (looked at ${absolute})`);
      return absolute;
    };
    const caFile = file(raw.tlsCa, '--tls-ca');
    const certFile = file(raw.tlsCert, '--tls-cert');
    const keyFile = file(raw.tlsKey, '--tls-key');
    if ((certFile === undefined) !== (keyFile === undefined)) {
      throw new CliInputError('--tls-cert and --tls-key go together: a client certificate needs its key');
    }
    const anyFile = caFile !== undefined || certFile !== undefined;
    const globals: GlobalOptions = {
      server: raw.server || env['FERRY_SERVER'] || DEFAULT_SERVER,
      token: raw.token || env['FERRY_TOKEN'] || undefined,
      tls: anyFile ? { caFile, certFile, keyFile } : raw.tls === true,
      timeoutMs: raw.timeout,
      json: raw.json === true,
    };
    this.server = globals.server;
    this.json = globals.json;
    return globals;
  }

  /** The output of a command, in the form its global options ask for. */
  output(command: Command): Output {
    const { json } = this.globals(command);
    const noColor = (this.io.env['NO_COLOR'] ?? '') !== '';
    return new Output(this.io.stdout, this.io.stderr, {
      json,
      color: this.io.stdout.isTTY === true && !noColor,
    });
  }

  /** Runs `body` with a client built from the global options, and closes the client whatever happens. */
  async withClient(
    command: Command,
    body: (client: FerryClient, out: Output) => Promise<number>,
  ): Promise<number> {
    const globals = this.globals(command);
    const out = this.output(command);
    const client = new FerryClient({
      server: globals.server,
      // An empty token rather than undefined: the client must not fall back to the process's environment.
      token: globals.token ?? '',
      tls: globals.tls,
      deadlineMs: globals.timeoutMs,
    });
    try {
      return await body(client, out);
    } finally {
      client.close();
    }
  }

  /**
   * Settles when the user asks a long-running command to end: SIGINT (Ctrl-C), SIGTERM, or io.signal.
   * Call dispose() when the command ends on its own, so that no signal handler is left behind.
   */
  interruption(): { interrupted: Promise<string>; dispose: () => void } {
    let dispose = (): void => {};
    const interrupted = new Promise<string>((resolveSignal) => {
      const onSignal = (signal: NodeJS.Signals): void => resolveSignal(signal);
      const onAbort = (): void => resolveSignal('abort');
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      this.io.signal?.addEventListener('abort', onAbort, { once: true });
      if (this.io.signal?.aborted) resolveSignal('abort');
      dispose = () => {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        this.io.signal?.removeEventListener('abort', onAbort);
      };
    });
    return { interrupted, dispose: () => dispose() };
  }

  /** Follows a server stream until it ends or the user interrupts it (then it is cancelled: exit 0). */
  async follow(stream: StreamHandle): Promise<void> {
    const { interrupted, dispose } = this.interruption();
    try {
      await Promise.race([stream.done, interrupted.then(() => stream.cancel())]);
      await stream.done;
    } finally {
      dispose();
    }
  }
}
