/**
 * Bearer-token authentication with roles. Tokens come from a tokens file or the FERRY_TOKENS environment
 * variable and are kept only as SHA-256 hashes: a token file may even hold the hashes alone
 * (`ferry hash-token` prints one), so that the control plane's host never stores a usable token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Metadata } from '@grpc/grpc-js';
import { AuthError, InvalidArgumentError } from '../common/errors.js';

/** Roles, each including the rights of the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who made a call. */
export interface Principal {
  /** The token's name, recorded with deploys ("anonymous" when the server runs without tokens). */
  name: string;
  role: Role;
}

interface TokenEntry {
  name: string;
  role: Role;
  hash: Buffer;
}

/** Decides who a call comes from and whether that role may make it. */
export class Authenticator {
  readonly #tokens: TokenEntry[];

  private constructor(tokens: TokenEntry[]) {
    this.#tokens = tokens;
  }

  /** An authenticator that lets every call through as admin: for a server bound to loopback only. */
  static open(): Authenticator {
    return new Authenticator([]);
  }

  /** Tokens as `{name, role, token}` (plain) or `{name, role, sha256}` (hex hash of the token). */
  static fromEntries(entries: readonly TokenSpec[], origin: string): Authenticator {
    const tokens: TokenEntry[] = [];
    const names = new Set<string>();
    entries.forEach((entry, index) => {
      const where = `${origin}: tokens[${index}]`;
      if (typeof entry.name !== 'string' || entry.name === '')
        throw new InvalidArgumentError(`${where}.name is required`);
      if (names.has(entry.name))
        throw new InvalidArgumentError(`${where}.name "${entry.name}" is used twice`);
      names.add(entry.name);
      if (!ROLES.includes(entry.role as Role)) {
        throw new InvalidArgumentError(
          `${where}.role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(entry.role)})`,
        );
      }
      let hash: Buffer;
      if (typeof entry.sha256 === 'string') {
        if (!/^[0-9a-f]{64}$/i.test(entry.sha256))
          throw new InvalidArgumentError(`${where}.sha256 must be 64 hex digits`);
        hash = Buffer.from(entry.sha256, 'hex');
      } else if (typeof entry.token === 'string') {
        if (entry.token.length < 16)
          throw new InvalidArgumentError(`${where}.token must be at least 16 characters`);
        hash = hashToken(entry.token);
      } else {
        throw new InvalidArgumentError(`${where} needs either token or sha256`);
      }
      tokens.push({ name: entry.name, role: entry.role as Role, hash });
    });
    return new Authenticator(tokens);
  }

  /** True when no tokens are configured: every call is admin, and the server must stay on loopback. */
  get isOpen(): boolean {
    return this.#tokens.length === 0;
  }

  get tokenCount(): number {
    return this.#tokens.length;
  }

  /** Finds the caller from the `authorization: Bearer <token>` header. Throws AuthError(UNAUTHENTICATED). */
  authenticate(metadata: Metadata): Principal {
    if (this.isOpen) return { name: 'anonymous', role: 'admin' };
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || header === '') {
      throw new AuthError(
        'UNAUTHENTICATED',
        'this server requires a bearer token: pass --token or set FERRY_TOKEN',
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new AuthError('UNAUTHENTICATED', 'the authorization header must be "Bearer <token>"');
    const hash = hashToken(match[1]);
    // Compare against every entry, in constant time each, so that timing does not tell which one matched.
    let found: TokenEntry | undefined;
    for (const entry of this.#tokens) if (timingSafeEqual(entry.hash, hash) && !found) found = entry;
    if (!found) throw new AuthError('UNAUTHENTICATED', 'the token is not known to this server');
    return { name: found.name, role: found.role };
  }

  /** Throws AuthError(PERMISSION_DENIED) unless `principal` has at least `required`. */
  static authorize(principal: Principal, required: Role, what: string): void {
    if (ROLES.indexOf(principal.role) < ROLES.indexOf(required)) {
      throw new AuthError(
        'PERMISSION_DENIED',
        `${what} needs the ${required} role; token "${principal.name}" has ${principal.role}`,
      );
    }
  }
}

/** One token as written in a tokens file or FERRY_TOKENS. */
export interface TokenSpec {
  name?: unknown;
  role?: unknown;
  token?: unknown;
  sha256?: unknown;
}

/** SHA-256 of a token: what the server keeps. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Loads tokens from a YAML/JSON file (`tokens: [{name, role, token|sha256}]`) and from FERRY_TOKENS
 * (`name:role:token` entries separated by commas). Neither: an open authenticator.
 */
export function loadAuthenticator(options: {
  tokensFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
}): Authenticator {
  const specs: TokenSpec[] = [];
  const origins: string[] = [];
  if (options.tokensFile) {
    let document: unknown;
    try {
      document = parse(readFileSync(options.tokensFile, 'utf8'));
    } catch (error) {
      throw new InvalidArgumentError(
        `cannot read tokens file ${options.tokensFile}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const tokens = (document as { tokens?: unknown } | null)?.tokens;
    if (!Array.isArray(tokens)) {
      throw new InvalidArgumentError(`tokens file ${options.tokensFile} must have a "tokens" list`);
    }
    specs.push(...(tokens as TokenSpec[]));
    origins.push(options.tokensFile);
  }
  const fromEnv = (options.env ?? process.env)['FERRY_TOKENS'];
  if (fromEnv) {
    fromEnv
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .forEach((part) => {
        const [name, role, ...rest] = part.split(':');
        specs.push({ name, role, token: rest.join(':') });
      });
    origins.push('FERRY_TOKENS');
  }
  if (specs.length === 0) return Authenticator.open();
  return Authenticator.fromEntries(specs, origins.join(' + '));
}
