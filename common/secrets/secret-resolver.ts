/**
 * Resolves the secret references of a setting where the worker runs, when it connects: `${env:NAME}` from
 * its environment, `${file:PATH}` from its file system, `${secret:NAME}` from the secret store, and RDI's
 * bare `${NAME}` from the secret store first, then the environment. `$${` is a literal `${`. Validation only
 * checks the form of references (common/config/secret-references.ts); this is the one place that reads them.
 */
import { FerryError, UnavailableError } from '../errors.js';
// Not exported by common/config's index: the tokenizer is shared with validation on purpose, so that what
// validation accepts is exactly what is resolved here.
import { tokenizeReferences } from '../config/secret-references.js';
import { SettingResolutionError, fileErrorReason } from './setting-error.js';
import type { SettingResolutionContext } from './setting-error.js';

/** Where references are resolved from. Each is an argument so that tests and tools can give their own. */
export interface SecretSources {
  /** The resolving process's environment, usually `process.env`. */
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  /** Reads a whole file as UTF-8 text, e.g. `(path) => readFile(path, 'utf8')`. */
  readFile: (path: string) => Promise<string>;
  /**
   * The secret store (a SecretStore), absent when the worker has no secret key. Without it `${secret:NAME}`
   * fails with a message that says how to give the worker its key, and bare `${NAME}` reads the environment.
   */
  secrets?: { reveal(name: string): Promise<string | undefined> };
  /** The process resolving, as messages name it. @default 'worker' */
  process?: 'worker' | 'control plane';
}

function startWithKey(who: string): string {
  return who === 'worker'
    ? "start the worker with FERRY_SECRET_KEY or --secret-key-file FILE (the control plane's key)"
    : 'start the control plane with FERRY_SECRET_KEY or --secret-key-file FILE';
}

/**
 * Resolves references in setting values. File contents and stored secrets are read once per resolver and
 * kept: create a resolver per connect (per configuration version) so that a rotated secret is read again.
 * Only values are kept: a missing secret or an unreadable file is looked up again, so a retry after the
 * operator fixed things succeeds.
 */
export class SecretResolver {
  readonly #sources: SecretSources;
  readonly #reads = new Map<string, Promise<unknown>>();
  readonly #who: 'worker' | 'control plane';

  constructor(sources: SecretSources) {
    this.#sources = sources;
    this.#who = sources.process ?? 'worker';
  }

  /**
   * Replaces every reference in `value`; `where` names the setting for messages, e.g.
   * `connections.target.password`. Throws SettingResolutionError (FAILED_PRECONDITION) naming the setting
   * and the reference, never a value; UnavailableError when the secret store cannot be reached.
   */
  async resolve(value: string, where: string): Promise<string> {
    // Sensitive: a malformed reference in a password must not echo the password.
    const tokens = tokenizeReferences(value, true);
    let resolved = '';
    let from = 0;
    for (const token of tokens) {
      resolved += unescapeLiteral(value.slice(from, token.index));
      if ('error' in token) throw new SettingResolutionError({ setting: where }, token.error);
      const context = { setting: where, reference: token.text };
      switch (token.kind) {
        case 'env':
          resolved += this.#fromEnv(token.name, context);
          break;
        case 'file':
          resolved += await this.#fromFile(token.name, context);
          break;
        case 'secret':
          resolved += token.bare
            ? await this.#fromStoreThenEnv(token.name, context)
            : await this.#fromStore(token.name, context);
          break;
      }
      from = token.index + token.text.length;
    }
    return resolved + unescapeLiteral(value.slice(from));
  }

  #fromEnv(name: string, context: ReferenceContext): string {
    const value = this.#sources.env[name];
    if (value === undefined) {
      throw failure(context, `${name} is not set; set ${name} in the ${this.#who}'s environment`);
    }
    return value;
  }

  async #fromFile(path: string, context: ReferenceContext): Promise<string> {
    let content: string;
    try {
      content = await this.#cached(`file:${path}`, () => this.#sources.readFile(path));
    } catch (error) {
      throw failure(
        context,
        `cannot read ${path} (${fileErrorReason(error)}); the file must exist on the worker's machine and be ` +
          'readable by the worker',
        error,
      );
    }
    // Files written by editors and `echo` end with a newline that is not part of the secret.
    return content.replace(/[\r\n]+$/, '');
  }

  async #fromStore(name: string, context: ReferenceContext): Promise<string> {
    if (!this.#sources.secrets) {
      throw failure(
        context,
        `this ${this.#who} has no secret key, so it cannot read stored secrets; ${startWithKey(this.#who)}`,
      );
    }
    const value = await this.#reveal(name, context);
    if (value === undefined) {
      throw failure(
        context,
        `there is no stored secret named ${name}; store it with: ferry set-secret ${name}`,
      );
    }
    return value;
  }

  async #fromStoreThenEnv(name: string, context: ReferenceContext): Promise<string> {
    const stored = await this.#reveal(name, context);
    if (stored !== undefined) return stored;
    const value = this.#sources.env[name];
    if (value !== undefined) return value;
    throw failure(
      context,
      this.#sources.secrets
        ? `${name} is neither a stored secret nor set in the ${this.#who}'s environment; store it with: ` +
            `ferry set-secret ${name}, or set ${name} in the ${this.#who}'s environment`
        : `${name} is not set in the ${this.#who}'s environment, and this ${this.#who} has no secret key to ` +
            `read stored secrets; set ${name} in the ${this.#who}'s environment, or ${startWithKey(this.#who)}`,
    );
  }

  /** The stored secret, undefined when absent or when there is no store. */
  async #reveal(name: string, context: ReferenceContext): Promise<string | undefined> {
    const secrets = this.#sources.secrets;
    if (!secrets) return undefined;
    try {
      return await this.#cached(`secret:${name}`, () => secrets.reveal(name));
    } catch (error) {
      // The store's own errors (no key, another key, altered value) name the secret only and need an
      // operator; anything else is the state Redis failing, which is transient.
      if (error instanceof FerryError && error.code !== 'UNAVAILABLE')
        throw failure(context, error.message, error);
      throw new UnavailableError(
        `${context.setting}: cannot resolve ${context.reference}: the secret store cannot be read ` +
          `(${errorMessage(error)})`,
        { cause: error, context: { setting: context.setting, reference: context.reference } },
      );
    }
  }

  /** One read per key and resolver, shared by concurrent callers. */
  #cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.#reads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      this.#reads.set(key, pending);
      // Keep values only: a missing secret or an unreadable file is looked up again on the next resolve.
      pending.then(
        (value) => value === undefined && this.#reads.delete(key),
        () => this.#reads.delete(key),
      );
    }
    return pending;
  }
}

/** A failure about one reference of one setting. */
type ReferenceContext = Required<SettingResolutionContext>;

function failure(context: ReferenceContext, reason: string, cause?: unknown): SettingResolutionError {
  return new SettingResolutionError(
    context,
    `cannot resolve ${context.reference}: ${reason}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * True when a written value takes text from the secret store (`${secret:NAME}` or a bare `${NAME}`): text
 * that may be a secret in any form, so that messages about the resolved value must not quote it.
 */
export function readsSecretStore(written: string): boolean {
  return tokenizeReferences(written, true).some((token) => 'kind' in token && token.kind === 'secret');
}

/** Text between references: `$${` stands for a literal `${`. */
function unescapeLiteral(text: string): string {
  return text.replaceAll('$${', '${');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
