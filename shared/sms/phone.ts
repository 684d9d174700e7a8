/**
 * Phone numbers of SMS tipsters. A number identifies a person, so tinbao stores only a keyed
 * pseudonym of it (to thread follow-ups and rate-limit) and shows officers a short alias.
 */
import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Characters a written phone number may contain. libphonenumber also digs numbers out of
 * free text ("call 0903123456 now") and drops trailing junk, which would turn garbage into a
 * real person's number; anything else is refused before it gets there.
 */
const phoneCharacters = /^[\s(]*\+?[\s().\-\u2010-\u2015\d\uFF10-\uFF19]+$/u;

/**
 * The number in E.164 (`0903 123 456` → `+84903123456`), or undefined when it is not a valid
 * number: garbage, short codes such as 113, or a number with an extension, which E.164 cannot
 * carry. Leading 0, +84, 0084 and a bare 84 (`84903123456`) are all read as Vietnam.
 */
export function normalizePhoneNumber(raw: string, defaultCountry: CountryCode = 'VN'): string | undefined {
  const trimmed = raw.trim();
  if (!phoneCharacters.test(trimmed)) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed || !parsed.isValid() || parsed.ext !== undefined) return undefined;
  return parsed.number;
}

/** Turns phone numbers into values that can be stored and shown without revealing them. */
export interface PhonePseudonymizer {
  /** base64url HMAC-SHA256 of the E.164 number: the stored key for threading and rate limits. */
  pseudonym(e164: string): string;
  /** `SMS-` and four Crockford base32 characters, for officers to tell tipsters apart. */
  alias(e164: string): string;
}

/** Shortest key accepted: 128 bits, so guessing the key is never easier than guessing numbers. */
const minimumKeyBytes = 16;

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const aliasLength = 4;

/**
 * Alias input is labelled so the alias is not a prefix of the stored pseudonym: an officer who
 * sees an alias learns nothing that narrows down a pseudonym in the table, or the reverse.
 */
const aliasLabel = 'tinbao/sms-alias/v1\0';

/**
 * Pseudonyms and aliases keyed by a deployment secret. Without the key the ~10^9 possible
 * Vietnamese mobile numbers could be hashed in minutes, so a plain hash would hide nothing.
 */
export function createPhonePseudonymizer(key: string | Buffer): PhonePseudonymizer {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (keyBytes.length < minimumKeyBytes) {
    throw new Error(`The phone pseudonym key must be at least ${minimumKeyBytes} bytes long.`);
  }
  // Copy, so a caller that reuses or zeroes its buffer cannot change the key afterwards.
  const secret = Buffer.from(keyBytes);
  const hmac = (input: string): Buffer => createHmac('sha256', secret).update(input, 'utf8').digest();
  return {
    pseudonym: (e164) => hmac(e164).toString('base64url'),
    alias(e164) {
      const digest = hmac(aliasLabel + e164);
      // 4 × 5 bits from the first three bytes: any two numbers share an alias with probability 2^-20,
      // rare enough to tell apart the handful of tipsters an officer sees at once.
      const bits = digest.readUIntBE(0, 3);
      let alias = '';
      for (let index = aliasLength - 1; index >= 0; index -= 1) {
        alias += crockford.charAt((bits >>> (index * 5 + 4)) & 31);
      }
      return `SMS-${alias}`;
    },
  };
}
