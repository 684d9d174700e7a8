/**
 * Routing by GPS on the map in force (168 units): a point on the surface of each unit's source
 * polygon resolves to that unit, and to the old district the 2021 polygons put it in; points
 * near a border, outside the city, or sent from the tipster's hotel.
 */
import assert from 'node:assert/strict';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';
import { GpsIndex } from '../../shared/classification/gps-index.ts';
import { packBoundaries } from '../../shared/classification/packs.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { labelPoint, sourceFlatPolygons } from '../../tools/packs/geometry.ts';
import { readHcmcSources } from '../../tools/packs/sources.ts';

const classifier = createClassifier({ pack: 'hcmc-2025' });
const sources = readHcmcSources();
const neutral = 'Có người lạ đáng ngờ ở đây, nhờ công an kiểm tra giúp';

/** The old district (from the source 2021 polygons) a point lies in, or null outside the 22. */
function district2021(lon: number, lat: number): string | null {
  const feature = sources.districts2021.features.find((f) => booleanPointInPolygon([lon, lat], f.geometry as never));
  return feature ? String(feature.properties.code) : null;
}

describe('a point on the surface of each unit', () => {
  const units = sources.wards2025.features.map((feature) => ({ code: String(feature.properties.code), name: String(feature.properties.name), point: labelPoint(sourceFlatPolygons(feature), 6) }));

  it('covers all 168 units', () => {
    assert.equal(units.length, 168);
    assert.equal(new Set(units.map((u) => u.code)).size, 168);
  });

  for (const unit of units) {
    it(`resolves to ${unit.code} ${unit.name}, and to its old district on the 2021 map`, () => {
      const [lon, lat] = unit.point;
      const { routing, otherGeneration } = classifier.classify({ channel: 'web', text: neutral, lat, lon });
      assert.equal(routing.unit, unit.code);
      assert.equal(routing.method, 'gps');
      assert.ok(routing.confidence >= 0.6);
      const old = district2021(lon, lat);
      if (old === null) assert.ok(otherGeneration?.units.every((u) => jurisdiction('hcmc-2021').unitCodes.includes(u)));
      else assert.ok(otherGeneration?.units.includes(old), `${unit.name}: ${old} among ${otherGeneration?.units.join(',')}`);
    });
  }
});

describe('points that are not simply inside a unit', () => {
  const pack = packBoundaries('hcmc-2025');
  const index = new GpsIndex(pack.boundaries, { marginMetres: pack.borderMarginMetres });

  it('lists the neighbour as a candidate for a point within the border margin', () => {
    // Walk from Phường Bàn Cờ's label point towards Phường Xuân Hòa's until the point is near their border.
    const from = jurisdiction('hcmc-2025').findUnit('27154')?.label as readonly [number, number];
    const to = jurisdiction('hcmc-2025').findUnit('27139')?.label as readonly [number, number];
    let near: { lat: number; lon: number } | undefined;
    for (let t = 0; t <= 1 && !near; t += 0.001) {
      const lon = from[0] + (to[0] - from[0]) * t;
      const lat = from[1] + (to[1] - from[1]) * t;
      const location = index.locate(lat, lon);
      if (location.code === '27154' && location.nearby.some((n) => n.code === '27139')) near = { lat, lon };
    }
    assert.ok(near, 'a point near the border of the two units');
    const { routing } = classifier.classify({ channel: 'web', text: neutral, ...near });
    assert.ok(routing.candidates.some((c) => c.unit === '27139'), 'the neighbour is a candidate');
    // The text naming the neighbour settles it.
    const named = classifier.classify({ channel: 'web', text: 'Có người bán ma túy ở phường Xuân Hòa', ...near });
    assert.equal(named.routing.unit, '27139');
  });

  it('routes by the text when the point is outside the city', () => {
    const { routing } = classifier.classify({ channel: 'web', text: 'Có trộm xe ở phường Bến Thành', lat: 21.0285, lon: 105.8542 });
    assert.equal(routing.unit, '26743');
    assert.equal(routing.method, 'text');
  });

  it('takes the scene the text names over a point the tipster says is their hotel or home', () => {
    const hotel = jurisdiction('hcmc-2025').findUnit('26740')?.label as readonly [number, number];
    for (const text of [
      'Vị trí gửi kèm là khách sạn tôi đang ở, không phải nơi xảy ra sự việc. Tối nay tôi bị móc túi ở phường Xóm Chiếu.',
      "I'm writing from my hotel; the pickpockets work the night market in Xom Chieu ward.",
      'Tôi đang ở nhà. Chiều nay có vụ trộm xe ở phường Xóm Chiếu.',
    ]) {
      const { routing } = classifier.classify({ channel: 'web', text, lat: hotel[1], lon: hotel[0] });
      assert.equal(routing.unit, '27259', text);
      assert.equal(routing.method, 'text');
    }
    // Without that statement, a point deep inside a unit wins over a place named in passing.
    const plain = classifier.classify({ channel: 'web', text: 'Đang có đánh nhau ngay tại vị trí này, gần chợ Xóm Chiếu', lat: hotel[1], lon: hotel[0] });
    assert.equal(plain.routing.unit, '26740');
  });

  it('puts the special zone far to the south on the map too', () => {
    const conDao = jurisdiction('hcmc-2025').findUnit('26732')?.label as readonly [number, number];
    assert.ok(conDao[1] < 9, 'Côn Đảo lies south of 9° N');
    assert.equal(classifier.classify({ channel: 'web', text: neutral, lat: conDao[1], lon: conDao[0] }).routing.unit, '26732');
  });
});
