/**
 * The `ferry` command line: administration of a Ferry cluster over gRPC, with RDI's verbs (deploy, validate,
 * status, list-jobs, describe-job, ...), and the control plane itself (`ferry control-plane`).
 *
 * main() never exits the process and never touches process.stdout directly: it returns the exit code and
 * writes through CliIo, so that tests (and other programs) can run it in-process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { packageRoot } from '../../common/proto.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerConfigCommands } from './commands/config.js';
import { registerControlPlaneCommand } from './commands/control-plane.js';
import { registerDeployCommands } from './commands/deploy.js';
import { registerEngineCommands } from './commands/engine.js';
import { registerRejectsCommands } from './commands/rejects.js';
import { registerResetCommand } from './commands/reset.js';
import { registerScaffoldCommand } from './commands/scaffold.js';
import { registerSecretCommands } from './commands/secrets.js';
import { registerStatusCommand } from './commands/status.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerWorkerCommand } from './commands/worker.js';
import { describeError, errorDocument, EXIT_OK, EXIT_REJECTED, exitCodeFor } from './errors.js';
import { integerAtLeast } from './arguments.js';
import { CliSession, DEFAULT_SERVER } from './session.js';
import type { CliIo } from './session.js';

export type { CliIo } from './session.js';

const HELP_FOOTER = `
Environment:
  FERRY_SERVER   the control plane, host:port (default ${DEFAULT_SERVER}); --server overrides it
  FERRY_TOKEN    bearer token sent with every call; --token overrides it
  NO_COLOR       no colour in tables

Exit codes:
  0  success
  1  rejected: invalid configuration or arguments, version conflict, not found, not authorized
  2  failed: control plane unreachable or too slow, internal error, not implemented yet

Get started:
  ferry control-plane &           # or in another terminal
  ferry scaffold my-pipeline
  ferry deploy --dir my-pipeline
  ferry status`;

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const session = new CliSession(io);
  const program = buildProgram(session);
  // `--version` is taken by the commands that read a configuration version (get-config --version N), so
  // ferry's own version answers to `ferry version`, and to `ferry --version` or `-V` as the only argument.
  const args = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V') ? ['version'] : argv;
  try {
    await program.parseAsync(args, { from: 'user' });
    return session.exitCode;
  } catch (error) {
    // Usage errors were already printed by commander (see configureOutput); --help exits with 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_REJECTED;
    // --json is known as soon as commander has parsed the line, even when the action failed before reading it.
    const json = session.json || program.opts<{ json?: boolean }>().json === true;
    if (json) io.stdout.write(`${JSON.stringify(errorDocument(error, session.server), null, 2)}\n`);
    io.stderr.write(`ferry: ${describeError(error, session.server)}\n`);
    return exitCodeFor(error);
  }
}

function buildProgram(session: CliSession): Command {
  const { io } = session;
  const program = new Command('ferry')
    .summary('keeps Redis and relational databases in sync')
    .description(
      'Ferry keeps Redis and relational databases in sync. This command administers a Ferry cluster through ' +
        'its control plane (gRPC), and runs the control plane itself.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`ferry: ${text.replace(/^error: /, '')}`),
      // A terminal's width; piped help is not wrapped at 80 columns, so each command stays on one line.
      getOutHelpWidth: () => terminalColumns(io.stdout) ?? 120,
      getErrHelpWidth: () => terminalColumns(io.stderr) ?? 120,
    })
    .showHelpAfterError("(run 'ferry --help' for usage)")
    .configureHelp({ showGlobalOptions: true })
    .helpCommand('help [COMMAND]', 'show help for a command')
    .option('--server <HOST:PORT>', `the control plane (env FERRY_SERVER, default ${DEFAULT_SERVER})`)
    .option('--token <TOKEN>', 'bearer token (env FERRY_TOKEN)')
    .option('--tls', "connect with TLS, trusting the system's CAs")
    .option('--tls-ca <FILE>', 'connect with TLS, trusting this CA (PEM)')
    .option('--tls-cert <FILE>', 'client certificate for mutual TLS (PEM); needs --tls-key')
    .option('--tls-key <FILE>', 'the private key of --tls-cert (PEM)')
    .option(
      '--timeout <MS>',
      'deadline of each call in milliseconds (default 10000)',
      integerAtLeast(1, 'the timeout'),
    )
    .option('--json', 'machine output: exactly one JSON document on stdout')
    .addHelpText('after', HELP_FOOTER);

  registerControlPlaneCommand(program, session);
  registerWorkerCommand(program, session);
  registerScaffoldCommand(program, session);
  registerDeployCommands(program, session);
  registerConfigCommands(program, session);
  registerStatusCommand(program, session);
  registerClusterCommands(program, session);
  registerEngineCommands(program, session);
  registerResetCommand(program, session);
  registerRejectsCommands(program, session);
  registerSecretCommands(program, session);
  registerTokenCommands(program, session);

  program
    .command('version')
    .summary('print the version of ferry')
    .action(
      session.action((_options: object, command: Command) => {
        const out = session.output(command);
        const version = ferryVersion();
        out.result({ version }, () => out.line(`ferry ${version}`));
        return Promise.resolve(EXIT_OK);
      }),
    );

  for (const command of program.commands) {
    command.showHelpAfterError(`(run 'ferry ${command.name()} --help' for usage)`);
  }
  return program;
}

function ferryVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}

function terminalColumns(sink: CliIo['stdout']): number | undefined {
  const columns = (sink as { columns?: unknown }).columns;
  return sink.isTTY === true && typeof columns === 'number' && columns > 0 ? columns : undefined;
}

function processIo(): CliIo {
  // `ferry status --live | head`: once the reader has gone (EPIPE), end long-running commands quietly rather
  // than die on an unhandled stream error.
  const readerGone = new AbortController();
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && !readerGone.signal.aborted) throw error;
    readerGone.abort();
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    signal: readerGone.signal,
  };
}
