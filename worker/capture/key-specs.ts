/**
 * Which keys a replicated write command touches, read from the source server's own `COMMAND INFO` (Redis 7
 * key specifications) rather than from a hand-written list, so that every command the server knows, module
 * commands such as JSON.SET included, is understood the way the server understands it.
 *
 * Key specs are interpreted exactly as the server does for `COMMAND GETKEYS` (Redis' getKeysUsingKeySpecs):
 * - begin_search `index`: the spec starts at argv[pos]; `keyword`: it starts after the first argument equal
 *   (ASCII case-insensitive) to the keyword, searched from `startfrom` forwards, or for a negative `startfrom`
 *   from argc + startfrom backwards; a keyword that is absent means the spec has no keys (an optional part).
 * - find_keys `range`: keys from the start to start + lastkey, every keystep; a negative lastkey counts from
 *   the end (-1 = the last argument), and with `limit` n > 1 only 1/n of the remaining arguments are scanned
 *   (XREAD STREAMS a b 0 0: half); `keynum`: argv[start + keynumidx] holds the number of keys, which begin at
 *   start + firstkey, every keystep (ZUNIONSTORE, LMPOP...).
 * - `not_key` specs (SPUBLISH's shard channel) are not keys and are left out, as GETKEYS does.
 * - Without any key spec (a reply from before Redis 7), the legacy first/last/step triple is used.
 * Keys come back in the server's order, duplicates included (MSET a 1 a 2 names `a` twice), so the result
 * can be compared with GETKEYS one to one.
 *
 * Where the server's specs cannot tell:
 * - `variable_flags` (SET, BITFIELD): the keys are exact; their flags are the spec's declared envelope (SET
 *   is RW even without GET), so `write` may say more than one invocation does, never less.
 * - A spec that may write and whose begin_search/find_keys is `unknown`, or that is flagged `incomplete`
 *   (SORT ... STORE, MIGRATE ... KEYS), defers, as the server does, to a key procedure: the server's own
 *   getkeys procedures for those commands (sortGetKeys, migrateGetKeys), reproduced below, used only when
 *   the spec itself says it cannot tell. A read-only spec of that kind (SORT's BY/GET patterns, whose keys
 *   come from the data) is skipped: it never changes a key, and GETKEYS skips it too.
 * - A write command with such a spec and no procedure (a module command that only has the getkeys API), or
 *   with `movablekeys` and no spec at all, throws IncompleteKeySpecError, never a silent partial answer;
 *   `commandsWithIncompleteKeys()` lists them up front so capture can report them at start.
 * - EVAL/EVALSHA/FCALL (and their _RO forms) never appear in the replication stream: Redis 7 always
 *   replicates scripts and functions as their effects (the commands they ran, wrapped in MULTI/EXEC).
 *   COMMAND INFO does not mark them `write`, and their keynum spec names only the declared KEYS, not what a
 *   script really touched; keysOf answers that declared list, which capture must not rely on.
 *
 * Databases are outside key specs: FLUSHALL/FLUSHDB/SWAPDB change keys without naming them
 * (databaseEffect), and MOVE / COPY ... DB n change a key in another database (crossDatabaseKeys).
 */
import type { Redis } from 'ioredis';
import { FerryError, InvalidArgumentError } from '../../common/errors.js';

/** One key a command names, with what the key spec says the command does to it. */
export interface KeyAccess {
  key: Buffer;
  /** From the key spec flags: the command may change the key (RW, OW or RM, or update/insert/delete). */
  write: boolean;
  /**
   * From the key spec flags: the command may remove the key or part of its content (RM or delete: DEL, but
   * also HDEL, SPOP). Informative only: apply reads the key's current value, and a missing key is a delete.
   */
  delete: boolean;
}

/**
 * The loaded command table does not know the command (or subcommand). Typically a module was loaded on the
 * source after the table was read: reload it. Capture reports this in status; it never drops the command.
 */
export class UnknownCommandError extends FerryError {
  override readonly name = 'UnknownCommandError';
  constructor(readonly command: string) {
    super(
      'FAILED_PRECONDITION',
      `the source's COMMAND INFO does not describe the command ${JSON.stringify(command)}; ` +
        'reload the command table (was a module loaded after capture started?)',
      { context: { command } },
    );
  }
}

/**
 * The server's key specs for this write command cannot tell all the keys it may change, and Ferry has no key
 * procedure for it. `partialKeys` holds what the complete specs did tell.
 */
export class IncompleteKeySpecError extends FerryError {
  override readonly name = 'IncompleteKeySpecError';
  constructor(
    readonly command: string,
    readonly partialKeys: KeyAccess[],
  ) {
    super(
      'UNIMPLEMENTED',
      `the key specs of ${JSON.stringify(command)} cannot tell every key it may change ` +
        '(an incomplete or unknown key spec, or a module command with only the getkeys API)',
      { context: { command } },
    );
  }
}

/** The effect of commands that change keys without naming them. */
export type DatabaseEffect =
  { kind: 'flushall' } | { kind: 'flushdb' } | { kind: 'swapdb'; a: number; b: number };

type BeginSearch =
  | { type: 'index'; pos: number }
  | { type: 'keyword'; keyword: string; startFrom: number }
  | { type: 'unknown' };

type FindKeys =
  | { type: 'range'; lastKey: number; keyStep: number; limit: number }
  | { type: 'keynum'; keyNumIndex: number; firstKey: number; keyStep: number }
  | { type: 'unknown' };

interface KeySpec {
  beginSearch: BeginSearch;
  findKeys: FindKeys;
  write: boolean;
  delete: boolean;
  notKey: boolean;
  incomplete: boolean;
}

interface CommandEntry {
  /** Lowercase, `container|sub` for a subcommand. */
  name: string;
  arity: number;
  flags: ReadonlySet<string>;
  /** The legacy triple, used only when there is no key spec. */
  legacyFirst: number;
  legacyLast: number;
  legacyStep: number;
  keySpecs: KeySpec[];
  /** The specs cannot tell every key a write may change: defer to a key procedure (see needsProcedure). */
  needsProcedure: boolean;
  subcommands: Map<string, CommandEntry>;
}

/** A key position with the access the spec or procedure gives it. */
interface KeyPosition {
  index: number;
  write: boolean;
  delete: boolean;
}

/** The command table of one source server, built once from its COMMAND INFO reply. */
export class CommandKeyTable {
  private constructor(private readonly commands: ReadonlyMap<string, CommandEntry>) {}

  /**
   * Reads `COMMAND INFO` (every command, with subcommands) over `redis` once. Throws FAILED_PRECONDITION when
   * the server is older than Redis 7, which has no key specs.
   */
  static async load(redis: Redis): Promise<CommandKeyTable> {
    const info = await redis.info('server');
    const version = /^redis_version:([^\r\n]+)/m.exec(info)?.[1]?.trim() ?? 'unknown';
    const major = Number.parseInt(version, 10);
    if (!(major >= 7)) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        `log-based capture needs Redis 7 or later on the source, for COMMAND INFO key specifications ` +
          `(the source runs Redis ${version}); use the Redis Functions capture mode instead`,
        { context: { redisVersion: version } },
      );
    }
    const reply = await redis.call('COMMAND', 'INFO');
    if (!Array.isArray(reply)) throw new InvalidArgumentError('COMMAND INFO did not answer an array');
    return CommandKeyTable.fromCommandInfo(reply);
  }

  /** Builds the table from a raw COMMAND INFO reply (RESP2 flat arrays, or RESP3 maps as Map or object). */
  static fromCommandInfo(reply: unknown[]): CommandKeyTable {
    const commands = new Map<string, CommandEntry>();
    reply.forEach((raw, position) => {
      if (raw === null || raw === undefined) return; // COMMAND INFO of an unknown name answers nil
      const entry = parseEntry(raw, `COMMAND INFO reply[${position}]`);
      commands.set(entry.name, entry);
    });
    return new CommandKeyTable(commands);
  }

  /**
   * The keys of one command, in the server's order. Throws UnknownCommandError for a command or subcommand
   * the table does not know, InvalidArgumentError when argv does not fit the command's arity or key specs,
   * and IncompleteKeySpecError when the specs cannot tell every key a write may change.
   */
  keysOf(argv: readonly Buffer[]): KeyAccess[] {
    const entry = this.resolve(argv);
    checkArity(entry, argv);
    return keyPositions(entry, argv).map((position) => accessAt(argv, position));
  }

  /** True when the command changes data (COMMAND INFO flag `write`). Throws UnknownCommandError. */
  isWrite(argv: readonly Buffer[]): boolean {
    return this.resolve(argv).flags.has('write');
  }

  /**
   * Write commands whose keys this table cannot always tell (see IncompleteKeySpecError), by name; empty for
   * a stock Redis 7. Capture reports them when it starts.
   */
  commandsWithIncompleteKeys(): string[] {
    const names: string[] = [];
    const visit = (entry: CommandEntry): void => {
      if (entry.flags.has('write') && entry.needsProcedure && !KEY_PROCEDURES.has(entry.name)) {
        names.push(entry.name);
      }
      entry.subcommands.forEach(visit);
    };
    this.commands.forEach(visit);
    return names.sort();
  }

  private resolve(argv: readonly Buffer[]): CommandEntry {
    const first = argv[0];
    if (first === undefined) throw new InvalidArgumentError('an empty command has no name');
    const name = first.toString('latin1').toLowerCase();
    const entry = this.commands.get(name);
    if (entry === undefined) throw new UnknownCommandError(first.toString());
    if (entry.subcommands.size === 0) return entry;
    const second = argv[1];
    if (second === undefined) return entry; // a container without subcommand: arity rejects it in keysOf
    const subcommand = entry.subcommands.get(`${name}|${second.toString('latin1').toLowerCase()}`);
    if (subcommand === undefined) throw new UnknownCommandError(`${first.toString()} ${second.toString()}`);
    return subcommand;
  }
}

function checkArity(entry: CommandEntry, argv: readonly Buffer[]): void {
  const fits = entry.arity >= 0 ? argv.length === entry.arity : argv.length >= -entry.arity;
  if (!fits) {
    throw new InvalidArgumentError(
      `${entry.name} takes ${entry.arity >= 0 ? 'exactly' : 'at least'} ${Math.abs(entry.arity)} arguments, ` +
        `its name included (got ${argv.length})`,
      { context: { command: entry.name } },
    );
  }
}

/** A spec that names no key position by itself (unknown search) or says it may miss some. */
function isUnresolved(spec: KeySpec): boolean {
  return spec.incomplete || spec.beginSearch.type === 'unknown' || spec.findKeys.type === 'unknown';
}

/**
 * True when the specs cannot tell every key the command may change: an unresolved spec that may write, or
 * `movablekeys` with no spec at all (a module command with only the getkeys API).
 */
function needsProcedure(flags: ReadonlySet<string>, keySpecs: readonly KeySpec[]): boolean {
  if (keySpecs.length === 0) return flags.has('movablekeys');
  return keySpecs.some((spec) => !spec.notKey && isUnresolved(spec) && spec.write);
}

function keyPositions(entry: CommandEntry, argv: readonly Buffer[]): KeyPosition[] {
  if (entry.needsProcedure) {
    const procedure = KEY_PROCEDURES.get(entry.name);
    if (procedure !== undefined) return procedure(argv);
    if (entry.flags.has('write')) {
      const partial = specPositions(entry, argv).map((position) => accessAt(argv, position));
      throw new IncompleteKeySpecError(entry.name, partial);
    }
  }
  return specPositions(entry, argv);
}

function accessAt(argv: readonly Buffer[], { index, write, delete: deletes }: KeyPosition): KeyAccess {
  return { key: argv[index] as Buffer, write, delete: deletes };
}

/** Every position the complete specs give (unresolved read-only specs skipped), or the legacy triple's. */
function specPositions(entry: CommandEntry, argv: readonly Buffer[]): KeyPosition[] {
  if (entry.keySpecs.length === 0) return legacyPositions(entry, argv.length);
  const positions: KeyPosition[] = [];
  for (const spec of entry.keySpecs) {
    if (spec.notKey || spec.beginSearch.type === 'unknown' || spec.findKeys.type === 'unknown') continue;
    const start = searchStart(spec.beginSearch, argv);
    if (start === undefined) continue;
    for (const index of findKeys(entry.name, spec.findKeys, start, argv)) {
      positions.push({ index, write: spec.write, delete: spec.delete });
    }
  }
  return positions;
}

/** Where a spec's keys start; undefined when its keyword is absent (an optional part not given). */
function searchStart(search: BeginSearch, argv: readonly Buffer[]): number | undefined {
  if (search.type === 'index') return search.pos;
  if (search.type === 'unknown') return undefined;
  // Same bounds as the server: forwards up to argc - 2 (a keyword last has no key after it), backwards
  // down to 2 (argv[1] is never a keyword that a key follows).
  const argc = argv.length;
  const from = search.startFrom > 0 ? search.startFrom : argc + search.startFrom;
  const to = search.startFrom > 0 ? argc - 1 : 1;
  const direction = from <= to ? 1 : -1;
  for (let index = from; index !== to; index += direction) {
    if (index >= argc || index < 1) break;
    if (equalsIgnoreCase(argv[index] as Buffer, search.keyword)) return index + 1;
  }
  return undefined;
}

function findKeys(command: string, find: FindKeys, start: number, argv: readonly Buffer[]): number[] {
  const argc = argv.length;
  let first = start;
  let last: number;
  let step: number;
  if (find.type === 'range') {
    step = find.keyStep;
    if (find.lastKey >= 0) last = first + find.lastKey;
    else if (find.limit <= 1) last = argc + find.lastKey;
    else last = first + (Math.trunc((argc - first) / find.limit) + find.lastKey);
  } else if (find.type === 'keynum') {
    step = find.keyStep;
    const countArgument = argv[first + find.keyNumIndex];
    const count = countArgument === undefined ? undefined : parseInteger(countArgument);
    if (count === undefined || count < 0) {
      throw malformed(command, `its number of keys is not a non-negative integer`);
    }
    first += find.firstKey;
    last = first + count - 1;
  } else {
    return [];
  }
  if (last < first) return []; // EVAL script 0, FCALL fn 0: no keys
  if (first >= argc || last >= argc) throw malformed(command, `its key spec reaches past the last argument`);
  const indexes: number[] = [];
  for (let index = first; index <= last; index += step) indexes.push(index);
  return indexes;
}

function legacyPositions(entry: CommandEntry, argc: number): KeyPosition[] {
  if (entry.legacyFirst <= 0) return [];
  const last = entry.legacyLast < 0 ? argc + entry.legacyLast : entry.legacyLast;
  const step = Math.max(1, entry.legacyStep);
  // No flags without key specs: the command's own `write` flag is all there is, taken as "may delete" too.
  const write = entry.flags.has('write');
  const positions: KeyPosition[] = [];
  for (let index = entry.legacyFirst; index <= last && index < argc; index += step) {
    positions.push({ index, write, delete: write });
  }
  return positions;
}

function malformed(command: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`${command} does not fit its key specs: ${why}`, { context: { command } });
}

/**
 * The server's own getkeys procedures for the commands whose specs say they cannot tell, reproduced because
 * COMMAND INFO cannot carry code. Consulted only when a spec that may write is unknown or incomplete.
 */
const KEY_PROCEDURES: ReadonlyMap<string, (argv: readonly Buffer[]) => KeyPosition[]> = new Map([
  ['sort', sortKeys],
  ['migrate', migrateKeys],
]);

/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]: the
 * sorted key, plus the last STORE destination. Options are skipped with their arguments, so a BY or GET
 * pattern spelled "store" is not taken for the keyword (sortGetKeys).
 */
function sortKeys(argv: readonly Buffer[]): KeyPosition[] {
  const positions: KeyPosition[] = [{ index: 1, write: false, delete: false }];
  let store: number | undefined;
  for (let index = 2; index < argv.length; index++) {
    const argument = argv[index] as Buffer;
    if (equalsIgnoreCase(argument, 'limit')) index += 2;
    else if (equalsIgnoreCase(argument, 'get') || equalsIgnoreCase(argument, 'by')) index += 1;
    else if (equalsIgnoreCase(argument, 'store') && index + 1 < argv.length) store = index + 1;
  }
  if (store !== undefined) positions.push({ index: store, write: true, delete: false });
  return positions;
}

/**
 * MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH password | AUTH2 user password] [KEYS key ...]:
 * argv[3], or with KEYS (and an empty argv[3]) every argument after it; a password spelled "keys" is skipped
 * (migrateGetKeys). The keys are removed from the source unless COPY.
 */
function migrateKeys(argv: readonly Buffer[]): KeyPosition[] {
  let first = 3;
  let count = 1;
  for (let index = 6; index < argv.length; index++) {
    const argument = argv[index] as Buffer;
    if (equalsIgnoreCase(argument, 'keys')) {
      if ((argv[3] as Buffer).length > 0) return [];
      first = index + 1;
      count = argv.length - first;
      break;
    }
    if (equalsIgnoreCase(argument, 'auth')) index += 1;
    else if (equalsIgnoreCase(argument, 'auth2')) index += 2;
  }
  return Array.from({ length: count }, (_, offset) => ({ index: first + offset, write: true, delete: true }));
}

/** FLUSHALL [ASYNC|SYNC], FLUSHDB [ASYNC|SYNC], SWAPDB a b; undefined for any other command. */
export function databaseEffect(argv: readonly Buffer[]): DatabaseEffect | undefined {
  const name = argv[0];
  if (name === undefined) return undefined;
  if (equalsIgnoreCase(name, 'flushall')) return { kind: 'flushall' };
  if (equalsIgnoreCase(name, 'flushdb')) return { kind: 'flushdb' };
  if (equalsIgnoreCase(name, 'swapdb')) {
    return { kind: 'swapdb', a: databaseArgument(argv, 1), b: databaseArgument(argv, 2) };
  }
  return undefined;
}

/**
 * The keys a command changes in a database other than `db`, the one it runs in: MOVE key n -> key in n;
 * COPY src dst DB n -> dst in n. keysOf still lists dst, as the server's specs and GETKEYS do, but with
 * DB n it lives in n, not in `db`. Empty for every other command and when n is `db`.
 */
export function crossDatabaseKeys(argv: readonly Buffer[], db: number): { key: Buffer; db: number }[] {
  const name = argv[0];
  if (name === undefined) return [];
  if (equalsIgnoreCase(name, 'move')) {
    const target = databaseArgument(argv, 2);
    return target === db ? [] : [{ key: argv[1] as Buffer, db: target }];
  }
  if (equalsIgnoreCase(name, 'copy')) {
    let target = db;
    for (let index = 3; index < argv.length; index++) {
      if (equalsIgnoreCase(argv[index] as Buffer, 'db')) target = databaseArgument(argv, ++index);
    }
    const destination = argv[2];
    if (destination === undefined) throw malformed('copy', 'it has no destination key');
    return target === db ? [] : [{ key: destination, db: target }];
  }
  return [];
}

function databaseArgument(argv: readonly Buffer[], index: number): number {
  const argument = argv[index];
  const value = argument === undefined ? undefined : parseInteger(argument);
  if (value === undefined || value < 0) {
    const command = (argv[0] as Buffer).toString().toLowerCase();
    throw malformed(command, `argument ${index} is not a database number`);
  }
  return value;
}

/** A canonical decimal integer, as the server's string2ll accepts it (no sign on 0, no leading zeros). */
function parseInteger(argument: Buffer): number | undefined {
  const text = argument.toString('latin1');
  if (!/^(0|-?[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** ASCII case-insensitive comparison with a lowercase ASCII word, byte by byte like the server's strcasecmp. */
function equalsIgnoreCase(argument: Buffer, word: string): boolean {
  if (argument.length !== word.length) return false;
  for (let index = 0; index < word.length; index++) {
    let byte = argument[index] as number;
    if (byte >= 0x41 && byte <= 0x5a) byte += 0x20;
    if (byte !== word.charCodeAt(index)) return false;
  }
  return true;
}

// --- Parsing the reply ---

/** An entry: [name, arity, flags, first, last, step, acl categories, tips, key specs, subcommands]. */
function parseEntry(raw: unknown, where: string): CommandEntry {
  if (!Array.isArray(raw) || raw.length < 6) throw badReply(where, 'is not a command entry');
  const name = asString(raw[0], `${where}[0] (name)`).toLowerCase();
  const here = `${where} (${name})`;
  const keySpecs = raw[8] === undefined ? [] : asArray(raw[8], `${here} key specs`);
  const subcommands = raw[9] === undefined ? [] : asArray(raw[9], `${here} subcommands`);
  const flags = new Set(
    asArray(raw[2], `${here} flags`).map((flag) => asString(flag, `${here} flag`).toLowerCase()),
  );
  const specs = keySpecs.map((spec, index) => parseKeySpec(spec, `${here} key spec ${index}`));
  const entry: CommandEntry = {
    name,
    arity: asNumber(raw[1], `${here} arity`),
    flags,
    legacyFirst: asNumber(raw[3], `${here} first key`),
    legacyLast: asNumber(raw[4], `${here} last key`),
    legacyStep: asNumber(raw[5], `${here} key step`),
    keySpecs: specs,
    needsProcedure: needsProcedure(flags, specs),
    subcommands: new Map(),
  };
  subcommands.forEach((rawSubcommand, index) => {
    const subcommand = parseEntry(rawSubcommand, `${here} subcommand ${index}`);
    entry.subcommands.set(subcommand.name, subcommand);
  });
  return entry;
}

function parseKeySpec(raw: unknown, where: string): KeySpec {
  const fields = asMap(raw, where);
  const flags = new Set(
    asArray(fields.get('flags') ?? [], `${where} flags`).map((flag) => asString(flag, where).toLowerCase()),
  );
  const declaresAccess = ['rw', 'ro', 'ow', 'rm'].some((flag) => flags.has(flag));
  const changes = ['rw', 'ow', 'rm', 'update', 'insert', 'delete'].some((flag) => flags.has(flag));
  return {
    beginSearch: parseBeginSearch(asMap(fields.get('begin_search'), `${where} begin_search`), where),
    findKeys: parseFindKeys(asMap(fields.get('find_keys'), `${where} find_keys`), where),
    // A spec without any of RW/RO/OW/RM (possible for a module's spec) is taken as writing: never miss one.
    write: changes || !declaresAccess,
    delete: flags.has('rm') || flags.has('delete'),
    notKey: flags.has('not_key'),
    incomplete: flags.has('incomplete'),
  };
}

function parseBeginSearch(fields: Map<string, unknown>, where: string): BeginSearch {
  const type = asString(fields.get('type'), `${where} begin_search type`);
  if (type === 'index') {
    const spec = asMap(fields.get('spec'), `${where} begin_search spec`);
    return { type, pos: asNumber(spec.get('index'), `${where} begin_search index`) };
  }
  if (type === 'keyword') {
    const spec = asMap(fields.get('spec'), `${where} begin_search spec`);
    return {
      type,
      keyword: asString(spec.get('keyword'), `${where} keyword`).toLowerCase(),
      startFrom: asNumber(spec.get('startfrom'), `${where} startfrom`),
    };
  }
  return { type: 'unknown' };
}

function parseFindKeys(fields: Map<string, unknown>, where: string): FindKeys {
  const type = asString(fields.get('type'), `${where} find_keys type`);
  if (type === 'range') {
    const spec = asMap(fields.get('spec'), `${where} find_keys spec`);
    return {
      type,
      lastKey: asNumber(spec.get('lastkey'), `${where} lastkey`),
      keyStep: Math.max(1, asNumber(spec.get('keystep'), `${where} keystep`)),
      limit: asNumber(spec.get('limit'), `${where} limit`),
    };
  }
  if (type === 'keynum') {
    const spec = asMap(fields.get('spec'), `${where} find_keys spec`);
    return {
      type,
      keyNumIndex: asNumber(spec.get('keynumidx'), `${where} keynumidx`),
      firstKey: asNumber(spec.get('firstkey'), `${where} firstkey`),
      keyStep: Math.max(1, asNumber(spec.get('keystep'), `${where} keystep`)),
    };
  }
  return { type: 'unknown' };
}

/** A RESP map: a flat [key, value, ...] array in RESP2, a Map or a plain object in RESP3 clients. */
function asMap(raw: unknown, where: string): Map<string, unknown> {
  if (raw instanceof Map) {
    return new Map([...raw].map(([key, value]): [string, unknown] => [asString(key, where), value]));
  }
  if (Array.isArray(raw)) {
    if (raw.length % 2 !== 0) throw badReply(where, 'is not a map');
    const map = new Map<string, unknown>();
    for (let index = 0; index < raw.length; index += 2) map.set(asString(raw[index], where), raw[index + 1]);
    return map;
  }
  if (typeof raw === 'object' && raw !== null && !Buffer.isBuffer(raw)) return new Map(Object.entries(raw));
  throw badReply(where, 'is not a map');
}

function asArray(raw: unknown, where: string): unknown[] {
  if (!Array.isArray(raw)) throw badReply(where, 'is not an array');
  return raw;
}

function asString(raw: unknown, where: string): string {
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString();
  throw badReply(where, 'is not a string');
}

function asNumber(raw: unknown, where: string): number {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^-?[0-9]+$/.test(raw)) return Number(raw);
  throw badReply(where, 'is not an integer');
}

function badReply(where: string, what: string): InvalidArgumentError {
  return new InvalidArgumentError(`${where} ${what}`);
}
