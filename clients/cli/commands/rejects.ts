/**
 * `ferry get-rejected`, `replay-rejected`, `purge-rejected`: a job's dead-letter queue, the records its
 * target refused for good. Replay goes through the pipeline: the key's current value is written, not the
 * values shown by get-rejected.
 */
import type { Command } from 'commander';
import { positiveCount } from '../arguments.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { formatTime, plural } from '../format.js';
import type { Output } from '../output.js';
import type { CliSession } from '../session.js';

interface GetRejectedOptions {
  limit: number;
  after?: string;
}

/** Characters of a record's values shown in the table; --json has them whole. */
const VALUES_WIDTH = 60;

export function registerRejectsCommands(program: Command, session: CliSession): void {
  program
    .command('get-rejected')
    .summary("list a job's rejected records (its dead-letter queue), oldest first")
    .argument('<JOB>', 'the job')
    .option('--limit <N>', 'show at most N records (at most 10000)', positiveCount, 100)
    .option('--after <ID>', 'show the records after this id (paging)')
    .action(
      session.action((job: string, options: GetRejectedOptions, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.listRejects({
            job,
            limit: options.limit,
            afterId: options.after ?? '',
          });
          out.result(response, () => {
            if (response.records.length === 0) {
              out.line(
                options.after
                  ? `No rejected records of job ${job} after ${options.after} (${response.total} in all).`
                  : `No rejected records for job ${job}.`,
              );
              return;
            }
            out.table(
              ['id', 'time', 'key', 'error code', 'error', 'values'],
              response.records.map((record) => [
                record.id,
                formatTime(record.rejectedAt),
                record.key,
                record.errorCode,
                record.error,
                truncate(record.valuesJson, VALUES_WIDTH),
              ]),
            );
            out.line(`${response.records.length} of ${plural(response.total, 'rejected record')} shown.`);
            if (response.nextAfterId) {
              out.line(`Next page: ferry get-rejected ${job} --after ${response.nextAfterId}`);
            }
          });
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('replay-rejected')
    .summary("replay a job's rejected records: write their keys' current values again")
    .description(
      "Queues each rejected record's key in the change log again; apply then writes the key's current value " +
        'in Redis (not the values stored with the record), in order with its other changes. Fix the cause ' +
        "first. Waits for apply up to 30 s or the call's deadline (--timeout), and prints how many keys were " +
        'written, rejected again, or are still pending.',
    )
    .argument('<JOB>', 'the job')
    .argument('[ID...]', "the records to replay (default: all of the job's)")
    .action(
      session.action((job: string, ids: string[], _options: object, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.replayRejects(job, ids);
          out.result(response, () => printReplay(out, job, response));
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('purge-rejected')
    .summary("delete a job's rejected records")
    .argument('<JOB>', 'the job')
    .argument('[ID...]', "the records to delete (default: all of the job's, with --yes)")
    .option('--yes', 'confirm deleting every rejected record of the job when no ID is given')
    .action(
      session.action((job: string, ids: string[], options: { yes?: boolean }, command: Command) => {
        if (ids.length === 0 && options.yes !== true) {
          const out = session.output(command);
          const message =
            `purge-rejected without IDs deletes every rejected record of job ${job}; nothing was deleted. ` +
            `Add --yes to delete them all, or name the records to delete (ids from: ferry get-rejected ${job})`;
          out.document({ error: { code: 'CONFIRMATION_REQUIRED', reason: null, message } });
          out.error(message);
          return Promise.resolve(EXIT_FAILURE);
        }
        return session.withClient(command, async (client, out) => {
          const response = await client.purgeRejects(job, ids);
          out.result(response, () =>
            out.line(`Purged ${plural(response.purged, 'rejected record')} of job ${job}.`),
          );
          return EXIT_OK;
        });
      }),
    );
}

function printReplay(
  out: Output,
  job: string,
  response: { replayed: number; rejectedAgain: number; pending: number },
): void {
  if (response.replayed + response.rejectedAgain + response.pending === 0) {
    out.line(`No rejected records of job ${job} to replay.`);
    return;
  }
  out.line(`Replayed:       ${response.replayed}`);
  out.line(`Rejected again: ${response.rejectedAgain}`);
  out.line(`Pending:        ${response.pending}`);
  if (response.rejectedAgain > 0) {
    out.line(`Records rejected again are back in the queue with the new error: ferry get-rejected ${job}`);
  }
  if (response.pending > 0) {
    out.line(
      `Pending keys are queued and will be applied once the engine runs and catches up; ` +
        `follow them with: ferry status, ferry get-rejected ${job}`,
    );
  }
}

/** `text`, cut to `width` characters with an ellipsis. */
function truncate(text: string, width: number): string {
  const characters = [...text]; // code points: never cut a character in two
  return characters.length <= width ? text : `${characters.slice(0, width - 1).join('')}…`;
}
