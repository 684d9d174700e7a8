/**
 * The officers' console of a deployment on the old map (config.json says "pack": "hcmc-2021", 22
 * districts with 3-digit codes): a district's queue and map, the desk's 23 queues and the search.
 * A file of its own, because the functions read their pack at cold start, once per process.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { consolePages, launchBrowser, optionValues, testTimeoutMs } from './console-support.ts';

let stack: LocalStack;
let origin: string;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'ERROR', pack: 'hcmc-2021' });
  origin = stack.apiUrl;
});

afterAll(async () => {
  await stack?.stop();
});

const { classified, signIn, submitApiTip, waitForQueueRow } = consolePages(() => origin);

describe('the console on the old map (a deployment with "pack": "hcmc-2021")', () => {
  it("shows the 22 districts' queues, names, search and map", { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const { labels, ...settings } = (await (await fetch(`${origin}/config.json`)).json()) as { labels: { categories: Record<string, unknown> } };
      assert.deepEqual(settings, { pack: 'hcmc-2021', auth: { type: 'local', tokenUrl: '/_local/idp/token' } });
      assert.deepEqual(labels.categories['wanted_person'], { vi: 'Đối tượng truy nã', en: 'Wanted person' });
      const marker = `mã ${Date.now().toString(36)}`;
      await classified(await submitApiTip(`Có người buôn bán ma túy ở hẻm đường Võ Văn Tần (${marker})`, '770'));

      // A district's officer: their district's queue, its tip, the map with their district alone.
      const officer = await browser.newPage();
      await signIn(officer, 'officer-770');
      assert.deepEqual(await optionValues(officer, '#queue-select'), ['770']);
      assert.equal(await officer.locator('#queue-select option').textContent(), 'Quận 3 (770)');
      const row = await waitForQueueRow(officer, marker);
      assert.match((await row.locator('th a').textContent()) ?? '', /^770\/\d{4}\/\d+$/);
      await officer.getByRole('link', { name: 'Bản đồ' }).click();
      await officer.locator('#map[data-units="22"]:not([aria-busy])').waitFor({ timeout: 60_000 });
      assert.equal(await officer.locator('#map').getAttribute('data-visible-units'), '1');
      assert.match((await officer.locator('a.unit-marker').getAttribute('aria-label')) ?? '', /^Quận 3: [1-9]\d* tin báo đang mở$/);

      // The desk: 23 queues in one list (no former districts to group by), found by name.
      const desk = await browser.newPage();
      await signIn(desk, 'desk');
      assert.equal((await optionValues(desk, '#queue-select')).length, 23);
      assert.equal(await desk.locator('#queue-select optgroup').count(), 0);
      await desk.getByRole('searchbox', { name: 'Tìm đơn vị' }).fill('quan 3');
      await desk.locator('#queue-search-results a').first().waitFor();
      assert.deepEqual(await desk.locator('#queue-search-results a').evaluateAll((links) => links.map((link) => link.getAttribute('data-code'))), ['770']);
      await desk.getByRole('searchbox', { name: 'Tìm đơn vị' }).press('Enter');
      await desk.locator('h1', { hasText: 'Hàng đợi tin báo: Quận 3' }).waitFor();
      await waitForQueueRow(desk, marker);
      await desk.getByRole('link', { name: 'Bản đồ' }).click();
      await desk.locator('#map[data-units="22"]:not([aria-busy])').waitFor({ timeout: 60_000 });
      assert.equal(await desk.locator('a.unit-marker').count(), 22);
      assert.equal(await desk.getByRole('button', { name: /^Xem / }).count(), 0, 'no district lies apart from the others');
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
