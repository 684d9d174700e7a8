/**
 * The statistics view in the console: the desk opens it from the header, reads the figures the
 * stream keeps in tables and charts (Chart.js under the console's CSP), exports them as CSV; an
 * officer who is neither supervisor nor desk is offered no statistics.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local/stack.ts';
import { englishOnlyIn } from '../support/catalogue.ts';
import { eventually, officerApi, storedTipByCode } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';
import { consolePages, launchBrowser, testTimeoutMs, waitMs } from './console-support.ts';

let stack: LocalStack;
let origin: string;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'ERROR' });
  origin = stack.apiUrl;
});

afterAll(async () => {
  await stack?.stop();
});

const { classified, signIn, submitApiTip } = consolePages(() => origin);
const call = officerApi(() => stack);

/** The tips counted in a unit's row of the per-unit table, showing the view again until it has `count`. */
async function waitForUnitTips(page: Page, unitName: string, count: number) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    await page.locator('#stats-results:not([aria-busy])').waitFor();
    const row = page.locator('#stats-units-table tbody tr', { hasText: unitName });
    if ((await row.count()) > 0 && (await row.locator('td').first().textContent())?.trim() === String(count)) return row;
    if (Date.now() > deadline) throw new Error(`no ${count} tips for ${unitName} after ${waitMs} ms`);
    await page.evaluate(() => {
      location.hash = location.hash === '#/stats' ? '#/stats?unit=' : '#/stats';
    });
  }
}

describe('the statistics view', () => {
  it('shows the desk the figures in tables and charts, and exports them', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const tips = [
        await submitApiTip('Có người bán ma túy trong hẻm 45 Lê Văn Sỹ mỗi tối', '27154'),
        await submitApiTip('Trộm xe máy trước cửa nhà số 10 đường Cách Mạng Tháng Tám', '27154'),
        await submitApiTip('Nhóm thanh niên đua xe trên đường Lê Lợi mỗi đêm', '26743'),
      ];
      for (const tip of tips) await classified(tip);
      const first = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, tips[0]?.code ?? ''), waitMs, 'the first tip stored');
      assert.equal((await call('officer-27154', 'POST', `/tips/${String(first.id)}/claim`)).status, 200);

      const page = await browser.newPage();
      await signIn(page, 'desk');
      await page.getByRole('link', { name: 'Số liệu' }).click();
      await page.getByRole('heading', { name: 'Số liệu cho chỉ huy' }).waitFor();
      await waitForUnitTips(page, 'Phường Bàn Cờ', 2);
      await waitForUnitTips(page, 'Phường Bến Thành', 1);
      const summary = (await page.locator('#stats-summary').textContent()) ?? '';
      assert.match(summary, /Tin báo tiếp nhận\s*3/);
      assert.match(summary, /trên 1 tin báo đã được nhận xử lý/);
      assert.equal(await page.locator('#stats-weeks-table tfoot td').last().textContent(), '3');

      // Chart.js drew the three charts, each named for screen readers and pointing to its table.
      await page.waitForFunction(() => ['stats-weeks-chart', 'stats-units-chart', 'stats-times-chart'].every((id) => (window as unknown as { Chart?: { getChart(id: string): unknown } }).Chart?.getChart(id)));
      for (const id of ['stats-weeks-chart', 'stats-units-chart', 'stats-times-chart']) {
        const canvas = page.locator(`#${id}`);
        assert.equal(await canvas.getAttribute('role'), 'img');
        assert.ok((await canvas.getAttribute('aria-label'))?.startsWith('Biểu đồ'));
        assert.ok(await page.locator(`#${String(await canvas.getAttribute('aria-describedby'))}`).count());
      }

      const download = page.waitForEvent('download');
      await page.locator('#stats-export-weeks').click();
      const csv = await readFile(String(await (await download).path()), 'utf8');
      const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      assert.equal(lines[0], 'Mã đơn vị,Đơn vị,Tuần,Tuần bắt đầu ngày,Loại,Tin báo');
      assert.equal(lines.length, 4, csv);
      assert.ok(lines.slice(1).every((line) => /^(27154|26743),Phường [^,]+,\d{4}-W\d{2},\d{4}-\d{2}-\d{2},[^,]+,1$/.test(line)), csv);

      const units = page.waitForEvent('download');
      await page.locator('#stats-export-units').click();
      const unitsCsv = (await readFile(String(await (await units).path()), 'utf8')).trim().split('\r\n');
      assert.match(unitsCsv.at(-1) ?? '', /^,Tất cả,3,1,/);

      assert.deepEqual(englishOnlyIn((await page.locator('body').textContent()) ?? ''), []);
      await page.locator('#language').click();
      await page.getByRole('heading', { name: 'Figures for commanders' }).waitFor();
      await page.locator('#stats-results:not([aria-busy])').waitFor();
      await page.locator('#stats-units-table').getByText('Ben Thanh Ward').waitFor();
      await page.locator('#language').click();
      await page.getByRole('heading', { name: 'Số liệu cho chỉ huy' }).waitFor();

      const officerPage = await browser.newPage();
      await signIn(officerPage, 'officer-27154');
      assert.equal(await officerPage.getByRole('link', { name: 'Số liệu' }).count(), 0, 'no statistics link for an officer');
      await officerPage.goto(`${origin}/console/#/stats`);
      await officerPage.getByText('Chỉ chỉ huy và trực ban thành phố xem được số liệu.').waitFor();
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
