import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Crockford's base32 alphabet: no I, L, O or U, so a code read out over the phone
 * cannot be mistaken for another letter or digit.
 */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const radix = alphabet.length;

/** Characters a person may type for a Crockford digit: lower case, and the look-alikes I/L → 1, O → 0. */
function canonicalDigit(character: string): string | undefined {
  const upper = character.toUpperCase();
  if (upper === 'I' || upper === 'L') return '1';
  if (upper === 'O') return '0';
  return alphabet.includes(upper) ? upper : undefined;
}

/**
 * Luhn mod N over the Crockford alphabet. It catches every single-character error and every
 * swap of two adjacent characters, the mistakes people make when copying a code by hand.
 */
function luhnCheckDigit(payload: string): string {
  let factor = 2;
  let sum = 0;
  for (let index = payload.length - 1; index >= 0; index -= 1) {
    const codePoint = alphabet.indexOf(payload.charAt(index));
    let addend = factor * codePoint;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / radix) + (addend % radix);
    sum += addend;
  }
  return alphabet.charAt((radix - (sum % radix)) % radix);
}

function randomDigits(count: number): string {
  let digits = '';
  for (let index = 0; index < count; index += 1) digits += alphabet.charAt(randomInt(radix));
  return digits;
}

/** Letters in a tracking code after `TB-`: seven random, one check character. */
const codePayloadLength = 7;

/** A tracking code such as `TB-7Q4K-9XPD`: readable over the phone, with a check character. */
export type TrackingCode = string & { readonly __brand: 'TrackingCode' };

/** A fresh random tracking code (35 random bits; uniqueness is enforced where it is stored). */
export function generateTrackingCode(): TrackingCode {
  const payload = randomDigits(codePayloadLength);
  const digits = payload + luhnCheckDigit(payload);
  return `TB-${digits.slice(0, 4)}-${digits.slice(4)}` as TrackingCode;
}

/**
 * Reads a tracking code as a person may type it (any case, spaces or no hyphens, O for 0)
 * and returns its canonical form, or undefined when it is not a well-formed code.
 */
export function parseTrackingCode(input: string): TrackingCode | undefined {
  const compact = input.replace(/[\s-]/g, '');
  const body = /^tb/i.test(compact) ? compact.slice(2) : compact;
  if (body.length !== codePayloadLength + 1) return undefined;
  let digits = '';
  for (const character of body) {
    const digit = canonicalDigit(character);
    if (digit === undefined) return undefined;
    digits += digit;
  }
  if (luhnCheckDigit(digits.slice(0, codePayloadLength)) !== digits.charAt(codePayloadLength)) return undefined;
  return `TB-${digits.slice(0, 4)}-${digits.slice(4)}` as TrackingCode;
}

/** Secret length in Crockford digits: 80 random bits, in four groups of four. */
const secretLength = 16;

/** A tipster's secret, shown once and never stored in clear. */
export type TipSecret = string & { readonly __brand: 'TipSecret' };

/** A fresh random tipster secret such as `K7M2-9QXD-3HTB-0WZE`. */
export function generateTipSecret(): TipSecret {
  const digits = randomDigits(secretLength);
  return (digits.match(/.{4}/g) ?? []).join('-') as TipSecret;
}

/** The secret in a canonical form for hashing, or undefined when it cannot be one of ours. */
export function canonicalTipSecret(input: string): string | undefined {
  const compact = input.replace(/[\s-]/g, '');
  if (compact.length !== secretLength) return undefined;
  let digits = '';
  for (const character of compact) {
    const digit = canonicalDigit(character);
    if (digit === undefined) return undefined;
    digits += digit;
  }
  return digits;
}

/** Hashes tipster secrets with a server-side key, so a copy of the table reveals none. */
export interface SecretHasher {
  hash(secret: string): string;
  matches(secret: string, storedHash: string): boolean;
}

/** HMAC-SHA256 keyed by the deployment's pepper; comparison in constant time. */
export function createSecretHasher(pepper: string): SecretHasher {
  if (pepper.length < 16) throw new Error('The tracking pepper must be at least 16 characters long.');
  const hash = (secret: string): string =>
    createHmac('sha256', pepper).update(canonicalTipSecret(secret) ?? secret, 'utf8').digest('base64url');
  return {
    hash,
    matches(secret, storedHash) {
      const candidate = Buffer.from(hash(secret));
      const stored = Buffer.from(storedHash);
      // Compare equal-length buffers so a wrong hash costs the same time as a right one.
      const comparable = stored.length === candidate.length ? stored : Buffer.alloc(candidate.length);
      return timingSafeEqual(candidate, comparable) && stored.length === candidate.length;
    },
  };
}
