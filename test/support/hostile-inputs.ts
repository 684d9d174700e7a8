/**
 * fast-check arbitraries for what a hostile or broken client sends to a public route: random
 * bytes, invalid UTF-8, huge bodies, deep nesting, wrong content types, prototype-pollution keys
 * and every Unicode edge, beside bodies shaped like the route's own with hostile values in them.
 */
import fc from 'fast-check';

/** A request body as bytes, with the content type it claims (undefined: none). */
export interface HostileBody {
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

const encoder = new TextEncoder();
/** Encodes text as UTF-8 the way a careless client does: lone surrogates become U+FFFD only if the encoder says so. */
const utf8 = (text: string) => encoder.encode(text);

/** Code points and sequences that break naive text handling. */
const unicodeEdges = [
  '\u0000',
  '\uFFFF',
  '\uFFFE',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDFFF',
  '\u202E',
  '\u200D',
  '\u0301\u0301\u0301',
  'ệ',
  'e\u0323\u0302',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  'Ｔｉｐ',
  '\r\n',
  '\u2028\u2029',
  '\u00A0',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '\u{10FFFF}',
  '%00',
  '%',
  '&',
  '=',
  '+',
  '<script>alert(1)</script>',
  '"\'`',
  '${7*7}',
  '../../etc/passwd',
];

/** Text made of ordinary words, Vietnamese, and the edges above. */
export const hostileText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...unicodeEdges), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('Có người bán ma túy', 'phường Bàn Cờ', 'TT', 'HUY', 'TB-7Q4K-9XPD')), { maxLength: 12 })
  .map((parts) => parts.join(''));

/** Values a field may get: the wrong type, the wrong size, the edges. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, '', ' ', 'NaN', '1e309', '-0', '__proto__', Number.MAX_SAFE_INTEGER + 2),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), hostileText, { maxKeys: 3 }),
  fc.string({ minLength: 4900, maxLength: 5200 }),
);

/** Keys that pollute prototypes when merged carelessly. */
const pollutingKeys = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'];

/** A JSON object with the route's fields (some), hostile values, and polluting keys. */
function objectLike(fields: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      fields: fc.subarray([...fields]),
      values: fc.array(hostileValue, { minLength: fields.length, maxLength: fields.length }),
      extra: fc.dictionary(fc.oneof(fc.constantFrom(...pollutingKeys), fc.string({ maxLength: 10 })), hostileValue, { maxKeys: 3 }),
    })
    .map(({ fields: chosen, values, extra }) => {
      const object: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(extra)) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      chosen.forEach((field, index) => {
        object[field] = values[index];
      });
      return object;
    });
}

/** JSON text for an object as JSON.stringify writes it, `__proto__` keys included. */
function jsonText(object: Record<string, unknown>): string {
  return JSON.stringify(object);
}

/** A form body for an object: nested values flattened as `a[b]=…`, the way PHP-style parsers read them. */
function formText(object: Record<string, unknown>): string {
  // A browser sends a lone surrogate as U+FFFD; encodeURIComponent would throw on it.
  const encodeURIComponent = (text: string) => globalThis.encodeURIComponent(text.toWellFormed());
  const parts: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (value !== null && typeof value === 'object') {
      for (const [inner, innerValue] of Object.entries(value)) parts.push(`${encodeURIComponent(`${key}[${inner}]`)}=${encodeURIComponent(String(innerValue))}`);
    } else {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.join('&');
}

const contentTypes = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'APPLICATION/JSON',
  ';;;',
  'application/json, text/html',
);

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates encoded, truncated sequences. */
const invalidUtf8 = fc.array(fc.constantFrom([0x80], [0xbf], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe1, 0xbb], [0xff], [0xfe]), { minLength: 1, maxLength: 10 });

/** Deeply nested JSON, up to far beyond any sane depth. */
const deepJson = fc.record({ depth: fc.integer({ min: 100, max: 20_000 }), kind: fc.constantFrom('array', 'object', 'unclosed') }).map(({ depth, kind }) =>
  kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : '['.repeat(depth),
);

/** Hostile bodies for a route whose real body has these fields. */
export function hostileBodies(fields: readonly string[]): fc.Arbitrary<HostileBody> {
  const json = objectLike(fields).map((object) => ({ contentType: 'application/json', body: utf8(jsonText(object)) }) as HostileBody);
  const form = objectLike(fields).map((object) => ({ contentType: 'application/x-www-form-urlencoded', body: utf8(formText(object)) }) as HostileBody);
  return fc.oneof(
    { weight: 40, arbitrary: json },
    { weight: 40, arbitrary: form },
    { weight: 20, arbitrary: fc.record({ contentType: contentTypes, body: fc.uint8Array({ maxLength: 2048 }) }) },
    { weight: 10, arbitrary: fc.record({ contentType: contentTypes, body: invalidUtf8.map((chunks) => Uint8Array.from(chunks.flat())) }) },
    { weight: 10, arbitrary: fc.record({ contentType: contentTypes, body: deepJson.map(utf8) }) },
    { weight: 10, arbitrary: fc.record({ contentType: contentTypes, body: fc.jsonValue().map((value) => utf8(JSON.stringify(value))) }) },
    { weight: 10, arbitrary: fc.record({ contentType: contentTypes, body: hostileText.map(utf8) }) },
    // Huge bodies are rare (under 1 %): each costs up to a megabyte.
    { weight: 1, arbitrary: fc.record({ contentType: contentTypes, body: fc.integer({ min: 60 * 1024, max: 1024 * 1024 }).map((size) => new Uint8Array(size).fill(0x61)) }) },
  );
}
