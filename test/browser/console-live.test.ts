/**
 * The console keeps officers up to date and routes in one click (issue 10): the desk sends a tip
 * to one of its routing candidates with one click and reads why in words; the queue refreshes
 * itself, announces a new urgent tip without a reload and marks a tipster waiting for an answer;
 * on a phone, each cell of the queue says which column it is.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local/stack.ts';
import { englishOnlyIn } from '../support/catalogue.ts';
import { postJson } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';
import { consolePages, launchBrowser, testTimeoutMs } from './console-support.ts';

let stack: LocalStack;
let origin: string;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'ERROR' });
  origin = stack.apiUrl;
});

afterAll(async () => {
  await stack?.stop();
});

const { apiFromPage, classified, openStatusPage, signIn, submitApiTip } = consolePages(() => origin);

/**
 * The queue asks again every 10 s; a tip sent now is seen at the next refresh after the classifier
 * stored it. Waits for what the officer would see get this long at most.
 */
const liveWaitMs = 45_000;

interface QueueItem {
  readonly id: string;
  readonly trackingCode: string;
  readonly urgency: string;
  readonly awaitingReply: boolean;
}

/** The queue row of a tip, read through the API with the page's token. */
async function queueItem(page: Page, queue: string, trackingCode: string): Promise<QueueItem> {
  const answer = await apiFromPage(page, `/queue?queue=${queue}&status=NEW&limit=100`);
  assert.equal(answer.status, 200);
  const item = (answer.body as { items: QueueItem[] }).items.find((candidate) => candidate.trackingCode === trackingCode);
  assert.ok(item, `${trackingCode} in the NEW queue of ${queue}`);
  return item;
}

/** Marks the document, so a test can tell that the page was never reloaded. */
async function markDocument(page: Page) {
  await page.evaluate(() => document.documentElement.setAttribute('data-test-document', 'first'));
}

async function sameDocument(page: Page) {
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-test-document')), 'first', 'the page was not reloaded');
}

describe('the console at the city desk and in a unit, kept up to date', () => {
  it('lets the desk send a tip to its routing candidate in one click, with the evidence and the audit in words', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const accepted = await postJson(`${origin}/tips`, { text: 'thấy đối tượng truy nã ở chợ Bình Tây' });
      assert.equal(accepted.status, 202, accepted.text);
      const code = String(accepted.json.trackingCode);
      await classified({ code, secret: String(accepted.json.secret) });

      const desk = await browser.newPage();
      await signIn(desk, 'desk');
      // The API's view: at the city desk, no unit picked, Phường Bình Tây (formerly in Quận 6) as a candidate read from the text.
      const { id } = await queueItem(desk, 'CITY', code);
      const detail = await apiFromPage(desk, `/tips/${encodeURIComponent(id)}`);
      const tip = (detail.body as { tip: { queue: string; routing: { unit: string | null; candidates: Array<{ unit: string; method: string; evidence: { span?: string } | null }> } } }).tip;
      assert.equal(tip.queue, 'CITY');
      assert.equal(tip.routing.unit, null);
      const candidate = tip.routing.candidates.find((entry) => entry.unit === '27367');
      assert.ok(candidate, JSON.stringify(tip.routing.candidates));
      assert.equal(candidate.evidence?.span, 'chợ Bình Tây');

      // The desk opens it from its queue.
      await desk.locator(`#queue-table a[href="#/tip/${encodeURIComponent(id)}"]`).click();
      await desk.locator('#tip-text').waitFor();
      const routing = (await desk.locator('.facts').textContent()) ?? '';
      assert.match(routing, /Chưa đủ căn cứ để chọn một đơn vị/);
      const suggestion = desk.locator('#routing-candidates li[data-unit="27367"]');
      assert.match((await suggestion.textContent()) ?? '', /^Phường Bình Tây \(27367\) – theo nội dung, độ tin cậy 27%: đọc được “chợ Bình Tây” trong tin báo/);
      const audit = desk.locator('#audit');
      assert.match((await audit.textContent()) ?? '', /Cách định tuyến: chưa xác định/);
      assert.match((await audit.textContent()) ?? '', /Phân loại, chuyển đơn vị · hệ thống \(phân loại tự động\)/);
      assert.doesNotMatch((await desk.locator('main').textContent()) ?? '', /\bnone\b|confidence|0\.27|routing_candidate|system:/);
      assert.deepEqual(englishOnlyIn(await desk.locator('body').innerText()), []);

      // One click: the tip is in Phường Bình Tây's queue, and the audit trail says why, in words.
      await suggestion.getByRole('button', { name: 'Chuyển tin báo đến Phường Bình Tây' }).click();
      await desk.locator('#tip-queue', { hasText: 'Phường Bình Tây (27367)' }).waitFor();
      await desk.locator('#tip-message', { hasText: 'Đã chuyển tin báo đến Phường Bình Tây.' }).waitFor();
      const transfer = desk.locator('#audit .event-transferred');
      assert.equal(await transfer.count(), 1, 'one transfer');
      assert.match((await transfer.textContent()) ?? '', /Chuyển đơn vị · desk/);
      assert.match((await transfer.locator('.event-change').textContent()) ?? '', /Trực ban Công an Thành phố.* → .*Phường Bình Tây/);
      assert.equal(await transfer.locator('.event-reason').textContent(), 'Lý do: Chọn từ các đơn vị gợi ý của hệ thống định tuyến');
      assert.equal(await desk.locator('#routing-candidates li[data-unit="27367"] .route-to').count(), 0, 'no button to the queue it is in');
      assert.doesNotMatch((await desk.locator('main').textContent()) ?? '', /\bnone\b|routing_candidate|0\.27/);
      assert.deepEqual(englishOnlyIn(await desk.locator('body').innerText()), []);
      const moved = await apiFromPage(desk, `/tips/${encodeURIComponent(id)}`);
      assert.equal((moved.body as { tip: { queue: string } }).tip.queue, '27367');

      // The same words in English.
      await desk.getByRole('button', { name: 'English' }).click();
      await desk.locator('#tip-title', { hasText: 'Tip ' }).waitFor();
      assert.equal(await desk.locator('#audit .event-transferred .event-reason').textContent(), 'Reason: Chosen from the routing suggestions');
      assert.match((await desk.locator('#audit').textContent()) ?? '', /How it was routed: undecided/);
      assert.match((await desk.locator('#routing-candidates li[data-unit="27367"]').textContent()) ?? '', /by the text, confidence 27%: the text names “chợ Bình Tây”/);
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('announces a new urgent tip in the queue without a reload, and keeps focus and the filters', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const marker = `mã ${Date.now().toString(36)}`;
      // An urgent tip that is already there when the officer opens the queue is not news.
      const earlier = await submitApiTip(`KHẨN CẤP: có người đang đâm người trước chợ, máu chảy nhiều (${marker})`, '26740');
      await classified(earlier);

      const officer = await browser.newPage();
      await signIn(officer, 'officer-26740');
      const earlierItem = await queueItem(officer, '26740', earlier.code);
      assert.equal(earlierItem.urgency, 'high');
      await officer.locator('#queue-updated', { hasText: 'Hàng đợi tự cập nhật' }).waitFor();
      await markDocument(officer);
      // The officer is half-way through changing the filter, and has a row's link focused.
      await officer.locator('#status-select').selectOption('ASSIGNED');
      const earlierLink = officer.locator(`#queue-table a[href="#/tip/${encodeURIComponent(earlierItem.id)}"]`);
      await earlierLink.focus();
      // The city desk watches its own queue, in a tab of its own.
      const desk = await browser.newPage();
      await signIn(desk, 'desk');
      await desk.locator('#queue-updated', { hasText: 'Hàng đợi tự cập nhật' }).waitFor();
      await markDocument(desk);

      const urgent = await submitApiTip(`KHẨN CẤP: có người đang đâm người trước số 10 Lê Lợi, cần người đến ngay (${marker})`, '26740');
      // And one that names no place: the city desk's.
      const unplaced = await postJson(`${origin}/tips`, { text: `KHẨN CẤP: có kẻ đang cầm dao đâm người ở quán nhậu, cần người đến ngay (${marker})` });
      assert.equal(unplaced.status, 202, unplaced.text);
      const unplacedTip = { code: String(unplaced.json.trackingCode), secret: String(unplaced.json.secret) };
      await Promise.all([classified(urgent), classified(unplacedTip)]);
      const urgentItem = await queueItem(officer, '26740', urgent.code);
      assert.equal(urgentItem.urgency, 'high');
      const unplacedItem = await queueItem(desk, 'CITY', unplacedTip.code);
      assert.equal(unplacedItem.urgency, 'high');

      // Seen and heard: the banner is an alert region with a link to the new tip.
      const alerts = officer.locator('#urgent-alerts[role="alert"]');
      const announcement = alerts.locator(`a[href="#/tip/${encodeURIComponent(urgentItem.id)}"]`);
      await announcement.waitFor({ timeout: liveWaitMs });
      assert.match((await alerts.textContent()) ?? '', /Tin báo khẩn mới ở Phường Sài Gòn: 26740\/\d{4}\/\d+ \(Đánh nhau, cố ý gây thương tích\)/);
      assert.equal(await alerts.locator('.urgent-item').count(), 1, 'only the new one');
      await officer.locator(`#queue-table tbody tr[data-id="${urgentItem.id}"]`).waitFor({ timeout: liveWaitMs });
      assert.equal(await officer.locator('#queue-table tbody tr', { hasText: marker }).count(), 2);
      await sameDocument(officer);
      assert.equal(await officer.evaluate(() => document.activeElement?.getAttribute('href')), `#/tip/${encodeURIComponent(earlierItem.id)}`, 'focus stays where it was');
      assert.equal(await officer.locator('#status-select').inputValue(), 'ASSIGNED', 'the filter being changed is left alone');

      assert.deepEqual(englishOnlyIn(await officer.locator('body').innerText()), []);

      // The desk is told of its own, without a reload either.
      const deskAlerts = desk.locator('#urgent-alerts[role="alert"]');
      await deskAlerts.locator(`a[href="#/tip/${encodeURIComponent(unplacedItem.id)}"]`).waitFor({ timeout: liveWaitMs });
      assert.match((await deskAlerts.textContent()) ?? '', /Tin báo khẩn mới ở Trực ban Công an Thành phố: CITY\/\d{4}\/\d+ \(Vũ khí\)/);
      await desk.locator(`#queue-table tbody tr[data-id="${unplacedItem.id}"]`).waitFor({ timeout: liveWaitMs });
      await sameDocument(desk);

      // The banner can be put away; the row's link opens the new tip.
      await officer.locator('#urgent-dismiss').click();
      assert.equal(await alerts.locator('.urgent-item').count(), 0);
      await officer.locator(`#queue-table a[href="#/tip/${encodeURIComponent(urgentItem.id)}"]`).click();
      await officer.locator('#tip-text', { hasText: 'Lê Lợi' }).waitFor();
      assert.equal(await officer.locator('.facts .urgency').textContent(), 'Khẩn');
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });

  it('marks the row and the tip of a tipster who wrote, as the queue refreshes; on a phone each cell says its column', { timeout: testTimeoutMs }, async () => {
    const browser = await launchBrowser();
    try {
      const marker = `mã ${Date.now().toString(36)}`;
      const tip = await submitApiTip(`Có người bán ma túy trong hẻm 20 Hai Bà Trưng, tối nào cũng có (${marker})`, '26737');
      await classified(tip);

      const officer = await browser.newPage();
      await signIn(officer, 'officer-26737');
      const row = officer.locator('#queue-table tbody tr', { hasText: marker });
      await row.waitFor();
      assert.equal(await row.locator('.awaiting').count(), 0);
      await markDocument(officer);

      // The tipster writes from the status page; the officer's queue shows it at its next refresh.
      const tipster = await browser.newPage();
      await openStatusPage(tipster, tip.code, tip.secret);
      await tipster.getByLabel('Gửi thêm thông tin cho công an').fill('Họ thường đến lúc 9 giờ tối, đi xe máy màu đỏ.');
      await tipster.getByRole('button', { name: 'Gửi tin nhắn' }).click();
      await row.locator('.awaiting', { hasText: 'Người báo đã nhắn' }).waitFor({ timeout: liveWaitMs });
      await sameDocument(officer);

      // On a phone the row is a card and each cell is labelled with its column.
      await officer.setViewportSize({ width: 360, height: 740 });
      const urgencyCell = row.locator('td[data-label="Mức khẩn"]');
      assert.equal(await urgencyCell.evaluate((cell) => getComputedStyle(cell, '::before').content), '"Mức khẩn: "');
      assert.equal(await row.evaluate((element) => getComputedStyle(element).display), 'block');
      assert.equal(await row.locator('th[data-label="Số đăng ký"]').count(), 1);
      for (const label of ['Còn lại', 'Loại', 'Nội dung', 'Người xử lý', 'Tiếp nhận']) assert.equal(await row.locator(`td[data-label="${label}"]`).count(), 1, label);
      assert.equal(await row.locator('td[data-label="Còn lại"]').textContent(), '20 ngày');
      await officer.setViewportSize({ width: 1280, height: 900 });

      // The tip says so too; a reply answers it.
      await row.locator('th a').click();
      await officer.locator('#tip-awaiting', { hasText: 'Người báo đã nhắn' }).waitFor();
      await officer.locator('#reply-form').getByLabel('Tin nhắn').fill('Cảm ơn bạn, chúng tôi đã nhận thông tin.');
      await officer.getByRole('button', { name: 'Gửi trả lời' }).click();
      await officer.locator('#conversation', { hasText: 'chúng tôi đã nhận thông tin' }).waitFor();
      assert.equal(await officer.locator('#tip-awaiting').count(), 0);
      await officer.getByRole('link', { name: '← Quay lại hàng đợi' }).click();
      await row.waitFor();
      assert.equal(await row.locator('.awaiting').count(), 0);
      assert.deepEqual(browser.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
