/** `ferry scaffold DIR`: a starter pipeline directory that validates as written. */
import { Option } from 'commander';
import type { Command } from 'commander';
import { EXIT_OK } from '../errors.js';
import { writePipelineFiles } from '../pipeline-dir.js';
import type { PipelineFileText } from '../pipeline-dir.js';
import type { CliSession } from '../session.js';

const TARGET_TYPES = ['mysql', 'mariadb', 'postgresql', 'oracle'] as const;
type TargetType = (typeof TARGET_TYPES)[number];

/** Where each kind of database usually listens, and what the example's table lives in. */
const TARGETS: Record<TargetType, { port: number; database: string; schema: string }> = {
  mysql: { port: 3306, database: 'database: app', schema: 'app' },
  mariadb: { port: 3306, database: 'database: app', schema: 'app' },
  postgresql: { port: 5432, database: 'database: app', schema: 'public' },
  oracle: { port: 1521, database: 'service_name: FREEPDB1', schema: 'FERRY' },
};

/** The environment variable the starter config.yaml reads the target's password from. */
export const TARGET_PASSWORD_VARIABLE = 'FERRY_TARGET_PASSWORD';

export function registerScaffoldCommand(program: Command, session: CliSession): void {
  program
    .command('scaffold')
    .summary('write a starter pipeline (config.yaml, jobs/example.yaml)')
    .description(
      'Writes a starter pipeline to DIR: config.yaml with a target database and the Redis source at ' +
        '127.0.0.1:6379, and jobs/example.yaml, a write-behind job for example:* hashes. Existing files are ' +
        'never overwritten.',
    )
    .argument('<DIR>', 'the directory to create (it may exist, but not hold these files)')
    .addOption(new Option('--target <TYPE>', 'the target database').choices(TARGET_TYPES).default('mysql'))
    .action(
      session.action((dir: string, options: { target: TargetType }, command: Command) => {
        const out = session.output(command);
        const files = scaffoldFiles(options.target);
        const path = writePipelineFiles(dir, session.io.cwd, files, {
          overwrite: false,
          hint: 'scaffold never overwrites files; choose another directory',
        });
        // The directory as the user wrote it: the next commands are theirs to copy.
        const shown = dir.replace(/(.)\/+$/, '$1');
        out.result({ dir: path, target: options.target, files: files.map((file) => file.name) }, () => {
          out.line(`Wrote a starter ${options.target} pipeline to ${shown}:`);
          out.line(`  ${shown}/config.yaml        the target connection and the Redis source 127.0.0.1:6379`);
          out.line(`  ${shown}/jobs/example.yaml  write-behind of example:* hashes to the table example`);
          out.line();
          out.line('Next: give the worker the password, check the pipeline, then deploy it:');
          out.line(`  export ${TARGET_PASSWORD_VARIABLE}=...`);
          out.line(`  ferry validate --dir ${shown}`);
          out.line(`  ferry deploy --dir ${shown}`);
        });
        return Promise.resolve(EXIT_OK);
      }),
    );
}

/** The starter files for one kind of target database. */
export function scaffoldFiles(target: TargetType): PipelineFileText[] {
  const { port, database, schema } = TARGETS[target];
  const config = `# A Ferry pipeline: where changes are written (connections), where they come from (sources), and how
# they are applied (applier). Jobs live in jobs/, one file each. Deploy with: ferry deploy --dir <this dir>
#
# Keep secrets out of this file: \${env:NAME} is read from the worker's environment, and \${secret:NAME}
# from the control plane's encrypted store (ferry set-secret NAME).
connections:
  target:
    type: ${target}
    host: 127.0.0.1
    port: ${port}
    ${database}
    user: ferry
    password: \${env:${TARGET_PASSWORD_VARIABLE}}
sources:
  app:
    type: redis
    host: 127.0.0.1
    port: 6379
applier:
  read_batch_size: 2000
  write_batch_size: 200
  duration: 100
  error_handling: dlq
  dlq_max_messages: 1000
`;
  const job = `# Write-behind: every change to a hash example:<id> is written to the table ${schema}.example.
# Each hash carries its id as a field, for example:
#   HSET example:1 id 1 name Ada email ada@example.com
source:
  redis:
    key_pattern: "example:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      schema: ${schema}
      table: example
      keys: [id]
      mapping: [id, name, email]
`;
  return [
    { name: 'config.yaml', content: config },
    { name: 'jobs/example.yaml', content: job },
  ];
}
