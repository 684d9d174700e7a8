/**
 * Every log line a test worker writes, and every sensitive value its local stacks saw (issue 11:
 * no log line of the suite holds a phone number, a tip's text or a secret). The setup file
 * log-privacy.setup.ts installs the capture before a test file runs and checks the lines against
 * the values after it (log-leaks.ts).
 *
 * Captured: whatever reaches process.stdout.write and process.stderr.write (Powertools' loggers
 * write there, the local event source too), and whatever is given to console (which the test
 * runner takes over). A test may swap the streams' `write` for its own capture and back: the
 * capture stays in front of whatever is installed, so a line a test swallows is still seen.
 *
 * Shown: the local stack logs at DEBUG whatever a test asks for, so the check never runs on an
 * empty log; lines below the level the test asked for are kept here but not shown.
 */
import { formatWithOptions } from 'node:util';
import { canonicalTipSecret } from '../../shared/tip/tracking-code.ts';
import type { SensitiveKind } from '../../infra/local/sensitive-values.ts';

/** Where a line was written. */
export type LogStream = 'stdout' | 'stderr' | 'console';

/** One captured line, numbered in the order the worker wrote it. */
export interface CapturedLine {
  readonly number: number;
  readonly stream: LogStream;
  readonly text: string;
}

/** Log levels a test may ask the local stack for; SILENT shows nothing. */
export type ShownLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

const levelRank: Readonly<Record<string, number>> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, CRITICAL: 5, SILENT: 6 };

/** Values longer than this are kept as their first and last half of it: no tip, SMS or token is longer. */
export const valueCapChars = 8192;
/** Past this many characters of kept values, a new value keeps only its start (hostile-input runs send hundreds of megabytes). */
export const valueBudgetChars = 16 * 1024 * 1024;
/** What a value keeps of itself past the budget: where a parser's error or a truncating logger would quote it. */
const overBudgetChars = 256;

/** Strings as they would be stored and logged: well-formed, NFC. */
export function normalized(text: string): string {
  return text.toWellFormed().normalize('NFC');
}

/** The sensitive values seen in one test file, in forms a log line could hold them. */
export class SensitiveValues {
  /** Texts and secrets, each with its kind (a value both is a secret). */
  readonly values = new Map<string, SensitiveKind>();
  /** Phone numbers by their last nine digits (`903123456`), which every written form contains. */
  readonly phones = new Set<string>();
  /** Values kept only in part, past the budget. */
  shortened = 0;
  #chars = 0;

  /** Notes a value the stack saw (LocalStackOptions.observeSensitive). */
  readonly add = (value: string, kind: SensitiveKind): void => {
    if (kind === 'phone') {
      const digits = nationalNumber(value);
      if (digits) this.phones.add(digits);
      return;
    }
    // Cut to size first: a hostile body may be a megabyte.
    const text = normalized(value.length > valueCapChars ? `${value.slice(0, valueCapChars / 2)}\n${value.slice(-valueCapChars / 2)}` : value).trim();
    this.#keep(text, kind);
    if (kind === 'secret') {
      // A tipster's secret in every form it is accepted and shown: as typed, grouped, compact.
      const canonical = canonicalTipSecret(text);
      if (canonical) {
        this.#keep(canonical, kind);
        this.#keep((canonical.match(/.{4}/g) ?? []).join('-'), kind);
      }
    }
  };

  #keep(text: string, kind: SensitiveKind): void {
    const parts = text.length > valueCapChars ? [text.slice(0, valueCapChars / 2), text.slice(-valueCapChars / 2)] : [text];
    for (let part of parts) {
      if (this.#chars > valueBudgetChars && part.length > overBudgetChars) {
        part = part.slice(0, overBudgetChars);
        this.shortened += 1;
      }
      const known = this.values.get(part);
      if (known === undefined) this.#chars += part.length;
      if (known !== 'secret') this.values.set(part, kind);
    }
  }
}

/** Digits every written form of a phone number holds (`+84 903 123 456`, `84903123456`, `0903-123-456`): its last nine. */
export const phoneDigits = 9;

function nationalNumber(value: string): string | undefined {
  const digits = value.replace(/\D/g, '');
  return digits.length >= phoneDigits ? digits.slice(-phoneDigits) : undefined;
}

/** Whether a JSON log line (Powertools' or the event source's) is below the level shown. */
export function hiddenAt(shown: ShownLogLevel | undefined, text: string): boolean {
  if (shown === undefined) return false;
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return false;
  return lines.every((line) => {
    if (!line.startsWith('{')) return false;
    try {
      const level = (JSON.parse(line) as { level?: unknown }).level;
      return typeof level === 'string' && (levelRank[level.toUpperCase()] ?? 2) < (levelRank[shown] ?? 0);
    } catch {
      return false;
    }
  });
}

type Write = (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;

/** The capture of one worker: its lines, the values its stacks saw, and the level shown. */
export interface LogCapture {
  readonly lines: CapturedLine[];
  readonly sensitive: SensitiveValues;
  /** What a test asked the local stack to show (test/support/stack.ts sets it). */
  shown: ShownLogLevel | undefined;
  /** Ends the lines still being written (a write without its newline yet). */
  flush(): void;
}

const globalKey = Symbol.for('tinbao.logCapture');

/** This worker's capture, once installed (log-privacy.setup.ts), else undefined. */
export function logCapture(): LogCapture | undefined {
  return (globalThis as { [globalKey]?: LogCapture })[globalKey];
}

/** Installs the capture for this worker, once; later calls return the same one. */
export function installLogCapture(): LogCapture {
  const installed = logCapture();
  if (installed) return installed;
  const lines: CapturedLine[] = [];
  const pending: Record<LogStream, string> = { stdout: '', stderr: '', console: '' };
  const take = (stream: LogStream, text: string) => {
    const parts = (pending[stream] + text).split('\n');
    pending[stream] = parts.pop() ?? '';
    for (const part of parts) lines.push({ number: lines.length + 1, stream, text: part });
  };
  // A write inside a write (a test's own capture passing a line on, console writing to a
  // stream) is the same line: only the outermost is recorded.
  let depth = 0;
  const capture: LogCapture = {
    lines,
    sensitive: new SensitiveValues(),
    shown: undefined,
    flush() {
      for (const stream of Object.keys(pending) as LogStream[]) {
        if (pending[stream] !== '') take(stream, '\n');
      }
    },
  };

  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const original = stream.write.bind(stream) as Write;
    // What the terminal gets: everything but the lines below the level the test asked for.
    const toTerminal: Write = (chunk, ...rest) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (!hiddenAt(capture.shown, text)) return original(chunk, ...rest);
      const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    };
    let installedWrite: Write = toTerminal;
    const recording = (write: Write): Write => (chunk, ...rest) => {
      if (depth === 0) take(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      depth += 1;
      try {
        return write.call(stream, chunk, ...rest);
      } finally {
        depth -= 1;
      }
    };
    Object.defineProperty(stream, 'write', {
      configurable: true,
      enumerable: true,
      get: () => recording(installedWrite),
      set: (write: Write) => {
        installedWrite = write;
      },
    });
  }

  const watched = globalThis.console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir']) {
    const original = watched[method];
    if (typeof original !== 'function') continue;
    watched[method] = (...args: unknown[]) => {
      if (depth === 0) take('console', `${formatWithOptions({ colors: false }, ...args)}\n`);
      depth += 1;
      try {
        original.apply(watched, args);
      } finally {
        depth -= 1;
      }
    };
  }

  (globalThis as { [globalKey]?: LogCapture })[globalKey] = capture;
  return capture;
}
