/** Reading stored configuration back: `get-config`, `history`, `list-jobs`, `describe-job`. */
import type { Command } from 'commander';
import { positiveCount, versionNumber } from '../arguments.js';
import { EXIT_OK } from '../errors.js';
import { enumLabel, formatTime, plural, shortHash } from '../format.js';
import type { Output } from '../output.js';
import { writePipelineFiles } from '../pipeline-dir.js';
import type { PipelineFileText } from '../pipeline-dir.js';
import type { CliSession } from '../session.js';
import { printJobsTable } from '../views.js';

interface GetConfigOptions {
  version?: number;
  out?: string;
  force?: boolean;
}

/** What the server puts in place of a literal secret in config.yaml. */
const REDACTED = '******';

const VERSION_HELP = 'the configuration version (default: the newest)';

export function registerConfigCommands(program: Command, session: CliSession): void {
  program
    .command('get-config')
    .summary('print a deployed configuration, or write it to a directory')
    .description(
      'Prints config.yaml and the job files of a deployed version, each under a "==> file <==" header line. ' +
        'Literal secrets in config.yaml come back as ****** (references such as ${env:NAME} are kept). ' +
        'With --out DIR, writes the files there instead: a pipeline directory you can edit and deploy again.',
    )
    .option('--version <N>', VERSION_HELP, versionNumber)
    .option('--out <DIR>', 'write config.yaml and jobs/*.yaml under DIR instead of printing them')
    .option('--force', 'with --out, overwrite files that already exist')
    .action(
      session.action((options: GetConfigOptions, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.getConfig(options.version ?? 0);
          const files: PipelineFileText[] = [...(response.config ? [response.config] : []), ...response.jobs];
          const version = response.version?.version ?? 0;
          if (options.out === undefined) {
            out.result(response, () => printFiles(out, files));
            return EXIT_OK;
          }
          const path = writePipelineFiles(options.out, session.io.cwd, files, {
            overwrite: options.force === true,
            hint: 'choose an empty directory, or pass --force',
          });
          out.result({ version, dir: path, files: files.map((file) => file.name) }, () =>
            out.line(`Wrote version ${version} to ${path}: ${files.map((file) => file.name).join(', ')}`),
          );
          if (response.config?.content.includes(REDACTED)) {
            out.warning(
              `config.yaml holds secrets shown as ${REDACTED}; put the real values back before deploying it, ` +
                'or better, refer to secrets (${env:NAME}, or ${secret:NAME} after ferry set-secret NAME)',
            );
          }
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('history')
    .summary('list the deployed configuration versions, newest first')
    .option('--limit <N>', 'show at most N versions', positiveCount, 20)
    .action(
      session.action((options: { limit: number }, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.listVersions(options.limit);
          out.result(response, () => {
            if (response.versions.length === 0) {
              out.line('Nothing has been deployed yet. Deploy a pipeline with: ferry deploy --dir DIR');
              return;
            }
            out.table(
              ['version', 'deployed at', 'by', 'jobs', 'hash', 'description'],
              response.versions.map((version) => [
                version.version,
                formatTime(version.deployedAt),
                version.deployedBy,
                version.jobNames.length,
                shortHash(version.contentHash),
                version.description,
              ]),
              { alignRight: [0, 3] },
            );
            if (response.nextBeforeVersion > 0) {
              out.line(`Older versions exist; show more with: ferry history --limit ${options.limit * 5}`);
            }
          });
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('list-jobs')
    .summary('list the jobs of a deployed configuration')
    .option('--version <N>', VERSION_HELP, versionNumber)
    .action(
      session.action((options: { version?: number }, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.listJobs(options.version ?? 0);
          out.result(response, () => {
            if (response.jobs.length === 0) {
              out.line(`Version ${response.version} has no jobs. Add files under jobs/ and deploy again.`);
              return;
            }
            out.line(`Version ${response.version}: ${plural(response.jobs.length, 'job')}`);
            out.line();
            printJobsTable(out, response.jobs);
          });
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('describe-job')
    .summary('show a job: summary, compiled form, file as deployed')
    .argument('<NAME>', "the job's name (its file's base name)")
    .option('--version <N>', VERSION_HELP, versionNumber)
    .action(
      session.action((name: string, options: { version?: number }, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.describeJob(name, options.version ?? 0);
          out.result(withParsedJson(response), () => {
            const summary = response.summary;
            out.line(`Job:         ${summary?.name ?? name} (version ${response.version})`);
            if (summary) {
              out.line(`Kind:        ${enumLabel(summary.kind, 'JOB_KIND_')}`);
              out.line(`Source:      ${summary.source || '-'}`);
              out.line(`Targets:     ${summary.targets.join(', ') || '-'}`);
              out.line(`Transforms:  ${summary.transformCount}`);
              out.line(`Outputs:     ${summary.outputCount}`);
            }
            out.line();
            out.line('Compiled (every default applied):');
            out.line(response.compiledJson);
            if (response.file) {
              out.line();
              printFiles(out, [response.file]);
            }
          });
          return EXIT_OK;
        }),
      ),
    );
}

/** Files one after the other, each under a `==> name <==` header (the convention of head and tail). */
function printFiles(out: Output, files: readonly PipelineFileText[]): void {
  files.forEach((file, index) => {
    if (index > 0) out.line();
    out.line(`==> ${file.name} <==`);
    out.raw(file.content.endsWith('\n') || file.content === '' ? file.content : `${file.content}\n`);
  });
}

/** In --json, the compiled job as a JSON value rather than a string holding JSON. */
function withParsedJson<T extends { compiledJson: string }>(
  response: T,
): Omit<T, 'compiledJson'> & { compiled: unknown } {
  const { compiledJson, ...rest } = response;
  let compiled: unknown = compiledJson;
  try {
    compiled = JSON.parse(compiledJson);
  } catch {
    // Not JSON after all: keep the text as the server sent it.
  }
  return { ...rest, compiled };
}
