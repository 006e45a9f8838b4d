/**
 * The error a worker raises when a setting of the deployed configuration cannot be turned into what it needs
 * to connect: a reference that does not resolve, a port that is not a port, a TLS file it cannot read.
 */
import { FerryError } from '../errors.js';
import type { FerryErrorOptions } from '../errors.js';

/** What a SettingResolutionError is about; never a resolved value. */
export interface SettingResolutionContext {
  /** The setting's dotted path, e.g. `connections.target.password`. */
  setting: string;
  /** The reference as written, e.g. `${env:DB_PASSWORD}`, when the problem is one reference. */
  reference?: string;
}

/**
 * FAILED_PRECONDITION: the configuration is valid, but the worker's environment (variables, files, secret
 * store, secret key) does not let it be used as written. Retrying does not help until someone acts, and the
 * message says what to do. The message names the setting and the reference, never the value.
 */
export class SettingResolutionError extends FerryError {
  override readonly name = 'SettingResolutionError';
  readonly setting: string;
  readonly reference: string | undefined;

  constructor(
    context: SettingResolutionContext,
    message: string,
    options: Pick<FerryErrorOptions, 'cause'> = {},
  ) {
    super('FAILED_PRECONDITION', `${context.setting}: ${message}`, {
      ...options,
      context: { setting: context.setting, reference: context.reference },
    });
    this.setting = context.setting;
    this.reference = context.reference;
  }
}

/**
 * The operating system's reason a file could not be read, e.g. `ENOENT: no such file or directory`, without
 * the path that Node appends (the caller names the path once, its own way).
 */
export function fileErrorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && error.message.startsWith(`${code}: `)) {
    // Node writes `ENOENT: no such file or directory, open '/etc/ferry/ca.pem'`.
    const comma = error.message.indexOf(', ');
    return comma === -1 ? error.message : error.message.slice(0, comma);
  }
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
