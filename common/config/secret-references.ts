/**
 * Secret references inside string values: `${env:NAME}`, `${file:PATH}`, `${secret:NAME}` and RDI's bare
 * `${NAME}` (the secret store first, then the environment; recorded as kind 'secret'). `$${` writes a literal
 * `${`. Validation finds references and reports malformed ones; it never resolves them.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node, Scalar } from 'yaml';
import { joinPath, keyText } from './yaml-source.js';
import type { FileContext } from './yaml-source.js';

export type SecretReferenceKind = 'env' | 'file' | 'secret';

/** A well-formed reference and where it is written. */
export interface SecretReference {
  file: string;
  /** 1-based line and column of the `${`. */
  line: number;
  column: number;
  /** Dotted path of the value that contains it. */
  path: string;
  kind: SecretReferenceKind;
  /** Variable name, file path or secret name. For a bare `${NAME}`, NAME. */
  name: string;
}

/** One `${...}` found in a string, by its index in the string. */
export type ReferenceToken =
  | { index: number; text: string; kind: SecretReferenceKind; name: string; bare: boolean }
  | { index: number; text: string; error: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

/**
 * Finds every `${...}` of a string. Malformed ones carry a message; `sensitive` keeps the string's text out
 * of it (a password that happens to contain `${` must not be echoed).
 */
export function tokenizeReferences(value: string, sensitive = false): ReferenceToken[] {
  const tokens: ReferenceToken[] = [];
  let from = 0;
  for (;;) {
    const index = value.indexOf('${', from);
    if (index === -1) return tokens;
    if (value[index - 1] === '$') {
      from = index + 2; // `$${` is a literal `${`
      continue;
    }
    const end = value.indexOf('}', index + 2);
    if (end === -1) {
      const quoted = sensitive ? '' : ` "${value.slice(index)}"`;
      tokens.push({
        index,
        text: value.slice(index),
        error: `unclosed secret reference${quoted}; add the closing "}"`,
      });
      return tokens;
    }
    const text = value.slice(index, end + 1);
    tokens.push({
      index,
      text,
      ...parseReferenceBody(value.slice(index + 2, end), sensitive ? '' : ` "${text}"`),
    });
    from = end + 1;
  }
}

function parseReferenceBody(
  body: string,
  quoted: string,
): { kind: SecretReferenceKind; name: string; bare: boolean } | { error: string } {
  const colon = body.indexOf(':');
  if (colon === -1) {
    if (body === '') return { error: `secret reference${quoted} has no name` };
    if (!ENV_NAME.test(body)) {
      return {
        error: `invalid secret reference${quoted}; use \${NAME}, \${env:NAME}, \${file:PATH} or \${secret:NAME}`,
      };
    }
    return { kind: 'secret', name: body, bare: true };
  }
  const kind = body.slice(0, colon);
  const name = body.slice(colon + 1);
  if (kind !== 'env' && kind !== 'file' && kind !== 'secret') {
    const what = quoted === '' ? '' : ` "${kind}" in${quoted}`;
    return { error: `unknown secret reference kind${what}; use env, file or secret` };
  }
  if (name.trim() === '') return { error: `secret reference${quoted} has no name` };
  if (kind === 'env' && !ENV_NAME.test(name)) {
    return { error: `invalid environment variable name in${quoted || ' a secret reference'}` };
  }
  if (kind === 'secret' && !SECRET_NAME.test(name)) {
    return { error: `invalid secret name in${quoted || ' a secret reference'}` };
  }
  return { kind, name, bare: false };
}

/** True when the string is nothing but references (and spaces): a value that holds no secret of its own. */
export function isOnlyReferences(value: string): boolean {
  const tokens = tokenizeReferences(value);
  if (tokens.length === 0 || tokens.some((token) => 'error' in token)) return false;
  let rest = value;
  for (const token of tokens) rest = rest.replace(token.text, '');
  return rest.trim() === '';
}

/** True when the whole string is one reference, such as `${env:DB_PORT}` (checked for form elsewhere). */
export function looksLikeReference(value: string): boolean {
  return value.startsWith('${') && value.endsWith('}');
}

/**
 * The offset in the file of a character of a scalar's value, when the value is written as is (plain or
 * quoted without escapes, on one line); otherwise the scalar's own start.
 */
export function offsetInScalar(ctx: FileContext, scalar: Scalar, index: number): number {
  const start = scalar.range?.[0] ?? 0;
  const value = String(scalar.value);
  const contentStart = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE' ? start + 1 : start;
  const written = ctx.content.slice(contentStart, contentStart + value.length);
  return scalar.type !== 'BLOCK_LITERAL' && scalar.type !== 'BLOCK_FOLDED' && written === value
    ? contentStart + index
    : start;
}

/** Field names whose value is a secret when written literally. */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'password',
  'passwd',
  'secret',
  'token',
  'key',
]);

/** A driver argument name that suggests a secret (`ssl_password`, `api_key`, `auth_token`...). */
export function looksSecret(name: string): boolean {
  return /pass|secret|token|credential|private|api_?key/i.test(name);
}

/** True for a field whose value must never be echoed in a message. */
export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD_NAMES.has(name.toLowerCase()) || looksSecret(name);
}

/** Visits every string scalar under `node` with its path, the key it is the value of, and its parents' keys. */
export function walkStrings(
  ctx: FileContext,
  node: Node,
  path: string,
  visit: (scalar: Scalar & { value: string }, path: string, keys: readonly string[]) => void,
  keys: readonly string[] = [],
): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string') visit(node as Scalar & { value: string }, path, keys);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const key = isPair(pair) ? keyText(pair.key) : undefined;
      if (key === undefined) continue;
      // An alias repeats a value written elsewhere, where it is visited.
      const value = isAlias(pair.value) ? null : ctx.deref(pair.value);
      if (value) walkStrings(ctx, value, joinPath(path, key), visit, [...keys, key]);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const value = isAlias(item) ? null : ctx.deref(item);
      if (value) walkStrings(ctx, value, `${path}[${index}]`, visit, keys);
    });
  }
}

/** JavaScript source may use `${...}` in template literals: it is code, not configuration. */
function isCode(path: string): boolean {
  return /^transform\[\d+\]\.with\.code$/.test(path);
}

/**
 * Finds the references of a file: well-formed ones are returned, malformed ones are reported as problems.
 */
export function scanSecretReferences(ctx: FileContext, root: Node): SecretReference[] {
  const references: SecretReference[] = [];
  walkStrings(ctx, root, '', (scalar, path, keys) => {
    if (isCode(path)) return;
    const sensitive = keys.some((key) => isSecretFieldName(key));
    for (const token of tokenizeReferences(scalar.value, sensitive)) {
      const offset = offsetInScalar(ctx, scalar, token.index);
      if ('error' in token) {
        ctx.problem(offset, path, token.error);
      } else {
        references.push({
          file: ctx.file,
          ...ctx.positionOf(offset),
          path,
          kind: token.kind,
          name: token.name,
        });
      }
    }
  });
  return references;
}
