/**
 * Every catalogue of user-facing words speaks Vietnamese and English: no key is missing in
 * either language, none is empty, and each label table names every code of its code list.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { labelTables } from '../../shared/labels.ts';
import { englishOnlyFragments, englishOnlyIn, languageCatalogues, languages, messageCatalogues } from '../support/catalogue.ts';

describe('catalogues keyed by message', () => {
  for (const [name, catalogue] of Object.entries(messageCatalogues)) {
    it(`${name}: every message has a non-empty text in each language`, () => {
      assert.ok(Object.keys(catalogue).length > 0);
      for (const [key, entry] of Object.entries(catalogue)) {
        for (const language of languages) {
          const text = (entry as Record<string, unknown>)[language];
          assert.ok(typeof text === 'string' && text.trim() !== '', `${name}.${key} has no ${language} text`);
        }
        assert.deepEqual(Object.keys(entry).sort(), [...languages].sort(), `${name}.${key} speaks only the project's languages`);
      }
    });
  }
});

describe('catalogues keyed by language', () => {
  for (const [name, catalogue] of Object.entries(languageCatalogues)) {
    it(`${name}: both languages have the same keys, each of the same kind and non-empty`, () => {
      const [first, ...others] = languages.map((language) => catalogue[language]);
      assert.ok(first && Object.keys(first).length > 0);
      for (const other of others) {
        assert.deepEqual(Object.keys(other ?? {}).sort(), Object.keys(first).sort(), `${name}: a key is missing in one language`);
      }
      for (const language of languages) {
        for (const [key, value] of Object.entries(catalogue[language])) {
          const kind: string = typeof first[key];
          assert.equal(typeof value, kind, `${name}.${language}.${key} is a ${typeof value}, not a ${kind}`);
          if (typeof value === 'string') assert.notEqual(value.trim(), '', `${name}.${language}.${key} is empty`);
          if (typeof value === 'function') assert.equal(value.length, (first[key] as (...args: unknown[]) => string).length, `${name}.${language}.${key} takes other arguments`);
        }
      }
    });
  }
});

describe('label tables', () => {
  for (const [table, { codes, names }] of Object.entries(labelTables)) {
    it(`${table}: names every code of its list, and nothing else`, () => {
      assert.deepEqual(Object.keys(names).sort(), [...codes].sort());
    });
  }
});

describe('the English-only check', () => {
  it('knows English words of every kind of catalogue, and none that Vietnamese pages also use', () => {
    const fragments = englishOnlyFragments();
    for (const expected of ['Too many requests. Please try again later', 'No tip with this id that you may see', 'Drugs', 'Fake SMS provider']) {
      assert.ok(fragments.includes(expected), `${expected} is an English-only fragment`);
    }
    assert.ok(!fragments.includes('English'), 'the language link reads "English" on Vietnamese pages too');
  });

  it('finds whole words only', () => {
    assert.deepEqual(englishOnlyIn('Loại: Ma túy. Drugs'), ['Drugs']);
    assert.deepEqual(englishOnlyIn('Loại: Ma túy. Drugstore'), []);
  });
});
