/**
 * The cold-start shortcuts of the normaliser give what the plain computations give: the fold
 * table built over the Latin ranges only equals folding every code unit below U+2000, and
 * foldTokens (which builds no tokens) cuts phrases as normalise does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { lexicon } from '../../shared/classification/packs.ts';
import { fold, foldTokens, normalise } from '../../shared/classification/vietnamese-text.ts';

/** The fold of one code unit as the table once computed it, over all 8,192 code units. */
function plainFold(c: number): string {
  if (c >= 0x300 && c <= 0x36f) return '\u0001';
  if (c === 0x27 || c === 0x2019) return '\u0001';
  if (c === 0x110 || c === 0x111) return 'd';
  const base = String.fromCharCode(c).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const folded = base === 'đ' || base === 'ð' ? 'd' : base;
  return folded.length === 1 && /[a-z0-9]/.test(folded) ? folded : ' ';
}

describe('fold table', () => {
  it('folds every code unit below U+2000 as folding each one in full would', () => {
    const differing: string[] = [];
    for (let c = 0; c < 0x2000; c++) {
      // Text with a combining mark is normalised first (U+0344 becomes two marks), as normalise does.
      const ch = String.fromCharCode(c);
      const source = /[\u0300-\u036f]/.test(ch) ? ch.normalize('NFC') : ch;
      const expected = [...source].map((unit) => plainFold(unit.charCodeAt(0))).join('');
      if (fold(String.fromCharCode(c)) !== expected) differing.push(c.toString(16));
    }
    assert.deepEqual(differing, []);
  });
});

describe('foldTokens', () => {
  it('cuts every lexicon form and some awkward phrases as normalise does', () => {
    const phrases = [...lexicon.entries.flatMap((e) => [...e.forms, ...(e.abbreviations ?? []).map((a) => a.text)]), "Q.01 don't P05 15h30", 'Thủ Đức'.normalize('NFD'), ' ,. ', ''];
    for (const phrase of phrases) assert.deepEqual(foldTokens(phrase), normalise(phrase).tokens.map((t) => t.text), phrase);
  });
});
