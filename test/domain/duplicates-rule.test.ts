/**
 * The decision rule for reports of one incident (shared/incidents/rule.ts): on a labelled set of
 * reports read by the real classifier (duplicates-cases.ts), every pair of one incident is offered
 * and no pair of two incidents is; then each part of the rule on features made by hand; then its
 * properties over random features.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { categories } from '../../shared/classification/types.ts';
import type { IncidentFeatures } from '../../shared/incidents/features.ts';
import { duplicateReasons } from '../../shared/incidents/ports.ts';
import {
  compareReports,
  distanceMetres,
  duplicateWindowHours,
  farApartMetres,
  nearInTimeHours,
  nearPlaceMetres,
  samePointMetres,
  similarWordingHours,
} from '../../shared/incidents/rule.ts';
import { labelledFeatures, labelledReports } from './duplicates-cases.ts';

const features = labelledFeatures();
const featuresOf = (id: string): IncidentFeatures => {
  const found = features.get(id);
  if (!found) throw new Error(`no labelled report ${id}`);
  return found;
};
const pairs = labelledReports.flatMap((a, index) => labelledReports.slice(index + 1).map((b) => [a, b] as const));

describe('the rule on the labelled reports', () => {
  it('offers every pair of reports of one incident', () => {
    const missed = pairs.filter(([a, b]) => a.incident === b.incident && !compareReports(featuresOf(a.id), featuresOf(b.id))).map(([a, b]) => `${a.id} ~ ${b.id}`);
    assert.ok(pairs.filter(([a, b]) => a.incident === b.incident).length >= 9, 'the set has pairs to find');
    assert.deepEqual(missed, []);
  });

  it('offers no pair of reports of two incidents, on the same street or not', () => {
    const wrong = pairs.filter(([a, b]) => a.incident !== b.incident && compareReports(featuresOf(a.id), featuresOf(b.id))).map(([a, b]) => `${a.id} ~ ${b.id}`);
    assert.deepEqual(wrong, []);
  });

  it('gives the reasons that hold, the same both ways round', () => {
    const reasons = (a: string, b: string) => {
      const there = compareReports(featuresOf(a), featuresOf(b));
      assert.deepEqual(there, compareReports(featuresOf(b), featuresOf(a)));
      return there?.reasons;
    };
    // A web report with its point and an SMS without diacritics, on the same street minutes apart.
    assert.deepEqual(reasons('race-web', 'race-sms-1'), ['near_in_time', 'near_in_place']);
    // The same house number on the same street.
    assert.deepEqual(reasons('theft-120-web', 'theft-120-sms'), ['near_in_time', 'near_in_place', 'same_point', 'similar_wording']);
    // A day apart, at the same alley: the place holds them together.
    assert.deepEqual(reasons('drugs-45-web', 'drugs-45-sms'), ['near_in_place', 'same_point', 'similar_wording']);
    // No place at all, five hours apart: the wording alone.
    assert.deepEqual(reasons('fraud-call-1', 'fraud-call-2'), ['similar_wording']);
    // GPS points 150 m apart on either side of a ward border.
    assert.ok(reasons('fight-web', 'fight-web-2')?.includes('near_in_place'));
    assert.notEqual(featuresOf('fight-web').unit, featuresOf('fight-web-2').unit, 'the two fights were routed to two wards');
  });

  it('scores reports at one house number above reports that only share a street', () => {
    const samePoint = compareReports(featuresOf('theft-120-web'), featuresOf('theft-120-sms'))?.score ?? 0;
    const sameStreet = compareReports(featuresOf('race-web'), featuresOf('race-sms-1'))?.score ?? 1;
    assert.ok(samePoint > sameStreet, `${samePoint} > ${sameStreet}`);
  });
});

/** Hand-made features: a theft at 21:00 with no place, unless told otherwise. */
function report(overrides: Partial<IncidentFeatures> & { readonly tipId: string }): IncidentFeatures {
  return {
    pack: 'hcmc-2025',
    queue: 'CITY',
    unit: null,
    candidateUnits: [],
    receivedAt: '2026-11-24T14:00:00.000Z',
    classifiedAt: '2026-11-24T14:00:01.000Z',
    category: 'theft',
    channel: 'sms',
    places: [],
    addresses: [],
    wording: { folded: 'trom xe may wave ke trom mac ao den' },
    ...overrides,
  };
}

const hoursLater = (hours: number): string => new Date(Date.parse('2026-11-24T14:00:00.000Z') + hours * 3_600_000).toISOString();
/** A point `metres` north of Lê Văn Sỹ at Nhiêu Lộc. */
const pointNorth = (metres: number) => ({ lat: 10.7893 + metres / 111_195, lon: 106.6787 });
const otherWords = { folded: 'nhom thanh nien tu tap hut can sa bai dat trong' };

describe('each part of the rule', () => {
  it('measures distances on the Earth', () => {
    assert.ok(Math.abs(distanceMetres(pointNorth(0), pointNorth(250)) - 250) < 1);
  });

  it('takes the same category, or either one `other`, and nothing else', () => {
    const a = report({ tipId: 'a', places: ['street:le van sy'] });
    assert.ok(compareReports(a, report({ tipId: 'b', places: ['street:le van sy'], receivedAt: hoursLater(1) })));
    assert.ok(compareReports(a, report({ tipId: 'b', places: ['street:le van sy'], receivedAt: hoursLater(1), category: 'other' })));
    assert.equal(compareReports(a, report({ tipId: 'b', places: ['street:le van sy'], receivedAt: hoursLater(1), category: 'robbery' })), undefined);
  });

  it('keeps to the window: the same spot within it, nothing after it', () => {
    const a = report({ tipId: 'a', point: pointNorth(0) });
    assert.ok(compareReports(a, report({ tipId: 'b', point: pointNorth(samePointMetres - 10), receivedAt: hoursLater(duplicateWindowHours), wording: otherWords }))?.reasons.includes('same_point'));
    assert.equal(compareReports(a, report({ tipId: 'b', point: pointNorth(samePointMetres - 10), receivedAt: hoursLater(duplicateWindowHours + 0.1) })), undefined);
  });

  it('takes near in time and near in place together, not either alone', () => {
    const a = report({ tipId: 'a', places: ['street:le van sy'], wording: otherWords });
    const b = { tipId: 'b', places: ['street:le van sy'], wording: { folded: 'trom xe may wave ke trom mac ao den' } };
    assert.ok(compareReports(a, report({ ...b, receivedAt: hoursLater(nearInTimeHours) })));
    assert.equal(compareReports(a, report({ ...b, receivedAt: hoursLater(nearInTimeHours + 0.5) })), undefined, 'a street alone, hours later');
    assert.equal(compareReports(a, report({ tipId: 'b', receivedAt: hoursLater(0.2) })), undefined, 'near in time, nothing about the place');
  });

  it('takes points a few hundred metres apart as near, and far-apart points as two places whatever the words', () => {
    const a = report({ tipId: 'a', point: pointNorth(0) });
    assert.ok(compareReports(a, report({ tipId: 'b', point: pointNorth(nearPlaceMetres - 20), receivedAt: hoursLater(0.5), wording: otherWords }))?.reasons.includes('near_in_place'));
    assert.equal(compareReports(a, report({ tipId: 'b', point: pointNorth(farApartMetres + 200), receivedAt: hoursLater(0.5) })), undefined, 'the same words, 1.2 km apart');
  });

  it('takes two points 600 m apart in one unit as not near: the points say more than the unit', () => {
    const a = report({ tipId: 'a', point: pointNorth(0), unit: '27142', queue: '27142' });
    const b = report({ tipId: 'b', point: pointNorth(600), unit: '27142', queue: '27142', receivedAt: hoursLater(0.5), wording: otherWords });
    assert.equal(compareReports(a, b), undefined);
    assert.ok(compareReports({ ...a, point: undefined }, { ...b, point: undefined })?.reasons.includes('near_in_place'), 'without points, the unit counts');
  });

  it('sets apart two house numbers on one street, and joins one house number', () => {
    const a = report({ tipId: 'a', places: ['street:le van sy'], addresses: ['street:le van sy#120'] });
    assert.equal(compareReports(a, report({ tipId: 'b', places: ['street:le van sy'], addresses: ['street:le van sy#480'], receivedAt: hoursLater(0.2) })), undefined);
    assert.ok(compareReports(a, report({ tipId: 'b', places: ['street:le van sy'], addresses: ['#120'], receivedAt: hoursLater(30), wording: otherWords }))?.reasons.includes('same_point'));
  });

  it("takes a desk tip to be in the units of its shortlist, as a ward's tip is in its own", () => {
    const ward = report({ tipId: 'a', point: pointNorth(0), unit: '27142', queue: '27142', wording: otherWords });
    const desk = report({ tipId: 'b', candidateUnits: ['26968', '27142'], receivedAt: hoursLater(0.5) });
    assert.deepEqual(compareReports(ward, desk)?.reasons, ['near_in_time', 'near_in_place']);
    assert.equal(compareReports(ward, { ...desk, candidateUnits: ['26968'] }), undefined);
  });

  it('sets apart two tips that name different streets, even in one unit', () => {
    const a = report({ tipId: 'a', places: ['street:le van sy'], unit: '27142', queue: '27142' });
    assert.equal(compareReports(a, report({ tipId: 'b', places: ['street:tran quoc thao'], unit: '27142', queue: '27142', receivedAt: hoursLater(0.2) })), undefined);
  });

  it('takes alike wording alone within a day, not later, and not for reports too short to say anything', () => {
    const a = report({ tipId: 'a' });
    assert.deepEqual(compareReports(a, report({ tipId: 'b', receivedAt: hoursLater(similarWordingHours) }))?.reasons, ['similar_wording']);
    assert.equal(compareReports(a, report({ tipId: 'b', receivedAt: hoursLater(similarWordingHours + 1) })), undefined);
    assert.equal(compareReports(report({ tipId: 'a', wording: { folded: 'trom' } }), report({ tipId: 'b', wording: { folded: 'trom' }, receivedAt: hoursLater(1) })), undefined);
  });

  it('never pairs a tip with itself, nor tips of two maps', () => {
    const a = report({ tipId: 'a' });
    assert.equal(compareReports(a, a), undefined);
    assert.equal(compareReports(a, report({ tipId: 'b', pack: 'hcmc-2021' })), undefined);
  });
});

const hour = fc.double({ min: 0, max: 100, noNaN: true });
const arbitraryFeatures = (tipId: string): fc.Arbitrary<IncidentFeatures> =>
  fc.record({
    hours: hour,
    category: fc.constantFrom(...categories),
    point: fc.option(fc.record({ lat: fc.double({ min: 10.78, max: 10.8, noNaN: true }), lon: fc.double({ min: 106.67, max: 106.69, noNaN: true }) }), { nil: undefined }),
    places: fc.subarray(['street:le van sy', 'street:tran quoc thao', 'place:699']),
    addresses: fc.subarray(['street:le van sy#45', 'street:le van sy#120', '#12']),
    unit: fc.constantFrom(null, '27142', '27154'),
    shortlist: fc.subarray(['27142', '27154', '26968']),
    words: fc.subarray(['trom', 'xe', 'may', 'dua', 'thanh', 'nien', 'ban', 'ma', 'tuy', 'ao', 'den', 'giat', 'tui']),
    accented: fc.boolean(),
  }).map(({ hours, category, point, places, addresses, unit, shortlist, words, accented }) =>
    report({
      tipId,
      receivedAt: hoursLater(hours),
      category,
      point,
      places,
      addresses,
      unit,
      candidateUnits: unit === null ? shortlist : [],
      queue: unit ?? 'CITY',
      wording: { folded: words.join(' '), ...(accented && { accented: words.join(' ').replace(/a/g, 'á') }) },
    }),
  );

describe('the rule (properties)', () => {
  it('answers the same both ways round, with a score within 0 … 1 and known reasons', () => {
    fc.assert(
      fc.property(arbitraryFeatures('a'), arbitraryFeatures('b'), (a, b) => {
        const there = compareReports(a, b);
        assert.deepEqual(there, compareReports(b, a));
        if (!there) return;
        assert.ok(there.score >= 0 && there.score <= 1, String(there.score));
        assert.ok(there.reasons.length > 0);
        for (const reason of there.reasons) assert.ok(duplicateReasons.includes(reason), reason);
      }),
      { numRuns: 2000 },
    );
  });

  it('offers nothing across incompatible categories or beyond the window', () => {
    fc.assert(
      fc.property(arbitraryFeatures('a'), arbitraryFeatures('b'), (a, b) => {
        const apart = Math.abs(Date.parse(a.receivedAt) - Date.parse(b.receivedAt)) / 3_600_000 > duplicateWindowHours;
        const incompatible = a.category !== b.category && a.category !== 'other' && b.category !== 'other';
        if (apart || incompatible) assert.equal(compareReports(a, b), undefined);
      }),
      { numRuns: 2000 },
    );
  });
});
