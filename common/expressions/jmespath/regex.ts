/**
 * regex_replace(text, pattern, replacement): RDI runs Python's `re.sub`, so jobs written for it use Python's
 * spellings. Patterns are JavaScript regular expressions with Python's forms translated: named groups
 * `(?P<name>...)`, back references `(?P=name)`, `\A` and `\Z`, and leading inline flags `(?i)`, `(?m)`, `(?s)`.
 * The replacement is Python's template: `\1`, `\g<1>`, `\g<name>` insert groups, `\n`, `\t`, `\\` are escapes,
 * and `$` is an ordinary character. Compiled patterns and templates are cached.
 */
import type { FunctionSpec } from './arguments.js';

/** A piece of a replacement: literal text or a group by number or name. */
type TemplatePart = string | { readonly group: number | string };

interface CompiledPattern {
  readonly regex: RegExp;
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;
}

const MAX_CACHED = 256;
const patterns = new Map<string, CompiledPattern>();
const templates = new Map<string, readonly TemplatePart[]>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

/** A Python pattern in JavaScript's syntax, with its flags; throws Error saying what is not supported. */
export function translatePattern(pattern: string): { source: string; flags: string } {
  let flags = 'g';
  let rest = pattern;
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(rest);
  if (inline?.[1]) {
    for (const flag of inline[1]) {
      if (flag === 'i' || flag === 'm' || flag === 's') {
        if (!flags.includes(flag)) flags += flag;
      } else if (flag !== 'a' && flag !== 'u') {
        throw new Error(`the inline flag "${flag}" is not supported (use i, m or s)`);
      }
    }
    rest = rest.slice(inline[0].length);
  }
  let source = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const char = rest[i] as string;
    if (char === '\\') {
      const next = rest[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') source += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') source += '(?![\\s\\S])';
      else source += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      source += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      source += char;
      // A `]` right after `[` or `[^` is a literal member, as in Python.
      if (rest[i + 1] === '^') source += rest[++i] as string;
      if (rest[i + 1] === ']') source += `\\${rest[++i] as string}`;
      continue;
    }
    if (rest.startsWith('(?P<', i)) {
      source += '(?<';
      i += 3;
      continue;
    }
    const backReference = /^\(\?P=(\w+)\)/.exec(rest.slice(i));
    if (backReference?.[1]) {
      source += `\\k<${backReference[1]}>`;
      i += backReference[0].length - 1;
      continue;
    }
    source += char;
  }
  return { source, flags };
}

/** The compiled pattern, from the cache when it was seen before; throws Error when it is not valid. */
export function compilePattern(pattern: string): CompiledPattern {
  const cached = patterns.get(pattern);
  if (cached) return cached;
  const { source, flags } = translatePattern(pattern);
  const regex = new RegExp(source, flags);
  const groupCount = (new RegExp(`${source}|`, flags.replace('g', '')).exec('')?.length ?? 1) - 1;
  const groupNames = new Set(Array.from(source.matchAll(/\(\?<([A-Za-z_]\w*)>/g), (match) => match[1] ?? ''));
  return remember(patterns, pattern, { regex, groupCount, groupNames });
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  v: '\v',
  a: '\x07',
  b: '\b',
  '\\': '\\',
};

/** Python's replacement template in parts; throws Error for a bad escape or a group the pattern lacks. */
export function parseTemplate(template: string, pattern: CompiledPattern): readonly TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  const group = (ref: number | string): void => {
    if (typeof ref === 'number' ? ref > pattern.groupCount : !pattern.groupNames.has(ref)) {
      throw new Error(`the replacement refers to group ${ref}, which the pattern does not have`);
    }
    if (text !== '') parts.push(text);
    text = '';
    parts.push({ group: ref });
  };
  for (let i = 0; i < template.length; i++) {
    const char = template[i] as string;
    if (char !== '\\') {
      text += char;
      continue;
    }
    const next = template[i + 1];
    if (next === undefined) throw new Error('the replacement ends with a lone backslash');
    const named = /^g<([^>]*)>/.exec(template.slice(i + 1));
    const octal = /^0[0-7]{0,2}/.exec(template.slice(i + 1));
    const digits = /^[0-9]{1,2}/.exec(template.slice(i + 1));
    if (named) {
      const ref = named[1] ?? '';
      group(/^[0-9]+$/.test(ref) ? Number(ref) : ref);
      i += named[0].length;
    } else if (octal) {
      // As in Python, `\0` starts an octal character escape, not a reference to the whole match.
      text += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length;
    } else if (digits) {
      group(Number(digits[0]));
      i += digits[0].length;
    } else if (SIMPLE_ESCAPES[next] !== undefined) {
      text += SIMPLE_ESCAPES[next];
      i++;
    } else if (/[A-Za-z]/.test(next)) {
      throw new Error(`the replacement has the unknown escape "\\${next}"`);
    } else {
      text += `\\${next}`;
      i++;
    }
  }
  if (text !== '') parts.push(text);
  return parts;
}

function compiledTemplate(template: string, patternText: string, pattern: CompiledPattern) {
  const key = `${patternText}\u0000${template}`;
  return templates.get(key) ?? remember(templates, key, parseTemplate(template, pattern));
}

/** `re.sub(pattern, replacement, text)`. */
export function regexReplace(text: string, patternText: string, template: string): string {
  const pattern = compilePattern(patternText);
  const parts = compiledTemplate(template, patternText, pattern);
  return text.replace(pattern.regex, (...match: unknown[]) => {
    const groups = match[match.length - 1];
    const named = typeof groups === 'object' && groups !== null ? (groups as Record<string, unknown>) : {};
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const value = typeof part.group === 'number' ? match[part.group] : named[part.group];
        out += typeof value === 'string' ? value : '';
      }
    }
    return out;
  });
}

export const REGEX_FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'regex_replace',
    params: [{ name: 'text' }, { name: 'pattern' }, { name: 'replacement' }],
    call: (args) => {
      const text = args.nullableString(0);
      const pattern = args.string(1);
      const replacement = args.string(2);
      try {
        compilePattern(pattern);
      } catch (cause) {
        throw args.error(1, `is not a valid regular expression: ${(cause as Error).message}`);
      }
      try {
        compiledTemplate(replacement, pattern, compilePattern(pattern));
      } catch (cause) {
        throw args.error(2, `is not a valid replacement: ${(cause as Error).message}`);
      }
      return text === null ? null : regexReplace(text, pattern, replacement);
    },
    checkLiterals: ([, pattern, replacement]) => {
      if (typeof pattern !== 'string') return undefined;
      let compiled: CompiledPattern;
      try {
        compiled = compilePattern(pattern);
      } catch (cause) {
        return `argument 2 (pattern) is not a valid regular expression: ${(cause as Error).message}`;
      }
      if (typeof replacement !== 'string') return undefined;
      try {
        parseTemplate(replacement, compiled);
      } catch (cause) {
        return `argument 3 (replacement) is not a valid replacement: ${(cause as Error).message}`;
      }
      return undefined;
    },
  },
];
