/**
 * Driving the engine and looking inside it: `start`, `stop`, `reset`, `trace`, `get-rejected`. They need the
 * apply engine in the workers; until a control plane supports them it answers UNIMPLEMENTED (exit 2).
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

const JOBS_HELP = 'jobs to act on (default: all)';

export function registerEngineCommands(program: Command, session: CliSession): void {
  for (const verb of ['start', 'stop'] as const) {
    program
      .command(verb)
      .summary(
        verb === 'start'
          ? 'start the engine: workers apply changes'
          : 'stop the engine after the batches in flight',
      )
      .argument('[JOB...]', JOBS_HELP)
      .action(
        session.action((jobs: string[], _options: object, command: Command) =>
          session.withClient(command, async (client, out) => {
            const response = verb === 'start' ? await client.start(jobs) : await client.stop(jobs);
            out.result(response, () => out.line(`Engine: ${enumLabel(response.state, 'ENGINE_STATE_')}`));
            return EXIT_OK;
          }),
        ),
      );
  }

  program
    .command('reset')
    .summary('re-snapshot the tracked keys of jobs into the change log')
    .argument('[JOB...]', JOBS_HELP)
    .action(
      session.action((jobs: string[], _options: object, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.reset(jobs);
          out.result(response, () =>
            out.line(`Snapshot ${response.snapshotId} started; follow it with: ferry status --live`),
          );
          return EXIT_OK;
        }),
      ),
    );

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

  program
    .command('get-rejected')
    .summary("list a job's rejected records (its dead-letter stream)")
    .requiredOption('--job <NAME>', 'the job')
    .option('--limit <N>', 'show at most N records', positiveCount, 100)
    .action(
      session.action((options: { job: string; limit: number }, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.listRejects({ job: options.job, limit: options.limit });
          out.result(response, () => {
            if (response.records.length === 0) {
              out.line(`No rejected records for job ${options.job}.`);
              return;
            }
            out.table(
              ['id', 'key', 'error code', 'error', 'rejected at'],
              response.records.map((record) => [
                record.id,
                record.key,
                record.errorCode,
                record.error,
                formatTime(record.rejectedAt),
              ]),
            );
            out.line(`${response.records.length} of ${response.total} rejected records shown.`);
          });
          return EXIT_OK;
        }),
      ),
    );
}
