import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { describeFieldReason, languageFromAcceptHeader } from '../../shared/i18n.ts';

describe('language negotiation', () => {
  const cases: Array<[string | undefined, 'vi' | 'en']> = [
    [undefined, 'vi'],
    ['', 'vi'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,fr;q=0.9,en;q=0.5', 'en'],
    ['vi-VN,vi;q=0.9,en;q=0.8', 'vi'],
    ['en;q=0.4,vi;q=0.8', 'vi'],
    ['de, ja', 'vi'],
    ['en;q=0', 'vi'],
  ];
  for (const [header, expected] of cases) {
    it(`reads ${JSON.stringify(header)} as ${expected}`, () => assert.equal(languageFromAcceptHeader(header), expected));
  }
});

describe('field reasons', () => {
  it('fill in the limit in both languages', () => {
    assert.equal(describeFieldReason('tooShort', 'vi', 10), 'Cần ít nhất 10 ký tự.');
    assert.equal(describeFieldReason('tooShort', 'en', 10), 'Must be at least 10 characters long.');
  });
});
