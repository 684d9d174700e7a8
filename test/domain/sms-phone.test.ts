import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createPhonePseudonymizer, normalizePhoneNumber } from '../../shared/sms/phone.ts';

const key = 'test-key-0123456789abcdef';

describe('normalizePhoneNumber', () => {
  it('reads the ways a Vietnamese mobile number is written', () => {
    for (const raw of [
      '0903123456',
      '0903 123 456',
      '090 312 3456',
      '090.312.3456',
      '0903-123-456',
      '(090) 312-3456',
      '(+84) 903 123 456',
      '+84903123456',
      '+84 90 312 34 56',
      '+84-903-123-456',
      '+84 (0) 903 123 456',
      '+840903123456',
      '0084903123456',
      '0084 903 123 456',
      '84903123456',
      '84 903 123 456',
      '  0903123456\n',
      '0903\u00A0123\u00A0456',
      '０９０３１２３４５６',
    ]) {
      assert.equal(normalizePhoneNumber(raw), '+84903123456', JSON.stringify(raw));
    }
  });

  it('reads a bare 84 as the country code only when the rest is a Vietnamese number', () => {
    assert.equal(normalizePhoneNumber('84843123456'), '+84843123456');
    // 0843 123 456 is a Vinaphone number written without its leading 0, not +84 3123456.
    assert.equal(normalizePhoneNumber('843123456'), '+84843123456');
    assert.equal(normalizePhoneNumber('0843123456'), '+84843123456');
  });

  it('reads other Vietnamese numbers and foreign numbers in international form', () => {
    assert.equal(normalizePhoneNumber('028 3829 7070'), '+842838297070');
    assert.equal(normalizePhoneNumber('+84 28 3829 7070'), '+842838297070');
    assert.equal(normalizePhoneNumber('+1 415 555 2671'), '+14155552671');
    assert.equal(normalizePhoneNumber('+44 20 7946 0958'), '+442079460958');
    assert.equal(normalizePhoneNumber('415 555 2671', 'US'), '+14155552671');
  });

  it('refuses garbage, short codes and invalid numbers', () => {
    for (const raw of [
      '',
      '   ',
      '+',
      '+84',
      'abc',
      '0903abc123',
      '113',
      '114',
      '8079',
      '9029',
      '0903 12345',
      '09031234567',
      '+8490312345678',
      '8400903123456',
      '+1 415 555 267',
      'call me 0903123456 now',
      '0903123456x',
      '+84903123456+',
      '0903 123 456 ext 12',
      'tel:+84903123456',
    ]) {
      assert.equal(normalizePhoneNumber(raw), undefined, JSON.stringify(raw));
    }
  });
});

describe('createPhonePseudonymizer', () => {
  const numbers = ['+84903123456', '+84903123457', '+84843123456', '+14155552671'];

  it('gives a number the same pseudonym and alias every time, for any instance with the same key', () => {
    const first = createPhonePseudonymizer(key);
    const second = createPhonePseudonymizer(Buffer.from(key, 'utf8'));
    for (const number of numbers) {
      assert.equal(first.pseudonym(number), first.pseudonym(number));
      assert.equal(first.pseudonym(number), second.pseudonym(number));
      assert.equal(first.alias(number), second.alias(number));
    }
  });

  it('gives different numbers different pseudonyms', () => {
    const pseudonymizer = createPhonePseudonymizer(key);
    assert.equal(new Set(numbers.map((number) => pseudonymizer.pseudonym(number))).size, numbers.length);
  });

  it('gives different keys different pseudonyms and aliases', () => {
    const one = createPhonePseudonymizer(key);
    const other = createPhonePseudonymizer(`${key}!`);
    for (const number of numbers) assert.notEqual(one.pseudonym(number), other.pseudonym(number));
    const aliases = (pseudonymizer: typeof one): string[] => numbers.map((number) => pseudonymizer.alias(number));
    assert.notDeepEqual(aliases(one), aliases(other));
  });

  it('makes a pseudonym a base64url HMAC-SHA256 that does not contain the number', () => {
    const pseudonymizer = createPhonePseudonymizer(key);
    for (const number of numbers) {
      const pseudonym = pseudonymizer.pseudonym(number);
      assert.match(pseudonym, /^[A-Za-z0-9_-]{43}$/);
      assert.ok(!pseudonym.includes(number.slice(1)), pseudonym);
      assert.ok(!pseudonym.includes(number.slice(-6)), pseudonym);
    }
  });

  it('makes an alias SMS- and four Crockford base32 characters, not taken from the pseudonym', () => {
    const pseudonymizer = createPhonePseudonymizer(key);
    const aliases = new Set<string>();
    for (let index = 0; index < 2000; index += 1) {
      const number = `+849031${String(index).padStart(5, '0')}`;
      const alias = pseudonymizer.alias(number);
      assert.match(alias, /^SMS-[0-9A-HJKMNP-TV-Z]{4}$/);
      aliases.add(alias);
    }
    // 2000 numbers over 2^20 aliases: a handful of collisions at most if the bits are spread well.
    assert.ok(aliases.size > 1990, `only ${aliases.size} distinct aliases`);
  });

  it('derives the alias from a different HMAC than the pseudonym', () => {
    const pseudonymizer = createPhonePseudonymizer(key);
    // Were the alias cut from the pseudonym's digest, every alias shown to officers would give away
    // 20 bits of a stored pseudonym; rebuild that alias and check it is not the one we get.
    const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let sameBits = 0;
    for (const number of numbers) {
      const digest = Buffer.from(pseudonymizer.pseudonym(number), 'base64url');
      const bits = digest.readUIntBE(0, 3);
      let fromPseudonym = 'SMS-';
      for (let index = 3; index >= 0; index -= 1) fromPseudonym += crockford.charAt((bits >>> (index * 5 + 4)) & 31);
      if (fromPseudonym === pseudonymizer.alias(number)) sameBits += 1;
    }
    assert.equal(sameBits, 0);
  });

  it('refuses a key shorter than 16 bytes', () => {
    assert.throws(() => createPhonePseudonymizer('short-key'), /16 bytes/);
    assert.throws(() => createPhonePseudonymizer(Buffer.alloc(15)), /16 bytes/);
    assert.doesNotThrow(() => createPhonePseudonymizer(Buffer.alloc(16, 1)));
    // 8 Vietnamese letters are 16 bytes of UTF-8: the length that counts is in bytes.
    assert.doesNotThrow(() => createPhonePseudonymizer('đđđđđđđđ'));
  });

  it('keeps its own copy of a key given as a buffer', () => {
    const buffer = Buffer.from(key, 'utf8');
    const pseudonymizer = createPhonePseudonymizer(buffer);
    const before = pseudonymizer.pseudonym(numbers[0] ?? '');
    buffer.fill(0);
    assert.equal(pseudonymizer.pseudonym(numbers[0] ?? ''), before);
  });
});
