/**
 * Structured logging with pino. Library code takes a `Logger` and never writes to the console; the CLI is the
 * only place that prints for people. Secrets are redacted by path so that a mistaken log call cannot leak one.
 */
import { pino } from 'pino';
import type { Logger as PinoLogger, LevelWithSilent } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** Minimum level written. @default 'info' (or FERRY_LOG_LEVEL) */
  level?: LevelWithSilent;
  /** Component name written on every line (`control-plane`, `worker`). */
  component?: string;
  /** Where lines go. @default standard error, so that standard output stays free for command output. */
  destination?: NodeJS.WritableStream;
}

const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'secret',
  '*.secret',
  'value',
];

/** Creates the process's root logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env['FERRY_LOG_LEVEL'] as LevelWithSilent | undefined) ?? 'info';
  return pino(
    {
      level,
      base: options.component ? { component: options.component } : {},
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that discards everything, for tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
