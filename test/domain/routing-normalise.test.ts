/** Text normalisation: NFC, case, diacritics (đ → d), punctuation, offsets back to the input. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { fold, normalise } from '../../shared/classification/vietnamese-text.ts';

describe('normalise', () => {
  it('folds case and diacritics, đ to d', () => {
    assert.equal(fold('Quận Bình Thạnh, ĐƯỜNG Điện Biên Phủ').replace(/\s+/g, ' ').trim(), 'quan binh thanh duong dien bien phu');
    assert.equal(fold('Hoà').trim(), fold('Hòa').trim());
  });

  it('folds decomposed (NFD) text like composed text', () => {
    assert.deepEqual(
      normalise('Thủ Đức'.normalize('NFD')).tokens.map((t) => t.text),
      normalise('Thủ Đức').tokens.map((t) => t.text),
    );
  });

  it('splits letters from digits and strips leading zeros', () => {
    assert.deepEqual(normalise('Q1 q.1 P05 15h30').tokens.map((t) => t.text), ['q', '1', 'q', '1', 'p', '5', '15', 'h', '30']);
    const [q, one] = normalise('Q1').tokens;
    assert.equal(one?.glued, true);
    assert.equal(q?.glued, false);
  });

  it('keeps offsets, the raw token and what separates tokens', () => {
    const text = 'Tại chợ Bến Thành, Q.1';
    const tokens = normalise(text).tokens;
    const ben = tokens.find((t) => t.text === 'ben');
    assert.equal(ben?.raw, 'Bến');
    assert.equal(text.slice(ben?.start, ben?.end), 'Bến');
    assert.equal(tokens.at(-1)?.sep, '.');
    assert.equal(tokens.at(-2)?.sep, ', ');
  });

  it('treats emoji and symbols as spaces', () => {
    assert.deepEqual(normalise('gấp!!! 🚨 cứu').tokens.map((t) => t.text), ['gap', 'cuu']);
  });
});
