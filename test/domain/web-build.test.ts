/**
 * The generated files under web/ (the console's map of each pack) are committed; they must be
 * exactly what tools/build-web.ts makes now, so they never go stale. Run `npm run build:web`
 * after changing a pack. The citizen pages are rendered per pack: by the local stack on each
 * request, and by the CDK app for the deployment's pack.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { escapeHtml, statusFormPage, tipFormPage, tipMessageAddedPage, tipStatusPage } from '../../functions/http/pages.ts';
import { packBoundaries } from '../../shared/classification/packs.ts';
import { jurisdiction, packIds } from '../../shared/jurisdictions/index.ts';
import { buildWeb, webRoot } from '../../tools/build-web.ts';

interface MapFile {
  pack: string;
  bounds: number[];
  features: { id: number; properties: { code: string; name: string; nameEn: string; group: string; label: [number, number] }; geometry: { type: string; coordinates: number[][][][] } }[];
}

describe('web/ build', () => {
  const built = buildWeb();

  for (const [path, content] of built) {
    it(`web/${path} is committed and up to date`, () => {
      const file = join(webRoot, path);
      assert.ok(existsSync(file), `web/${path} is missing: run npm run build:web`);
      assert.ok(readFileSync(file, 'utf8') === content, `web/${path} is stale: run npm run build:web`);
    });
  }

  for (const pack of packIds) {
    it(`maps every unit of ${pack} with closed rings of 5-decimal coordinates inside the pack's bounds`, () => {
      const data = JSON.parse(built.get(`console/maps/${pack}.geojson`) ?? '{}') as MapFile;
      const units = jurisdiction(pack);
      assert.equal(data.pack, pack);
      assert.deepEqual(
        data.features.map((f) => [f.properties.code, f.properties.name, f.properties.nameEn, f.properties.group]),
        units.units.map((unit) => [unit.code, unit.name, unit.nameEn, unit.group]),
      );
      const [minLon, minLat, maxLon, maxLat] = units.bounds;
      for (const feature of data.features) {
        assert.equal(feature.geometry.type, 'MultiPolygon');
        assert.ok(feature.geometry.coordinates.length > 0, feature.properties.code);
        for (const ring of feature.geometry.coordinates.flat()) {
          assert.ok(ring.length >= 4, feature.properties.code);
          assert.deepEqual(ring[0], ring.at(-1), `${feature.properties.code} ring closes`);
          for (const [lon, lat] of ring as [number, number][]) {
            assert.equal(lon, Math.round(lon * 1e5) / 1e5);
            assert.ok(lon >= minLon - 1e-5 && lon <= maxLon + 1e-5 && lat >= minLat - 1e-5 && lat <= maxLat + 1e-5, `${feature.properties.code} inside the bounds`);
          }
        }
      }
      // Rounding drops repeated points, never whole units or polygons.
      assert.deepEqual(
        data.features.map((f) => f.geometry.coordinates.length),
        packBoundaries(pack).boundaries.map((b) => b.polygons.length),
      );
    });
  }
});

describe('the citizen form', () => {
  it('lists the units of the deployment\'s pack, by the area they were in, and works without its script', () => {
    const form = tipFormPage('vi', jurisdiction('hcmc-2025'));
    assert.equal((form.match(/<option value="\d{5}">/g) ?? []).length, 168);
    assert.match(form, /<optgroup label="Khu vực Quận 3 cũ">[^]*<option value="27154">Phường Bàn Cờ<\/option>/);
    assert.match(form, /<select id="unit" name="unit"><option value="">Không rõ – để công an xác định<\/option>/);
    const english = tipFormPage('en', jurisdiction('hcmc-2025'));
    assert.match(english, /<optgroup label="Formerly Quận 3">[^]*<option value="27154">Ban Co Ward<\/option>/);
    const old = tipFormPage('vi', jurisdiction('hcmc-2021'));
    assert.equal((old.match(/<option value="\d{3}">/g) ?? []).length, 22);
    assert.doesNotMatch(old, /<optgroup/, 'one area: a flat list');
    assert.match(form, /<script type="module" src="\/assets\/location\.js"><\/script>/);
    assert.match(form, /<form method="post" action="\/tips"/);
    assert.match(form, /<button type="button" class="secondary" id="use-location" hidden/);
    assert.doesNotMatch(form, /<script(?![^>]*src="\/assets\/location\.js")/, 'no other script, and none inline');
    assert.doesNotMatch(statusFormPage('vi'), /<script/);
    assert.ok(existsSync(join(webRoot, 'assets/location.js')));
    assert.equal(escapeHtml('<script>'), '&#60;script&#62;');
  });
});

describe('the status page conversation', () => {
  const view = {
    trackingCode: 'TB-7Q4K-9XPD',
    status: 'ASSIGNED' as const,
    unit: { code: '26743', name: 'Phường Bến Thành' },
    messages: [
      { from: 'tipster' as const, text: 'Họ lại đến <b>tối nay</b>', at: '2026-03-02T12:00:00.000Z' },
      { from: 'officer' as const, text: '<img src=x onerror=alert(1)>', at: '2026-03-01T03:04:00.000Z' },
    ],
  };

  it('shows officer replies and the tipster\'s messages oldest first, every text escaped', () => {
    const page = tipStatusPage('vi', view, { secret: 'K7M2-9QXD-3HTB-0WZE' });
    const officer = page.indexOf('&#60;img src=x onerror=alert(1)&#62;');
    const tipster = page.indexOf('Họ lại đến &#60;b&#62;tối nay&#60;/b&#62;');
    assert.ok(officer > 0 && tipster > officer, 'oldest first');
    assert.doesNotMatch(page, /<img|<b>/);
    assert.match(page, /<li class="from-officer"><p class="who">Công an<\/p>/);
    assert.match(page, /<time datetime="2026-03-01T03:04:00.000Z">10:04 01\/03\/2026<\/time>/);
    assert.match(page, /id="status">Đã giao cán bộ xử lý</);
  });

  it('offers a form to write back, with the code and secret hidden, while the tip is open', () => {
    const page = tipStatusPage('en', view, { secret: 'K7M2-9QXD-3HTB-0WZE', notice: 'messageSent' });
    assert.match(page, /<form method="post" action="\/tips\/status\/messages"/);
    assert.match(page, /<input type="hidden" name="code" value="TB-7Q4K-9XPD">/);
    assert.match(page, /<input type="hidden" name="secret" value="K7M2-9QXD-3HTB-0WZE">/);
    assert.match(page, /<input type="hidden" name="language" value="en">/);
    assert.match(page, /<label for="message-text">Send more information to the police<\/label>/);
    assert.match(page, /role="status" id="notice">Your message has been sent/);
    assert.doesNotMatch(tipStatusPage('en', view), /<form/, 'no secret, no form');
    assert.doesNotMatch(tipStatusPage('en', { ...view, status: 'RESOLVED' }, { secret: 'K7M2-9QXD-3HTB-0WZE' }), /action="\/tips\/status\/messages"/);
    assert.doesNotMatch(tipStatusPage('en', { ...view, status: 'RECEIVED', unit: null, messages: [] }, { secret: 'K7M2-9QXD-3HTB-0WZE' }), /action="\/tips\/status\/messages"/);
  });

  it('keeps the old status page when the view has no conversation', () => {
    const page = tipStatusPage('vi', { trackingCode: view.trackingCode, status: 'NEW', unit: view.unit });
    assert.doesNotMatch(page, /conversation-title|<form/);
  });

  it('confirms a message and leads back to the conversation without putting the secret in a URL', () => {
    const page = tipMessageAddedPage('vi', { trackingCode: 'TB-7Q4K-9XPD', secret: 'K7M2-9QXD-3HTB-0WZE' });
    assert.match(page, /<form method="post" action="\/tips\/status"/);
    assert.match(page, /<input type="hidden" name="secret" value="K7M2-9QXD-3HTB-0WZE">/);
    assert.doesNotMatch(page, /href="[^"]*K7M2/);
  });
});
