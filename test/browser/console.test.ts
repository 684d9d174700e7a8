/**
 * The citizen pages and the officers' console in a real browser (Chromium through playwright-core)
 * against the whole local stack: a tip from the form to an officer's reply on the status page,
 * what another district's officer cannot see, tip text that looks like HTML staying text, the
 * CSV export, paging, and the map (saved as test-results/console-map.png).
 *
 * Each test launches its own Chromium with a fresh profile (user data dir) in a temp folder.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { launchChromium } from '../support/browser.ts';
import { eventually, postJson } from '../support/helpers.ts';

const password = 'tinbao-local';
/** The classifier takes about a second; everything a test waits for gets this long at most. */
const waitMs = 20_000;
const testTimeoutMs = 180_000;
const screenshotPath = join(import.meta.dirname, '../../test-results/console-map.png');

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

/** A Chromium of its own with a fresh profile, watched for page errors and dialogs. */
async function launchBrowser(options: { geolocation?: { latitude: number; longitude: number } } = {}) {
  const { context, close } = await launchChromium({
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    ...(options.geolocation && { geolocation: options.geolocation, permissions: ['geolocation'] }),
  });
  context.setDefaultTimeout(waitMs);
  const dialogs: string[] = [];
  /**
   * Uncaught exceptions and console errors (a CSP violation is one); not the browser's notes on
   * 4xx answers, which the tests cause on purpose (a 404 for another district's tip).
   */
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`${message.location().url}: ${message.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    dialogs,
    pageErrors,
    newPage: () => context.newPage(),
    close,
  };
}

/** Submits the citizen form and returns the tracking code and secret from the confirmation page. */
async function submitTipOnForm(page: Page, fields: { text: string; district?: string }) {
  await page.goto(`${origin}/`);
  await page.getByLabel('Nội dung tin báo').fill(fields.text);
  if (fields.district) await page.locator('#district').selectOption(fields.district);
  await page.getByRole('button', { name: 'Gửi tin báo' }).click();
  const code = (await page.locator('#tracking-code').textContent())?.trim() ?? '';
  const secret = (await page.locator('#secret').textContent())?.trim() ?? '';
  assert.match(code, /^TB-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.match(secret, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  return { code, secret };
}

/** Signs in to the console in a page of its own (sessionStorage, hence the token, is per tab). */
async function signIn(page: Page, username: string) {
  await page.goto(`${origin}/console/`);
  await page.getByLabel('Tên đăng nhập').waitFor();
  assert.doesNotMatch((await page.locator('body').textContent()) ?? '', /null|undefined|\[object/);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#sign-out').waitFor();
  await page.locator('#queue-results:not([aria-busy])').waitFor();
  assert.doesNotMatch((await page.locator('body').textContent()) ?? '', /null|undefined|\[object/);
}

/** Shows a queue again and again until a row with this text is in it (the classifier is asynchronous). */
async function waitForQueueRow(page: Page, text: string) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    await page.locator('#queue-results:not([aria-busy])').waitFor();
    const row = page.locator('#queue-table tbody tr', { hasText: text });
    if ((await row.count()) > 0) return row.first();
    if (Date.now() > deadline) throw new Error(`no queue row with ${JSON.stringify(text)} after ${waitMs} ms`);
    // Show the queue again: the console marks the view busy at once, so the next look is at the new answer.
    await page.locator('#queue-filters button[type=submit]').click();
  }
}

/** Calls the officers' API from the page, with the token the console holds. */
async function apiFromPage(page: Page, path: string): Promise<{ status: number; body: unknown }> {
  return page.evaluate(async (target) => {
    const token = sessionStorage.getItem('tinbao.console.token') ?? '';
    const response = await fetch(target, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json().catch(() => null) };
  }, path);
}

/** Opens the status page for a code and secret, as the tipster does. */
async function openStatusPage(page: Page, code: string, secret: string) {
  await page.goto(`${origin}/status`);
  await page.getByLabel('Mã theo dõi').fill(code);
  await page.getByLabel('Mã bí mật').fill(secret);
  await page.getByRole('button', { name: 'Xem tình trạng' }).click();
  await page.locator('#status').waitFor();
}

async function submitApiTip(text: string, district: string) {
  const accepted = await postJson(`${stack.apiUrl}/tips`, { text, district });
  assert.equal(accepted.status, 202, accepted.text);
  return { code: String(accepted.json.trackingCode), secret: String(accepted.json.secret) };
}

/** Waits until the classifier has stored the tip (the status leaves RECEIVED). */
async function classified(tip: { code: string; secret: string }) {
  await eventually(async () => {
    const answer = await postJson(`${stack.apiUrl}/tips/status`, tip);
    return answer.json?.status && answer.json.status !== 'RECEIVED' ? true : undefined;
  }, waitMs, `tip ${tip.code} to be classified`);
}

describe('web/ as the local stack serves it', () => {
  it('serves the console, its configuration and the assets with their types and policies', async () => {
    const page = await fetch(`${origin}/console/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'; style-src 'self';/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await page.text(), /<script type="module" src="app.js"><\/script>/);
    const script = await fetch(`${origin}/console/app.js`);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(script.headers.get('content-security-policy'), null);
    assert.equal((await fetch(`${origin}/console/styles.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal((await fetch(`${origin}/assets/location.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
    const config = await fetch(`${origin}/config.json`);
    assert.equal(config.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await config.json(), { auth: { type: 'local', tokenUrl: '/_local/idp/token' } });
    const districts = (await (await fetch(`${origin}/console/districts.json`)).json()) as { districts: unknown[] };
    assert.equal(districts.districts.length, 22);
    const head = await fetch(`${origin}/console/app.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get('content-length')) > 1000);
    const redirect = await fetch(`${origin}/console`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/console/');
  });

  it('serves nothing outside web/, nothing hidden, and only GET and HEAD', async () => {
    for (const path of ['/console/%2e%2e/%2e%2e/package.json', '/console/..%2f..%2fpackage.json', '/assets/%2e%2e%5c..%5cpackage.json', '/console/%00', '/console/missing.js', '/assets/.hidden']) {
      const answer = await fetch(`${origin}${path}`);
      assert.equal(answer.status, 404, path);
      assert.doesNotMatch(await answer.text(), /"name": "tinbao"/, path);
    }
    assert.equal((await fetch(`${origin}/config.json`, { method: 'POST', body: '{}' })).status, 404);
    assert.equal((await fetch(`${origin}/console/app.js`, { method: 'DELETE' })).status, 404);
  });
});

describe('the citizen form, the officers console and the status page', () => {
  it('takes a tip from the form to officer-760, who claims it and replies; the tipster reads the reply; officer-761 sees nothing', { timeout: testTimeoutMs }, async () => {
    // Chợ Bến Thành, in Quận 1: the "use my location" button fills the GPS fields.
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

      // officer-760 sees it in the NEW queue of Quận 1 and opens it.
      const officer = await browser.newPage();
      await signIn(officer, 'officer-760');
      assert.deepEqual(await officer.locator('#queue-select option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)), ['760']);
      assert.equal(await officer.locator('#status-select').inputValue(), 'NEW');
      const row = await waitForQueueRow(officer, marker);
      assert.match((await row.locator('th a').textContent()) ?? '', /^760\/\d{4}\/\d+$/);
      await row.locator('th a').click();
      await officer.locator('#tip-text').waitFor();
      assert.equal(await officer.locator('#tip-text').textContent(), text);
      const tipId = decodeURIComponent(new URL(officer.url()).hash.replace('#/tip/', ''));
      assert.ok(tipId.length > 10, tipId);

      // Claims it and replies to the tipster; the audit trail records both.
      await officer.getByRole('button', { name: 'Nhận xử lý tin báo này' }).click();
      await officer.locator('#tip-status', { hasText: 'Đã giao' }).waitFor();
      assert.equal(await officer.locator('#tip-assignee').textContent(), 'officer-760');
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
      assert.equal(await status.locator('#unit').textContent(), 'Quận 1');
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
      }

      // officer-761 (Quận 3) sees nothing of it: not in a queue, 404 for the tip itself.
      const other = await browser.newPage();
      await signIn(other, 'officer-761');
      assert.deepEqual(await other.locator('#queue-select option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)), ['761']);
      for (const queueStatus of ['NEW', 'ASSIGNED']) {
        const queue = await apiFromPage(other, `/queue?queue=761&status=${queueStatus}`);
        assert.equal(queue.status, 200);
        assert.ok(!JSON.stringify(queue.body).includes(marker));
      }
      assert.equal((await apiFromPage(other, '/queue?queue=760&status=ASSIGNED')).status, 403);
      const direct = await apiFromPage(other, `/tips/${encodeURIComponent(tipId)}`);
      assert.equal(direct.status, 404);
      assert.ok(!JSON.stringify(direct.body).includes(marker));
      await other.goto(`${origin}/console/#/tip/${encodeURIComponent(tipId)}`);
      await other.locator('h1', { hasText: 'Không tìm thấy tin báo này' }).waitFor();
      assert.equal(await other.locator('#tip-text').count(), 0);

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
      const tip = await submitTipOnForm(citizen, { text: payload, district: '760' });

      const officer = await browser.newPage();
      await signIn(officer, 'officer-760');
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
      // Quận 5 (774) gets twelve tips: more than one page of ten.
      const formula = '=HYPERLINK("http://evil.example","bấm vào"), rồi "xem"';
      const texts = [formula, '@SUM(1+1) có người tụ tập cờ bạc', ...Array.from({ length: 10 }, (_, index) => `Trộm xe máy lần ${index + 1} trước nhà số ${index + 10} đường Trần Hưng Đạo`)];
      const tips = [];
      for (const text of texts) tips.push(await submitApiTip(text, '774'));
      await Promise.all(tips.map(classified));

      const officer = await browser.newPage();
      await signIn(officer, 'officer-774');
      await officer.locator('#size-select').selectOption('10');
      await officer.locator('#queue-filters button[type=submit]').click();
      await officer.locator('#queue-results:not([aria-busy])').waitFor();
      assert.equal(await officer.locator('#queue-table tbody tr').count(), 10);
      await officer.locator('#next-page').click();
      await officer.locator('#queue-table caption', { hasText: 'trang 2' }).waitFor();
      assert.equal(await officer.locator('#queue-table tbody tr').count(), 2);
      await officer.locator('#previous-page').click();
      await officer.locator('#queue-table caption', { hasText: 'trang 1' }).waitFor();

      const [download] = await Promise.all([officer.waitForEvent('download'), officer.locator('#export-csv').click()]);
      assert.match(download.suggestedFilename(), /^tinbao-774-NEW-\d{8}-\d{4}\.csv$/);
      const file = await download.path();
      const csv = readFileSync(file, 'utf8');
      assert.ok(csv.startsWith('\uFEFFregisterNumber,id,trackingCode,'), csv.slice(0, 80));
      const lines = csv.slice(1).split('\r\n');
      assert.equal(lines.at(-1), '', 'ends with CRLF');
      assert.equal(lines.length - 2, texts.length, 'one row per tip, all pages');
      assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"",""bấm vào""), rồi ""xem"""`), csv);
      assert.ok(csv.includes(`,'@SUM(1+1) có người tụ tập cờ bạc\r\n`), csv);
      for (const tip of tips) assert.ok(csv.includes(`,${tip.code},774,NEW,`), tip.code);
      await officer.locator('#export-status', { hasText: `Đã xuất ${texts.length} dòng` }).waitFor();
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('draws the open tips per district as a map with a legend and titles', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const spread = { '760': 3, '769': 7, '770': 1, '776': 12, '783': 2, '787': 4 };
      const tips = [];
      for (const [district, count] of Object.entries(spread)) {
        for (let index = 0; index < count; index += 1) tips.push(await submitApiTip(`Có đánh nhau gây rối trật tự trước chợ, lần ${index + 1}`, district));
      }
      await Promise.all(tips.map(classified));

      const page = await browser.newPage();
      await signIn(page, 'supervisor');
      await page.getByRole('link', { name: 'Bản đồ' }).click();
      await page.locator('#map:not([aria-busy]) svg.choropleth').waitFor();
      assert.equal(await page.locator('svg.choropleth path.district').count(), 22);
      assert.equal(await page.locator('svg.choropleth a.district-link').count(), 22, 'the supervisor sits on the city desk and sees every unit');
      const open776 = Number(await page.locator('path.district[data-code="776"]').getAttribute('data-open'));
      assert.ok(open776 >= 12, String(open776));
      const title = (await page.locator('a.district-link:has(path[data-code="776"]) > title').textContent()) ?? '';
      assert.match(title, /^Quận 8: \d+ tin đang mở/);
      assert.equal(await page.locator('ul.legend li').count(), 7);
      assert.ok((await page.locator('#summary-table tbody tr').count()) === 23, 'every unit and the city desk');
      mkdirSync(join(import.meta.dirname, '../../test-results'), { recursive: true });
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.screenshot({ path: screenshotPath });

      // English on request; the choice is kept for the next visit.
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('h1', { hasText: 'Open tips by district' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.match((await page.locator('a.district-link:has(path[data-code="776"]) > title').textContent()) ?? '', /^District 8: \d+ open/);
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await page.locator('h1', { hasText: 'Bản đồ tin báo' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'vi');

      // A district is a link to its queue, from the keyboard too.
      await page.locator('a.district-link:has(path[data-code="776"])').focus();
      await page.keyboard.press('Enter');
      await page.locator('#queue-results:not([aria-busy])').waitFor();
      assert.equal(await page.locator('#queue-select').inputValue(), '776');

      // A district officer sees only their own district; the others are hatched.
      const officer = await browser.newPage();
      await signIn(officer, 'officer-760');
      await officer.goto(`${origin}/console/#/map`);
      await officer.locator('#map:not([aria-busy]) svg.choropleth').waitFor();
      assert.equal(await officer.locator('svg.choropleth a.district-link').count(), 1);
      assert.equal(await officer.locator('svg.choropleth path.not-visible').count(), 21);
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
      await browser.context.route(`${origin}/config.json`, (route) =>
        route.fulfill({ json: { auth: { type: 'cognito', domain, clientId: 'console-client', region: 'ap-southeast-1' } } }),
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
            json: valid ? { access_token: await stack.identityProvider.issueToken('officer-760'), id_token: 'unused', token_type: 'Bearer', expires_in: 3600 } : { error: 'invalid_grant' },
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
      await page.locator('#map:not([aria-busy]) svg.choropleth').waitFor();
      assert.match((await page.locator('#who-name').textContent()) ?? '', /officer-760/);

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
      const original = await submitApiTip('Có người tàng trữ vũ khí trong nhà số 5 đường Nguyễn Huệ', '760');
      const repeat = await submitApiTip('Nhà số 5 Nguyễn Huệ có người giấu súng, báo lại lần hai', '760');
      const raced = await submitApiTip('Đánh bạc ăn tiền trong quán cà phê số 9 Pasteur mỗi tối', '760');
      await Promise.all([original, repeat, raced].map(classified));

      const page = await browser.newPage();
      await signIn(page, 'supervisor');
      const openTip = async (marker: string) => {
        await page.goto(`${origin}/console/#/queue?queue=760&status=NEW`);
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

      await page.locator('#assign-form').getByLabel('Tên đăng nhập của cán bộ').fill('officer-760b');
      await page.getByRole('button', { name: 'Giao', exact: true }).click();
      await page.locator('#tip-assignee', { hasText: 'officer-760b' }).waitFor();
      await saved.waitFor();

      await page.locator('#status-form').getByLabel('Tình trạng mới').selectOption('IN_PROGRESS');
      await page.getByRole('button', { name: 'Đổi tình trạng' }).click();
      await page.locator('#tip-status', { hasText: 'Đang xác minh' }).waitFor();

      await page.locator('#deadline-form').getByLabel('Số ngày').fill('10');
      await page.locator('#deadline-form').getByLabel('Lý do').fill('Cần thêm thời gian giám định');
      await page.getByRole('button', { name: 'Gia hạn' }).click();
      await page.locator('dd', { hasText: 'Cần thêm thời gian giám định' }).waitFor();

      await page.locator('#transfer-form').getByLabel('Chuyển đến').selectOption('761');
      await page.locator('#transfer-form').getByLabel('Lý do').fill('Địa chỉ thuộc Quận 12');
      await page.getByRole('button', { name: 'Chuyển', exact: true }).click();
      await page.locator('#tip-status', { hasText: 'Mới' }).waitFor();
      assert.match((await page.locator('.facts').textContent()) ?? '', /Quận 12 \(761\)/);

      await page.locator('#status-form').getByLabel('Tình trạng mới').selectOption('REJECTED');
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

      // Two officers of Quận 1 open the same new tip; the second to claim it is told why it failed.
      const first = await browser.newPage();
      await signIn(first, 'officer-760');
      const second = await browser.newPage();
      await signIn(second, 'officer-760b');
      for (const officer of [first, second]) {
        const row = await waitForQueueRow(officer, 'quán cà phê số 9 Pasteur');
        await row.locator('th a').click();
        await officer.locator('#claim').waitFor();
      }
      await first.locator('#claim').click();
      await first.locator('#tip-assignee', { hasText: 'officer-760' }).waitFor();
      await second.locator('#claim').click();
      await second.locator('#claim-result', { hasText: 'Cán bộ khác đã nhận xử lý tin báo này.' }).waitFor();
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
