import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { defaultPackId, jurisdiction, type Jurisdiction } from '../../shared/jurisdictions/index.ts';
import { cityBounds, cityBoundsMarginDegrees, parseOrThrow, webSubmissionFromFormFields, webSubmissionSchema } from '../../shared/tip/submission.ts';

const validText = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ';

/** The map in force, which every deployment uses unless told otherwise. */
const hcmc2025 = jurisdiction('hcmc-2025');
const hcmc2021 = jurisdiction('hcmc-2021');
const schema = webSubmissionSchema(hcmc2025);

function issuesOf(input: unknown, pack: Jurisdiction = hcmc2025): Array<{ field: string; reason: string; limit?: number }> {
  try {
    parseOrThrow(webSubmissionSchema(pack), input);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return error.issues.map((issue) => ({ ...issue }));
  }
  assert.fail('expected the input to be refused');
}

describe('web submission', () => {
  it('accepts a tip with only text, defaulting to Vietnamese and no contact', () => {
    const submission = parseOrThrow(schema, { text: validText });
    assert.deepEqual(submission, { text: validText, language: 'vi', contact: undefined });
  });

  it('normalises text to NFC and trims it', () => {
    const decomposed = `  ${validText.normalize('NFD')}\n`;
    assert.notEqual(decomposed.trim(), validText);
    assert.equal(parseOrThrow(schema, { text: decomposed }).text, validText);
  });

  it('counts characters as people do: after normalising, one emoji is one character', () => {
    assert.ok(parseOrThrow(schema, { text: '😀'.repeat(10) }));
    assert.deepEqual(issuesOf({ text: '😀'.repeat(9) }), [{ field: 'text', reason: 'tooShort', limit: 10 }]);
    // Ten decomposed letters are twenty code units but ten characters once composed.
    assert.ok(parseOrThrow(schema, { text: 'ệ'.normalize('NFD').repeat(10) }));
  });

  it('refuses text that is too short after trimming, or too long', () => {
    assert.deepEqual(issuesOf({ text: '   short   ' }), [{ field: 'text', reason: 'tooShort', limit: 10 }]);
    assert.deepEqual(issuesOf({ text: 'x'.repeat(5001) }), [{ field: 'text', reason: 'tooLong', limit: 5000 }]);
    assert.equal(parseOrThrow(schema, { text: 'x'.repeat(5000) }).text.length, 5000);
  });

  it('keeps U+0000 and U+FFFF, which are valid characters', () => {
    const text = 'NUL\u0000 and U+FFFF \uffff inside';
    assert.equal(parseOrThrow(schema, { text }).text, text);
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

  it('accepts the unit codes of the pack and refuses others', () => {
    assert.equal(defaultPackId, 'hcmc-2025');
    assert.equal(parseOrThrow(schema, { text: validText, unit: '27154' }).unit, '27154');
    assert.equal(parseOrThrow(schema, { text: validText, unit: '26732' }).unit, '26732');
    assert.deepEqual(issuesOf({ text: validText, unit: '27155' }), [{ field: 'unit', reason: 'unknownUnit' }]);
    assert.deepEqual(issuesOf({ text: validText, unit: 27154 }), [{ field: 'unit', reason: 'unknownUnit' }]);
    assert.deepEqual(issuesOf({ text: validText, unit: 'CITY' }), [{ field: 'unit', reason: 'unknownUnit' }]);
  });

  it('refuses an old 3-digit district code on the map in force, and takes it on the old map', () => {
    assert.deepEqual(issuesOf({ text: validText, unit: '770' }), [{ field: 'unit', reason: 'unknownUnit' }]);
    assert.equal(parseOrThrow(webSubmissionSchema(hcmc2021), { text: validText, unit: '770' }).unit, '770');
    assert.deepEqual(issuesOf({ text: validText, unit: '762' }, hcmc2021), [{ field: 'unit', reason: 'unknownUnit' }]);
    assert.deepEqual(issuesOf({ text: validText, unit: '27154' }, hcmc2021), [{ field: 'unit', reason: 'unknownUnit' }]);
  });

  it('no longer knows the field district', () => {
    assert.equal('district' in parseOrThrow(schema, { text: validText, district: '770' }), false);
  });

  it('accepts a point in the city and refuses one outside or half given', () => {
    const inside = { lat: 10.7769, lon: 106.7009 };
    assert.deepEqual(parseOrThrow(schema, { text: validText, ...inside }).lat, inside.lat);
    assert.deepEqual(issuesOf({ text: validText, lat: 21.0285, lon: 105.8542 }), [
      { field: 'lat', reason: 'outsideCity' },
      { field: 'lon', reason: 'outsideCity' },
    ]);
    assert.deepEqual(issuesOf({ text: validText, lat: cityBounds(hcmc2025).minLat - 0.01, lon: 106.7 }), [{ field: 'lat', reason: 'outsideCity' }]);
    assert.deepEqual(issuesOf({ text: validText, lat: 10.7 }), [{ field: 'lon', reason: 'latLonPair' }]);
    assert.deepEqual(issuesOf({ text: validText, lat: '10.7', lon: 106.7 }), [{ field: 'lat', reason: 'notNumber' }]);
  });

  it('takes the city bounds from the pack, with the margin around its units', () => {
    const [minLon, minLat, maxLon, maxLat] = hcmc2025.bounds;
    const m = cityBoundsMarginDegrees;
    assert.deepEqual(cityBounds(hcmc2025), { minLat: minLat - m, maxLat: maxLat + m, minLon: minLon - m, maxLon: maxLon + m });
    const bounds2021 = cityBounds(hcmc2021);
    assert.equal(bounds2021.minLat, hcmc2021.bounds[1] - m);
    assert.equal(bounds2021.maxLon, hcmc2021.bounds[2] + m);
  });

  it('includes the former Bình Dương and Bà Rịa–Vũng Tàu on the map in force, not on the old one', () => {
    const places = {
      'Vũng Tàu': { lat: 10.35, lon: 107.08 },
      'Côn Đảo': { lat: 8.68, lon: 106.61 },
      'Thủ Dầu Một': { lat: 10.98, lon: 106.65 },
    };
    for (const [name, point] of Object.entries(places)) {
      const submission = parseOrThrow(schema, { text: validText, ...point });
      assert.deepEqual({ lat: submission.lat, lon: submission.lon }, point, name);
    }
    assert.deepEqual(issuesOf({ text: validText, ...places['Vũng Tàu'] }, hcmc2021), [{ field: 'lon', reason: 'outsideCity' }]);
    assert.deepEqual(issuesOf({ text: validText, ...places['Côn Đảo'] }, hcmc2021), [{ field: 'lat', reason: 'outsideCity' }]);
  });

  it('keeps contact details only with consent', () => {
    assert.equal(parseOrThrow(schema, { text: validText, contactOptIn: true, contact: ' 0903 123 456 ' }).contact, '0903 123 456');
    assert.deepEqual(issuesOf({ text: validText, contact: '0903123456' }), [{ field: 'contact', reason: 'contactNeedsConsent' }]);
    assert.deepEqual(issuesOf({ text: validText, contactOptIn: true }), [{ field: 'contact', reason: 'contactRequired' }]);
    assert.equal(parseOrThrow(schema, { text: validText, contactOptIn: false, contact: '' }).contact, undefined);
  });

  it('accepts a category and a language from the lists, and nothing else', () => {
    const submission = parseOrThrow(schema, { text: validText, category: 'drugs', language: 'en' });
    assert.equal(submission.category, 'drugs');
    assert.equal(submission.language, 'en');
    assert.deepEqual(issuesOf({ text: validText, category: 'murder', language: 'fr' }), [
      { field: 'category', reason: 'unknownCategory' },
      { field: 'language', reason: 'unknownLanguage' },
    ]);
  });

  it('reports every bad field at once', () => {
    const fields = issuesOf({ text: 'short', unit: 'x', lat: 0, lon: 0 }).map((issue) => issue.field);
    assert.deepEqual(fields.sort(), ['lat', 'lon', 'text', 'unit']);
  });
});

describe('form fields', () => {
  it('map to the JSON shape: empty boxes are absent, numbers are numbers, a ticked box is true', () => {
    const fields = new URLSearchParams({ text: validText, unit: '', lat: '10,7769', lon: '106.7009', category: '', contactOptIn: 'on', contact: 'x@example.org', language: 'en' });
    assert.deepEqual(webSubmissionFromFormFields(fields), {
      text: validText,
      formToken: undefined,
      unit: undefined,
      lat: 10.7769,
      lon: 106.7009,
      category: undefined,
      contactOptIn: true,
      contact: 'x@example.org',
      language: 'en',
      attachments: undefined,
    });
  });

  it('read the files the form’s script declares as one JSON field, and keep unreadable JSON for the schema to refuse', () => {
    const declared = [{ fileName: 'hẻm.jpg', contentType: 'image/jpeg', size: 1200 }];
    const fields = new URLSearchParams({ text: validText, attachments: JSON.stringify(declared) });
    assert.deepEqual(webSubmissionFromFormFields(fields).attachments, declared);
    const broken = webSubmissionFromFormFields(new URLSearchParams({ text: validText, attachments: '[{"fileName":' }));
    assert.equal(broken.attachments, '[{"fileName":');
    assert.deepEqual(issuesOf(broken).map((issue) => issue.field), ['attachments']);
  });

  it('keep an unreadable number as text so the schema names the field', () => {
    const mapped = webSubmissionFromFormFields(new URLSearchParams({ text: validText, lat: 'north', lon: '106.7' }));
    assert.deepEqual(issuesOf(mapped), [{ field: 'lat', reason: 'notNumber' }]);
  });
});
