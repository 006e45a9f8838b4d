/**
 * `ferry set-secret`, `list-secrets`, `delete-secret`. Values travel to the control plane once, are stored
 * encrypted, and are never printed: list-secrets shows names only.
 */
import type { Command } from 'commander';
import { CliInputError, EXIT_OK } from '../errors.js';
import { formatTime } from '../format.js';
import { readValue } from '../read-input.js';
import type { CliSession } from '../session.js';

export function registerSecretCommands(program: Command, session: CliSession): void {
  program
    .command('set-secret')
    .summary('store a secret (encrypted) for ${secret:NAME} references')
    .description(
      'Creates or replaces a secret that configurations refer to as ${secret:NAME}. Leave VALUE out to read ' +
        'it from standard input (typed without echo, or piped), so that it stays out of your shell history.',
    )
    .argument('<NAME>', 'letters, digits and underscores, starting with a letter')
    .argument('[VALUE]', 'the value; read from standard input when omitted')
    .action(
      session.action(async (name: string, value: string | undefined, _options: object, command: Command) => {
        // Read the value before connecting: typing it may take longer than a call's deadline.
        const secret = value ?? (await readValue(session.io, `Value of ${name}: `));
        if (secret === '') throw new CliInputError(`the value of ${name} is empty; nothing was stored`);
        return session.withClient(command, async (client, out) => {
          const response = await client.setSecret(name, secret);
          out.result({ name, created: response.created }, () => {
            out.line(
              `Secret ${name} ${response.created ? 'created' : 'replaced'}. Refer to it as \${secret:${name}}.`,
            );
          });
          return EXIT_OK;
        });
      }),
    );

  program
    .command('list-secrets')
    .summary('list the names of stored secrets, never their values')
    .action(
      session.action((_options: object, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.listSecretNames();
          out.result(response, () => {
            if (response.secrets.length === 0) {
              out.line('No secrets are stored. Add one with: ferry set-secret NAME');
              return;
            }
            out.table(
              ['name', 'updated at', 'updated by'],
              response.secrets.map((secret) => [secret.name, formatTime(secret.updatedAt), secret.updatedBy]),
            );
          });
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('delete-secret')
    .summary('delete a stored secret')
    .argument('<NAME>', "the secret's name")
    .action(
      session.action((name: string, _options: object, command: Command) =>
        session.withClient(command, async (client, out) => {
          await client.deleteSecret(name);
          out.result({ name, deleted: true }, () => out.line(`Secret ${name} deleted.`));
          return EXIT_OK;
        }),
      ),
    );
}
