/**
 * Parses an `sql` expression into a syntax tree, with SQLite's operator precedence (loosest first):
 *
 *   OR; AND; NOT; = == != <> IS [NOT] IN LIKE GLOB BETWEEN ISNULL NOTNULL; < <= > >=; & | << >>; + -; * / %;
 *   || -> ->>; unary - + ~
 *
 * Every error says what was expected and what was found, at the offending token.
 */
import { SqlSyntaxError } from './errors.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';
import type { Value } from './values.js';

export type BinaryOperator =
  | 'OR'
  | 'AND'
  | '='
  | '!='
  | 'IS'
  | 'IS NOT'
  | '<'
  | '<='
  | '>'
  | '>='
  | '&'
  | '|'
  | '<<'
  | '>>'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '->'
  | '->>';

export type UnaryOperator = '-' | '+' | '~' | 'NOT';

export type CurrentTimeKeyword = 'CURRENT_DATE' | 'CURRENT_TIME' | 'CURRENT_TIMESTAMP';

/** A node of the syntax tree; `offset` is where its text starts in the expression. */
export type SqlNode =
  | { kind: 'literal'; offset: number; value: Value; truthKeyword: boolean }
  | { kind: 'field'; offset: number; path: readonly string[] }
  | { kind: 'unary'; offset: number; operator: UnaryOperator; operand: SqlNode }
  | { kind: 'binary'; offset: number; operator: BinaryOperator; left: SqlNode; right: SqlNode }
  | { kind: 'isNull'; offset: number; negated: boolean; operand: SqlNode }
  | { kind: 'isTruth'; offset: number; negated: boolean; truth: boolean; operand: SqlNode }
  | { kind: 'between'; offset: number; negated: boolean; operand: SqlNode; low: SqlNode; high: SqlNode }
  | { kind: 'in'; offset: number; negated: boolean; operand: SqlNode; items: readonly SqlNode[] }
  | {
      kind: 'like';
      offset: number;
      negated: boolean;
      operator: 'LIKE' | 'GLOB';
      operand: SqlNode;
      pattern: SqlNode;
      escape: SqlNode | undefined;
    }
  | {
      kind: 'case';
      offset: number;
      base: SqlNode | undefined;
      branches: readonly { when: SqlNode; then: SqlNode }[];
      otherwise: SqlNode | undefined;
    }
  | { kind: 'cast'; offset: number; operand: SqlNode; typeName: string }
  | { kind: 'call'; offset: number; name: string; args: readonly SqlNode[] }
  | { kind: 'currentTime'; offset: number; keyword: CurrentTimeKeyword };

enum Precedence {
  None = 0,
  Or = 1,
  And = 2,
  Not = 3,
  Equality = 4,
  Relational = 5,
  Bitwise = 6,
  Additive = 7,
  Multiplicative = 8,
  Concat = 9,
  Unary = 10,
}

const BINARY: Readonly<Record<string, [Precedence, BinaryOperator]>> = {
  OR: [Precedence.Or, 'OR'],
  AND: [Precedence.And, 'AND'],
  '=': [Precedence.Equality, '='],
  '==': [Precedence.Equality, '='],
  '!=': [Precedence.Equality, '!='],
  '<>': [Precedence.Equality, '!='],
  '<': [Precedence.Relational, '<'],
  '<=': [Precedence.Relational, '<='],
  '>': [Precedence.Relational, '>'],
  '>=': [Precedence.Relational, '>='],
  '&': [Precedence.Bitwise, '&'],
  '|': [Precedence.Bitwise, '|'],
  '<<': [Precedence.Bitwise, '<<'],
  '>>': [Precedence.Bitwise, '>>'],
  '+': [Precedence.Additive, '+'],
  '-': [Precedence.Additive, '-'],
  '*': [Precedence.Multiplicative, '*'],
  '/': [Precedence.Multiplicative, '/'],
  '%': [Precedence.Multiplicative, '%'],
  '||': [Precedence.Concat, '||'],
  '->': [Precedence.Concat, '->'],
  '->>': [Precedence.Concat, '->>'],
};

/** The deepest nesting of expressions (parentheses, operands, arguments) accepted. */
const MAX_DEPTH = 500;

/** The tallest syntax tree accepted (a chain of operators makes a tall tree without nesting). */
const MAX_HEIGHT = 1000;

/** Words SQLite knows that this language does not support; found where an operator may stand. */
const UNSUPPORTED_OPERATORS = new Set(['COLLATE', 'REGEXP', 'MATCH']);

/** A token as messages name it: `end of expression`, `")"`, `THEN`, `identifier x`, `number 1`. */
function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of expression';
    case 'keyword':
      return token.text;
    case 'operator':
      return `"${token.text}"`;
    case 'identifier':
      return `identifier ${token.quoted ? `"${token.text}"` : token.text}`;
    case 'number':
      return `number ${token.text}`;
    case 'string': {
      const shown = token.text.length > 30 ? `${token.text.slice(0, 30)}...` : token.text;
      return `text '${shown}'`;
    }
  }
}

/** Parses a whole expression; throws SqlSyntaxError. */
export function parseSql(source: string): SqlNode {
  const tree = new Parser(source).parseAll();
  checkHeight(tree, source);
  return tree;
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  /** How many expressions are being parsed inside one another: bounded so that the stack cannot overflow. */
  private depth = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseAll(): SqlNode {
    const node = this.parseExpression(Precedence.Or);
    const next = this.peek();
    if (next.kind !== 'end') {
      const word = next.text.toUpperCase();
      if (next.kind === 'identifier' && !next.quoted && UNSUPPORTED_OPERATORS.has(word)) {
        throw this.error(`${word} is not supported`, next);
      }
      throw this.expected('an operator or end of expression', next);
    }
    return node;
  }

  // ---- token helpers

  private peek(ahead = 0): Token {
    const index = Math.min(this.position + ahead, this.tokens.length - 1);
    return this.tokens[index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'keyword' && token.text === word;
  }

  private isOperator(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'operator' && token.text === text;
  }

  private expectKeyword(word: string, context: string): Token {
    if (!this.isKeyword(word)) throw this.expected(`${word} ${context}`, this.peek());
    return this.next();
  }

  private expectOperator(text: string, context: string): Token {
    if (!this.isOperator(text)) throw this.expected(`"${text}" ${context}`, this.peek());
    return this.next();
  }

  private error(problem: string, at: Token): SqlSyntaxError {
    return new SqlSyntaxError(problem, this.source, at.offset);
  }

  private expected(what: string, found: Token): SqlSyntaxError {
    return this.error(`expected ${what} but found ${describeToken(found)}`, found);
  }

  // ---- expressions

  private parseExpression(minimum: Precedence): SqlNode {
    if (++this.depth > MAX_DEPTH) {
      throw this.error(`the expression is nested more than ${MAX_DEPTH} levels deep`, this.peek());
    }
    let left = this.parsePrefix();
    for (;;) {
      const precedence = this.infixPrecedence();
      if (precedence === Precedence.None || precedence < minimum) break;
      left = this.parseInfix(left, precedence);
    }
    this.depth--;
    return left;
  }

  private parsePrefix(): SqlNode {
    const token = this.peek();
    if (token.kind === 'keyword' && token.text === 'NOT') {
      this.next();
      const operand = this.parseExpression(Precedence.Not);
      return { kind: 'unary', offset: token.offset, operator: 'NOT', operand };
    }
    if (token.kind === 'operator' && (token.text === '-' || token.text === '+' || token.text === '~')) {
      this.next();
      const operand = this.parseExpression(Precedence.Unary);
      return { kind: 'unary', offset: token.offset, operator: token.text, operand };
    }
    return this.parsePrimary();
  }

  /** The precedence of the operator at the current token, or None when there is none. */
  private infixPrecedence(): Precedence {
    const token = this.peek();
    if (token.kind === 'operator' || token.kind === 'keyword') {
      const binary = BINARY[token.text];
      if (binary !== undefined) return binary[0];
    }
    if (token.kind !== 'keyword') return Precedence.None;
    switch (token.text) {
      case 'IS':
      case 'ISNULL':
      case 'NOTNULL':
      case 'BETWEEN':
      case 'IN':
      case 'LIKE':
      case 'GLOB':
        return Precedence.Equality;
      case 'NOT': {
        const after = this.peek(1);
        const negatable = ['NULL', 'BETWEEN', 'IN', 'LIKE', 'GLOB'];
        return after.kind === 'keyword' && negatable.includes(after.text)
          ? Precedence.Equality
          : Precedence.None;
      }
      default:
        return Precedence.None;
    }
  }

  private parseInfix(left: SqlNode, precedence: Precedence): SqlNode {
    const token = this.next();
    const offset = left.offset;
    const binary = token.kind === 'operator' || token.kind === 'keyword' ? BINARY[token.text] : undefined;
    if (binary !== undefined) {
      const right = this.parseExpression(precedence + 1);
      return { kind: 'binary', offset, operator: binary[1], left, right };
    }
    let negated = false;
    let word = token.text;
    if (word === 'NOT') {
      negated = true;
      word = this.next().text;
    }
    switch (word) {
      case 'ISNULL':
        return { kind: 'isNull', offset, negated: false, operand: left };
      case 'NOTNULL':
        return { kind: 'isNull', offset, negated: true, operand: left };
      case 'NULL': // x NOT NULL
        return { kind: 'isNull', offset, negated: true, operand: left };
      case 'IS':
        return this.parseIs(left);
      case 'BETWEEN': {
        const low = this.parseExpression(Precedence.Equality + 1);
        this.expectKeyword('AND', 'between the bounds of BETWEEN');
        const high = this.parseExpression(Precedence.Equality + 1);
        return { kind: 'between', offset, negated, operand: left, low, high };
      }
      case 'IN':
        return { kind: 'in', offset, negated, operand: left, items: this.parseInList() };
      default: {
        // LIKE or GLOB
        const operator = word === 'GLOB' ? 'GLOB' : 'LIKE';
        const pattern = this.parseExpression(Precedence.Equality + 1);
        let escape: SqlNode | undefined;
        if (this.isKeyword('ESCAPE')) {
          const escapeToken = this.next();
          if (operator === 'GLOB')
            throw this.error('ESCAPE can only follow a LIKE pattern, not GLOB', escapeToken);
          escape = this.parseExpression(Precedence.Equality + 1);
        }
        return { kind: 'like', offset, negated, operator, operand: left, pattern, escape };
      }
    }
  }

  /** `IS [NOT] [DISTINCT FROM] x`, with `IS [NOT] TRUE|FALSE` as a truth test like SQLite's. */
  private parseIs(left: SqlNode): SqlNode {
    let negated = false;
    if (this.isKeyword('NOT')) {
      this.next();
      negated = true;
    }
    let distinct = false;
    if (this.isKeyword('DISTINCT')) {
      this.next();
      this.expectKeyword('FROM', 'after IS DISTINCT');
      distinct = true;
    }
    const right = this.parseExpression(Precedence.Equality + 1);
    if (!distinct && right.kind === 'literal' && right.truthKeyword) {
      return { kind: 'isTruth', offset: left.offset, negated, truth: right.value === true, operand: left };
    }
    const isNot = negated !== distinct; // IS DISTINCT FROM is IS NOT
    return { kind: 'binary', offset: left.offset, operator: isNot ? 'IS NOT' : 'IS', left, right };
  }

  private parseInList(): SqlNode[] {
    this.expectOperator('(', 'after IN');
    const items: SqlNode[] = [];
    if (this.isOperator(')')) {
      this.next();
      return items;
    }
    for (;;) {
      items.push(this.parseExpression(Precedence.Or));
      if (this.isOperator(',')) {
        this.next();
        continue;
      }
      this.expectOperator(')', 'after the values of IN');
      return items;
    }
  }

  // ---- primaries

  private parsePrimary(): SqlNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        this.next();
        return {
          kind: 'literal',
          offset: token.offset,
          value: token.kind === 'string' ? token.text : token.value,
          truthKeyword: false,
        };
      case 'identifier':
        return this.isOperator('(', 1) ? this.parseCall() : this.parseField();
      case 'operator':
        if (token.text === '(') return this.parseParenthesized();
        break;
      case 'keyword':
        switch (token.text) {
          case 'NULL':
            this.next();
            return { kind: 'literal', offset: token.offset, value: null, truthKeyword: false };
          case 'TRUE':
          case 'FALSE':
            this.next();
            return {
              kind: 'literal',
              offset: token.offset,
              value: token.text === 'TRUE',
              truthKeyword: true,
            };
          case 'CURRENT_DATE':
          case 'CURRENT_TIME':
          case 'CURRENT_TIMESTAMP':
            this.next();
            if (this.isOperator('(') && this.isOperator(')', 1)) {
              this.next();
              this.next();
            }
            return { kind: 'currentTime', offset: token.offset, keyword: token.text };
          case 'CASE':
            return this.parseCase();
          case 'CAST':
            return this.parseCast();
        }
        break;
      case 'end':
        break;
    }
    const previous = this.position > 0 ? this.tokens[this.position - 1] : undefined;
    throw this.expected(
      previous === undefined ? 'an expression' : `an expression after ${describeToken(previous)}`,
      token,
    );
  }

  private parseParenthesized(): SqlNode {
    this.next();
    const inner = this.parseExpression(Precedence.Or);
    if (this.isOperator(',')) {
      throw this.error('row values such as (a, b) are not supported', this.peek());
    }
    this.expectOperator(')', 'to close the parenthesis');
    return inner;
  }

  /** `a`, `a.b.c`, `"odd name".b`: a path into the record; after a dot even keywords are names. */
  private parseField(): SqlNode {
    const first = this.next();
    const path = [first.text];
    while (this.isOperator('.')) {
      this.next();
      const step = this.peek();
      if (step.kind !== 'identifier' && step.kind !== 'keyword') {
        throw this.expected('a field name after "."', step);
      }
      this.next();
      // A keyword token holds the upper-cased word; take the name as written.
      path.push(step.kind === 'keyword' ? this.source.slice(step.offset, step.end) : step.text);
    }
    return { kind: 'field', offset: first.offset, path };
  }

  private parseCall(): SqlNode {
    const nameToken = this.next();
    const name = nameToken.text.toUpperCase();
    this.next(); // (
    const args: SqlNode[] = [];
    if (this.isOperator('*')) {
      throw this.error(`${name}(*) is not supported: an expression works on one record`, this.peek());
    }
    if (this.isKeyword('DISTINCT')) {
      throw this.error(`DISTINCT is not supported in the arguments of ${name}`, this.peek());
    }
    if (this.isOperator(')')) {
      this.next();
      return { kind: 'call', offset: nameToken.offset, name, args };
    }
    for (;;) {
      args.push(this.parseExpression(Precedence.Or));
      if (this.isOperator(',')) {
        this.next();
        continue;
      }
      this.expectOperator(')', `after the arguments of ${name}`);
      return { kind: 'call', offset: nameToken.offset, name, args };
    }
  }

  /** `CASE [x] WHEN a THEN b ... [ELSE c] END`. */
  private parseCase(): SqlNode {
    const caseToken = this.next();
    const base = this.isKeyword('WHEN') ? undefined : this.parseExpression(Precedence.Or);
    const branches: { when: SqlNode; then: SqlNode }[] = [];
    while (this.isKeyword('WHEN')) {
      this.next();
      const when = this.parseExpression(Precedence.Or);
      this.expectKeyword('THEN', 'after the WHEN condition of CASE');
      branches.push({ when, then: this.parseExpression(Precedence.Or) });
    }
    if (branches.length === 0) throw this.expected('WHEN in CASE', this.peek());
    let otherwise: SqlNode | undefined;
    if (this.isKeyword('ELSE')) {
      this.next();
      otherwise = this.parseExpression(Precedence.Or);
    }
    if (!this.isKeyword('END')) {
      throw this.expected(
        otherwise === undefined ? 'WHEN, ELSE or END in CASE' : 'END to close CASE',
        this.peek(),
      );
    }
    this.next();
    return { kind: 'case', offset: caseToken.offset, base, branches, otherwise };
  }

  /** `CAST(x AS type)`; the type is one or more words with an optional `(n)` or `(n, m)`, as in SQLite. */
  private parseCast(): SqlNode {
    const castToken = this.next();
    this.expectOperator('(', 'after CAST');
    const operand = this.parseExpression(Precedence.Or);
    this.expectKeyword('AS', 'in CAST');
    const words: string[] = [];
    while (this.peek().kind === 'identifier') words.push(this.next().text.toUpperCase());
    if (words.length === 0) throw this.expected('a type name after AS in CAST', this.peek());
    if (this.isOperator('(')) {
      this.next();
      this.parseTypeSize();
      if (this.isOperator(',')) {
        this.next();
        this.parseTypeSize();
      }
      this.expectOperator(')', 'after the size of the type');
    }
    this.expectOperator(')', 'to close CAST');
    return { kind: 'cast', offset: castToken.offset, operand, typeName: words.join(' ') };
  }

  private parseTypeSize(): void {
    if (this.isOperator('+') || this.isOperator('-')) this.next();
    if (this.peek().kind !== 'number') throw this.expected('a number in the size of the type', this.peek());
    this.next();
  }
}

/** The direct children of a node, left to right. */
function childrenOf(node: SqlNode): SqlNode[] {
  switch (node.kind) {
    case 'literal':
    case 'field':
    case 'currentTime':
      return [];
    case 'unary':
    case 'isNull':
    case 'isTruth':
    case 'cast':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'between':
      return [node.operand, node.low, node.high];
    case 'in':
      return [node.operand, ...node.items];
    case 'like':
      return node.escape === undefined
        ? [node.operand, node.pattern]
        : [node.operand, node.pattern, node.escape];
    case 'case': {
      const children = node.base === undefined ? [] : [node.base];
      for (const branch of node.branches) children.push(branch.when, branch.then);
      if (node.otherwise !== undefined) children.push(node.otherwise);
      return children;
    }
    case 'call':
      return [...node.args];
  }
}

/**
 * Refuses a tree taller than MAX_HEIGHT (`a + a + ... + a` with thousands of terms): compiling and evaluating
 * walk the tree recursively. Walks with an explicit stack, so that the check itself cannot overflow.
 */
function checkHeight(root: SqlNode, source: string): void {
  const stack: [SqlNode, number][] = [[root, 1]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, height] = entry;
    if (height > MAX_HEIGHT) {
      throw new SqlSyntaxError(
        `the expression is too complex: more than ${MAX_HEIGHT} operations inside one another`,
        source,
        node.offset,
      );
    }
    for (const child of childrenOf(node)) stack.push([child, height + 1]);
  }
}

/** The record fields an expression reads: the first step of every path, in order of appearance. */
export function fieldsOf(root: SqlNode): string[] {
  const seen = new Set<string>();
  const stack: SqlNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.kind === 'field') seen.add(node.path[0] as string);
    else stack.push(...childrenOf(node).reverse());
  }
  return [...seen];
}
