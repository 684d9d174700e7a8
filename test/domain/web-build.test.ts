/**
 * The generated files under web/ (the console's district map, the static citizen pages) are
 * committed; they must be exactly what tools/build-web.ts makes now, so they never go stale.
 * Run `node tools/build-web.ts` after changing the pages or the jurisdiction pack.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { escapeHtml, statusFormPage, tipFormPage, tipMessageAddedPage, tipStatusPage } from '../../functions/http/pages.ts';
import { hcmc2021Pack } from '../../shared/jurisdictions/hcmc-2021/pack.ts';
import { activeJurisdiction } from '../../shared/jurisdictions/index.ts';
import { buildWeb, mapDistricts, webRoot, type MapDistrict } from '../../tools/build-web.ts';

describe('web/ build', () => {
  const built = buildWeb();

  for (const [path, content] of built) {
    it(`web/${path} is committed and up to date`, () => {
      const file = join(webRoot, path);
      assert.ok(existsSync(file), `web/${path} is missing: run node tools/build-web.ts`);
      assert.ok(readFileSync(file, 'utf8') === content, `web/${path} is stale: run node tools/build-web.ts`);
    });
  }

  it('serves the same citizen pages the local stack renders', () => {
    assert.equal(built.get('index.html'), tipFormPage('vi'));
    assert.equal(built.get('en/index.html'), tipFormPage('en'));
    assert.equal(built.get('status/index.html'), statusFormPage('vi'));
    assert.equal(built.get('en/status/index.html'), statusFormPage('en'));
  });

  it('maps every unit of the active jurisdiction with closed rings of 4-decimal coordinates', () => {
    const data = JSON.parse(built.get('console/districts.json') ?? '{}') as { jurisdiction: string; districts: MapDistrict[] };
    assert.equal(data.jurisdiction, activeJurisdiction.id);
    assert.deepEqual(
      data.districts.map((district) => [district.code, district.name, district.nameEn]),
      activeJurisdiction.units.map((unit) => [unit.code, unit.name, unit.nameEn]),
    );
    for (const district of data.districts) {
      assert.ok(district.polygons.length > 0, district.code);
      for (const ring of district.polygons.flat()) {
        assert.ok(ring.length >= 8 && ring.length % 2 === 0, district.code);
        assert.equal(ring[0], ring.at(-2), `${district.code} ring closes (lon)`);
        assert.equal(ring[1], ring.at(-1), `${district.code} ring closes (lat)`);
        for (const value of ring) assert.equal(value, Math.round(value * 1e4) / 1e4);
        for (let index = 0; index < ring.length; index += 2) {
          assert.ok(ring[index]! > 106 && ring[index]! < 107.2, `${district.code} lon`);
          assert.ok(ring[index + 1]! > 10.3 && ring[index + 1]! < 11.2, `${district.code} lat`);
        }
      }
    }
    // Rounding drops repeated points, never whole districts or polygons.
    assert.deepEqual(
      mapDistricts(hcmc2021Pack).map((district) => district.polygons.length),
      hcmc2021Pack.boundaries.map((boundary) => boundary.polygons.length),
    );
  });

  it('loads the location script on the form only, and keeps the form working without it', () => {
    const form = built.get('index.html') ?? '';
    assert.match(form, /<script type="module" src="\/assets\/location\.js"><\/script>/);
    assert.match(form, /<form method="post" action="\/tips"/);
    assert.match(form, /<button type="button" class="secondary" id="use-location" hidden/);
    assert.doesNotMatch(form, /<script(?![^>]*src="\/assets\/location\.js")/, 'no other script, and none inline');
    assert.doesNotMatch(built.get('status/index.html') ?? '', /<script/);
    assert.ok(existsSync(join(webRoot, 'assets/location.js')));
    assert.equal(escapeHtml('<script>'), '&#60;script&#62;');
  });
});

describe('the status page conversation', () => {
  const view = {
    trackingCode: 'TB-7Q4K-9XPD',
    status: 'ASSIGNED' as const,
    unit: { code: '760', name: 'Quận 1' },
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
    assert.doesNotMatch(tipStatusPage('en', { ...view, status: 'RESOLVED' }, { secret: 'K7M2-9QXD-3HTB-0WZE' }), /<form/);
    assert.doesNotMatch(tipStatusPage('en', { ...view, status: 'RECEIVED', unit: null, messages: [] }, { secret: 'K7M2-9QXD-3HTB-0WZE' }), /<form/);
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
