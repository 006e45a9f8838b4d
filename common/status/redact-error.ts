/**
 * Defensive redaction of error text before it is stored where any viewer can read it. Callers are expected to
 * pass text without secrets already; this catches the usual ways a password slips into a driver's message
 * anyway: `password=...` / `password: ...` pairs and the user-info part of a URL.
 */

/** What a redacted value is replaced with: the same mask GetConfig uses. */
export const REDACTED = '******';

// `password=x`, `pwd: "x"`, `"passwd":'x'` (JSON). The value is everything up to a space, comma, semicolon,
// ampersand or closing parenthesis (or its closing quote): a password may hold any other character, so
// punctuation right after one (`password=x: refused`) goes too. MySQL's "(using password: YES)" is kept.
const PASSWORD_PAIR =
  /\b(password|passwd|pwd)(["']?\s*[=:]\s*)(?!(?:YES|NO)\))("[^"]*"|'[^']*'|[^\s,;&)'"]+)/gi;
// `scheme://user:secret@host`: the secret is what follows the first colon of the user info.
const URL_USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi;

/** `text` with anything that looks like a password replaced by {@link REDACTED}. */
export function redactErrorText(text: string): string {
  return text
    .replace(PASSWORD_PAIR, (_match, name: string, separator: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value.charAt(0) : '';
      return `${name}${separator}${quote}${REDACTED}${quote}`;
    })
    .replace(URL_USER_INFO, `$1${REDACTED}@`);
}
