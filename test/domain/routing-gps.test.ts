/**
 * Routing by explicit code and by GPS on the old map (hcmc-2021, 22 districts with coarse
 * polygons): the order of evidence, the index against a plain ray-casting scan, the border
 * margin where text may confirm or override the point. (The map in force: routing-2025-gps.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier, ROUTING_CONFIDENCE_THRESHOLD } from '../../shared/classification/engine.ts';
import { GpsIndex } from '../../shared/classification/gps-index.ts';
import { packBoundaries } from '../../shared/classification/packs.ts';
import type { ClassifierInput } from '../../shared/classification/types.ts';
import type { PackBoundary } from '../../shared/jurisdictions/pack.ts';

const classifier = createClassifier({ pack: 'hcmc-2021' });
const routing = (input: Partial<ClassifierInput>) => classifier.classify({ channel: 'web', text: '', ...input }).routing;
const pack = packBoundaries('hcmc-2021');
const GPS_BORDER_MARGIN_METRES = pack.borderMarginMetres;
const index = new GpsIndex(pack.boundaries, { marginMetres: GPS_BORDER_MARGIN_METRES });

/** Reference point-in-polygon: ray casting over every ring of every unit, no index. */
function scan(boundaries: readonly PackBoundary[], lat: number, lon: number): string[] {
  const inside: string[] = [];
  for (const b of boundaries) {
    let parity = false;
    for (const polygon of b.polygons) {
      for (const ring of polygon) {
        const n = ring.length / 2;
        for (let i = 0, j = n - 1; i < n; j = i++) {
          const xi = ring[2 * i] as number;
          const yi = ring[2 * i + 1] as number;
          const xj = ring[2 * j] as number;
          const yj = ring[2 * j + 1] as number;
          if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) parity = !parity;
        }
      }
    }
    if (parity) inside.push(b.code);
  }
  return inside;
}

// Places checked against the map: the point, its unit.
const landmarks: [string, number, number, string][] = [
  ['Bến Thành market', 10.7725, 106.698, '760'],
  ['Landmark 81', 10.795, 106.7218, '765'],
  ['Hóc Môn town centre', 10.887, 106.593, '784'],
  ['Cần Giờ 30/4 beach', 10.408, 106.961, '787'],
  ['Bình Tây market', 10.7497, 106.6512, '775'],
  ['Đầm Sen park', 10.7685, 106.6375, '772'],
  ['Tân Túc town', 10.689, 106.588, '785'],
  ['SC VivoCity', 10.7302, 106.704, '778'],
];

describe('GPS index', () => {
  it('agrees with plain ray casting on random points over the city', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 5000; k++) {
      const lat = 10.36 + random() * 0.82;
      const lon = 106.35 + random() * 0.69;
      const expected = scan(pack.boundaries, lat, lon);
      const got = index.lookup(lat, lon);
      if (expected.length <= 1) assert.equal(got, expected[0] ?? null, `${lat},${lon}`);
      else assert.ok(got !== null && expected.includes(got), `${lat},${lon}: overlap ${expected.join('/')}, got ${got}`);
    }
  });

  it('finds the unit of well-known places', () => {
    for (const [name, lat, lon, code] of landmarks) assert.equal(index.lookup(lat, lon), code, name);
  });

  it('answers null outside the 22 districts and outside the grid', () => {
    assert.equal(index.lookup(10.9, 106.78), null); // Dĩ An, then Bình Dương
    assert.equal(index.lookup(21.03, 105.85), null); // Hà Nội
    assert.equal(index.lookup(0, 0), null);
  });

  it('reports the units whose border is within the margin', () => {
    // Hồ Con Rùa: Quận 3, about a hundred metres from Quận 1.
    const near = index.locate(10.7826, 106.6959);
    assert.equal(near.code, '770');
    assert.ok(near.borderDistance < GPS_BORDER_MARGIN_METRES);
    assert.deepEqual(near.nearby.map((n) => n.code).sort(), ['760', '770']);
    const deep = index.locate(10.7725, 106.698);
    assert.equal(deep.code, '760');
    assert.equal(deep.nearby.length, 0);
  });

  it('handles a square with a hole', () => {
    const ring = (x0: number, y0: number, x1: number, y1: number): number[] => [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0];
    const donut = new GpsIndex([{ code: 'A', polygons: [[ring(0, 0, 1, 1), ring(0.4, 0.4, 0.6, 0.6)]] }], { cellDegrees: 0.1 });
    // Hundreds of units: no limit on how many an index holds (the 2021 index kept 31-bit masks).
    const grid = Array.from({ length: 400 }, (_, k) => ({ code: `U${k}`, polygons: [[ring(k % 20, Math.floor(k / 20), (k % 20) + 1, Math.floor(k / 20) + 1)]] }));
    const many = new GpsIndex(grid, { cellDegrees: 1 });
    assert.equal(many.lookup(19.5, 19.5), 'U399');
    assert.equal(many.lookup(0.5, 7.5), 'U7');
    assert.equal(donut.lookup(0.2, 0.2), 'A');
    assert.equal(donut.lookup(0.5, 0.5), null);
    assert.equal(donut.lookup(0.45, 0.7), 'A');
    assert.equal(donut.lookup(1.5, 0.5), null);
  });
});

describe('order of evidence', () => {
  it('takes a valid explicit code first', () => {
    const decision = routing({ unit: '771', text: 'Quận 1 có trộm', lat: 10.7725, lon: 106.698 });
    assert.equal(decision.unit, '771');
    assert.equal(decision.method, 'explicit');
    assert.equal(decision.confidence, 1);
    assert.deepEqual(decision.evidence, { kind: 'code', code: '771' });
  });

  it('ignores an invalid explicit code and falls through to GPS, then text', () => {
    assert.equal(routing({ unit: '999', lat: 10.7725, lon: 106.698 }).method, 'gps');
    // A code of the other map is not a unit of this one.
    assert.equal(routing({ unit: '27154', lat: 10.7725, lon: 106.698 }).method, 'gps');
    const text = routing({ unit: 'Q1', text: 'Quận 5 có trộm' });
    assert.equal(text.unit, '774');
    assert.equal(text.method, 'text');
  });

  it('takes a GPS point inside the city over the text', () => {
    const decision = routing({ text: 'Có đánh nhau trước quán bar', lat: 10.7674, lon: 106.6935 });
    assert.equal(decision.unit, '760');
    assert.equal(decision.method, 'gps');
    assert.deepEqual(decision.evidence, { kind: 'point', lat: 10.7674, lon: 106.6935 });
    assert.ok(decision.confidence >= 0.95);
    // Deep inside a unit the point wins even when the text names another; the text is the next candidate.
    const disagree = routing({ text: 'Quận 5 có đánh nhau', lat: 10.7725, lon: 106.698 });
    assert.equal(disagree.unit, '760');
    assert.equal(disagree.candidates[1]?.unit, '774');
  });

  it('lets the text confirm a point near a border', () => {
    const alone = routing({ text: 'Đang có đua xe quanh bùng binh', lat: 10.7828, lon: 106.6957 });
    assert.equal(alone.unit, '770');
    assert.equal(alone.method, 'gps');
    assert.ok(alone.confidence >= ROUTING_CONFIDENCE_THRESHOLD && alone.confidence < 0.95);
    assert.ok(alone.candidates.some((c) => c.unit === '760'), 'the neighbour is a candidate');
    const confirmed = routing({ text: 'Đang có đua xe quanh hồ Con Rùa', lat: 10.7828, lon: 106.6957 });
    assert.equal(confirmed.unit, '770');
    assert.ok(confirmed.confidence > alone.confidence);
  });

  it('lets the text override a point near a border when it names the neighbour', () => {
    const decision = routing({ text: 'Q1: có cướp giật trên đường Lê Duẩn', lat: 10.7828, lon: 106.6957 });
    assert.equal(decision.unit, '760');
    assert.equal(decision.method, 'text');
    assert.equal(decision.candidates[1]?.unit, '770');
  });

  it('falls back to text when the point is outside the city or unusable', () => {
    const outside = routing({ text: 'Quận 5 có trộm', lat: 10.9, lon: 106.78 });
    assert.equal(outside.unit, '774');
    assert.equal(outside.method, 'text');
    assert.equal(routing({ text: 'Quận 5 có trộm', lat: 0, lon: 0 }).method, 'text');
    assert.equal(routing({ text: 'Quận 5 có trộm', lat: Number.NaN, lon: 106.7 }).method, 'text');
    assert.equal(routing({ text: 'không rõ ở đâu', lat: 10.9, lon: 106.78 }).unit, null);
  });

  it('puts swapped coordinates right', () => {
    const decision = routing({ lat: 106.698, lon: 10.7725 });
    assert.equal(decision.unit, '760');
    assert.equal(decision.method, 'gps');
  });
});
