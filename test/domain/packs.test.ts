/**
 * The compiled packs and the city's lexicon: that the committed files are what the build makes
 * from data/ and the gazetteer, that the source files' traps are handled, that the simplified
 * boundaries keep the stated tolerance, and that every name resolves to real units of each pack.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { GpsIndex } from '../../shared/classification/gps-index.ts';
import { lexicon, packBoundaries } from '../../shared/classification/packs.ts';
import { jurisdiction, packIds } from '../../shared/jurisdictions/index.ts';
import { OUTSIDE } from '../../shared/jurisdictions/pack.ts';
import { buildAdminModel, nameKey } from '../../tools/packs/admin.ts';
import { compilePacks, packFiles, type PackDescriptions } from '../../tools/packs/compile.ts';
import { gazetteerDir, parseOldToNewCsv, readHcmcSources, sourceDataDir } from '../../tools/packs/sources.ts';

const sources = readHcmcSources();
const descriptions = JSON.parse(readFileSync(`${gazetteerDir}packs.json`, 'utf8')) as PackDescriptions;
const compiled = compilePacks(sources, descriptions);
const repo = new URL('../../', import.meta.url);

describe('the committed packs', () => {
  for (const [path, content] of packFiles(compiled)) {
    it(`${path} is what npm run build:pack makes from data/hcmc and the gazetteer`, () => {
      assert.ok(readFileSync(new URL(path, repo), 'utf8') === content, `${path} is stale: run npm run build:pack`);
    });
  }

  it('hold the 168 units of 2025 (113 wards, 54 communes, the Côn Đảo special zone) and the 22 districts of 2021', () => {
    const units2025 = jurisdiction('hcmc-2025').units;
    assert.equal(units2025.length, 168);
    const count = (type: string) => units2025.filter((u) => u.type === type).length;
    assert.deepEqual([count('Phường'), count('Xã'), count('Đặc khu')], [113, 54, 1]);
    assert.deepEqual(
      units2025.map((u) => u.code),
      sources.wards2025.features.map((f) => f.properties.code).sort(),
    );
    assert.equal(jurisdiction('hcmc-2021').units.length, 22);
    for (const pack of packIds) {
      const boundaries = packBoundaries(pack).boundaries;
      assert.deepEqual(
        boundaries.map((b) => b.code),
        jurisdiction(pack).unitCodes,
        `${pack}: a boundary for every unit`,
      );
    }
  });

  it('give each unit a label point inside it', () => {
    for (const pack of packIds) {
      const index = new GpsIndex(packBoundaries(pack).boundaries, { marginMetres: 1 });
      for (const unit of jurisdiction(pack).units) assert.equal(index.lookup(unit.label[1], unit.label[0]), unit.code, `${pack} ${unit.name}`);
    }
  });
});

describe('the traps of the source files', () => {
  it('drop the 981 repeated vertices and the three zero-area rings, and keep every unit', () => {
    const report = compiled.report.get('hcmc-2025');
    assert.equal(report?.repeatedVertices, 981);
    assert.equal(report?.degenerateRings, 3);
    for (const boundary of packBoundaries('hcmc-2025').boundaries) {
      for (const ring of boundary.polygons.flat()) {
        assert.ok(ring.length >= 8, `${boundary.code}: a ring of at least three points and its closing one`);
        for (let i = 2; i < ring.length; i += 2) assert.ok(ring[i] !== ring[i - 2] || ring[i + 1] !== ring[i - 1], `${boundary.code}: no repeated vertex`);
      }
    }
  });

  it('read the CRLF lines of old-to-new-2025.csv without a stray carriage return', () => {
    const text = readFileSync(`${sourceDataDir}old-to-new-2025.csv`, 'utf8');
    assert.ok(text.includes('\r\n'));
    const rows = parseOldToNewCsv(text);
    assert.equal(rows.length, 493);
    for (const row of rows) for (const value of Object.values(row)) assert.doesNotMatch(value, /\r/);
    assert.ok(rows.every((row) => /^\d{5}$/.test(row.newUnitCode)));
  });

  it('take the type of a ward from its name, not a mistyped field (Phú Nhuận Phường 5 and 15 are typed "Xã")', () => {
    const model = compiled.model;
    for (const name of ['5', '15']) assert.equal(model.communes.find((c) => c.district === '768' && c.name === name)?.type, 'Phường');
  });

  it('read "Hoà" and "Hòa" as one name, and the double space of "Phường  An Lạc" as one', () => {
    assert.equal(nameKey('Bình Hưng Hoà'), nameKey('Bình Hưng Hòa'));
    const model = buildAdminModel(sources);
    const anLac = model.communes.filter((c) => c.district === '777' && nameKey(c.name) === nameKey('An Lạc'));
    assert.equal(anLac.length, 1, 'one commune An Lạc in Bình Tân');
    assert.equal(anLac[0]?.name, 'An Lạc');
    assert.ok(!model.communes.some((c) => /\s{2}/.test(c.name)));
  });

  it('map every old commune of the three old provinces to at least one 2025 unit', () => {
    const model = compiled.model;
    const codes = new Set(jurisdiction('hcmc-2025').unitCodes);
    assert.ok(model.communes.length > 441);
    for (const commune of model.communes) {
      assert.ok(commune.targets.length > 0, `${commune.type} ${commune.name}`);
      for (const target of commune.targets) assert.ok(codes.has(target), `${commune.name} → ${target}`);
    }
    assert.deepEqual(model.districtTargets.get('755'), ['26732'], 'Côn Đảo district had no communes: it became the special zone');
  });
});

describe('the simplified 2025 boundaries', () => {
  it(`lie within the stated tolerance of the source polygons`, () => {
    const pack = packBoundaries('hcmc-2025');
    // Rounding to 5 decimals adds up to about 0.8 m to the simplification's tolerance.
    const index = new GpsIndex(pack.boundaries, { marginMetres: pack.toleranceMetres + 1 });
    let checked = 0;
    for (const feature of sources.wards2025.features) {
      const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      const ring = polygons[0]?.[0] ?? [];
      // Every 40th vertex of each unit's outer ring: about 5,000 points spread over every border.
      for (let i = 0; i < ring.length; i += 40) {
        const [lon = 0, lat = 0] = ring[i] as number[];
        const near = index.locate(lat, lon).nearby.some((n) => n.code === feature.properties.code);
        assert.ok(near, `vertex ${i} of ${feature.properties.code} is within ${pack.toleranceMetres + 1} m of the simplified boundary`);
        checked++;
      }
    }
    assert.ok(checked > 4000);
  });
});

describe('the city lexicon', () => {
  it('resolves every entry into real units of each pack, or outside it', () => {
    for (const pack of packIds) {
      const codes = new Set([...jurisdiction(pack).unitCodes, OUTSIDE]);
      for (const entry of lexicon.entries) {
        const units = entry.units[pack];
        assert.ok(units && units.length > 0, `${entry.name} has units in ${pack}`);
        for (const unit of units) assert.ok(codes.has(unit), `${entry.name}: ${unit} in ${pack}`);
      }
    }
  });

  it('names every unit of each pack, with its own entry', () => {
    for (const pack of packIds) {
      const level = jurisdiction(pack).level;
      for (const unit of jurisdiction(pack).units) {
        const own = lexicon.entries.filter((e) => e.level === level && e.units[pack]?.length === 1 && e.units[pack]?.[0] === unit.code);
        assert.ok(own.length > 0, `${pack} ${unit.name}`);
      }
    }
  });

  it('carries landmarks located by their points, not by a hand-written unit list', () => {
    const gazetteer = readFileSync(`${gazetteerDir}landmarks.json`, 'utf8');
    assert.doesNotMatch(gazetteer, /"units"|"districts"/);
    const benThanh = lexicon.entries.find((e) => e.level === 'landmark' && e.forms.includes('chợ Bến Thành'));
    assert.deepEqual(benThanh?.units, { 'hcmc-2025': ['26743'], 'hcmc-2021': ['760'] });
  });

  it('carries its sources and licences', () => {
    const text = lexicon.attribution.join(' ');
    assert.match(text, /GPL-3\.0/);
    for (const pack of packIds) {
      const list = JSON.parse(readFileSync(new URL(`shared/jurisdictions/${pack}/units.json`, repo), 'utf8')) as { attribution: string[] };
      assert.match(list.attribution.join(' '), /dvhcvn/);
    }
  });
});
