/**
 * A Redis replication-stream client: capture connects to the source master as a replica (AUTH, PING,
 * REPLCONF, PSYNC), skips the RDB payload of a full resync without buffering it, and reads the command stream,
 * tracking the replication offset and the selected database, grouping MULTI/EXEC, and acknowledging progress
 * with REPLCONF ACK. See DESIGN.md, "Capture: log-based, from the replication stream".
 *
 * Positions. Offsets here have the meaning of the master's `master_repl_offset`: the number of stream bytes
 * up to and including a command. A command's `offset` is the position to resume from once it is durable, and
 * resuming from `{replid, offset, db}` sends `PSYNC <replid> <offset + 1>` (the next byte wanted), exactly as
 * a Redis replica does with its own offset.
 *
 * The database is part of a position. The master emits `SELECT` only when the database of the next write
 * differs from the one of the previous write *in its stream*, so a stream joined in the middle does not say
 * which database is selected; a Redis replica keeps it from before (or reads it from the RDB's
 * `repl-stream-db`). Hence:
 * - a resume must pass the `db` of its position (the `db` of the command it resumes after);
 * - a first start without a position reads `INFO replication` and publishes a marker on
 *   `CAPTURE_START_CHANNEL` from database 0 in one MULTI/EXEC; nothing can come between the two, so the
 *   stream at `master_repl_offset + 1` begins with that PUBLISH (preceded by `SELECT 0` when the master's
 *   stream was elsewhere) and the database at the start is 0. The marker is not reported as a command;
 * - after `+FULLRESYNC` the master forces a `SELECT` before the next write, so the database at the start
 *   does not matter (it is reported as 0).
 *
 * Acknowledgement. `REPLCONF ACK` carries the acknowledged (durable) offset, not merely the parsed one: the
 * offset of the newest event the caller declared durable with `acknowledge()`, extended over the PINGs,
 * SELECTs and REPLCONFs that follow it once every command before them is acknowledged. The master uses the
 * acked offset only for `WAIT`/`WAITAOF`, `FAILOVER` and the `lag` in INFO; liveness (`repl-timeout`,
 * `min-replicas-max-lag`) depends on ACKs arriving, which they do every `ackIntervalMs` whatever the progress.
 * So `WAIT 1` on the master returns once the change is in Ferry's change log, never earlier. Operators should
 * know that Ferry counts as a replica for `WAIT` and `min-replicas-to-write`.
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { AuthError, FerryError, InvalidArgumentError, UnavailableError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import {
  ReplicationStreamParser,
  SyncPreambleParser,
  encodeCommand,
  isRespError,
  parseReply,
} from './resp-stream-parser.js';
import type { RespValue, StreamCommand } from './resp-stream-parser.js';

/**
 * The channel of the marker a first start publishes to learn the stream's database (see the file comment).
 * With ACLs, the capture user needs `&__ferry:capture-start` (or `allchannels`) besides +psync +replconf +ping
 * +info +multi +exec +publish (and +auth).
 */
export const CAPTURE_START_CHANNEL = '__ferry:capture-start';

/** Where a replication stream is resumed: the position after the last durable command. */
export interface ReplicationPosition {
  /** The replication id the offset belongs to (`master_replid`, or the one of a `replid-changed` event). */
  replid: string;
  /** Offset with `master_repl_offset` meaning: the last byte already processed. PSYNC asks for offset + 1. */
  offset: number;
  /** The database selected in the stream at `offset`: the `db` of the command resumed after. */
  db: number;
}

export interface ReplicationClientTlsOptions {
  /** PEM CA certificate(s) to trust instead of the system's. */
  ca?: string;
  /** PEM client certificate, for servers that require one (`tls-auth-clients`). */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
  /** Verify the server's certificate. Only a test setup should turn this off. */
  rejectUnauthorized: boolean;
  /** Name to verify the certificate against (SNI). @default the host, when it is a name */
  servername?: string;
}

export interface ReplicationClientOptions {
  /** Host name or address of the source master. */
  host: string;
  /** TCP port of the source master, 1-65535. */
  port: number;
  /** ACL user for `AUTH <username> <password>`; without it `AUTH <password>` (the default user). */
  username?: string;
  /** Password for AUTH; without it no AUTH is sent. Never logged. */
  password?: string;
  /** TLS settings; absent: plain TCP. */
  tls?: ReplicationClientTlsOptions;
  /**
   * Where to resume. Absent: a first start at the master's current offset (`+CONTINUE` without an RDB when
   * its backlog is active, else a full resync).
   */
  position?: ReplicationPosition;
  /** Port announced with `REPLCONF listening-port`; informational (INFO shows it). @default 0 */
  listeningPort?: number;
  /**
   * Milliseconds for TCP (and TLS) connect plus the handshake, up to the first byte after PSYNC (its answer or
   * a keepalive newline; then `readTimeoutMs` applies). @default 10000
   */
  connectTimeoutMs?: number;
  /** Milliseconds between two `REPLCONF ACK`. Keep it well below the master's repl-timeout. @default 1000 */
  ackIntervalMs?: number;
  /**
   * Milliseconds without a byte from the master after which the link is considered dead. The master PINGs
   * every repl-ping-replica-period (10 s by default) and sends newlines while it prepares an RDB.
   * @default 60000 (the master's default repl-timeout)
   */
  readTimeoutMs?: number;
  /** Structured logger; the password is never logged. */
  logger?: Logger;
}

/** Options with defaults applied and values checked. */
export interface CompiledReplicationClientOptions extends Required<
  Omit<ReplicationClientOptions, 'username' | 'password' | 'tls' | 'position' | 'logger'>
> {
  username: string | undefined;
  password: string | undefined;
  tls: ReplicationClientTlsOptions | undefined;
  position: ReplicationPosition | undefined;
  logger: Logger | undefined;
}

export const ReplicationClientDefaults = {
  listeningPort: 0,
  connectTimeoutMs: 10_000,
  ackIntervalMs: 1000,
  readTimeoutMs: 60_000,
} as const;

/** A command of the stream, with the database it ran in. */
export interface ReplicatedCommand {
  /** The database selected by the stream's SELECTs at that point. */
  db: number;
  /** Raw arguments; argv[0] is the command name as sent (any case). Views into socket chunks: copy to keep. */
  argv: Buffer[];
  /** Replication offset just after this command (after EXEC for a transaction's last command). */
  offset: number;
  /**
   * Present inside MULTI/EXEC: every command of one transaction has the same value, the offset just after its
   * MULTI (unique within a replication history). The commands are reported together once EXEC arrives.
   */
  transaction?: number;
}

export type ReplicationEvent =
  /**
   * The master answered PSYNC. `continue`: the stream goes on from `offset`. `fullresync`: the RDB was skipped
   * (`rdbBytes` long) and the caller needs a snapshot; the stream goes on from `offset`. `replid`, `offset`
   * and `db` form a position to resume from while no command has followed.
   */
  | {
      kind: 'sync';
      mode: 'continue' | 'fullresync';
      replid: string;
      offset: number;
      db: number;
      rdbBytes?: number;
    }
  /** Commands as parsed from one socket read, in stream order (a transaction waits for its EXEC). */
  | { kind: 'commands'; commands: ReplicatedCommand[] }
  /**
   * `+CONTINUE <new replid>`: the source failed over (PSYNC2). Positions from now on use `replid`. Comes just
   * after the `sync` event.
   */
  | { kind: 'replid-changed'; replid: string; previousReplid: string; offset: number };

const REPLID = /^[0-9a-f]{40}$/i;

function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new InvalidArgumentError(`${name} must be ${range} (got ${String(value)})`);
  }
}

/** Applies defaults and checks every value; throws InvalidArgumentError naming the option. */
export function compileReplicationClientOptions(
  options: ReplicationClientOptions,
): CompiledReplicationClientOptions {
  if (typeof options.host !== 'string' || options.host.length === 0) {
    throw new InvalidArgumentError('host must be a non-empty string');
  }
  checkInteger('port', options.port, 1, 65_535);
  const compiled: CompiledReplicationClientOptions = {
    host: options.host,
    port: options.port,
    username: options.username,
    password: options.password,
    tls: options.tls,
    position: options.position,
    logger: options.logger,
    listeningPort: options.listeningPort ?? ReplicationClientDefaults.listeningPort,
    connectTimeoutMs: options.connectTimeoutMs ?? ReplicationClientDefaults.connectTimeoutMs,
    ackIntervalMs: options.ackIntervalMs ?? ReplicationClientDefaults.ackIntervalMs,
    readTimeoutMs: options.readTimeoutMs ?? ReplicationClientDefaults.readTimeoutMs,
  };
  checkInteger('listeningPort', compiled.listeningPort, 0, 65_535);
  checkInteger('connectTimeoutMs', compiled.connectTimeoutMs, 1);
  checkInteger('ackIntervalMs', compiled.ackIntervalMs, 1);
  checkInteger('readTimeoutMs', compiled.readTimeoutMs, 1);
  if (compiled.username !== undefined && compiled.password === undefined) {
    throw new InvalidArgumentError('username needs a password: AUTH takes both');
  }
  const position = compiled.position;
  if (position) {
    if (!REPLID.test(position.replid)) {
      throw new InvalidArgumentError(
        `position.replid must be 40 hexadecimal characters (got ${JSON.stringify(position.replid)})`,
      );
    }
    checkInteger('position.offset', position.offset, 0);
    checkInteger('position.db', position.db, 0);
  }
  return compiled;
}

/** Server errors that say "not now" rather than "never": the caller retries with backoff. */
const TRANSIENT_REPLIES = ['LOADING', 'BUSY', 'MASTERDOWN', 'NOMASTERLINK', 'TRYAGAIN', 'CLUSTERDOWN'];

/** The parts of `INFO replication` the first start needs. */
interface ReplicationInfo {
  role: string;
  replid: string;
  offset: number;
  backlogActive: boolean;
}

function parseReplicationInfo(text: string): ReplicationInfo {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  const offset = Number(fields.get('master_repl_offset'));
  const replid = fields.get('master_replid') ?? '';
  if (!REPLID.test(replid) || !Number.isSafeInteger(offset)) {
    throw new FerryError('FAILED_PRECONDITION', 'INFO replication of the source lacks master_replid/offset');
  }
  return {
    role: fields.get('role') ?? '',
    replid,
    offset,
    backlogActive: fields.get('repl_backlog_active') === '1',
  };
}

/** Case-insensitive comparison of a command argument with a lower-case ASCII word. */
function argIs(arg: Buffer | undefined, word: string): boolean {
  if (arg?.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    // ASCII lower-casing; exact for the letters-only words compared here.
    if (((arg[i] ?? 0) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** The most commands one merged `commands` event carries (see #takeQueued). */
const MAX_MERGED_COMMANDS = 20_000;

/**
 * Stream bytes whose events wait for a consumer that does not keep up: beyond this the socket is paused, so
 * that TCP pushes back and the master buffers (up to its client-output-buffer-limit for replicas).
 */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/**
 * One replication link. `start()` connects and yields events until `close()`, the abort signal, or an error
 * (UnavailableError for a lost link, AuthError, FerryError FAILED_PRECONDITION for a refused PSYNC). A client
 * runs one link: to reconnect, create a new client with the last durable position.
 */
export class ReplicationClient {
  readonly options: CompiledReplicationClientOptions;
  readonly #where: string;
  #socket: Socket | undefined;
  #started = false;
  #closed = false;
  #failure: Error | undefined;
  #queue: { event: ReplicationEvent; bytes: number }[] = [];
  #queuedBytes = 0;
  #wake: (() => void) | undefined;
  #paused = false;

  // Handshake
  #replyBuffer: Buffer = Buffer.alloc(0);
  #replyWaiters: { resolve: (value: RespValue) => void; reject: (error: Error) => void }[] = [];
  #connectWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #step = 'connect';
  #preamble: SyncPreambleParser | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  #requested: ReplicationPosition | undefined;

  // Stream
  #parser: ReplicationStreamParser | undefined;
  #replid: string | undefined;
  #db = 0;
  /** Offset just after the MULTI of the open transaction, and its commands so far. */
  #transaction: { id: number; startOffset: number; commands: ReplicatedCommand[] } | undefined;
  #acknowledged = 0;
  /** Offset of the newest command reported (or held in an open transaction). */
  #lastCommandOffset = 0;
  /** The master asked with GETACK while not everything up to this offset was acknowledged. */
  #ackRequestedUntil: number | undefined;
  /** Offset just after the command being handled (after the last complete one between reads). */
  #readOffset = 0;
  #lastReadAt = 0;
  #tickTimer: NodeJS.Timeout | undefined;
  #ackSoonTimer: NodeJS.Timeout | undefined;

  constructor(options: ReplicationClientOptions) {
    this.options = compileReplicationClientOptions(options);
    this.#where = `${this.options.host}:${this.options.port}`;
  }

  /** The replication id positions currently belong to; undefined before the answer to PSYNC. */
  get replid(): string | undefined {
    return this.#replid;
  }

  /** Offset just after the last complete command read from the stream (durable or not). */
  get processedOffset(): number {
    return this.#readOffset;
  }

  /** The newest offset declared durable with `acknowledge()`. */
  get acknowledgedOffset(): number {
    return this.#acknowledged;
  }

  /**
   * Declares every event up to `offset` durable: the next REPLCONF ACK carries it (at once when the master
   * is waiting for it with GETACK). Older offsets are ignored.
   */
  acknowledge(offset: number): void {
    checkInteger('acknowledged offset', offset, 0);
    if (offset > this.processedOffset) {
      throw new InvalidArgumentError(
        `cannot acknowledge offset ${offset}: the stream was read only up to ${this.processedOffset}`,
      );
    }
    if (offset <= this.#acknowledged) return;
    this.#acknowledged = offset;
    if (this.#ackRequestedUntil !== undefined) {
      this.#sendAck();
      if (this.#ackOffset() >= this.#ackRequestedUntil) this.#ackRequestedUntil = undefined;
    }
  }

  /** Ends the link; the iterator of `start()` then ends without an error. Safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#teardown(new FerryError('FAILED_PRECONDITION', 'the replication client was closed'));
  }

  /**
   * Connects, performs the handshake and yields the stream's events. Ends normally on `close()` or when
   * `signal` aborts; throws when the link fails. Events read before a failure are yielded first.
   */
  async *start(signal?: AbortSignal): AsyncGenerator<ReplicationEvent, void, undefined> {
    if (this.#started) {
      throw new FerryError('FAILED_PRECONDITION', 'a ReplicationClient runs one link; create a new one');
    }
    this.#started = true;
    if (signal?.aborted) return;
    const onAbort = (): void => this.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.#handshake().catch((error: unknown) => this.#fail(error));
      for (;;) {
        const queued = this.#takeQueued();
        if (queued) {
          this.#queuedBytes -= queued.bytes;
          if (this.#paused && this.#queuedBytes < MAX_QUEUED_BYTES / 2) {
            this.#paused = false;
            this.#socket?.resume();
          }
          yield queued.event;
          continue;
        }
        if (this.#failure) throw this.#failure;
        if (this.#closed) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.close();
    }
  }

  // ---- handshake --------------------------------------------------------------------------------------

  async #handshake(): Promise<void> {
    const { password, username, position } = this.options;
    this.#connectTimer = setTimeout(() => {
      this.#fail(
        new UnavailableError(
          `timed out after ${this.options.connectTimeoutMs} ms connecting to the source Redis at ${this.#where} ` +
            `(during ${this.#step})`,
          { context: { host: this.options.host, port: this.options.port } },
        ),
      );
    }, this.options.connectTimeoutMs);
    await this.#connect();
    if (password !== undefined) {
      await this.#command('AUTH', username === undefined ? [password] : [username, password]);
    }
    await this.#command('PING', []);

    let psync: [string, string];
    if (position) {
      psync = [position.replid, String(position.offset + 1)];
      this.#requested = position;
    } else {
      const info = await this.#readInfoWithMarker();
      if (info.role !== 'master') {
        throw new FerryError(
          'FAILED_PRECONDITION',
          `the source Redis at ${this.#where} is a ${info.role || 'non-master'}: a first start needs the master ` +
            '(a replica does not propagate the start marker, so the database at the start would be unknown)',
        );
      }
      if (info.backlogActive) {
        psync = [info.replid, String(info.offset + 1)];
        this.#requested = { replid: info.replid, offset: info.offset, db: 0 };
      } else {
        // Without a backlog no offset can be continued: take the full resync (the RDB is skipped).
        psync = ['?', '-1'];
      }
    }
    await this.#command('REPLCONF', ['listening-port', String(this.options.listeningPort)]);
    await this.#command('REPLCONF', ['capa', 'eof', 'capa', 'psync2']);
    this.#step = 'PSYNC';
    this.#preamble = new SyncPreambleParser();
    this.#write(['PSYNC', ...psync]);
    this.options.logger?.debug({ host: this.options.host, port: this.options.port, psync }, 'PSYNC sent');
  }

  /**
   * INFO replication and the start marker in one transaction, so that the stream at master_repl_offset + 1
   * begins with the marker, sent from database 0 (see the file comment). INFO runs first: the offset it
   * reports excludes the marker whether the master propagates at once or after EXEC.
   */
  async #readInfoWithMarker(): Promise<ReplicationInfo> {
    await this.#command('MULTI', []);
    await this.#command('INFO', ['replication']);
    await this.#command('PUBLISH', [CAPTURE_START_CHANNEL, randomBytes(8).toString('hex')]);
    const results = await this.#command('EXEC', []);
    const info = Array.isArray(results) ? results[0] : undefined;
    if (!Buffer.isBuffer(info)) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        `unexpected answer to INFO replication from ${this.#where}`,
      );
    }
    return parseReplicationInfo(info.toString('utf8'));
  }

  #connect(): Promise<void> {
    const { host, port, tls } = this.options;
    return new Promise<void>((resolve, reject) => {
      this.#connectWaiter = { resolve, reject };
      const socket = tls
        ? tlsConnect({
            host,
            port,
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            rejectUnauthorized: tls.rejectUnauthorized,
            servername: tls.servername ?? (isIP(host) === 0 ? host : undefined),
          })
        : netConnect({ host, port });
      this.#socket = socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        this.#connectWaiter = undefined;
        this.#step = 'handshake';
        resolve();
      });
      socket.on('data', (chunk: Buffer) => this.#onData(chunk));
      socket.on('error', (error: Error) => this.#fail(this.#linkError(error)));
      socket.on('close', () => {
        const where = this.#parser ? ` at offset ${this.#parser.offset}` : ` during ${this.#step}`;
        this.#fail(
          new UnavailableError(`the source Redis at ${this.#where} closed the replication link${where}`, {
            context: { host, port },
          }),
        );
      });
    });
  }

  async #command(name: string, args: string[]): Promise<RespValue> {
    this.#step = name === 'REPLCONF' ? `REPLCONF ${args[0] ?? ''}` : name;
    const reply = await new Promise<RespValue>((resolve, reject) => {
      this.#replyWaiters.push({ resolve, reject });
      this.#write([name, ...args]);
    });
    if (isRespError(reply)) throw this.#replyError(this.#step, reply.error);
    return reply;
  }

  #write(args: string[]): void {
    const socket = this.#socket;
    if (socket?.writable) socket.write(encodeCommand(args));
  }

  /** Maps an error answer from the master to one of our errors, once, here. */
  #replyError(step: string, message: string): FerryError {
    const code = message.split(' ', 1)[0] ?? '';
    const context = { host: this.options.host, port: this.options.port, step };
    const user = this.options.username === undefined ? 'the default user' : `user "${this.options.username}"`;
    if (code === 'NOAUTH') {
      return new AuthError(
        'UNAUTHENTICATED',
        `the source Redis at ${this.#where} requires authentication: set the source's password ` +
          '(and username for an ACL user)',
      );
    }
    if (step === 'AUTH' || code === 'WRONGPASS') {
      // The server's message never echoes the password (it says "<password>" literally when it names it).
      return new AuthError(
        'UNAUTHENTICATED',
        `the source Redis at ${this.#where} rejected AUTH for ${user}: check the source's username and ` +
          `password (server said: ${message})`,
      );
    }
    if (code === 'NOPERM') {
      return new AuthError(
        'PERMISSION_DENIED',
        `${user} may not run ${step} on the source Redis at ${this.#where} (${message}); capture needs ` +
          `PING, INFO, MULTI, EXEC, PUBLISH to ${CAPTURE_START_CHANNEL}, REPLCONF and PSYNC`,
      );
    }
    if (TRANSIENT_REPLIES.includes(code)) {
      return new UnavailableError(
        `the source Redis at ${this.#where} cannot serve replication now (${step}): ${message}`,
        { context },
      );
    }
    return new FerryError(
      'FAILED_PRECONDITION',
      `the source Redis at ${this.#where} refused ${step}: ${message}`,
      {
        context,
      },
    );
  }

  #linkError(error: Error & { code?: string }): UnavailableError {
    const action = this.#parser ? `the replication link to` : `could not connect to`;
    return new UnavailableError(`${action} the source Redis at ${this.#where}: ${error.message}`, {
      cause: error,
      context: { host: this.options.host, port: this.options.port, errorCode: error.code },
    });
  }

  // ---- reading ----------------------------------------------------------------------------------------

  #onData(chunk: Buffer): void {
    this.#lastReadAt = Date.now();
    try {
      if (this.#parser) this.#onStream(chunk);
      else if (this.#preamble) this.#onPreamble(chunk);
      else this.#onReplies(chunk);
    } catch (error) {
      this.#fail(error);
    }
  }

  #onReplies(chunk: Buffer): void {
    this.#replyBuffer = this.#replyBuffer.length > 0 ? Buffer.concat([this.#replyBuffer, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const parsed = parseReply(this.#replyBuffer, pos);
      if (!parsed) break;
      pos = parsed.next;
      const waiter = this.#replyWaiters.shift();
      if (!waiter)
        throw new FerryError('INTERNAL', `unexpected data from ${this.#where} during the handshake`);
      waiter.resolve(parsed.value);
    }
    this.#replyBuffer = Buffer.from(this.#replyBuffer.subarray(pos));
  }

  #onPreamble(chunk: Buffer): void {
    const preamble = this.#preamble;
    if (!preamble) return;
    if (!this.#tickTimer) {
      // The master answers PSYNC, or sends keepalive newlines while an RDB save waits for its turn (which can
      // take long): either way it is alive, and from here the read timeout watches the link.
      clearTimeout(this.#connectTimer);
      this.#startTicks();
    }
    const hadReply = preamble.reply !== undefined;
    const rest = preamble.push(chunk);
    const reply = preamble.reply;
    if (!hadReply && reply) {
      if (reply.kind === 'fullresync') {
        this.#step = 'RDB transfer';
        this.options.logger?.info(
          { host: this.options.host, port: this.options.port, replid: reply.replid, offset: reply.offset },
          'full resync: skipping the RDB payload',
        );
      }
    }
    if (rest === undefined || !reply) return;
    if (reply.kind === 'error') throw this.#replyError('PSYNC', reply.message);
    if (preamble.rdbError !== undefined) {
      throw new UnavailableError(
        `the source Redis at ${this.#where} aborted the full resync: ${preamble.rdbError}`,
        { context: { host: this.options.host, port: this.options.port } },
      );
    }
    this.#preamble = undefined;
    if (reply.kind === 'fullresync') {
      this.#beginStream(reply.replid, reply.offset, 0);
      // After a diskless transfer the master starts the stream only on an ACK that arrives once it has seen
      // its save child exit (checked about every 100 ms): an ACK sent at once may come too early, so a few
      // more follow quickly instead of leaving the stream stalled until the next periodic ACK.
      this.#sendAck();
      if (preamble.rdbLength === undefined) this.#ackSoon([50, 50, 100, 200, 400]);
      this.#enqueue({
        kind: 'sync',
        mode: 'fullresync',
        replid: reply.replid,
        offset: reply.offset,
        db: 0,
        rdbBytes: preamble.rdbBytes,
      });
    } else {
      const requested = this.#requested;
      if (!requested) throw new FerryError('INTERNAL', 'the master continued a PSYNC ? -1');
      const replid = reply.replid ?? requested.replid;
      this.#beginStream(replid, requested.offset, requested.db);
      this.#enqueue({ kind: 'sync', mode: 'continue', replid, offset: requested.offset, db: requested.db });
      if (replid.toLowerCase() !== requested.replid.toLowerCase()) {
        this.#enqueue({
          kind: 'replid-changed',
          replid,
          previousReplid: requested.replid,
          offset: requested.offset,
        });
      }
    }
    this.options.logger?.info(
      {
        host: this.options.host,
        port: this.options.port,
        mode: reply.kind,
        replid: this.#replid,
        offset: this.#acknowledged,
        rdbBytes: reply.kind === 'fullresync' ? preamble.rdbBytes : undefined,
      },
      'replication link established',
    );
    if (rest.length > 0) this.#onStream(rest);
  }

  #beginStream(replid: string, offset: number, db: number): void {
    this.#replid = replid;
    this.#db = db;
    this.#acknowledged = offset;
    this.#lastCommandOffset = offset;
    this.#readOffset = offset;
    this.#step = 'stream';
    this.#parser = new ReplicationStreamParser(offset);
  }

  #onStream(chunk: Buffer): void {
    const parser = this.#parser;
    if (!parser) return;
    const frames = parser.push(chunk);
    const batch: ReplicatedCommand[] = [];
    for (const frame of frames) {
      this.#readOffset = frame.offset;
      this.#onCommand(frame, batch);
    }
    this.#readOffset = parser.offset;
    if (batch.length > 0) this.#enqueue({ kind: 'commands', commands: batch }, chunk.length);
  }

  /** Handles one command of the stream: reported commands go to `batch`, a transaction's once it ends. */
  #onCommand(frame: StreamCommand, batch: ReplicatedCommand[]): void {
    const { argv, offset } = frame;
    const name = argv[0];
    if (argIs(name, 'select')) {
      const db = Number(argv[1]?.toString('latin1'));
      if (!Number.isSafeInteger(db) || db < 0) {
        throw new FerryError('INTERNAL', `invalid SELECT in the replication stream at offset ${offset}`);
      }
      this.#db = db;
      return;
    }
    if (argIs(name, 'ping')) return;
    if (argIs(name, 'replconf')) {
      if (argIs(argv[1], 'getack')) {
        this.#sendAck();
        if (this.#ackOffset() < offset) this.#ackRequestedUntil = offset;
      }
      return;
    }
    if (argIs(name, 'multi')) {
      if (this.#transaction) {
        throw new FerryError('INTERNAL', `nested MULTI in the replication stream at offset ${offset}`);
      }
      this.#transaction = { id: offset, startOffset: frame.start, commands: [] };
      return;
    }
    if (argIs(name, 'exec')) {
      const transaction = this.#transaction;
      // EXEC without MULTI: the stream was resumed inside a transaction whose head was already durable.
      if (!transaction) return;
      this.#transaction = undefined;
      const last = transaction.commands[transaction.commands.length - 1];
      if (!last) return;
      last.offset = offset;
      this.#lastCommandOffset = offset;
      // A loop, not push(...): a script's transaction can hold more commands than a call has arguments.
      for (const command of transaction.commands) batch.push(command);
      return;
    }
    if (argIs(name, 'publish') && argv[1]?.equals(CAPTURE_START_CHANNEL_BYTES)) return;
    const command: ReplicatedCommand = { db: this.#db, argv, offset };
    this.#lastCommandOffset = offset;
    if (this.#transaction) {
      command.transaction = this.#transaction.id;
      this.#transaction.commands.push(command);
    } else {
      batch.push(command);
    }
  }

  /** Whether the socket is paused because the consumer is more than MAX_QUEUED_BYTES behind. */
  get backPressured(): boolean {
    return this.#paused;
  }

  /**
   * The next event to yield. Consecutive `commands` events waiting in the queue (the consumer fell behind the
   * socket) are merged into one, up to MAX_MERGED_COMMANDS, so that a consumer that is behind catches up
   * with fewer, larger round trips instead of one per socket read. Order is kept.
   */
  #takeQueued(): { event: ReplicationEvent; bytes: number } | undefined {
    const first = this.#queue.shift();
    if (first?.event.kind !== 'commands' || this.#queue[0]?.event.kind !== 'commands') return first;
    const commands = [...first.event.commands];
    let bytes = first.bytes;
    while (commands.length < MAX_MERGED_COMMANDS) {
      const next = this.#queue[0];
      if (next?.event.kind !== 'commands') break;
      this.#queue.shift();
      for (const command of next.event.commands) commands.push(command);
      bytes += next.bytes;
    }
    return { event: { kind: 'commands', commands }, bytes };
  }

  #enqueue(event: ReplicationEvent, bytes = 0): void {
    this.#queue.push({ event, bytes });
    this.#queuedBytes += bytes;
    if (!this.#paused && this.#queuedBytes >= MAX_QUEUED_BYTES) {
      this.#paused = true;
      this.#socket?.pause();
    }
    this.#wake?.();
  }

  // ---- acknowledgement --------------------------------------------------------------------------------

  /**
   * The offset to ACK: the acknowledged one, extended over what follows the newest command when every
   * command is acknowledged (PINGs, SELECTs, REPLCONFs need no durability), but never into an open
   * transaction.
   */
  #ackOffset(): number {
    const parser = this.#parser;
    if (!parser || this.#acknowledged < this.#lastCommandOffset) return this.#acknowledged;
    const quiet = this.#transaction ? this.#transaction.startOffset : this.#readOffset;
    return Math.max(this.#acknowledged, quiet);
  }

  #sendAck(): void {
    if (!this.#parser) return;
    const offset = this.#ackOffset();
    this.#write(['REPLCONF', 'ACK', String(offset)]);
  }

  /** Sends an ACK after each of `delays` (ms, each relative to the previous one). */
  #ackSoon(delays: number[]): void {
    const [delay, ...later] = delays;
    if (delay === undefined) return;
    this.#ackSoonTimer = setTimeout(() => {
      this.#sendAck();
      this.#ackSoon(later);
    }, delay);
    this.#ackSoonTimer.unref();
  }

  #startTicks(): void {
    this.#lastReadAt = Date.now();
    this.#tickTimer = setInterval(() => {
      if (Date.now() - this.#lastReadAt > this.options.readTimeoutMs) {
        this.#fail(
          new UnavailableError(
            `no data from the source Redis at ${this.#where} for ${this.options.readTimeoutMs} ms ` +
              `(during ${this.#step})`,
            { context: { host: this.options.host, port: this.options.port } },
          ),
        );
        return;
      }
      this.#sendAck();
    }, this.options.ackIntervalMs);
    this.#tickTimer.unref();
  }

  // ---- ending -----------------------------------------------------------------------------------------

  #fail(error: unknown): void {
    if (this.#closed || this.#failure) return;
    this.#failure =
      error instanceof Error
        ? error
        : new FerryError('INTERNAL', `replication client failed: ${String(error)}`);
    this.options.logger?.warn(
      { host: this.options.host, port: this.options.port, err: this.#failure, offset: this.#parser?.offset },
      'replication link failed',
    );
    this.#teardown(this.#failure);
  }

  #teardown(error: Error): void {
    clearTimeout(this.#connectTimer);
    clearInterval(this.#tickTimer);
    clearTimeout(this.#ackSoonTimer);
    const socket = this.#socket;
    if (socket && !socket.destroyed) socket.destroy();
    this.#connectWaiter?.reject(error);
    this.#connectWaiter = undefined;
    for (const waiter of this.#replyWaiters.splice(0)) waiter.reject(error);
    this.#wake?.();
  }
}

const CAPTURE_START_CHANNEL_BYTES = Buffer.from(CAPTURE_START_CHANNEL);
