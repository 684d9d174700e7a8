/**
 * How the duplicate search reads a tip (shared/incidents/features.ts) and measures wording
 * (shared/incidents/wording.ts): content words only, the same with or without diacritics, place
 * words and the street's own name left to the place signal.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { asDictionary } from 'trigram-utils';
import { describe, it } from 'vitest';
import { classifierFor } from '../../shared/classification/engine.ts';
import { fold } from '../../shared/classification/vietnamese-text.ts';
import { createIncidentReader, type IncidentFeatures } from '../../shared/incidents/features.ts';
import { similarWordingThreshold } from '../../shared/incidents/rule.ts';
import { stopWords, wordingSimilarity, type Wording } from '../../shared/incidents/wording.ts';
import { cityDeskQueue } from '../../shared/jurisdictions/index.ts';

const classifier = classifierFor('hcmc-2025');
const reader = createIncidentReader(classifier.resolver.finder);

/** A tip's features as the classifier reads it, at the city desk unless the text or point routes it. */
function read(text: string, point?: { lat: number; lon: number }): IncidentFeatures {
  const channel = point ? 'web' : 'sms';
  const classification = classifier.classify({ channel, text, ...point });
  return reader.read({
    id: '01JTIP00000000000000000001',
    pack: 'hcmc-2025',
    queue: classification.routing.unit ?? cityDeskQueue,
    unit: classification.routing.unit,
    receivedAt: '2026-11-24T14:00:00.000Z',
    classifiedAt: '2026-11-24T14:00:01.000Z',
    category: classification.category,
    channel,
    text,
    lat: point?.lat,
    lon: point?.lon,
    routing: classification.routing,
  });
}

/** The text as typed on a phone without a Vietnamese keyboard: no diacritics, đ as d. */
function withoutDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** Dice of the trigrams of two whole texts, folded: what a measure that keeps every word would give. */
function wholeTextSimilarity(a: string, b: string): number {
  const first = asDictionary(fold(a));
  const second = asDictionary(fold(b));
  const total = Object.values(first).reduce((sum, count) => sum + count, 0) + Object.values(second).reduce((sum, count) => sum + count, 0);
  let shared = 0;
  for (const [trigram, count] of Object.entries(first)) shared += Math.min(count, second[trigram] ?? 0);
  return (2 * shared) / total;
}

describe("a tip's reading for the duplicate search", () => {
  it('keeps the content words and reads the street and the alley number as place', () => {
    const features = read('Có người bán ma túy trong hẻm 45 Lê Văn Sỹ, thường xuyên có người lạ ra vào');
    assert.deepEqual(features.places, ['street:le van sy']);
    assert.deepEqual(features.addresses, ['street:le van sy#45']);
    assert.equal(features.wording.folded, 'ban ma tuy thuong xuyen');
    assert.equal(features.wording.accented, 'bán ma túy thường xuyên');
  });

  it('reads a report typed without diacritics as the one typed with them', () => {
    const written = 'Bị trộm xe máy Wave trước nhà số 120 đường Lê Văn Sỹ, kẻ trộm mặc áo đen chạy về hướng chợ';
    const accented = read(written);
    const plain = read(withoutDiacritics(written));
    assert.deepEqual([plain.places, plain.addresses, plain.wording.folded], [accented.places, accented.addresses, accented.wording.folded]);
    assert.equal(plain.wording.accented, undefined, 'a report without diacritics has no accented wording');
    assert.equal(wordingSimilarity(accented.wording, plain.wording), 1);
  });

  it('reads a street the gazetteer does not know from the words after its type word', () => {
    const features = read('co nguoi ban ma tuy tren duong tran van kieu gan cho');
    assert.deepEqual(features.places, ['street:tran van kieu']);
    assert.ok(!features.wording.folded.includes('kieu'), features.wording.folded);
  });

  it('reads a numbered street, and no street in "đường dây" (a ring) or "trên đường đi" (on the way)', () => {
    assert.deepEqual(read('duong so 7 so 45 co danh nhau').places, ['street:so 7']);
    assert.deepEqual(read('duong so 7 so 45 co danh nhau').addresses, ['street:so 7#45']);
    assert.deepEqual(read('Phát hiện đường dây đánh bạc online').places, []);
    assert.deepEqual(read('trên đường đi làm về thì bị giật túi xách').places, []);
    assert.deepEqual(read('đua xe trên đường Nguyễn Thị Định').places, ['street:nguyen thi dinh']);
  });

  it('takes the places of the scene only: not where the tipster lives', () => {
    const features = read('Tôi ở đường Lê Văn Sỹ nhưng thấy đánh bạc ở chợ Bến Thành');
    assert.ok(!features.places.includes('street:le van sy'), JSON.stringify(features.places));
    assert.ok(features.places.some((place) => place.startsWith('place:')), JSON.stringify(features.places));
  });

  it('keeps the GPS point of a web report', () => {
    assert.deepEqual(read('Có nhóm thanh niên đua xe trên đường Lê Văn Sỹ', { lat: 10.7893, lon: 106.6787 }).point, { lat: 10.7893, lon: 106.6787 });
  });

  it('does not let the street every report names make two incidents on it look alike', () => {
    const theft = 'Vừa bị móc túi mất điện thoại trong quán cà phê ở đường Lê Văn Sỹ, phường Nhiêu Lộc';
    const drugs = 'Có người bán ma túy ở đường Lê Văn Sỹ, phường Nhiêu Lộc';
    const content = wordingSimilarity(read(theft).wording, read(drugs).wording);
    assert.ok(wholeTextSimilarity(theft, drugs) > similarWordingThreshold, 'the whole texts look alike: the place words are most of them');
    assert.ok(content < similarWordingThreshold / 2, `content words: ${content}`);
  });

  it('counts words that fold alike but are written differently as different, when both have diacritics', () => {
    const sold = read('bán xe máy trộm được');
    const friend = read('bạn xe máy trộm được');
    const soldPlain = read(withoutDiacritics('bán xe máy trộm được'));
    assert.equal(wordingSimilarity(sold.wording, soldPlain.wording), 1);
    assert.ok(wordingSimilarity(sold.wording, friend.wording) < 1);
  });

  it('has no place type word or shorthand that every report shares among its content words', () => {
    for (const word of ['duong', 'phuong', 'quan', 'hem', 'co', 'o', 'tai', 'dang', 'nguoi', 'ko', 'dc']) assert.ok(stopWords.has(word), word);
  });
});

/** Words of Vietnamese tips, with their diacritics, to build random reports from. */
const vocabulary = [
  'trộm', 'cắp', 'xe', 'máy', 'đua', 'nẹt', 'pô', 'thanh', 'niên', 'giật', 'túi', 'xách', 'điện', 'thoại', 'đánh', 'nhau', 'dao', 'bạc', 'cá', 'độ',
  'ma', 'túy', 'bán', 'hút', 'lừa', 'đảo', 'chuyển', 'tiền', 'khoản', 'áo', 'đen', 'đỏ', 'quán', 'nhậu', 'karaoke', 'ồn', 'ào', 'súng', 'cướp', 'đêm',
  'có', 'ở', 'tại', 'đường', 'Lê', 'Văn', 'Sỹ', 'hẻm', 'số', '45', 'phường', 'Bàn', 'Cờ', 'người', 'đang', 'rất', 'nguy', 'hiểm',
];
const report = fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 25 }).map((words) => words.join(' '));
const wording = fc.record({ folded: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', ' '), maxLength: 40 }) }) as fc.Arbitrary<Wording>;

describe('wording similarity (properties)', () => {
  it('is the same both ways round and lies within 0 … 1', () => {
    fc.assert(
      fc.property(report, report, (a, b) => {
        const first = read(a).wording;
        const second = read(b).wording;
        const there = wordingSimilarity(first, second);
        assert.equal(there, wordingSimilarity(second, first));
        assert.ok(there >= 0 && there <= 1, String(there));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(wording, wording, (a, b) => {
        const there = wordingSimilarity(a, b);
        assert.equal(there, wordingSimilarity(b, a));
        assert.ok(there >= 0 && there <= 1);
      }),
    );
  });

  it('reads a report and the same report without diacritics alike: same places, same words, similarity 1', () => {
    fc.assert(
      fc.property(report, (text) => {
        const accented = read(text);
        const plain = read(withoutDiacritics(text));
        assert.deepEqual(plain.places, accented.places);
        assert.deepEqual(plain.addresses, accented.addresses);
        assert.equal(plain.wording.folded, accented.wording.folded);
        if (accented.wording.folded !== '') assert.equal(wordingSimilarity(accented.wording, plain.wording), 1);
      }),
      { numRuns: 200 },
    );
  });

  it('gives 1 for a report and itself, when it has content words', () => {
    fc.assert(
      fc.property(report, (text) => {
        const features = read(text);
        if (features.wording.folded !== '') assert.equal(wordingSimilarity(features.wording, features.wording), 1);
      }),
      { numRuns: 100 },
    );
  });
});
