/**
 * The duty desk's picture (issue 13), in the real console against the local stack: while the desk
 * reads a tip, an urgent tip's alert arrives without a reload, in an alert region with a link to
 * it; the desk links two reports of one gambling den (a web report with its point, an SMS without
 * diacritics) from the tip's possible duplicates, and sees the incident with its reports; then it
 * opens the statistics and finds the tips just received counted for their unit.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { eventually, officerApi, postJson, sendGatewaySms, storedTipByCode, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';
import { consolePages, launchBrowser, testTimeoutMs, waitMs } from './console-support.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'ERROR' });
});

afterAll(async () => {
  await stack?.stop();
});

const { signIn } = consolePages(() => stack.apiUrl);
const call = officerApi(() => stack);

async function stored(code: string) {
  return eventually(async () => storedTipByCode(stack.dynamoDb, stack.tableName, code), waitLimitMs, `tip ${code} stored`);
}

describe("the duty desk's picture", () => {
  it('sees an alert arrive, links two reports of one incident, and opens the statistics', { timeout: testTimeoutMs }, async () => {
    // Two reports of one gambling den on Lê Lợi: the web form with its point, an SMS without diacritics.
    const web = await postJson(`${stack.apiUrl}/tips`, { text: 'Quán cà phê trên đường Lê Lợi quận 1 tổ chức đánh bạc, cá độ bóng đá mỗi tối', lat: 10.7735, lon: 106.699 });
    assert.equal(web.status, 202, web.text);
    const webTip = await stored(String(web.json.trackingCode));
    const sms = await sendGatewaySms(stack.apiUrl, { from: `09${String(randomInt(10_000_000, 99_999_999))}`, text: 'quan cafe duong le loi q1 co danh bac ca do bong da moi toi' });
    const smsTip = await stored(String(sms.json.trackingCode));
    // The suggestion is made when the second report is stored: wait for it as the API shows it.
    await eventually(
      async () => ((await call('desk', 'GET', `/tips/${String(webTip.id)}`)).json.possibleDuplicates as Array<{ id: string }> | undefined)?.some((entry) => entry.id === smsTip.id) || undefined,
      waitLimitMs,
      'the SMS offered as a duplicate of the web report',
    );

    const browser = await launchBrowser();
    try {
      const desk = await browser.newPage();
      await signIn(desk, 'desk');
      await desk.goto(`${stack.apiUrl}/console/#/tip/${encodeURIComponent(String(webTip.id))}`);
      await desk.locator('#tip-text', { hasText: 'Lê Lợi' }).waitFor();

      // An urgent tip comes in for another unit while the desk reads this one.
      const urgent = await postJson(`${stack.apiUrl}/tips`, { text: 'Khẩn cấp! Có kẻ đang cầm dao đâm người trước chợ, máu chảy nhiều, cần người đến ngay', unit: '26743' });
      assert.equal(urgent.status, 202, urgent.text);
      const urgentTip = await stored(String(urgent.json.trackingCode));
      const alerts = desk.locator('#alert-feed-items[role="alert"]');
      await alerts.locator(`a[href="#/tip/${encodeURIComponent(String(urgentTip.id))}"]`).waitFor({ timeout: waitMs });
      assert.match((await alerts.textContent()) ?? '', new RegExp(`Cảnh báo khẩn đã gửi cho Phường Bến Thành: ${String(urgent.json.trackingCode)}`, 'u'));
      assert.ok(!((await alerts.textContent()) ?? '').includes('cầm dao'), 'the alert shows no tip text');
      assert.ok(stack.notifier.delivered().some((alert) => alert.subject.includes(String(urgent.json.trackingCode))), 'the same alert reached the phones');

      // The web report lists the SMS as a possible duplicate; the desk links it.
      const duplicate = desk.locator(`#possible-duplicates li[data-id="${String(smsTip.id)}"]`);
      await duplicate.waitFor();
      await duplicate.getByRole('button', { name: 'Gộp vào sự việc này' }).click();
      await desk.locator(`#incident-reports li[data-id="${String(smsTip.id)}"]`).waitFor({ timeout: waitMs });
      assert.equal(await desk.locator(`#possible-duplicates li[data-id="${String(smsTip.id)}"]`).count(), 0, 'no longer a suggestion');
      // The report names its incident.
      await desk.goto(`${stack.apiUrl}/console/#/tip/${encodeURIComponent(String(smsTip.id))}`);
      await desk.locator('#incident-of').getByRole('link').waitFor();

      // The statistics count the tips just received.
      await desk.getByRole('link', { name: 'Số liệu' }).click();
      await desk.getByRole('heading', { name: 'Số liệu cho chỉ huy' }).waitFor();
      await desk.locator('#stats-results:not([aria-busy])').waitFor();
      await desk.locator('#stats-units-table tbody tr', { hasText: 'Phường Bến Thành' }).waitFor({ timeout: waitMs });
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
