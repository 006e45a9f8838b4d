/**
 * Driving the engine and looking inside it: `start`, `stop`, `trace` (`reset` is in reset.ts, the
 * dead-letter queue's commands in rejects.ts). `start` and `stop` act on the engine as a whole (jobs share
 * the pipeline's change log), so they take no job names. `trace` needs a part of the engine a control plane
 * may not support yet: it then answers UNIMPLEMENTED (exit 2).
 */
import type { Command } from 'commander';
import { milliseconds, positiveCount } from '../arguments.js';
import { EXIT_OK } from '../errors.js';
import { enumLabel, formatTime } from '../format.js';
import type { CliSession } from '../session.js';

interface TraceOptions {
  job: string;
  maxRecords?: number;
  maxTime?: number;
}

export function registerEngineCommands(program: Command, session: CliSession): void {
  for (const verb of ['start', 'stop'] as const) {
    program
      .command(verb)
      .summary(
        verb === 'start'
          ? 'start the engine: workers apply changes'
          : 'stop the engine after the batches in flight',
      )
      .description(
        verb === 'start'
          ? 'Starts the engine: workers apply the change log again where they stopped. The engine starts ' +
              "and stops as a whole, because all jobs share the pipeline's change log."
          : 'Stops the engine: workers let the batches in flight finish, then apply nothing more. They keep ' +
              'their leases, and capture keeps filling the change log, so nothing is lost; ferry start goes ' +
              'on where it stopped. The engine starts and stops as a whole, because all jobs share the ' +
              "pipeline's change log.",
      )
      .action(
        session.action((_options: object, command: Command) =>
          session.withClient(command, async (client, out) => {
            const response = verb === 'start' ? await client.start() : await client.stop();
            out.result(response, () => out.line(`Engine: ${enumLabel(response.state, 'ENGINE_STATE_')}`));
            return EXIT_OK;
          }),
        ),
      );
  }

  program
    .command('trace')
    .summary("show a job's records at each stage, to debug transforms")
    .requiredOption('--job <NAME>', 'the job to trace')
    .option('--max-records <N>', 'stop after N records (default 10)', positiveCount)
    .option('--max-time <MS>', 'stop after MS milliseconds (default 20000)', milliseconds)
    .action(
      session.action((options: TraceOptions, command: Command) =>
        session.withClient(command, async (client, out) => {
          const stream = client.trace(
            { job: options.job, maxRecords: options.maxRecords ?? 0, timeoutMs: options.maxTime ?? 0 },
            (event) => {
              out.document(event, { compact: true });
              out.line(
                `${formatTime(event.at)}  ${event.stage.padEnd(9)}  ${event.key}  ${event.recordJson}`,
              );
            },
          );
          await session.follow(stream);
          return EXIT_OK;
        }),
      ),
    );
}
