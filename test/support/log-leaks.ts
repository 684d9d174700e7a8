/**
 * Finds sensitive values in captured log lines (see log-capture.ts): any value a local stack saw
 * (a caller's text, a phone number, a secret), and shapes that are sensitive whoever wrote them (a
 * Vietnamese phone number, a tipster's secret, a JSON parser's error quoting its input).
 *
 * How a value is matched, in every field of a JSON line (keys too, decoded, so escaping hides
 * nothing) or anywhere in a plain line:
 * - texts and secrets of 8 to 15 characters: the whole value;
 * - longer ones: any 16 characters in a row of it, so a truncated or quoted fragment is found;
 * - phone numbers: their last nine digits, in any written form (`+84 903 123 456`, `0903.123.456`).
 * Values shorter than 8 characters are not sought (an ordinary word would match by chance). The
 * fields the logger fills from the Lambda context (function name, request id, timestamp, …) and
 * values that are wholly an id or a time (UUID, ULID, ISO time, tracking code) carry no one's words
 * and are not searched; a report names the line, the field and a short hash, never the value.
 */
import { createHash } from 'node:crypto';
import { tipSecretPattern, type SensitiveKind } from '../../infra/local/sensitive-values.ts';
import { normalizePhoneNumber } from '../../shared/sms/phone.ts';
import { normalized, phoneDigits, type CapturedLine, type LogStream, type SensitiveValues } from './log-capture.ts';

/** Shortest value sought. */
export const minimumValueChars = 8;
/** Characters in a row of a longer value that count as a leak of it. */
export const fragmentChars = 16;

/** A sensitive value in a log line. */
export interface Leak {
  readonly line: number;
  readonly stream: LogStream;
  readonly kind: SensitiveKind;
  /** `seen`: a value a local stack saw in this file; `shape`: sensitive by its shape alone. */
  readonly found: 'seen' | 'shape';
  /** The JSON field holding it, or `(line)` for a plain line. */
  readonly field: string;
  /** sha256 of the value, shortened: enough to tell two leaks apart, nothing to read it by. */
  readonly fingerprint: string;
  readonly what: string;
}

/** Fields Powertools fills in from the Lambda context and its settings, never from what a function handles. */
const contextFields = new Set(['level', 'timestamp', 'service', 'cold_start', 'function_name', 'function_arn', 'function_memory_size', 'function_request_id', 'xray_trace_id', 'sampling_rate']);

/** Values that are wholly an id or a time. */
const machineShaped = [
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^[0-9A-HJKMNP-TV-Z]{26}$/,
  /^TB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
  /^-?\d{1,8}(\.\d+)?$/,
  /^(true|false|null)$/,
];

/** A Vietnamese phone number as people write it: +84, 84 or 0, then nine digits (separators already dropped). */
const vietnamesePhone = /(?<!\d)(?:\+84|0084|84|0)\d{9}(?!\d)/g;
/** Node's JSON.parse error quotes the start of what it read: `Unexpected token 'Z', "ZQDCD8P1 n"... is not valid JSON`. */
const quotingParserError = /is not valid JSON/;

/** A value of a log line: one field's text and where it stands. */
interface LogValue {
  readonly text: string;
  readonly line: CapturedLine;
  readonly field: string;
}

function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** The searchable values of a line: a JSON line's keys and values, decoded; a plain line whole. */
function* valuesOf(line: CapturedLine): Generator<LogValue> {
  const trimmed = line.text.trim();
  let parsed: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
  }
  if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
    if (trimmed !== '') yield { text: normalized(trimmed), line, field: '(line)' };
    return;
  }
  const pending: Array<[string, unknown]> = [['', parsed]];
  while (pending.length > 0) {
    const [field, value] = pending.pop() as [string, unknown];
    if (typeof value === 'string' || typeof value === 'number') {
      const text = normalized(String(value));
      if (text.trim() !== '' && !machineShaped.some((shape) => shape.test(text))) yield { text, line, field: field || '(line)' };
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (field === '' && contextFields.has(key)) continue;
        if (!Array.isArray(value)) yield { text: normalized(key), line, field: `${field ? `${field}.` : ''}${key} (key)` };
        pending.push([Array.isArray(value) ? field : `${field ? `${field}.` : ''}${key}`, inner]);
      }
    }
  }
}

/** Digits as a log could write a number: `0903 123 456`, `0903.123.456` and `0903-123-456` read as `0903123456`. */
function joinedDigits(text: string): string {
  return text.replace(/(?<=\d)[\s.\-()]+(?=\d)/g, '');
}

/** Every sensitive value in the lines: seen by a stack (`sensitive`) or sensitive by its shape. */
export function findLeaks(lines: readonly CapturedLine[], sensitive: SensitiveValues): Leak[] {
  // Each distinct value once: a line repeated ten thousand times is searched once, reported at its first.
  const distinct = new Map<string, LogValue>();
  for (const line of lines) {
    for (const value of valuesOf(line)) if (!distinct.has(value.text)) distinct.set(value.text, value);
  }
  const leaks = new Map<string, Leak>();
  const report = (at: LogValue, kind: SensitiveKind, found: Leak['found'], secretText: string, what: string) => {
    const leak: Leak = { line: at.line.number, stream: at.line.stream, kind, found, field: at.field, fingerprint: fingerprint(secretText), what };
    leaks.set(`${leak.line} ${leak.field} ${leak.fingerprint}`, leak);
  };

  // Shapes, and phone numbers seen, in each value.
  for (const value of distinct.values()) {
    const digits = joinedDigits(value.text);
    for (const match of digits.matchAll(vietnamesePhone)) {
      if (normalizePhoneNumber(match[0]) !== undefined) report(value, 'phone', 'shape', match[0], 'a Vietnamese phone number');
    }
    for (const match of value.text.matchAll(tipSecretPattern)) report(value, 'secret', 'shape', match[0], "a string shaped like a tipster's secret");
    if (quotingParserError.test(value.text)) report(value, 'text', 'shape', value.text, "a JSON parser's error, which quotes what it read");
    if (sensitive.phones.size > 0) {
      for (const run of digits.match(/\d{9,}/g) ?? []) {
        for (let start = 0; start + phoneDigits <= run.length; start += 1) {
          const window = run.slice(start, start + phoneDigits);
          if (sensitive.phones.has(window)) report(value, 'phone', 'seen', window, 'a phone number the stack saw');
        }
      }
    }
  }

  // Texts and secrets seen: short ones whole, longer ones by any fragment.
  const shortByLength = new Map<number, Map<string, SensitiveKind>>();
  const long: Array<[string, SensitiveKind]> = [];
  for (const [text, kind] of sensitive.values) {
    if (text.length < minimumValueChars) continue;
    if (text.length >= fragmentChars) long.push([text, kind]);
    else {
      const sameLength = shortByLength.get(text.length) ?? new Map<string, SensitiveKind>();
      sameLength.set(text, kind);
      shortByLength.set(text.length, sameLength);
    }
  }
  const fragments = new Map<string, LogValue>();
  for (const value of distinct.values()) {
    const { text } = value;
    for (let start = 0; start + fragmentChars <= text.length; start += 1) {
      const fragment = text.slice(start, start + fragmentChars);
      if (!fragments.has(fragment)) fragments.set(fragment, value);
    }
    for (const [length, candidates] of shortByLength) {
      for (let start = 0; start + length <= text.length; start += 1) {
        const kind = candidates.get(text.slice(start, start + length));
        if (kind) report(value, kind, 'seen', text.slice(start, start + length), describeSeen(kind, false));
      }
    }
  }
  if (fragments.size > 0) {
    for (const [text, kind] of long) {
      for (let start = 0; start + fragmentChars <= text.length; start += 1) {
        const at = fragments.get(text.slice(start, start + fragmentChars));
        if (at) {
          report(at, kind, 'seen', text, describeSeen(kind, true));
          break;
        }
      }
    }
  }
  return [...leaks.values()].sort((a, b) => a.line - b.line);
}

function describeSeen(kind: SensitiveKind, fragment: boolean): string {
  const what = kind === 'secret' ? 'a secret the stack saw' : 'text a caller sent';
  return fragment ? `${fragmentChars} characters in a row of ${what}` : what;
}

/** One line of a failure message: where, what, and a hash; never the value. */
export function describeLeak(leak: Leak): string {
  return `log line ${leak.line} (${leak.stream}), field ${leak.field}: ${leak.what} [${leak.kind}, ${leak.found}, sha256 ${leak.fingerprint}]`;
}
