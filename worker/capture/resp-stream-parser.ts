/**
 * The bytes a Redis master sends to a replica, parsed incrementally: every parser here takes socket chunks as
 * they come, split anywhere, and never needs a whole payload in memory.
 *
 * - `parseReply`: one RESP2 reply to a handshake command (AUTH, PING, INFO, EXEC...). Handshake replies are
 *   small, so it parses from a buffer and answers `undefined` until the reply is complete.
 * - `SyncPreambleParser`: what follows `PSYNC`: the `+CONTINUE` / `+FULLRESYNC` line, then for a full resync
 *   the RDB payload, which it skips while counting (`$<length>\r\n<bytes>` from a disk-based save, or
 *   `$EOF:<40-byte mark>\r\n<bytes><mark>` from a diskless one). Lone newlines the master sends as keepalives
 *   before its answer and before the payload are not part of the replication offset and are dropped.
 * - `ReplicationStreamParser`: the command stream, RESP arrays of bulk strings, with the replication offset
 *   just after each command. Every byte of the stream counts in the offset, as it does on a real replica.
 */
import { FerryError } from '../../common/errors.js';

const CR = 13;
const LF = 10;

/** Header lines (`*3`, `$5`, `+FULLRESYNC <40 hex> <offset>`) are short; a longer one is not RESP. */
const MAX_LINE_BYTES = 4096;

/** Length of the random end mark of a diskless RDB transfer (RDB_EOF_MARK_SIZE in the Redis source). */
export const RDB_EOF_MARK_BYTES = 40;

/** The bytes from the master do not follow the replication protocol; the link cannot continue. */
export class ReplicationProtocolError extends FerryError {
  override readonly name = 'ReplicationProtocolError';
  constructor(message: string, offset?: number) {
    super('INTERNAL', offset === undefined ? message : `${message} (at replication offset ${offset})`, {
      context: { offset },
    });
  }
}

/** An error reply (`-ERR ...`) to a handshake command. */
export interface RespError {
  error: string;
}

/** A RESP2 reply: simple string, error, integer, bulk string (null when absent) or array. */
export type RespValue = string | number | Buffer | null | RespError | RespValue[];

export function isRespError(value: RespValue): value is RespError {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value);
}

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses a non-negative or -1 decimal as sent in RESP headers; `undefined` when it is not one. */
function parseDecimal(bytes: Buffer, start: number, end: number): number | undefined {
  if (end <= start || end - start > 20) return undefined;
  let negative = false;
  let index = start;
  if (bytes[index] === 45 /* - */) {
    negative = true;
    index++;
    if (index === end) return undefined;
  }
  let value = 0;
  for (; index < end; index++) {
    const digit = (bytes[index] ?? 0) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (!Number.isSafeInteger(value)) return undefined;
  return negative ? -value : value;
}

/** The end of the line starting at `start` (index of its `\r`, or of a bare `\n`), or -1 when incomplete. */
function lineEnd(buffer: Buffer, start: number): { end: number; next: number } | undefined {
  const lf = buffer.indexOf(LF, start);
  if (lf === -1) {
    if (buffer.length - start > MAX_LINE_BYTES)
      throw new ReplicationProtocolError('a reply line is too long');
    return undefined;
  }
  return { end: lf > start && buffer[lf - 1] === CR ? lf - 1 : lf, next: lf + 1 };
}

/**
 * Parses one RESP2 reply from `buffer` at `start`. Answers the value and the index after it, or `undefined`
 * when the buffer does not hold the whole reply yet.
 */
export function parseReply(buffer: Buffer, start = 0): { value: RespValue; next: number } | undefined {
  const line = lineEnd(buffer, start);
  if (!line) return undefined;
  const type = buffer[start];
  const text = () => buffer.toString('latin1', start + 1, line.end);
  switch (type) {
    case 43 /* + */:
      return { value: text(), next: line.next };
    case 45 /* - */:
      return { value: { error: buffer.toString('utf8', start + 1, line.end) }, next: line.next };
    case 58 /* : */: {
      const value = parseDecimal(buffer, start + 1, line.end);
      if (value === undefined) throw new ReplicationProtocolError(`invalid integer reply ${text()}`);
      return { value, next: line.next };
    }
    case 36 /* $ */: {
      const length = parseDecimal(buffer, start + 1, line.end);
      if (length === undefined) throw new ReplicationProtocolError(`invalid bulk length ${text()}`);
      if (length < 0) return { value: null, next: line.next };
      if (buffer.length < line.next + length + 2) return undefined;
      return { value: buffer.subarray(line.next, line.next + length), next: line.next + length + 2 };
    }
    case 42 /* * */: {
      const count = parseDecimal(buffer, start + 1, line.end);
      if (count === undefined) throw new ReplicationProtocolError(`invalid array length ${text()}`);
      if (count < 0) return { value: null, next: line.next };
      const items: RespValue[] = [];
      let next = line.next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new ReplicationProtocolError(`unexpected reply type byte ${type ?? 'none'}`);
  }
}

/** The master's answer to PSYNC. */
export type PsyncReply =
  /** Partial resynchronization: the stream continues at the requested offset. `replid` comes with PSYNC2. */
  | { kind: 'continue'; replid: string | undefined }
  /** Full resynchronization: an RDB payload follows, then the stream from `offset`. */
  | { kind: 'fullresync'; replid: string; offset: number }
  /** An error line, to PSYNC or instead of the RDB payload (`-ERR`, `-LOADING`, `-NOMASTERLINK`...). */
  | { kind: 'error'; message: string };

const FULLRESYNC = /^\+FULLRESYNC ([0-9a-zA-Z]+) (\d+)$/;
const CONTINUE = /^\+CONTINUE(?: ([0-9a-zA-Z]+))?$/;

/**
 * Reads what follows PSYNC up to the first byte of the command stream. Feed it chunks with `push` until it
 * answers the remaining bytes (the start of the stream, possibly empty). `reply` is set as soon as the
 * answer line is read, before a long RDB transfer; an error line ends the preamble.
 */
export class SyncPreambleParser {
  /** The answer to PSYNC, once read. */
  reply: PsyncReply | undefined;
  /** An error line the master sent instead of the RDB payload (a failed save on its side). */
  rdbError: string | undefined;
  /** RDB payload bytes skipped so far (without the diskless end mark). */
  rdbBytes = 0;
  /** The payload's announced length (disk-based transfer); undefined for a diskless transfer. */
  rdbLength: number | undefined;

  #stage: 'reply' | 'rdb-header' | 'rdb-sized' | 'rdb-eof' | 'done' = 'reply';
  #line: Buffer[] = [];
  #lineBytes = 0;
  #remaining = 0;
  #mark: Buffer = Buffer.alloc(0);
  /** The last RDB_EOF_MARK_BYTES - 1 bytes received: the mark may straddle two chunks. */
  #tail: Buffer = Buffer.alloc(0);

  get done(): boolean {
    return this.#stage === 'done';
  }

  /** Consumes a chunk; answers the bytes after the preamble once it is complete, else `undefined`. */
  push(chunk: Buffer): Buffer | undefined {
    let pos = 0;
    while (pos < chunk.length || this.#stage === 'done') {
      switch (this.#stage) {
        case 'done':
          return chunk.subarray(pos);
        case 'reply':
        case 'rdb-header': {
          const line = this.#readLine(chunk, pos);
          if (!line) return undefined;
          pos = line.next;
          // A bare newline is the master's keepalive while it prepares the answer or the payload.
          if (line.text.length > 0) this.#onLine(line.text);
          break;
        }
        case 'rdb-sized': {
          const take = Math.min(this.#remaining, chunk.length - pos);
          this.#remaining -= take;
          this.rdbBytes += take;
          pos += take;
          if (this.#remaining === 0) this.#stage = 'done';
          break;
        }
        case 'rdb-eof': {
          const end = this.#findMark(chunk.subarray(pos));
          if (end === -1) {
            this.rdbBytes += chunk.length - pos;
            this.#keepTail(chunk.subarray(pos));
            return undefined;
          }
          this.rdbBytes += end - RDB_EOF_MARK_BYTES;
          pos += end;
          this.#stage = 'done';
          break;
        }
      }
    }
    return undefined;
  }

  #readLine(chunk: Buffer, pos: number): { text: string; next: number } | undefined {
    const lf = chunk.indexOf(LF, pos);
    if (lf === -1) {
      this.#line.push(chunk.subarray(pos));
      this.#lineBytes += chunk.length - pos;
      if (this.#lineBytes > MAX_LINE_BYTES)
        throw new ReplicationProtocolError('the answer to PSYNC is too long');
      return undefined;
    }
    let bytes = chunk.subarray(pos, lf);
    if (this.#line.length > 0) {
      bytes = Buffer.concat([...this.#line, bytes]);
      this.#line = [];
      this.#lineBytes = 0;
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return { text: bytes.toString('latin1'), next: lf + 1 };
  }

  #onLine(text: string): void {
    if (this.#stage === 'reply') {
      if (text.startsWith('-')) {
        this.reply = { kind: 'error', message: text.slice(1) };
        this.#stage = 'done';
        return;
      }
      const full = FULLRESYNC.exec(text);
      if (full) {
        this.reply = { kind: 'fullresync', replid: full[1] ?? '', offset: Number(full[2]) };
        this.#stage = 'rdb-header';
        return;
      }
      const partial = CONTINUE.exec(text);
      if (partial) {
        this.reply = { kind: 'continue', replid: partial[1] };
        this.#stage = 'done';
        return;
      }
      throw new ReplicationProtocolError(`unexpected answer to PSYNC: ${JSON.stringify(text.slice(0, 80))}`);
    }
    // rdb-header
    if (text.startsWith('-')) {
      this.rdbError = text.slice(1);
      this.#stage = 'done';
      return;
    }
    if (text.startsWith('$EOF:')) {
      const mark = text.slice(5);
      if (mark.length !== RDB_EOF_MARK_BYTES) {
        throw new ReplicationProtocolError(`the diskless RDB end mark has ${mark.length} bytes, not 40`);
      }
      this.#mark = Buffer.from(mark, 'latin1');
      this.#stage = 'rdb-eof';
      return;
    }
    const length = text.startsWith('$') ? Number(text.slice(1)) : Number.NaN;
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new ReplicationProtocolError(
        `unexpected RDB payload header: ${JSON.stringify(text.slice(0, 80))}`,
      );
    }
    this.rdbLength = length;
    this.#remaining = length;
    this.#stage = length === 0 ? 'done' : 'rdb-sized';
  }

  /** Index in `chunk` just after the end mark, or -1; the mark may begin in the previous chunk. */
  #findMark(chunk: Buffer): number {
    if (this.#tail.length > 0) {
      const window = Buffer.concat([this.#tail, chunk.subarray(0, RDB_EOF_MARK_BYTES - 1)]);
      const at = window.indexOf(this.#mark);
      if (at !== -1) return at + RDB_EOF_MARK_BYTES - this.#tail.length;
    }
    const at = chunk.indexOf(this.#mark);
    return at === -1 ? -1 : at + RDB_EOF_MARK_BYTES;
  }

  #keepTail(chunk: Buffer): void {
    const keep = RDB_EOF_MARK_BYTES - 1;
    // Copy: a view would keep the whole socket chunk alive until the next one.
    this.#tail =
      chunk.length >= keep
        ? Buffer.from(chunk.subarray(chunk.length - keep))
        : Buffer.from(Buffer.concat([this.#tail, chunk]).subarray(-keep));
  }
}

/** One command of the replication stream. */
export interface StreamCommand {
  /** The arguments; argv[0] is the command name as sent. Views into the socket chunk where possible. */
  argv: Buffer[];
  /** The replication offset of the byte before the command (where it starts, in `offset` terms). */
  start: number;
  /** The replication offset just after the command. */
  offset: number;
}

/**
 * Parses the command stream incrementally. Construct it with the replication offset of the byte before the
 * stream (the FULLRESYNC offset, or the offset a partial resync continues from); `offset` then always is the
 * offset just after the last complete command, which is what a replica acknowledges and resumes from.
 *
 * Arguments are zero-copy views into the pushed chunk when a bulk string lies within one chunk, so a consumer
 * that keeps one for long should copy it (a view pins the whole chunk).
 */
export class ReplicationStreamParser {
  #offset: number;
  #stage: 'array' | 'bulk-header' | 'bulk-body' = 'array';
  /** Bytes of the current, incomplete command consumed so far. */
  #pendingBytes = 0;
  #line: Buffer[] = [];
  #lineBytes = 0;
  #argc = 0;
  #argv: Buffer[] = [];
  /** Bytes of the current bulk string still expected, its trailing CRLF included. */
  #bulkRemaining = 0;
  #bulkLength = 0;
  #bulkParts: Buffer[] = [];

  constructor(startOffset: number) {
    this.#offset = startOffset;
  }

  /** The replication offset just after the last complete command. */
  get offset(): number {
    return this.#offset;
  }

  /** True while a command is partly received. */
  get midCommand(): boolean {
    return this.#pendingBytes > 0;
  }

  /** Consumes a chunk; answers the commands it completes, in stream order. */
  push(chunk: Buffer): StreamCommand[] {
    const commands: StreamCommand[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#stage === 'bulk-body') {
        pos = this.#readBulk(chunk, pos);
      } else {
        const lf = chunk.indexOf(LF, pos);
        if (lf === -1) {
          this.#line.push(chunk.subarray(pos));
          this.#lineBytes += chunk.length - pos;
          this.#pendingBytes += chunk.length - pos;
          if (this.#lineBytes > MAX_LINE_BYTES) {
            throw new ReplicationProtocolError('a header line of the stream is too long', this.#offset);
          }
          return commands;
        }
        this.#pendingBytes += lf + 1 - pos;
        if (this.#line.length > 0) {
          const line = Buffer.concat([...this.#line, chunk.subarray(pos, lf)]);
          this.#line = [];
          this.#lineBytes = 0;
          this.#onHeader(
            line,
            0,
            line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length,
          );
        } else {
          // The header is read in place: no view is made of it (two per argument would be most allocations).
          this.#onHeader(chunk, pos, lf > pos && chunk[lf - 1] === CR ? lf - 1 : lf);
        }
        pos = lf + 1;
      }
      if (this.#stage === 'array' && this.#pendingBytes > 0) {
        // A command (or a bare newline) is complete.
        const start = this.#offset;
        this.#offset += this.#pendingBytes;
        this.#pendingBytes = 0;
        if (this.#argv.length > 0) {
          commands.push({ argv: this.#argv, start, offset: this.#offset });
          this.#argv = [];
        }
      }
    }
    return commands;
  }

  /** A header line: `line[start, end)`, its CR excluded. */
  #onHeader(line: Buffer, start: number, end: number): void {
    if (this.#stage === 'array') {
      if (end === start) return; // a bare newline: counted, nothing to run
      if (line[start] !== 42 /* * */) {
        throw new ReplicationProtocolError(
          `expected a RESP array in the replication stream, got ${JSON.stringify(line.toString('latin1', start, Math.min(end, start + 40)))}`,
          this.#offset,
        );
      }
      const argc = parseDecimal(line, start + 1, end);
      if (argc === undefined) throw new ReplicationProtocolError('invalid array length', this.#offset);
      if (argc <= 0) return;
      this.#argc = argc;
      this.#stage = 'bulk-header';
      return;
    }
    // bulk-header
    const length = line[start] === 36 /* $ */ ? parseDecimal(line, start + 1, end) : undefined;
    if (length === undefined || length < 0) {
      throw new ReplicationProtocolError('expected a bulk string argument', this.#offset);
    }
    this.#bulkLength = length;
    this.#bulkRemaining = length + 2;
    this.#stage = 'bulk-body';
  }

  #readBulk(chunk: Buffer, pos: number): number {
    const available = chunk.length - pos;
    let argument: Buffer;
    if (this.#bulkParts.length === 0 && available >= this.#bulkRemaining) {
      // Within the chunk: one view of the value, its CRLF checked in place.
      const end = pos + this.#bulkLength;
      if (chunk[end] !== CR || chunk[end + 1] !== LF) {
        throw new ReplicationProtocolError('a bulk string is not terminated by CRLF', this.#offset);
      }
      this.#argv.push(chunk.subarray(pos, end));
      pos += this.#bulkRemaining;
      this.#pendingBytes += this.#bulkRemaining;
      this.#stage = this.#argv.length === this.#argc ? 'array' : 'bulk-header';
      return pos;
    } else {
      const take = Math.min(available, this.#bulkRemaining);
      this.#bulkParts.push(chunk.subarray(pos, pos + take));
      this.#bulkRemaining -= take;
      this.#pendingBytes += take;
      pos += take;
      if (this.#bulkRemaining > 0) return pos;
      argument = Buffer.concat(this.#bulkParts);
      this.#bulkParts = [];
    }
    if (argument[this.#bulkLength] !== CR || argument[this.#bulkLength + 1] !== LF) {
      throw new ReplicationProtocolError('a bulk string is not terminated by CRLF', this.#offset);
    }
    this.#argv.push(argument.subarray(0, this.#bulkLength));
    this.#stage = this.#argv.length === this.#argc ? 'array' : 'bulk-header';
    return pos;
  }
}
