/**
 * The incremental parsers of the replication link: the command stream, the PSYNC preamble with its RDB
 * payload (both forms) and handshake replies. Every sample is also fed split at every byte position and one
 * byte at a time: a TCP read can end anywhere.
 */
import t from 'tap';
import type { Test } from 'tap';
import {
  ReplicationProtocolError,
  ReplicationStreamParser,
  SyncPreambleParser,
  encodeCommand,
  parseReply,
} from '../../worker/capture/resp-stream-parser.js';
import type { StreamCommand } from '../../worker/capture/resp-stream-parser.js';

const START = 1000;

/** A stream as a master sends it: SELECT, writes, a transaction, PING, GETACK, binary and empty values. */
const commands: (string | Buffer)[][] = [
  ['SELECT', '3'],
  ['hset', 'emp:1', 'name', 'Ada', 'dept', 'R&D'],
  ['PING'],
  ['MULTI'],
  ['SET', 'k', Buffer.from('a\r\nb\r\n\0\xff', 'latin1')],
  ['INCR', 'counter'],
  ['EXEC'],
  ['SET', 'empty', ''],
  ['REPLCONF', 'GETACK', '*'],
  ['SET', 'big', 'x'.repeat(300)],
  ['DEL', 'emp:1'],
];
const encoded = commands.map((argv) => encodeCommand(argv));
const stream = Buffer.concat(encoded);
type Readable = { argv: string[]; start: number; offset: number };
const expected: Readable[] = [];
{
  let offset = START;
  for (const [index, argv] of commands.entries()) {
    const start = offset;
    offset += encoded[index]?.length ?? 0;
    expected.push({ argv: argv.map((arg) => Buffer.from(arg).toString('latin1')), start, offset });
  }
}

function readable(parsed: StreamCommand[]): Readable[] {
  return parsed.map(({ argv, start, offset }) => ({
    argv: argv.map((arg) => arg.toString('latin1')),
    start,
    offset,
  }));
}

function feed(parser: ReplicationStreamParser, chunks: Buffer[]): StreamCommand[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

t.test('the stream in one chunk: every command with the offsets before and after it', (t) => {
  const parser = new ReplicationStreamParser(START);
  t.same(readable(parser.push(stream)), expected);
  t.equal(parser.offset, START + stream.length);
  t.equal(parser.midCommand, false);
  t.end();
});

t.test('split at every byte position: the same commands and offsets', (t) => {
  const wrong: number[] = [];
  for (let at = 0; at <= stream.length; at++) {
    const parser = new ReplicationStreamParser(START);
    const parsed = feed(parser, [stream.subarray(0, at), stream.subarray(at)]);
    const same = JSON.stringify(readable(parsed)) === JSON.stringify(expected);
    if (!same || parser.offset !== START + stream.length) wrong.push(at);
  }
  t.same(wrong, [], `all ${stream.length + 1} splits parse alike`);
  t.end();
});

t.test('one byte at a time: offset only moves when a command is complete', (t) => {
  const parser = new ReplicationStreamParser(START);
  const parsed: StreamCommand[] = [];
  const ends = new Set(expected.map((command) => command.offset));
  for (let i = 0; i < stream.length; i++) {
    parsed.push(...parser.push(stream.subarray(i, i + 1)));
    const position = START + i + 1;
    if (ends.has(position)) t.equal(parser.offset, position);
    else if (parser.offset === position) t.fail(`offset ${position} is not the end of a command`);
  }
  t.same(readable(parsed), expected);
  t.end();
});

t.test('arguments within one chunk are views; split ones are copied whole', (t) => {
  const parser = new ReplicationStreamParser(0);
  const [whole] = parser.push(stream);
  t.equal(whole?.argv[1]?.buffer, stream.buffer, 'zero-copy view');
  const big = encodeCommand(['SET', 'big', 'y'.repeat(100_000)]);
  const split = new ReplicationStreamParser(0);
  const parsed = feed(split, [big.subarray(0, 20), big.subarray(20, 50_000), big.subarray(50_000)]);
  t.equal(parsed[0]?.argv[2]?.length, 100_000);
  t.equal(parsed[0]?.argv[2]?.toString(), 'y'.repeat(100_000));
  t.end();
});

t.test('bare newlines and empty arrays count in the offset but are no command', (t) => {
  const parser = new ReplicationStreamParser(0);
  const bytes = Buffer.concat([Buffer.from('\n*0\r\n\r\n'), encodeCommand(['PING'])]);
  const parsed = parser.push(bytes);
  t.same(readable(parsed), [{ argv: ['PING'], start: 7, offset: bytes.length }]);
  t.equal(parser.offset, bytes.length);
  t.end();
});

t.test('malformed stream data is a protocol error with the offset', (t) => {
  t.throws(() => new ReplicationStreamParser(5).push(Buffer.from('+OK\r\n')), ReplicationProtocolError);
  t.throws(() => new ReplicationStreamParser(5).push(Buffer.from('*1\r\n:1\r\n')), {
    message: /expected a bulk string argument \(at replication offset 5\)/,
  });
  t.throws(() => new ReplicationStreamParser(5).push(Buffer.from('*1\r\n$2\r\nabcd')), {
    message: /not terminated by CRLF/,
  });
  t.throws(() => new ReplicationStreamParser(0).push(Buffer.from('*'.repeat(5000))), {
    message: /too long/,
  });
  t.end();
});

// ---- PSYNC preamble -------------------------------------------------------------------------------------

const REPLID = 'a'.repeat(40);
const MARK = '0123456789abcdefghij0123456789abcdefghij';
const rdb = Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 7) % 256));
const tail = encodeCommand(['SET', 'after', 'rdb']);

/** Feeds `bytes` split as given; answers the parser and the stream bytes it handed back (joined). */
function preamble(chunks: Buffer[]): { parser: SyncPreambleParser; rest: Buffer | undefined } {
  const parser = new SyncPreambleParser();
  const rest: Buffer[] = [];
  let done = false;
  for (const chunk of chunks) {
    if (done) {
      rest.push(chunk);
      continue;
    }
    const after = parser.push(chunk);
    if (after !== undefined) {
      done = true;
      rest.push(after);
    }
  }
  return { parser, rest: done ? Buffer.concat(rest) : undefined };
}

function everySplit(
  t: Test,
  bytes: Buffer,
  check: (result: ReturnType<typeof preamble>, at: number) => boolean,
): void {
  let failures = 0;
  for (let at = 0; at <= bytes.length; at++) {
    if (!check(preamble([bytes.subarray(0, at), bytes.subarray(at)]), at)) failures++;
  }
  const bytewise = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  if (!check(preamble(bytewise), -1)) failures++;
  t.equal(failures, 0, `${bytes.length + 2} ways of splitting`);
}

t.test(
  'FULLRESYNC with a disk-based RDB ($length): keepalives skipped, payload counted, stream follows',
  (t) => {
    const bytes = Buffer.concat([
      Buffer.from(`\n\n+FULLRESYNC ${REPLID} 12345\r\n\n\n$${rdb.length}\r\n`),
      rdb,
      tail,
    ]);
    everySplit(t, bytes, ({ parser, rest }) => {
      return (
        parser.reply?.kind === 'fullresync' &&
        parser.reply.replid === REPLID &&
        parser.reply.offset === 12345 &&
        parser.rdbLength === rdb.length &&
        parser.rdbBytes === rdb.length &&
        rest?.equals(tail) === true
      );
    });
    t.end();
  },
);

t.test('FULLRESYNC with a diskless RDB ($EOF:mark): the mark is found across any chunk boundary', (t) => {
  // The payload holds a near-miss of the mark, so a partial match must not end the payload.
  const payload = Buffer.concat([rdb, Buffer.from(MARK.slice(0, 39) + 'X'), rdb]);
  const bytes = Buffer.concat([
    Buffer.from(`+FULLRESYNC ${REPLID} 7\r\n\n$EOF:${MARK}\r\n`),
    payload,
    Buffer.from(MARK),
    tail,
  ]);
  everySplit(t, bytes, ({ parser, rest }) => {
    return (
      parser.reply?.kind === 'fullresync' &&
      parser.rdbLength === undefined &&
      parser.rdbBytes === payload.length &&
      rest?.equals(tail) === true
    );
  });
  t.end();
});

t.test('CONTINUE with and without a replication id; the stream may follow in the same read', (t) => {
  everySplit(t, Buffer.concat([Buffer.from(`\n+CONTINUE ${REPLID}\r\n`), tail]), ({ parser, rest }) => {
    return parser.reply?.kind === 'continue' && parser.reply.replid === REPLID && rest?.equals(tail) === true;
  });
  const plain = preamble([Buffer.from('+CONTINUE\r\n')]);
  t.same(plain.parser.reply, { kind: 'continue', replid: undefined });
  t.equal(plain.rest?.length, 0);
  t.end();
});

t.test('an error line ends the preamble: to PSYNC, or instead of the payload', (t) => {
  const refused = preamble([Buffer.from("-NOMASTERLINK Can't SYNC while not connected with my master\r\n")]);
  t.same(refused.parser.reply, {
    kind: 'error',
    message: "NOMASTERLINK Can't SYNC while not connected with my master",
  });
  t.ok(refused.parser.done);
  const aborted = preamble([Buffer.from(`+FULLRESYNC ${REPLID} 1\r\n\n-ERR BGSAVE failed\r\n`)]);
  t.equal(aborted.parser.reply?.kind, 'fullresync');
  t.equal(aborted.parser.rdbError, 'ERR BGSAVE failed');
  t.end();
});

t.test('an unexpected answer or payload header is a protocol error', (t) => {
  t.throws(() => new SyncPreambleParser().push(Buffer.from('+OK\r\n')), {
    message: /unexpected answer to PSYNC/,
  });
  t.throws(() => new SyncPreambleParser().push(Buffer.from(`+FULLRESYNC ${REPLID} 1\r\n$EOF:short\r\n`)), {
    message: /end mark has 5 bytes/,
  });
  t.throws(() => new SyncPreambleParser().push(Buffer.from(`+FULLRESYNC ${REPLID} 1\r\n*1\r\n`)), {
    message: /unexpected RDB payload header/,
  });
  t.end();
});

t.test('an empty disk-based payload ($0) ends at once', (t) => {
  const { parser, rest } = preamble([
    Buffer.concat([Buffer.from(`+FULLRESYNC ${REPLID} 1\r\n$0\r\n`), tail]),
  ]);
  t.equal(parser.rdbBytes, 0);
  t.ok(rest?.equals(tail));
  t.end();
});

// ---- handshake replies ----------------------------------------------------------------------------------

t.test('handshake replies: every type, nested arrays, and undefined until complete', (t) => {
  const bytes = Buffer.from('*3\r\n$5\r\nhello\r\n:42\r\n*2\r\n+OK\r\n$-1\r\n-ERR no\r\n');
  const first = parseReply(bytes);
  t.same(first?.value, [Buffer.from('hello'), 42, ['OK', null]]);
  t.same(parseReply(bytes, first?.next)?.value, { error: 'ERR no' });
  for (let end = 0; end < (first?.next ?? 0); end++) {
    if (parseReply(bytes.subarray(0, end)) !== undefined) t.fail(`a reply from ${end} bytes`);
  }
  t.throws(() => parseReply(Buffer.from('?\r\n')), ReplicationProtocolError);
  t.end();
});
