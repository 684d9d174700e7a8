/**
 * The citizen pages and the officers' console in a real browser (Chromium through playwright-core)
 * against the whole local stack, on the map in force (hcmc-2025, 168 units): a tip from the form
 * to an officer's reply on the status page, what another unit's officer cannot see, tip text that
 * looks like HTML staying text, the CSV export, paging, finding a unit by name, and the map
 * (MapLibre GL JS on WebGL, saved as test-results/console-map.png). console-2021.test.ts runs the
 * console on the old map (hcmc-2021, 22 districts); console-live.test.ts the live queue and the
 * desk's one-click routing.
 *
 * Each test launches its own Chromium with a fresh profile (user data dir) in a temp folder.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local/stack.ts';
import { englishOnlyIn } from '../support/catalogue.ts';
import { startTestStack } from '../support/stack.ts';
import { consolePages, launchBrowser, optionValues, testTimeoutMs } from './console-support.ts';

const screenshotPath = join(import.meta.dirname, '../../test-results/console-map.png');
/** The console's map file of the map in force, as the browser gets it. */
const unitMap = JSON.parse(readFileSync(join(import.meta.dirname, '../../web/console/maps/hcmc-2025.geojson'), 'utf8')) as FeatureCollection<
  MultiPolygon,
  { code: string; name: string; nameEn: string; group: string; label: [number, number] }
>;
/** The map once MapLibre has drawn every unit of the map in force and the counts are on it. */
const mapReady = '#map[data-units="168"]:not([aria-busy])';
/**
 * Waits for the map to be ready. The desk's counts are 507 queries (169 queues, three statuses)
 * and the drawing is on the CPU (SwiftShader), so on a loaded machine this gets longer than a click.
 */
const mapWaitMs = 60_000;

let stack: LocalStack;
/** Where the browser goes: the local stack serves the pages, the console and the API on one origin. */
let origin: string;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'ERROR' });
  origin = stack.apiUrl;
});

afterAll(async () => {
  await stack?.stop();
});

const { apiFromPage, classified, openStatusPage, signIn, submitApiTip, submitTipOnForm, waitForQueueRow } = consolePages(() => origin);

/** config.json as the local stack serves it (the pack, the sign-in, the names of the codes), for a test to change one part. */
async function serverConfig(): Promise<Record<string, unknown>> {
  return (await (await fetch(`${origin}/config.json`)).json()) as Record<string, unknown>;
}

/** Where a marker's centre is on the page (a marker is centred on its unit's label point). */
async function markerCentre(page: Page, code: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`a.unit-marker[data-code="${code}"]`).boundingBox();
  assert.ok(box, `no marker for ${code}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const mercator = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
const fromMercator = (y: number) => ((2 * Math.atan(Math.exp(y)) - Math.PI / 2) * 180) / Math.PI;

/**
 * A point of the page on a unit's fill, a few pixels beside its marker and on no marker: the map's
 * scale is read from two markers (each sits on its unit's label point, web Mercator in between),
 * and of the points around the marker the first one inside the unit's polygon, with a margin, wins.
 */
async function pointOnFill(page: Page, code: string, reference: string): Promise<{ x: number; y: number }> {
  const feature = unitMap.features.find((candidate) => candidate.properties.code === code) as Feature<MultiPolygon, { label: [number, number] }>;
  const other = unitMap.features.find((candidate) => candidate.properties.code === reference);
  assert.ok(feature && other);
  const [a, b] = [await markerCentre(page, code), await markerCentre(page, reference)];
  const [lonA, latA] = feature.properties.label;
  const [lonB, latB] = other.properties.label;
  const perLon = (b.x - a.x) / (lonB - lonA);
  const perMercator = (b.y - a.y) / (mercator(latB) - mercator(latA));
  const lonLatAt = (x: number, y: number) => [lonA + (x - a.x) / perLon, fromMercator(mercator(latA) + (y - a.y) / perMercator)];
  const inside = (x: number, y: number) => booleanPointInPolygon(lonLatAt(x, y), feature);
  const markerBox = await page.locator(`a.unit-marker[data-code="${code}"]`).boundingBox();
  const distance = (markerBox?.height ?? 26) / 2 + 6;
  for (let step = 0; step < 16; step += 1) {
    const angle = (step * Math.PI) / 8;
    const x = a.x + distance * Math.cos(angle);
    const y = a.y + distance * Math.sin(angle);
    const margin = 4;
    if (![[0, 0], [margin, 0], [-margin, 0], [0, margin], [0, -margin]].every(([dx = 0, dy = 0]) => inside(x + dx, y + dy))) continue;
    const onCanvas = await page.evaluate(([px, py]) => document.elementFromPoint(px as number, py as number)?.tagName, [x, y]);
    if (onCanvas === 'CANVAS') return { x, y };
  }
  throw new Error(`no point on the fill of ${code} beside its marker`);
}

describe('web/ as the local stack serves it', () => {
  it('serves the console, its configuration, its map and the assets with their types and policies', async () => {
    const page = await fetch(`${origin}/console/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    const directives = new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    assert.deepEqual([directives.get('default-src'), directives.get('script-src'), directives.get('style-src')], ["'none'", "'self'", "'self'"]);
    // MapLibre's worker comes from this origin, under script-src 'self' (there is no worker-src): no blob: anywhere in the policy.
    assert.doesNotMatch(policy, /blob:|unsafe-eval|unsafe-inline|worker-src|child-src/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await page.text(), /<script type="module" src="app.js"><\/script>/);
    const script = await fetch(`${origin}/console/app.js`);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    // Every file of the console carries its headers, as CloudFront's policy for the behaviour sends them.
    assert.equal(script.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await fetch(`${origin}/console/styles.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal((await fetch(`${origin}/assets/location.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
    const config = await fetch(`${origin}/config.json`);
    assert.equal(config.headers.get('content-type'), 'application/json; charset=utf-8');
    const settings = (await config.json()) as { pack: string; auth: unknown; labels: Record<string, Record<string, { vi: string; en: string }>> };
    assert.deepEqual({ pack: settings.pack, auth: settings.auth }, { pack: 'hcmc-2025', auth: { type: 'local', tokenUrl: '/_local/idp/token' } });
    // The names of the domain's codes come from the server (shared/labels.ts): the console restates none.
    assert.deepEqual(Object.keys(settings.labels).sort(), ['attachmentStatuses', 'categories', 'channels', 'duplicateReasons', 'events', 'flags', 'quarantineReasons', 'reasons', 'rejections', 'routing', 'statuses', 'urgencies']);
    assert.deepEqual(settings.labels['categories']?.['drugs'], { vi: 'Ma túy', en: 'Drugs' });
    assert.deepEqual(settings.labels['reasons']?.['routing_candidate'], { vi: 'Chọn từ các đơn vị gợi ý của hệ thống định tuyến', en: 'Chosen from the routing suggestions' });
    const mapFile = await fetch(`${origin}/console/maps/hcmc-2025.geojson`);
    assert.equal(mapFile.headers.get('content-type'), 'application/geo+json');
    const map = (await mapFile.json()) as FeatureCollection & { pack: string };
    assert.equal(map.pack, 'hcmc-2025');
    assert.equal(map.features.length, 168);
    // MapLibre GL JS's CSP build, from node_modules.
    for (const [file, type] of [
      ['maplibre-gl-csp.js', 'text/javascript; charset=utf-8'],
      ['maplibre-gl-csp-worker.js', 'text/javascript; charset=utf-8'],
      ['maplibre-gl.css', 'text/css; charset=utf-8'],
    ] as const) {
      const vendor = await fetch(`${origin}/vendor/maplibre-gl/${file}`);
      assert.equal(vendor.status, 200, file);
      assert.equal(vendor.headers.get('content-type'), type, file);
      assert.equal(vendor.headers.get('x-content-type-options'), 'nosniff', file);
      assert.ok((await vendor.text()).length > 10_000, file);
    }
    const head = await fetch(`${origin}/console/app.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get('content-length')) > 1000);
    const redirect = await fetch(`${origin}/console`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/console/');
  });

  it('serves nothing outside web/, nothing hidden, and only GET and HEAD', async () => {
    for (const path of [
      '/console/%2e%2e/%2e%2e/package.json',
      '/console/..%2f..%2fpackage.json',
      '/assets/%2e%2e%5c..%5cpackage.json',
      '/console/%00',
      '/console/missing.js',
      '/assets/.hidden',
      '/vendor/maplibre-gl/',
      '/vendor/maplibre-gl/package.json',
      '/vendor/maplibre-gl/maplibre-gl.js',
      '/vendor/maplibre-gl/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/vendor/maplibre-gl/..%2f..%2f..%2fpackage.json',
      '/vendor/',
    ]) {
      const answer = await fetch(`${origin}${path}`);
      assert.equal(answer.status, 404, path);
      assert.doesNotMatch(await answer.text(), /"name": "tinbao"/, path);
    }
    assert.equal((await fetch(`${origin}/config.json`, { method: 'POST', body: '{}' })).status, 404);
    assert.equal((await fetch(`${origin}/console/app.js`, { method: 'DELETE' })).status, 404);
    assert.equal((await fetch(`${origin}/vendor/maplibre-gl/maplibre-gl-csp.js`, { method: 'POST', body: '{}' })).status, 404);
  });
});

describe('the citizen form, the officers console and the status page', () => {
  it('takes a tip from the form to officer-26743, who claims it and replies; the tipster reads the reply; officer-27154 sees nothing', { timeout: testTimeoutMs }, async () => {
    // Chợ Bến Thành, in Phường Bến Thành (formerly Quận 1): the "use my location" button fills the GPS fields.
    const browser = await launchBrowser({ geolocation: { latitude: 10.7725, longitude: 106.698 } });
    try {
      const marker = `mã ${Date.now().toString(36)}`;
      const text = `Có người bán ma túy trong hẻm 12 Lê Thánh Tôn, phường Bến Thành, Quận 1, tối nào cũng có (${marker})`;
      const citizen = await browser.newPage();
      await citizen.goto(`${origin}/`);
      assert.equal(await citizen.locator('html').getAttribute('lang'), 'vi');
      const locate = citizen.getByRole('button', { name: 'Dùng vị trí hiện tại của tôi' });
      await locate.click();
      await citizen.locator('#location-status', { hasText: 'Đã điền vị trí GPS' }).waitFor();
      assert.equal(await citizen.locator('#lat').inputValue(), '10.772500');
      assert.equal(await citizen.locator('#lon').inputValue(), '106.698000');
      await citizen.getByLabel('Nội dung tin báo').fill(text);
      await citizen.getByRole('button', { name: 'Gửi tin báo' }).click();
      const code = (await citizen.locator('#tracking-code').textContent())?.trim() ?? '';
      const secret = (await citizen.locator('#secret').textContent())?.trim() ?? '';
      assert.match(code, /^TB-/);

      // officer-26743 sees it in the NEW queue of Phường Bến Thành and opens it.
      const officer = await browser.newPage();
      await signIn(officer, 'officer-26743');
      assert.deepEqual(await optionValues(officer, '#queue-select'), ['26743']);
      assert.equal(await officer.locator('#queue-select option').textContent(), 'Phường Bến Thành (26743)');
      assert.equal(await officer.locator('#status-select').inputValue(), 'NEW');
      assert.match((await officer.locator('#who-name').textContent()) ?? '', /officer-26743 \(Phường Bến Thành\)/);
      assert.equal(await officer.locator('#queue-search-input').count(), 0, 'one queue: nothing to search');
      const row = await waitForQueueRow(officer, marker);
      assert.match((await row.locator('th a').textContent()) ?? '', /^26743\/\d{4}\/\d+$/);
      await row.locator('th a').click();
      await officer.locator('#tip-text').waitFor();
      assert.equal(await officer.locator('#tip-text').textContent(), text);
      assert.match((await officer.locator('#tip-queue').textContent()) ?? '', /^Phường Bến Thành \(26743\)$/);
      // Where the same point lies on the old map, named from that map's file.
      await officer.locator('#tip-other-generation', { hasText: 'Quận 1 (760)' }).waitFor();
      const tipId = decodeURIComponent(new URL(officer.url()).hash.replace('#/tip/', ''));
      assert.ok(tipId.length > 10, tipId);

      // Claims it and replies to the tipster; the audit trail records both.
      await officer.getByRole('button', { name: 'Nhận xử lý tin báo này' }).click();
      await officer.locator('#tip-status', { hasText: 'Đã giao' }).waitFor();
      assert.equal(await officer.locator('#tip-assignee').textContent(), 'officer-26743');
      const reply = 'Cảm ơn bạn. Chúng tôi đang xác minh thông tin này.';
      await officer.locator('#reply-form').getByLabel('Tin nhắn').fill(reply);
      await officer.getByRole('button', { name: 'Gửi trả lời' }).click();
      await officer.locator('#conversation', { hasText: reply }).waitFor();
      const audit = (await officer.locator('#audit').textContent()) ?? '';
      assert.match(audit, /Nhận xử lý/);
      assert.match(audit, /Cán bộ trả lời người báo/);

      // The tipster checks the status page with the code and secret and reads the reply.
      const status = await browser.newPage();
      await openStatusPage(status, code, secret);
      assert.equal(await status.locator('#status').textContent(), 'Đã giao cán bộ xử lý');
      assert.equal(await status.locator('#unit').textContent(), 'Phường Bến Thành');
      assert.match((await status.locator('#messages').textContent()) ?? '', new RegExp(reply));

      // The tipster writes back from the status page.
      {
        const answer = 'Tối nay khoảng 9 giờ họ lại đến.';
        await status.getByLabel('Gửi thêm thông tin cho công an').fill(answer);
        await status.getByRole('button', { name: 'Gửi tin nhắn' }).click();
        await status.locator('#messages', { hasText: answer }).waitFor().catch(async () => {
          // The handler may answer with the "message sent" page; from there, back to the conversation.
          await status.getByRole('button', { name: 'Xem tình trạng và trao đổi' }).click();
          await status.locator('#messages', { hasText: answer }).waitFor();
        });
        await officer.reload();
        await officer.locator('#conversation', { hasText: answer }).waitFor();
        // The tip says the tipster is waiting for an answer.
        assert.equal(await officer.locator('#tip-awaiting').textContent(), '✉ Người báo đã nhắn');
      }

      // officer-27154 (Phường Bàn Cờ) sees nothing of it: not in a queue, 404 for the tip itself.
      const other = await browser.newPage();
      await signIn(other, 'officer-27154');
      assert.deepEqual(await optionValues(other, '#queue-select'), ['27154']);
      for (const queueStatus of ['NEW', 'ASSIGNED']) {
        const queue = await apiFromPage(other, `/queue?queue=27154&status=${queueStatus}`);
        assert.equal(queue.status, 200);
        assert.ok(!JSON.stringify(queue.body).includes(marker));
      }
      assert.equal((await apiFromPage(other, '/queue?queue=26743&status=ASSIGNED')).status, 403);
      const direct = await apiFromPage(other, `/tips/${encodeURIComponent(tipId)}`);
      assert.equal(direct.status, 404);
      assert.ok(!JSON.stringify(direct.body).includes(marker));
      await other.goto(`${origin}/console/#/tip/${encodeURIComponent(tipId)}`);
      await other.locator('h1', { hasText: 'Không tìm thấy tin báo này' }).waitFor();
      assert.equal(await other.locator('#tip-text').count(), 0);
      // The server's refusal in the console's language, and nothing of it in English.
      assert.deepEqual(englishOnlyIn(await other.locator('body').innerText()), []);

      assert.deepEqual(browser.dialogs, []);
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('keeps tip text and replies that look like HTML inert in the console and on the status page', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const payload = '<img src=x onerror=alert(1)>';
      const citizen = await browser.newPage();
      const tip = await submitTipOnForm(citizen, { text: payload, unit: '26743' });

      const officer = await browser.newPage();
      await signIn(officer, 'officer-26743');
      const row = await waitForQueueRow(officer, payload);
      assert.equal(await row.locator('td.excerpt').textContent(), payload);
      assert.equal(await officer.locator('img').count(), 0);
      await row.locator('th a').click();
      await officer.locator('#tip-text').waitFor();
      assert.equal(await officer.locator('#tip-text').textContent(), payload);
      await officer.getByRole('button', { name: 'Nhận xử lý tin báo này' }).click();
      await officer.locator('#tip-status', { hasText: 'Đã giao' }).waitFor();
      const reply = `${payload}"><script>alert(2)</script>`;
      await officer.locator('#reply-form').getByLabel('Tin nhắn').fill(reply);
      await officer.getByRole('button', { name: 'Gửi trả lời' }).click();
      await officer.locator('#conversation', { hasText: reply }).waitFor();
      await officer.getByLabel('Ghi chú', { exact: true }).fill(payload);
      await officer.getByRole('button', { name: 'Lưu ghi chú' }).click();
      await officer.locator('#audit .event-text', { hasText: payload }).first().waitFor();
      assert.equal(await officer.locator('img').count(), 0);
      assert.equal(await officer.locator('main script').count(), 0);

      const status = await browser.newPage();
      await openStatusPage(status, tip.code, tip.secret);
      await status.locator('#messages', { hasText: reply }).waitFor();
      assert.equal(await status.locator('img').count(), 0);
      assert.equal(await status.locator('script').count(), 0);

      // Nothing above could run a script (no img, no script element), and none did.
      assert.deepEqual(browser.dialogs, []);
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('pages through a queue and exports all of it as CSV, quoted, with formulas defused', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      // Phường Chợ Quán (27301, formerly in Quận 5) gets twelve tips: more than one page of ten.
      const formula = '=HYPERLINK("http://evil.example","bấm vào"), rồi "xem"';
      const texts = [formula, '@SUM(1+1) có người tụ tập cờ bạc', ...Array.from({ length: 10 }, (_, index) => `Trộm xe máy lần ${index + 1} trước nhà số ${index + 10} đường Trần Hưng Đạo`)];
      const tips = [];
      for (const text of texts) tips.push(await submitApiTip(text, '27301'));
      await Promise.all(tips.map(classified));

      const officer = await browser.newPage();
      await signIn(officer, 'officer-27301');
      await officer.locator('#size-select').selectOption('10');
      await officer.locator('#queue-filters button[type=submit]').click();
      await officer.locator('#queue-results:not([aria-busy])').waitFor();
      assert.equal(await officer.locator('#queue-table tbody tr').count(), 10);
      // Days left as a person counts them: a tip received a minute ago has 20 of its 20.
      assert.deepEqual([...new Set(await officer.locator('#queue-table tbody td[data-label="Còn lại"]').allTextContents())], ['20 ngày']);
      await officer.locator('#next-page').click();
      await officer.locator('#queue-table caption', { hasText: 'trang 2' }).waitFor();
      assert.equal(await officer.locator('#queue-table tbody tr').count(), 2);
      await officer.locator('#previous-page').click();
      await officer.locator('#queue-table caption', { hasText: 'trang 1' }).waitFor();

      const [download] = await Promise.all([officer.waitForEvent('download'), officer.locator('#export-csv').click()]);
      assert.match(download.suggestedFilename(), /^tinbao-27301-NEW-\d{8}-\d{4}\.csv$/);
      const file = await download.path();
      const csv = readFileSync(file, 'utf8');
      // Headers and values in the officer's language: names, not codes.
      assert.ok(
        csv.startsWith(
          '\uFEFFSố đăng ký,Mã tin báo,Mã theo dõi,Đơn vị,Tình trạng,Mức khẩn,Loại,Kênh,Tiếp nhận (giờ Việt Nam),Hạn xác minh (giờ Việt Nam),Còn lại (ngày),Quá hạn,Người xử lý,Người gửi SMS,Người báo đã nhắn,Nội dung\r\n',
        ),
        csv.slice(0, 300),
      );
      const lines = csv.slice(1).split('\r\n');
      assert.equal(lines.at(-1), '', 'ends with CRLF');
      assert.equal(lines.length - 2, texts.length, 'one row per tip, all pages');
      assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"",""bấm vào""), rồi ""xem"""`), csv);
      assert.ok(csv.includes(`,'@SUM(1+1) có người tụ tập cờ bạc\r\n`), csv);
      for (const tip of tips) assert.ok(csv.includes(`,${tip.code},Phường Chợ Quán (27301),Mới,`), tip.code);
      // A tip received a minute ago has all 20 of its 20 days, as a person counts them.
      assert.match(csv, /,Trang web,\d{4}-\d\d-\d\d \d\d:\d\d,\d{4}-\d\d-\d\d \d\d:\d\d,20,Không,,,Không,/);
      assert.doesNotMatch(csv, /,NEW,|,web,|,normal,|,theft,/);
      await officer.locator('#export-status', { hasText: `Đã xuất ${texts.length} dòng` }).waitFor();

      // In English, the file is in English.
      await officer.getByRole('button', { name: 'English' }).click();
      await officer.locator('h1', { hasText: 'Tip queue' }).waitFor();
      await officer.locator('#queue-results:not([aria-busy])').waitFor();
      const [english] = await Promise.all([officer.waitForEvent('download'), officer.locator('#export-csv').click()]);
      const englishCsv = readFileSync(await english.path(), 'utf8');
      assert.ok(englishCsv.startsWith('\uFEFFRegister no.,Tip id,Tracking code,Unit,Status,Urgency,Category,Channel,'), englishCsv.slice(0, 120));
      for (const tip of tips) assert.ok(englishCsv.includes(`,${tip.code},Cho Quan Ward (27301),New,`), tip.code);
      assert.match(englishCsv, /,Web form,/);
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('draws the open tips per unit on a MapLibre map with markers, a legend and a table; units not in the queues are hatched', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const spread = { '26743': 3, '27154': 7, '27142': 1, '27664': 12, '26884': 2, '27004': 4 };
      const tips = [];
      for (const [unit, count] of Object.entries(spread)) {
        for (let index = 0; index < count; index += 1) tips.push(await submitApiTip(`Có đánh nhau gây rối trật tự trước chợ, lần ${index + 1}`, unit));
      }
      await Promise.all(tips.map(classified));

      const page = await browser.newPage();
      await signIn(page, 'supervisor');
      await page.getByRole('link', { name: 'Bản đồ' }).click();
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      assert.equal(await page.locator('#map canvas.maplibregl-canvas').count(), 1, 'drawn by MapLibre on a WebGL canvas');
      assert.equal(await page.locator('#map').getAttribute('data-visible-units'), '168', 'the supervisor sits on the city desk and sees every unit');
      assert.equal(await page.locator('a.unit-marker').count(), 168);
      const canGio = page.locator('a.unit-marker[data-code="27664"]');
      assert.ok(Number(await canGio.getAttribute('data-open')) >= 12, String(await canGio.getAttribute('data-open')));
      assert.match((await canGio.getAttribute('aria-label')) ?? '', /^Xã Cần Giờ: \d+ tin báo đang mở$/);
      assert.equal(await canGio.getAttribute('href'), '#/queue?queue=27664&status=NEW');
      assert.equal(await canGio.getAttribute('role'), 'link', 'a link, not the button MapLibre makes of a marker');
      assert.match((await canGio.textContent()) ?? '', /^\d+$/);
      assert.equal(await page.getByRole('link', { name: /^Phường Bàn Cờ: \d+ tin báo đang mở/ }).count(), 1);
      assert.equal(await page.locator('ul.legend li').count(), 7);
      assert.equal(await page.locator('#summary-table tbody tr').count(), 169, 'every unit and the city desk');
      // Côn Đảo lies far south of the rest: the map shows the main area and offers a view of it.
      await page.getByRole('button', { name: 'Xem Đặc khu Côn Đảo' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Toàn thành phố' }).getAttribute('aria-pressed'), 'true');
      mkdirSync(join(import.meta.dirname, '../../test-results'), { recursive: true });
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      await page.screenshot({ path: screenshotPath });

      // English on request; the choice is kept for the next visit.
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('h1', { hasText: 'Open tips by unit' }).waitFor();
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.match((await page.locator('a.unit-marker[data-code="27664"]').getAttribute('aria-label')) ?? '', /^Can Gio Commune: \d+ open tips$/);
      assert.equal(await page.locator('canvas.maplibregl-canvas').getAttribute('aria-label'), 'Map of tips. Arrow keys move it, + and − zoom in and out.');
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await page.locator('h1', { hasText: 'Bản đồ tin báo' }).waitFor();
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      assert.equal(await page.locator('html').getAttribute('lang'), 'vi');

      // A unit's marker is a link to its queue, from the keyboard too (even when it is a dot among busier neighbours).
      await page.locator('a.unit-marker[data-code="27154"]').focus();
      await page.keyboard.press('Enter');
      await page.locator('#queue-results:not([aria-busy])').waitFor();
      assert.equal(await page.locator('#queue-select').inputValue(), '27154');

      // A unit's officer sees only their own unit; the other 167 are drawn, hatched, without markers.
      const officer = await browser.newPage();
      await signIn(officer, 'officer-26743');
      await officer.goto(`${origin}/console/#/map`);
      await officer.locator(mapReady).waitFor({ timeout: mapWaitMs });
      assert.equal(await officer.locator('#map').getAttribute('data-visible-units'), '1');
      assert.deepEqual(await officer.locator('a.unit-marker').evaluateAll((markers) => markers.map((marker) => marker.getAttribute('data-code'))), ['26743']);
      assert.equal(await officer.getByRole('button', { name: 'Đơn vị của tôi' }).getAttribute('aria-pressed'), 'true', 'the map opens on their unit');
      assert.equal(await officer.locator('#map-search-input').count(), 0);
      assert.equal(await officer.locator('#summary-table tbody tr').count(), 1);
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('lets the desk find a unit by part of its name without diacritics, and open its queue from the map by its marker or its area', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const marker = `mã ${Date.now().toString(36)}`;
      const tips = [
        await submitApiTip(`Trộm cắp xe máy ở bến phà Cần Giờ (${marker})`, '27664'),
        await submitApiTip(`Cờ bạc ăn tiền trong hẻm đường Võ Văn Tần (${marker})`, '27154'),
      ];
      await Promise.all(tips.map(classified));

      const page = await browser.newPage();
      await signIn(page, 'desk');
      assert.equal(await page.locator('#queue-select').inputValue(), 'CITY', 'the desk starts at its own queue');
      assert.equal((await optionValues(page, '#queue-select')).length, 169);
      assert.equal(await page.locator('#queue-select optgroup').first().getAttribute('label'), 'trước đây thuộc Thành phố Thủ Dầu Một');

      // Typed without diacritics, found with them; the down arrow and Enter choose from the keyboard.
      const search = page.getByRole('searchbox', { name: 'Tìm đơn vị' });
      await search.fill('xuan hoa');
      await page.locator('#queue-search-results a', { hasText: 'Phường Xuân Hoà' }).waitFor();
      assert.deepEqual(await page.locator('#queue-search-results a').evaluateAll((links) => links.map((link) => link.getAttribute('data-code'))), ['27139']);
      assert.match((await page.locator('#queue-search-status').textContent()) ?? '', /^1 đơn vị\. Enter mở Phường Xuân Hoà\.$/);
      await search.press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-code')), '27139');
      await page.keyboard.press('Enter');
      await page.locator('h1', { hasText: 'Hàng đợi tin báo: Phường Xuân Hoà' }).waitFor();
      await page.locator('#queue-results:not([aria-busy])').waitFor();
      assert.equal(await page.locator('#queue-select').inputValue(), '27139');

      for (const typed of ['ban co', 'Bàn Cờ', 'BAN  CO']) {
        await page.getByRole('searchbox', { name: 'Tìm đơn vị' }).fill(typed);
        await page.locator('#queue-search-results a').first().waitFor();
        assert.equal(await page.locator('#queue-search-results a').first().getAttribute('data-code'), '27154', typed);
      }
      await page.locator('#queue-search-results a', { hasText: 'Phường Bàn Cờ' }).click();
      const banCo = await waitForQueueRow(page, marker);
      assert.match((await banCo.locator('td.excerpt').textContent()) ?? '', /Võ Văn Tần/);
      assert.equal(await page.locator('#queue-select').inputValue(), '27154');
      await page.getByRole('searchbox', { name: 'Tìm đơn vị' }).fill('khong co don vi nay');
      await page.locator('#queue-search-status', { hasText: 'Không tìm thấy đơn vị nào.' }).waitFor();
      assert.equal(await page.locator('#queue-search-results').isHidden(), true);

      // The 168-unit map; the search is there too.
      await page.getByRole('link', { name: 'Bản đồ' }).click();
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      await page.getByRole('searchbox', { name: 'Tìm đơn vị' }).fill('can gio');
      await page.locator('#map-search-results a[data-code="27664"]').waitFor();
      assert.equal(await page.locator('#map-search-results a[data-code="27664"]').getAttribute('href'), '#/queue?queue=27664&status=NEW');

      // Its marker opens the unit's queue.
      await page.locator('a.unit-marker[data-code="27664"]').click();
      await page.locator('h1', { hasText: 'Hàng đợi tin báo: Xã Cần Giờ' }).waitFor();
      await waitForQueueRow(page, marker);
      assert.equal(await page.locator('#queue-select').inputValue(), '27664');

      // So does its area: a click on its fill beside the marker.
      await page.goBack();
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      const { x, y } = await pointOnFill(page, '27664', '25747');
      await page.mouse.click(x, y);
      await page.locator('h1', { hasText: 'Hàng đợi tin báo: Xã Cần Giờ' }).waitFor();
      const row = await waitForQueueRow(page, marker);
      assert.match((await row.locator('td.excerpt').textContent()) ?? '', /bến phà Cần Giờ/);
      assert.equal(await page.locator('#queue-select').inputValue(), '27664');
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
  it("draws the units on top of a tile provider's style when config.json names one (mapStyleUrl)", { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      // The provider is played by request interception: a style of one background layer, no tiles.
      const styleUrl = `${origin}/_test/provider-style.json`;
      const served: string[] = [];
      const provider = await serverConfig();
      await browser.context.route(`${origin}/config.json`, (route) => route.fulfill({ json: { ...provider, mapStyleUrl: styleUrl } }));
      await browser.context.route(styleUrl, (route) => {
        served.push(route.request().url());
        return route.fulfill({
          json: {
            version: 8,
            name: 'Provider',
            sources: { provider: { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, attribution: 'Provider test data' } },
            layers: [
              { id: 'provider-background', type: 'background', paint: { 'background-color': '#dfe8d8' } },
              { id: 'provider-lines', type: 'line', source: 'provider' },
            ],
          },
        });
      });
      const page = await browser.newPage();
      await signIn(page, 'desk');
      await page.getByRole('link', { name: 'Bản đồ' }).click();
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      assert.deepEqual(served, [styleUrl]);
      assert.equal(await page.locator('a.unit-marker').count(), 168);
      // The provider's attribution is shown, as its licence asks.
      await page.locator('.maplibregl-ctrl-attrib', { hasText: 'Provider test data' }).waitFor({ state: 'attached' });
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('signs in with Cognito: authorization code with PKCE, then signs out there (Cognito played by request interception)', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const domain = 'tinbao-test.auth.ap-southeast-1.amazoncognito.com';
      const cognito = `https://${domain}`;
      const redirectUri = `${origin}/console/`;
      const seen: { challenge?: string; state?: string; verifier?: string; code?: string; logout?: URL } = {};
      const settings = await serverConfig();
      await browser.context.route(`${origin}/config.json`, (route) =>
        route.fulfill({ json: { ...settings, auth: { type: 'cognito', domain, clientId: 'console-client', region: 'ap-southeast-1' } } }),
      );
      // In the cloud the console's policy names the Cognito domain for the token request.
      await browser.context.route((url) => url.href.startsWith(redirectUri) && url.pathname === '/console/', async (route) => {
        const response = await route.fetch();
        const policy = (response.headers()['content-security-policy'] ?? '').replace("connect-src 'self'", `connect-src 'self' ${cognito}`);
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
      });
      await browser.context.route(`${cognito}/**`, async (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === '/oauth2/authorize') {
          assert.equal(url.searchParams.get('response_type'), 'code');
          assert.equal(url.searchParams.get('client_id'), 'console-client');
          assert.equal(url.searchParams.get('redirect_uri'), redirectUri);
          assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
          seen.challenge = url.searchParams.get('code_challenge') ?? '';
          seen.state = url.searchParams.get('state') ?? '';
          seen.code = 'one-time-code';
          // The hosted UI's answer after a successful sign-in (a page, so the browser makes a new request the test can see).
          const back = `${redirectUri}?code=${seen.code}&state=${encodeURIComponent(seen.state)}`;
          await route.fulfill({ contentType: 'text/html', body: `<meta http-equiv="refresh" content="0;url=${back}">` });
        } else if (url.pathname === '/oauth2/token') {
          const form = new URLSearchParams(route.request().postData() ?? '');
          seen.verifier = form.get('code_verifier') ?? '';
          const expected = createHash('sha256').update(seen.verifier).digest('base64url');
          const valid =
            form.get('grant_type') === 'authorization_code' &&
            form.get('code') === seen.code &&
            form.get('client_id') === 'console-client' &&
            form.get('redirect_uri') === redirectUri &&
            expected === seen.challenge;
          await route.fulfill({
            status: valid ? 200 : 400,
            headers: { 'access-control-allow-origin': origin },
            json: valid ? { access_token: await stack.identityProvider.issueToken('officer-26743'), id_token: 'unused', token_type: 'Bearer', expires_in: 3600 } : { error: 'invalid_grant' },
          });
        } else if (url.pathname === '/logout') {
          seen.logout = url;
          await route.fulfill({ contentType: 'text/html', body: `<meta http-equiv="refresh" content="0;url=${url.searchParams.get('logout_uri') ?? redirectUri}">` });
        } else await route.fulfill({ status: 404, body: '' });
      });

      const page = await browser.newPage();
      await page.goto(`${origin}/console/#/map`);
      await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản công vụ' }).click();
      await page.locator('#sign-out').waitFor();
      assert.ok(seen.verifier && seen.verifier.length >= 43, 'a verifier of at least 256 bits');
      assert.equal(new URL(page.url()).search, '', 'the code is gone from the address bar');
      assert.equal(new URL(page.url()).hash, '#/map', 'back where the officer started');
      await page.locator(mapReady).waitFor({ timeout: mapWaitMs });
      assert.equal(await page.locator('a.unit-marker').count(), 1);
      assert.match((await page.locator('#who-name').textContent()) ?? '', /officer-26743/);

      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản công vụ' }).waitFor();
      assert.equal(seen.logout?.searchParams.get('client_id'), 'console-client');
      assert.equal(seen.logout?.searchParams.get('logout_uri'), redirectUri);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('tinbao.console.token')), null);
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
  it('runs every action of the tip page, and shows a lost claim as the conflict it is', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const original = await submitApiTip('Có người tàng trữ vũ khí trong nhà số 5 đường Lê Lai', '26743');
      const repeat = await submitApiTip('Nhà số 5 Lê Lai có người giấu súng, báo lại lần hai', '26743');
      const raced = await submitApiTip('Đánh bạc ăn tiền trong quán cà phê số 9 Bùi Viện mỗi tối', '26743');
      await Promise.all([original, repeat, raced].map(classified));

      const page = await browser.newPage();
      await signIn(page, 'supervisor');
      const openTip = async (marker: string) => {
        await page.goto(`${origin}/console/#/queue?queue=26743&status=NEW`);
        const row = await waitForQueueRow(page, marker);
        await row.locator('th a').click();
        await page.locator('#tip-text').waitFor();
        return decodeURIComponent(new URL(page.url()).hash.replace('#/tip/', ''));
      };
      const originalId = await openTip('tàng trữ vũ khí');
      const repeatId = await openTip('giấu súng');
      const saved = page.locator('#tip-message', { hasText: 'Đã lưu.' });

      // The server's field errors, in the console's language, next to the form that caused them.
      await page.locator('#note-form').getByLabel('Ghi chú').fill('   ');
      await page.getByRole('button', { name: 'Lưu ghi chú' }).click();
      await page.locator('#note-form-result', { hasText: 'Thông tin chưa hợp lệ:' }).waitFor();
      assert.match((await page.locator('#note-form-result').textContent()) ?? '', /Nội dung: /);

      // The supervisor picks one of the unit's officers; nothing is picked before they choose.
      const assignee = page.locator('#assign-form').getByLabel('Cán bộ');
      assert.deepEqual(await optionValues(page, '#assign-form select[name="assignee"]'), ['', 'officer-26743', 'officer-26743b']);
      assert.equal(await assignee.inputValue(), '');
      assert.equal(await assignee.getAttribute('required'), '');
      // A new tip can only be closed, and the status control proposes nothing until the officer chooses.
      const newStatus = page.locator('#status-form').getByLabel('Tình trạng mới');
      assert.deepEqual(await optionValues(page, '#status-form select[name="status"]'), ['', 'REJECTED']);
      assert.equal(await newStatus.inputValue(), '');
      assert.equal(await page.locator('#status-form select[name="status"] option:checked').textContent(), '— Chọn tình trạng —');
      await assignee.selectOption('officer-26743b');
      await page.getByRole('button', { name: 'Giao', exact: true }).click();
      await page.locator('#tip-assignee', { hasText: 'officer-26743b' }).waitFor();
      await saved.waitFor();
      // "Đã lưu." is shown once and said once: one live region holds it.
      const liveRegionsWith = (text: string) =>
        page.evaluate(
          (wanted) =>
            Array.from(document.querySelectorAll('[role="status"], [role="alert"], [aria-live]')).filter(
              (region) => region.getAttribute('aria-live') !== 'off' && (region.textContent ?? '').includes(wanted) && !region.parentElement?.closest('[role="status"], [role="alert"], [aria-live]'),
            ).length,
          text,
        );
      assert.equal(await liveRegionsWith('Đã lưu.'), 1);

      // Assigned: work on it can start, or it can be closed; still nothing chosen in advance.
      assert.deepEqual(await optionValues(page, '#status-form select[name="status"]'), ['', 'IN_PROGRESS', 'REJECTED']);
      assert.equal(await newStatus.inputValue(), '');
      await page.getByRole('button', { name: 'Đổi tình trạng' }).click();
      assert.equal(await newStatus.evaluate((select) => (select as HTMLSelectElement).validity.valueMissing), true, 'a required choice, not a default');
      assert.equal(await page.locator('#tip-status').textContent(), 'Đã giao');
      await newStatus.selectOption('IN_PROGRESS');
      await page.getByRole('button', { name: 'Đổi tình trạng' }).click();
      await page.locator('#tip-status', { hasText: 'Đang xác minh' }).waitFor();

      await page.locator('#deadline-form').getByLabel('Số ngày').fill('10');
      await page.locator('#deadline-form').getByLabel('Lý do').fill('Cần thêm thời gian giám định');
      await page.getByRole('button', { name: 'Gia hạn' }).click();
      await page.locator('dd', { hasText: 'Cần thêm thời gian giám định' }).waitFor();

      // 169 queues to transfer to, grouped by the former districts.
      assert.equal((await optionValues(page, '#transfer-form select[name="to"]')).length, 169, 'every other queue, and the empty choice');
      await page.locator('#transfer-form').getByLabel('Chuyển đến').selectOption('27154');
      await page.locator('#transfer-form').getByLabel('Lý do').fill('Địa chỉ thuộc phường Bàn Cờ');
      await page.getByRole('button', { name: 'Chuyển', exact: true }).click();
      await page.locator('#tip-status', { hasText: 'Mới' }).waitFor();
      assert.match((await page.locator('.facts').textContent()) ?? '', /Phường Bàn Cờ \(27154\) · trước đây thuộc Quận 3/);

      await newStatus.selectOption('REJECTED');
      await page.locator('#status-form').getByLabel('Lý do đóng tin').selectOption('duplicate');
      await page.locator('#status-form').getByLabel('Mã (id) tin báo gốc').fill(originalId);
      await page.locator('#status-form').getByLabel('Ghi chú (không bắt buộc)').fill('Cùng sự việc');
      await page.getByRole('button', { name: 'Đổi tình trạng' }).click();
      await page.locator('#tip-status', { hasText: 'Đã đóng' }).waitFor();
      assert.equal(await page.locator(`.facts a[href="#/tip/${encodeURIComponent(originalId)}"]`).count(), 1);
      assert.equal(await page.locator('#transfer-form').count(), 0, 'a closed tip cannot move');
      const audit = (await page.locator('#audit').textContent()) ?? '';
      for (const step of ['Giao xử lý', 'Đổi tình trạng', 'Gia hạn xác minh', 'Chuyển đơn vị', 'Trùng tin báo khác']) assert.ok(audit.includes(step), step);
      assert.notEqual(repeatId, originalId);

      // Two officers of Phường Bến Thành open the same new tip; the second to claim it is told why it failed.
      const first = await browser.newPage();
      await signIn(first, 'officer-26743');
      const second = await browser.newPage();
      await signIn(second, 'officer-26743b');
      for (const officer of [first, second]) {
        const row = await waitForQueueRow(officer, 'quán cà phê số 9 Bùi Viện');
        await row.locator('th a').click();
        await officer.locator('#claim').waitFor();
      }
      await first.locator('#claim').click();
      await first.locator('#tip-assignee', { hasText: 'officer-26743' }).waitFor();
      await second.locator('#claim').click();
      await second.locator('#claim-result', { hasText: 'Cán bộ khác đã nhận xử lý tin báo này.' }).waitFor();
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
