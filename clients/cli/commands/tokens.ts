/**
 * `ferry hash-token` and `ferry new-token`: making bearer tokens for the control plane's tokens file. The file
 * may hold only the SHA-256 of each token (`{name, role, sha256}`), so that its host keeps no usable token.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { CliInputError, EXIT_OK } from '../errors.js';
import { readValue } from '../read-input.js';
import type { CliSession } from '../session.js';

/** The shortest token the control plane accepts (control-plane/auth.ts). */
const MIN_TOKEN_LENGTH = 16;

export function registerTokenCommands(program: Command, session: CliSession): void {
  program
    .command('hash-token')
    .summary('print the SHA-256 of a token for a tokens file entry')
    .description(
      "Prints the SHA-256 (hex) of a token for the control plane's tokens file. Leave TOKEN out to read it\n" +
        'from standard input, so that it stays out of your shell history. In the tokens file:\n' +
        '  tokens:\n' +
        '    - {name: ci, role: admin, sha256: <this hash>}',
    )
    .argument('[TOKEN]', 'the token; read from standard input when omitted')
    .action(
      session.action(async (token: string | undefined, _options: object, command: Command) => {
        const out = session.output(command);
        const value = token ?? (await readValue(session.io, 'Token: '));
        if (value.length < MIN_TOKEN_LENGTH) {
          throw new CliInputError(
            `a token must be at least ${MIN_TOKEN_LENGTH} characters (got ${value.length}); make one with: ferry new-token`,
          );
        }
        // The server's own function: what it compares against is exactly what is printed. Loaded on use, so
        // that other commands do not pay for the control plane's modules.
        const { hashToken } = await import('../../../control-plane/auth.js');
        const sha256 = hashToken(value).toString('hex');
        out.result({ sha256 }, () => out.line(sha256));
        return EXIT_OK;
      }),
    );

  program
    .command('new-token')
    .summary('print a new random token (32 bytes, base64url)')
    .action(
      session.action((_options: object, command: Command) => {
        const out = session.output(command);
        const token = randomBytes(32).toString('base64url');
        out.result({ token }, () => out.line(token));
        return Promise.resolve(EXIT_OK);
      }),
    );
}
