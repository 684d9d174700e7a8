/**
 * The compiled jurisdiction pack: its shape, that every gazetteer entry names real units, and
 * that the committed pack.json is what tools/build-pack.ts makes from data/hcmc and the gazetteer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { activeJurisdiction } from '../../shared/jurisdictions/index.ts';
import { hcmc2021Pack } from '../../shared/jurisdictions/hcmc-2021/pack.ts';
import { OUTSIDE } from '../../shared/jurisdictions/pack.ts';
import { compilePack } from '../../tools/compile-pack.ts';
import { packPath, readPackSources, serialisePack } from '../../tools/pack-sources.ts';

describe('HCMC 2021 pack', () => {
  it('has the 22 units of the active jurisdiction, each with wards and a boundary', () => {
    assert.deepEqual(
      hcmc2021Pack.units.map((u) => u.code),
      activeJurisdiction.units.map((u) => u.code),
    );
    assert.equal(hcmc2021Pack.units.length, 22);
    for (const unit of hcmc2021Pack.units) {
      assert.ok(unit.wards.length > 0, unit.code);
      assert.ok(unit.aliases.length > 0, unit.code);
      assert.ok(hcmc2021Pack.boundaries.some((b) => b.code === unit.code), unit.code);
    }
    assert.equal(hcmc2021Pack.units.reduce((n, u) => n + u.wards.length, 0), 315, '312 wards of 2021-2024 plus 3 new in 2025');
  });

  it('keeps the merged units under Thủ Đức and the numbered wards without leading zeros', () => {
    const thuDuc = hcmc2021Pack.units.find((u) => u.code === '769');
    assert.ok(thuDuc?.aliases.some((a) => a.kind === 'number' && a.text === '2' && a.former === true));
    assert.ok(thuDuc?.aliases.some((a) => a.kind === 'number' && a.text === '9' && a.former === true));
    assert.ok(thuDuc?.wards.some((w) => w.name === 'Thảo Điền'));
    const q3 = hcmc2021Pack.units.find((u) => u.code === '770');
    assert.ok(q3?.wards.some((w) => w.name === '9'));
    assert.ok(!q3?.wards.some((w) => w.name.startsWith('0')));
  });

  it('rounds coordinates to 6 decimals and closes every ring', () => {
    for (const boundary of hcmc2021Pack.boundaries) {
      for (const ring of boundary.polygons.flat()) {
        assert.ok(ring.length >= 8 && ring.length % 2 === 0);
        for (const x of ring) assert.equal(Math.round(x * 1e6) / 1e6, x);
        assert.equal(ring[0], ring[ring.length - 2]);
        assert.equal(ring[1], ring[ring.length - 1]);
      }
    }
  });

  it('names only real units in the gazetteer', () => {
    const codes = new Set([...hcmc2021Pack.units.map((u) => u.code), OUTSIDE]);
    for (const place of hcmc2021Pack.places) {
      assert.ok(place.units.length > 0, place.forms[0]);
      for (const unit of place.units) assert.ok(codes.has(unit), `${place.forms[0]}: ${unit}`);
      assert.ok(place.forms.length > 0);
    }
  });

  it('carries the attribution of its sources', () => {
    const text = hcmc2021Pack.attribution.join(' ');
    assert.match(text, /dvhcvn/);
    assert.match(text, /GPL-3\.0/);
    assert.match(text, /gis\.chinhphu\.vn/);
  });

  it('is what the build step makes from its sources', () => {
    const rebuilt = serialisePack(compilePack(readPackSources()));
    assert.equal(rebuilt, readFileSync(packPath, 'utf8'), 'pack.json is stale: run npm run build:pack');
  });
});
