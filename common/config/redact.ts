/**
 * Redaction of a pipeline file for display (GetConfig, describe-job, logs): literal secret values are
 * replaced by "******", secret references are kept as written. The text is edited in place, value by value,
 * rather than re-serialised from the AST, so comments, quoting and layout stay exactly as the user wrote them.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Scalar } from 'yaml';
import { ConfigValidationError } from '../errors.js';
import { SECRET_FIELD_NAMES, isOnlyReferences, looksSecret } from './secret-references.js';
import { cleanYamlMessage, keyText } from './yaml-source.js';
import type { SourceFile } from './yaml-source.js';

/** What replaces a secret's value. */
export const REDACTED = '******';

/** Sections whose keys are driver arguments: a key that looks secret (ssl_password, api_key) is one. */
const DRIVER_ARGUMENT_SECTIONS = new Set(['connect_args', 'query_args']);

/**
 * Returns the file's text with every literal secret value replaced by `"******"`. Secrets are the values of
 * fields named password, passwd, secret, token or key (a `tls.key` only when it is inline PEM text, since a
 * key file's path is not a secret), and driver arguments whose name looks secret. A value made only of
 * secret references is kept. Throws ConfigValidationError when the file is not valid YAML, rather than return
 * text in which a secret might have been missed.
 */
export function redactConfig(file: SourceFile): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.content, { lineCounter, uniqueKeys: false, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigValidationError(
      doc.errors.map((error) => ({
        file: file.name,
        line: error.linePos?.[0].line ?? 0,
        column: error.linePos?.[0].col ?? 0,
        path: '',
        message: cleanYamlMessage(error.message),
      })),
    );
  }
  const ranges: [number, number][] = [];
  const visit = (node: Node | null, parents: readonly string[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isPair(pair) ? keyText(pair.key) : undefined;
        if (key === undefined) continue;
        const value = isAlias(pair.value)
          ? (pair.value.resolve(doc) as Node | undefined)
          : (pair.value as Node | null);
        if (isScalar(value) && isSecretValue(key, parents, value)) {
          if (value.range) ranges.push([value.range[0], value.range[1]]);
        } else if (!isAlias(pair.value)) {
          visit(value ?? null, [...parents, key]);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (!isAlias(item)) visit(item as Node, parents);
    }
  };
  visit(doc.contents, []);
  return replaceRanges(file.content, ranges);
}

function isSecretValue(key: string, parents: readonly string[], value: Scalar): boolean {
  const parent = parents[parents.length - 1] ?? '';
  const named =
    SECRET_FIELD_NAMES.has(key.toLowerCase()) || (DRIVER_ARGUMENT_SECTIONS.has(parent) && looksSecret(key));
  const text = keyText(value);
  if (!named || text === undefined || text === '') return false;
  if (isOnlyReferences(text)) return false;
  if (key.toLowerCase() === 'key' && parent === 'tls') return text.includes('-----BEGIN');
  return true;
}

/** Replaces each range by the redacted value, keeping the line breaks a block scalar ends with. */
function replaceRanges(text: string, ranges: [number, number][]): string {
  const unique = [...new Map(ranges.map((range) => [range[0], range])).values()].sort((a, b) => b[0] - a[0]);
  let result = text;
  for (const [start, end] of unique) {
    const original = result.slice(start, end);
    const trailing = /\n[ \t\n]*$/.exec(original)?.[0] ?? '';
    result = `${result.slice(0, start)}"${REDACTED}"${trailing}${result.slice(end)}`;
  }
  return result;
}
