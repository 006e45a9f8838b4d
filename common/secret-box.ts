/**
 * Encryption at rest for stored secrets: AES-256-GCM with a random 96-bit nonce per value, the secret's name
 * as additional authenticated data (a value cannot be moved to another name), and a key id so that a wrong
 * key is reported as such instead of as corrupt data. The control plane encrypts; workers decrypt with the
 * same key when they resolve ${secret:NAME}.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FerryError, InvalidArgumentError } from './errors.js';

/** A sealed value as stored (JSON in Redis). */
export interface SealedSecret {
  /** First 16 hex digits of SHA-256 of the key. */
  keyId: string;
  /** base64 nonce, ciphertext and GCM tag. */
  iv: string;
  data: string;
  tag: string;
}

export class SecretBox {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new InvalidArgumentError(`the secret key must be 32 bytes (got ${key.length})`);
    this.#key = key;
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  /**
   * The key from a file (raw 32 bytes, or base64 text) or from FERRY_SECRET_KEY (base64). Undefined when
   * neither is set.
   */
  static load(options: { keyFile?: string | undefined; env?: NodeJS.ProcessEnv }): SecretBox | undefined {
    if (options.keyFile) {
      const raw = readFileSync(options.keyFile);
      const key = raw.length === 32 ? raw : Buffer.from(raw.toString('utf8').trim(), 'base64');
      return new SecretBox(key);
    }
    const fromEnv = (options.env ?? process.env)['FERRY_SECRET_KEY'];
    if (fromEnv) return new SecretBox(Buffer.from(fromEnv.trim(), 'base64'));
    return undefined;
  }

  seal(name: string, value: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return {
      keyId: this.keyId,
      iv: iv.toString('base64'),
      data: data.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  open(name: string, sealed: SealedSecret): string {
    if (sealed.keyId !== this.keyId) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        `secret ${name} was sealed with another key (key id ${sealed.keyId}, ours ${this.keyId})`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch (error) {
      throw new FerryError(
        'INTERNAL',
        `secret ${name} does not authenticate: it was altered or stored under another name`,
        { cause: error },
      );
    }
  }
}
