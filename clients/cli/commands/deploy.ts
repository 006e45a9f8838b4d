/** `ferry deploy` and `ferry validate`: a pipeline directory on disk -> the control plane. */
import { status } from '@grpc/grpc-js';
import type { Command } from 'commander';
import { FerryClientError } from '../../ferry-client.js';
import { versionNumber } from '../arguments.js';
import { EXIT_OK } from '../errors.js';
import { formatTime, plural, shortHash } from '../format.js';
import { readPipelineDir, toRequestFiles } from '../pipeline-dir.js';
import type { CliSession } from '../session.js';
import {
  printJobsTable,
  printTargetCheck,
  printWarnings,
  reportProblems,
  reportTargetCheck,
} from '../views.js';

interface DeployOptions {
  dir: string;
  expectedVersion?: number;
  description?: string;
}

interface ValidateOptions {
  dir: string;
  checkTargets?: boolean;
}

const DIR_HELP = 'the pipeline directory: config.yaml and jobs/*.yaml';

/** Said on stderr while the control plane connects, which may take a few seconds per unreachable host. */
const CHECKING_TARGETS =
  'Checking the targets: the control plane connects to the databases and sources the jobs use (each gives up after 5 s)...';

export function registerDeployCommands(program: Command, session: CliSession): void {
  program
    .command('deploy')
    .summary('validate a pipeline directory and store it as a new version')
    .description(
      'Validates config.yaml and jobs/*.yaml of a pipeline directory and stores them as the next configuration ' +
        'version. Nothing is stored when any file has a problem; every problem is listed.',
    )
    .option('--dir <DIR>', DIR_HELP, '.')
    .option(
      '--expected-version <N>',
      'deploy only if the newest version is N (0: nothing deployed yet); guards against concurrent deploys',
      versionNumber,
    )
    .option('--description <TEXT>', 'kept with the version and shown by ferry history (e.g. a commit id)')
    .action(
      session.action(async (options: DeployOptions, command: Command) => {
        // Read the files first: a typo in --dir should not need a server to be reported.
        const pipeline = readPipelineDir(options.dir, session.io.cwd);
        return session.withClient(command, async (client, out) => {
          let response;
          try {
            response = await client.deploy({
              ...toRequestFiles(pipeline),
              description: options.description ?? '',
              ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
            });
          } catch (error) {
            if (hasProblems(error)) return reportProblems(out, error, 'nothing was deployed.', client.server);
            throw error;
          }
          const version = response.version;
          out.result(response, () => {
            if (!version) return;
            out.line(
              `Deployed version ${version.version} (${shortHash(version.contentHash)}, ${plural(version.jobNames.length, 'job')}) ` +
                `by ${version.deployedBy} at ${formatTime(version.deployedAt)}`,
            );
          });
          printWarnings(out, response.warnings);
          return EXIT_OK;
        });
      }),
    );

  program
    .command('validate')
    .summary('check a pipeline directory as deploy does, storing nothing')
    .description(
      'Runs every check of deploy on a pipeline directory and stores nothing. Prints the jobs found, or every ' +
        'problem as file:line:column: path: message. With --check-targets, the control plane also connects to ' +
        'the databases and sources the jobs use and reports what would fail once deployed: a missing table or ' +
        'column, keys that are not a unique key, sampled values the writer would reject (exit code 1).',
    )
    .option('--dir <DIR>', DIR_HELP, '.')
    .option(
      '--check-targets',
      'also check each relational.write output against its real table, and a sample of existing keys against ' +
        'its column types (needs the admin role)',
    )
    .action(
      session.action(async (options: ValidateOptions, command: Command) => {
        const pipeline = readPipelineDir(options.dir, session.io.cwd);
        const checkTargets = options.checkTargets === true;
        return session.withClient(command, async (client, out) => {
          let response;
          try {
            if (checkTargets && !out.json) out.diagnostics([CHECKING_TARGETS]);
            response = await client.validate({ ...toRequestFiles(pipeline), checkTargets });
          } catch (error) {
            if (hasProblems(error))
              return reportProblems(out, error, 'the pipeline is not valid.', client.server);
            throw error;
          }
          out.result(response, () => {
            out.line(`Valid: ${plural(response.jobs.length, 'job')}`);
            if (response.jobs.length > 0) {
              out.line();
              printJobsTable(out, response.jobs);
            }
            if (checkTargets) {
              out.line();
              printTargetCheck(out, response.targetConnections, response.targetProblems);
            }
          });
          printWarnings(out, response.warnings);
          if (!checkTargets) return EXIT_OK;
          return reportTargetCheck(out, response.targetProblems, response.targetWarnings);
        });
      }),
    );
}

/** An INVALID_ARGUMENT answer that lists configuration problems (other rejections have a message only). */
function hasProblems(error: unknown): error is FerryClientError {
  return (
    error instanceof FerryClientError && error.code === status.INVALID_ARGUMENT && error.problems.length > 0
  );
}
