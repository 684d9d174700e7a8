import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { cityBounds, parseOrThrow, webSubmissionFromFormFields, webSubmissionSchema } from '../../shared/tip/submission.ts';

const validText = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ';

function issuesOf(input: unknown): Array<{ field: string; reason: string; limit?: number }> {
  try {
    parseOrThrow(webSubmissionSchema, input);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return error.issues.map((issue) => ({ ...issue }));
  }
  assert.fail('expected the input to be refused');
}

describe('web submission', () => {
  it('accepts a tip with only text, defaulting to Vietnamese and no contact', () => {
    const submission = parseOrThrow(webSubmissionSchema, { text: validText });
    assert.deepEqual(submission, { text: validText, language: 'vi', contact: undefined });
  });

  it('normalises text to NFC and trims it', () => {
    const decomposed = `  ${validText.normalize('NFD')}\n`;
    assert.notEqual(decomposed.trim(), validText);
    assert.equal(parseOrThrow(webSubmissionSchema, { text: decomposed }).text, validText);
  });

  it('counts characters as people do: after normalising, one emoji is one character', () => {
    assert.ok(parseOrThrow(webSubmissionSchema, { text: '😀'.repeat(10) }));
    assert.deepEqual(issuesOf({ text: '😀'.repeat(9) }), [{ field: 'text', reason: 'tooShort', limit: 10 }]);
    // Ten decomposed letters are twenty code units but ten characters once composed.
    assert.ok(parseOrThrow(webSubmissionSchema, { text: 'ệ'.normalize('NFD').repeat(10) }));
  });

  it('refuses text that is too short after trimming, or too long', () => {
    assert.deepEqual(issuesOf({ text: '   short   ' }), [{ field: 'text', reason: 'tooShort', limit: 10 }]);
    assert.deepEqual(issuesOf({ text: 'x'.repeat(5001) }), [{ field: 'text', reason: 'tooLong', limit: 5000 }]);
    assert.equal(parseOrThrow(webSubmissionSchema, { text: 'x'.repeat(5000) }).text.length, 5000);
  });

  it('keeps U+0000 and U+FFFF, which are valid characters', () => {
    const text = 'NUL\u0000 and U+FFFF \uffff inside';
    assert.equal(parseOrThrow(webSubmissionSchema, { text }).text, text);
  });

  it('refuses a lone surrogate with a reason, rather than storing mangled text', () => {
    assert.deepEqual(issuesOf({ text: 'lone surrogate \ud800 here' }), [{ field: 'text', reason: 'invalidCharacter' }]);
    assert.deepEqual(issuesOf({ text: 'trailing one here \udc00' }), [{ field: 'text', reason: 'invalidCharacter' }]);
  });

  it('names a missing or mistyped text', () => {
    assert.deepEqual(issuesOf({}), [{ field: 'text', reason: 'required' }]);
    assert.deepEqual(issuesOf({ text: 42 }), [{ field: 'text', reason: 'notText' }]);
    assert.deepEqual(issuesOf(null), [{ field: 'body', reason: 'invalid' }]);
  });

  it('accepts the 22 district codes and refuses others', () => {
    assert.equal(parseOrThrow(webSubmissionSchema, { text: validText, district: '770' }).district, '770');
    assert.deepEqual(issuesOf({ text: validText, district: '762' }), [{ field: 'district', reason: 'unknownDistrict' }]);
    assert.deepEqual(issuesOf({ text: validText, district: 770 }), [{ field: 'district', reason: 'unknownDistrict' }]);
  });

  it('accepts a point in the city and refuses one outside or half given', () => {
    const inside = { lat: 10.7769, lon: 106.7009 };
    assert.deepEqual(parseOrThrow(webSubmissionSchema, { text: validText, ...inside }).lat, inside.lat);
    assert.deepEqual(issuesOf({ text: validText, lat: 21.0285, lon: 105.8542 }), [
      { field: 'lat', reason: 'outsideCity' },
      { field: 'lon', reason: 'outsideCity' },
    ]);
    assert.deepEqual(issuesOf({ text: validText, lat: cityBounds.minLat - 0.01, lon: 106.7 }), [{ field: 'lat', reason: 'outsideCity' }]);
    assert.deepEqual(issuesOf({ text: validText, lat: 10.7 }), [{ field: 'lon', reason: 'latLonPair' }]);
    assert.deepEqual(issuesOf({ text: validText, lat: '10.7', lon: 106.7 }), [{ field: 'lat', reason: 'notNumber' }]);
  });

  it('keeps contact details only with consent', () => {
    assert.equal(parseOrThrow(webSubmissionSchema, { text: validText, contactOptIn: true, contact: ' 0903 123 456 ' }).contact, '0903 123 456');
    assert.deepEqual(issuesOf({ text: validText, contact: '0903123456' }), [{ field: 'contact', reason: 'contactNeedsConsent' }]);
    assert.deepEqual(issuesOf({ text: validText, contactOptIn: true }), [{ field: 'contact', reason: 'contactRequired' }]);
    assert.equal(parseOrThrow(webSubmissionSchema, { text: validText, contactOptIn: false, contact: '' }).contact, undefined);
  });

  it('accepts a category and a language from the lists, and nothing else', () => {
    const submission = parseOrThrow(webSubmissionSchema, { text: validText, category: 'drugs', language: 'en' });
    assert.equal(submission.category, 'drugs');
    assert.equal(submission.language, 'en');
    assert.deepEqual(issuesOf({ text: validText, category: 'murder', language: 'fr' }), [
      { field: 'category', reason: 'unknownCategory' },
      { field: 'language', reason: 'unknownLanguage' },
    ]);
  });

  it('reports every bad field at once', () => {
    const fields = issuesOf({ text: 'short', district: 'x', lat: 0, lon: 0 }).map((issue) => issue.field);
    assert.deepEqual(fields.sort(), ['district', 'lat', 'lon', 'text']);
  });
});

describe('form fields', () => {
  it('map to the JSON shape: empty boxes are absent, numbers are numbers, a ticked box is true', () => {
    const fields = new URLSearchParams({ text: validText, district: '', lat: '10,7769', lon: '106.7009', category: '', contactOptIn: 'on', contact: 'x@example.org', language: 'en' });
    assert.deepEqual(webSubmissionFromFormFields(fields), {
      text: validText,
      district: undefined,
      lat: 10.7769,
      lon: 106.7009,
      category: undefined,
      contactOptIn: true,
      contact: 'x@example.org',
      language: 'en',
    });
  });

  it('keep an unreadable number as text so the schema names the field', () => {
    const mapped = webSubmissionFromFormFields(new URLSearchParams({ text: validText, lat: 'north', lon: '106.7' }));
    assert.deepEqual(issuesOf(mapped), [{ field: 'lat', reason: 'notNumber' }]);
  });
});
