import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  canonicalTipSecret,
  createSecretHasher,
  generateTipSecret,
  generateTrackingCode,
  parseTrackingCode,
} from '../../shared/tip/tracking-code.ts';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('tracking codes', () => {
  it('look like TB-XXXX-XXXX in Crockford base32', () => {
    for (let index = 0; index < 500; index += 1) {
      assert.match(generateTrackingCode(), /^TB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    }
  });

  it('are read back as generated, and differ from each other', () => {
    const codes = Array.from({ length: 1000 }, () => generateTrackingCode());
    for (const code of codes) assert.equal(parseTrackingCode(code), code);
    assert.ok(new Set(codes).size > 990, 'codes should be random');
  });

  it('are read the way a person types them', () => {
    const code = generateTrackingCode();
    const compact = code.replaceAll('-', '');
    assert.equal(parseTrackingCode(compact.toLowerCase()), code);
    assert.equal(parseTrackingCode(` ${code.slice(0, 7)} ${code.slice(8)} `), code);
    assert.equal(parseTrackingCode(compact.slice(2)), code, 'the TB prefix may be left out');
  });

  it('accept O for 0 and I or L for 1, the look-alikes Crockford allows', () => {
    let code = generateTrackingCode();
    while (!/[01]/.test(code.slice(3))) code = generateTrackingCode();
    const typed = code.slice(0, 3) + code.slice(3).replaceAll('0', 'O').replaceAll('1', 'l');
    assert.equal(parseTrackingCode(typed), code);
  });

  it('catch every single mistyped character', () => {
    const code = generateTrackingCode();
    const digits = code.slice(3).replace('-', '');
    for (let position = 0; position < digits.length; position += 1) {
      for (const replacement of crockford) {
        if (replacement === digits[position]) continue;
        const wrong = digits.slice(0, position) + replacement + digits.slice(position + 1);
        assert.equal(parseTrackingCode(`TB-${wrong}`), undefined, `${wrong} should fail the check`);
      }
    }
  });

  it('catch two swapped neighbours', () => {
    let caught = 0;
    let swaps = 0;
    for (let round = 0; round < 200; round += 1) {
      const digits = generateTrackingCode().slice(3).replace('-', '');
      for (let position = 0; position + 1 < digits.length; position += 1) {
        if (digits[position] === digits[position + 1]) continue;
        const swapped = digits.slice(0, position) + digits[position + 1] + digits[position] + digits.slice(position + 2);
        swaps += 1;
        if (parseTrackingCode(`TB-${swapped}`) === undefined) caught += 1;
      }
    }
    // Luhn mod N misses only the swap of the two digits that map to each other (like 09 in base 10).
    assert.ok(caught / swaps > 0.99, `caught ${caught} of ${swaps} swaps`);
  });

  it('refuse what is not a code', () => {
    for (const input of ['', 'TB-', 'TB-1234-567', 'TB-1234-56789', 'TB-UUUU-UUUU', 'XX-1234-5678', 'TB-12*4-5678']) {
      assert.equal(parseTrackingCode(input), undefined, input);
    }
  });
});

describe('tipster secrets', () => {
  it('have 16 Crockford digits in four groups', () => {
    assert.match(generateTipSecret(), /^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('are compared in canonical form, so case and hyphens do not matter', () => {
    const hasher = createSecretHasher('a pepper long enough for tests');
    const secret = generateTipSecret();
    const stored = hasher.hash(secret);
    assert.ok(hasher.matches(secret.toLowerCase().replaceAll('-', ' '), stored));
    assert.equal(canonicalTipSecret(secret.toLowerCase()), secret.replaceAll('-', ''));
  });

  it('do not match another secret, a truncated hash or an empty one', () => {
    const hasher = createSecretHasher('a pepper long enough for tests');
    const secret = generateTipSecret();
    const stored = hasher.hash(secret);
    assert.equal(hasher.matches(generateTipSecret(), stored), false);
    assert.equal(hasher.matches(secret, stored.slice(1)), false);
    assert.equal(hasher.matches(secret, ''), false);
  });

  it('hash differently under another pepper, so a stolen table alone reveals nothing', () => {
    const secret = generateTipSecret();
    assert.notEqual(createSecretHasher('pepper number one, long').hash(secret), createSecretHasher('pepper number two, long').hash(secret));
    assert.ok(!createSecretHasher('pepper number one, long').hash(secret).includes(secret.replaceAll('-', '')));
  });

  it('refuse a short pepper', () => {
    assert.throws(() => createSecretHasher('short'), /at least 16/);
  });
});
