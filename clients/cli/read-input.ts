/**
 * Reading a value that should stay out of shell history (a secret, a token) from standard input: piped in
 * whole, or typed at a terminal without echo.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliIo } from './session.js';

/**
 * The value on stdin. From a pipe or file: everything, less one trailing newline (so that `echo` works).
 * From a terminal: one line typed after `prompt` (written to stderr), not echoed.
 */
export async function readValue(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin ?? process.stdin;
  if (stdin.isTTY === true) return readHiddenLine(stdin, io, prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function readHiddenLine(stdin: NodeJS.ReadableStream, io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  // readline echoes what is typed to its output; an output that drops everything keeps the value off screen.
  const muted = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const lines = createInterface({ input: stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      lines.once('close', () => reject(new Error('standard input closed before a value was entered')));
      lines.once('SIGINT', () => reject(new Error('interrupted')));
    });
  } finally {
    lines.close();
    io.stderr.write('\n');
  }
}
