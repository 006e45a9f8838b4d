/**
 * Where a command's output goes. Two forms: for people (lines and tables on stdout) and, with --json, for
 * machines: exactly one JSON document on stdout and nothing else there. Errors and warnings go to stderr in
 * both forms, prefixed `ferry: `, so that stdout can always be piped.
 */
import { toJsonDocument } from './format.js';
import { renderTable } from './table.js';
import type { TableCell, TableOptions } from './table.js';

/** Anything with write(text): process.stdout, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
  /** True for a terminal: tables may use colour, `status --live` may redraw the screen. */
  isTTY?: boolean;
}

export class Output {
  readonly #stdout: TextSink;
  readonly #stderr: TextSink;
  /** Machine output: the document given to result() is all that reaches stdout. */
  readonly json: boolean;
  /** Colour (bold table headings) allowed: stdout is a terminal and NO_COLOR is not set. */
  readonly color: boolean;

  constructor(stdout: TextSink, stderr: TextSink, options: { json: boolean; color: boolean }) {
    this.#stdout = stdout;
    this.#stderr = stderr;
    this.json = options.json;
    this.color = options.color && !options.json;
  }

  /** True when stdout is a terminal (and not in JSON mode). */
  get isTerminal(): boolean {
    return !this.json && this.#stdout.isTTY === true;
  }

  /** A line for people; dropped in JSON mode. */
  line(text = ''): void {
    if (!this.json) this.#stdout.write(`${text}\n`);
  }

  /** Text for people as it is (a file's content, a screen-clearing escape); dropped in JSON mode. */
  raw(text: string): void {
    if (!this.json) this.#stdout.write(text);
  }

  /** A table for people; dropped in JSON mode. */
  table(
    head: readonly string[],
    rows: readonly TableCell[][],
    options: Omit<TableOptions, 'color'> = {},
  ): void {
    this.line(renderTable(head, rows, { ...options, color: this.color }));
  }

  /** The command's result: the JSON document with --json, otherwise whatever `render` prints for people. */
  result(document: unknown, render: () => void): void {
    if (this.json) this.document(document);
    else render();
  }

  /** One JSON document on stdout (JSON mode only); one per line for streams (status --live, trace). */
  document(document: unknown, options: { compact?: boolean } = {}): void {
    if (!this.json) return;
    const value = toJsonDocument(document);
    this.#stdout.write(`${options.compact ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
  }

  /** A warning on stderr: the command did what was asked, but something deserves a look. */
  warning(text: string): void {
    this.#stderr.write(`ferry: warning: ${text}\n`);
  }

  /** An error message on stderr, prefixed `ferry: `. */
  error(text: string): void {
    this.#stderr.write(`ferry: ${text}\n`);
  }

  /** Lines on stderr without the prefix (configuration problems, in the form compilers use). */
  diagnostics(lines: readonly string[]): void {
    for (const text of lines) this.#stderr.write(`${text}\n`);
  }
}
