/**
 * Evidence attachments end to end on the local stack (issue 12), in Chromium: a citizen on a phone
 * attaches a photo with its GPS in EXIF, sees it upload and gets the codes; the scan cleans it; an
 * officer of the unit the citizen chose opens the clean copy in a new tab, as an image without
 * its metadata, and the view is in the audit trail. A file whose bytes are not what it was
 * declared as is shown quarantined, for evidence handlers only. attachments-form.test.ts covers
 * the form's refusals and failed uploads against a fake API and bucket.
 */
import assert from 'node:assert/strict';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local/stack.ts';
import { attachmentStatusNames, eventNames, flagNames, quarantineReasonNames } from '../../shared/labels.ts';
import { englishOnlyIn } from '../support/catalogue.ts';
import { postJson } from '../support/helpers.ts';
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

const { signIn, waitForQueueRow } = consolePages(() => origin);

/** Chợ Bến Thành, in Phường Bến Thành (26743): 10°46'21" N, 106°41'52.8" E. */
const benThanh = { latitude: 10.7725, longitude: 106.698 };

/** A small real JPEG whose EXIF says where it was taken (and by what camera), as a phone's photo does. */
async function photoWithGps(): Promise<Buffer> {
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#b03030' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'tinbao-test-camera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 46/1 2100/100', GPSLongitudeRef: 'E', GPSLongitude: '106/1 41/1 5280/100' },
    })
    .toBuffer();
  const gps = await exifr.gps(photo);
  assert.ok(gps && Math.abs(gps.latitude - benThanh.latitude) < 1e-4 && Math.abs(gps.longitude - benThanh.longitude) < 1e-4, 'the photo carries its GPS');
  return photo;
}

/** The scan runs in the background: shows the tip again until its attachment has this status. */
async function waitForAttachmentStatus(page: Page, status: string, timeoutMs: number, also: () => Promise<boolean> = async () => true) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.locator('#tip-text').waitFor();
    const item = page.locator(`#attachments li[data-status="${status}"]`);
    if ((await item.count()) > 0 && (await also())) return item.first();
    if (Date.now() > deadline) {
      const seen = await page.locator('#attachments').textContent().catch(() => null);
      throw new Error(`no attachment "${status}" after ${timeoutMs} ms; the tip shows: ${seen ?? 'no attachments'}`);
    }
    await page.reload();
  }
}

/** Sends a tip with one declared file through the API and posts the bytes to its slot, as the form's script does. */
async function tipWithFile(text: string, unit: string, declared: { fileName: string; contentType: string }, bytes: Buffer) {
  const accepted = await postJson(`${origin}/tips`, { text, unit, attachments: [{ ...declared, size: bytes.length }] });
  assert.equal(accepted.status, 202, accepted.text);
  const [slot] = accepted.json.uploads as Array<{ url: string; fields: Record<string, string> }>;
  assert.ok(slot);
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: declared.contentType }), declared.fileName);
  const uploaded = await fetch(slot.url, { method: 'POST', body: form });
  assert.ok(uploaded.ok, `${uploaded.status} ${await uploaded.text()}`);
}

describe('evidence attachments in a browser', () => {
  it(
    'takes a photo from the form on a phone to officer-26743, who opens its clean copy in a new tab',
    async () => {
      const browser = await launchBrowser();
      try {
        const photo = await photoWithGps();
        const marker = `ảnh ${Date.now().toString(36)}`;
        const text = `Có người bán ma túy trước chợ Bến Thành, tôi có chụp ảnh (${marker})`;

        // A phone-sized window: the picker, the bars and the codes fit without scrolling sideways.
        const citizen = await browser.newPage();
        await citizen.setViewportSize({ width: 390, height: 844 });
        await citizen.goto(`${origin}/`);
        await citizen.getByLabel('Nội dung tin báo').fill(text);
        await citizen.locator('#unit').selectOption('26743');
        const picker = citizen.getByLabel('Ảnh, video hoặc tài liệu (không bắt buộc)');
        assert.equal(await picker.getAttribute('type'), 'file');
        assert.match((await citizen.locator('#files-hint').textContent()) ?? '', /Tối đa 5 tệp, mỗi tệp đến 25 MB/);
        await picker.setInputFiles({ name: 'cho-ben-thanh.jpg', mimeType: 'image/jpeg', buffer: photo });
        await citizen.locator('#files-status', { hasText: 'cho-ben-thanh.jpg · 1 KB' }).waitFor();
        await citizen.getByRole('button', { name: 'Gửi tin báo' }).click();

        // The codes at once, the file's bar up to done, all in place (no receipt page, no cookie).
        await citizen.getByRole('heading', { name: 'Đã nhận tin báo của bạn' }).waitFor();
        const code = (await citizen.locator('#tracking-code').textContent())?.trim() ?? '';
        assert.match(code, /^TB-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        assert.match((await citizen.locator('#secret').textContent())?.trim() ?? '', /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
        const upload = citizen.locator('#upload-1[data-state="done"]');
        await upload.waitFor();
        assert.equal(await citizen.getByRole('progressbar', { name: 'cho-ben-thanh.jpg · 1 KB' }).getAttribute('value'), '100');
        assert.equal(await upload.locator('.upload-status').textContent(), 'Đã gửi xong');
        assert.equal(await citizen.locator('#uploads-summary').textContent(), 'Đã gửi xong 1/1 tệp.');
        assert.ok(await citizen.getByRole('link', { name: 'Lưu thành tệp' }).isVisible(), 'the codes can be saved as a file');
        assert.equal(new URL(citizen.url()).pathname, '/');
        assert.ok(await citizen.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing wider than the phone');
        assert.deepEqual(englishOnlyIn(await citizen.locator('body').innerText()), []);

        // officer-26743 (Phường Bến Thành, the unit chosen on the form) opens the tip and waits for the scan.
        const officer = await browser.newPage();
        await signIn(officer, 'officer-26743');
        const row = await waitForQueueRow(officer, marker);
        await row.locator('th a').click();
        await officer.locator('#tip-text').waitFor();
        const listed = officer.locator('#attachments li', { hasText: 'cho-ben-thanh.jpg' });
        await listed.waitFor();
        assert.match((await listed.textContent()) ?? '', /Ảnh \(image\/jpeg/);
        const clean = await waitForAttachmentStatus(officer, 'clean', 4 * waitMs);
        assert.ok((await clean.textContent())?.includes(attachmentStatusNames.clean.vi), 'the status in words');

        // "Open" asks the API for a short-lived link and opens it in a new tab: the photo, without its EXIF.
        const opened = browser.context.waitForEvent('response', {
          // The link is the evidence bucket's (the local S3 gateway), not the console's origin.
          predicate: (response) => response.request().isNavigationRequest() && new URL(response.url()).origin !== origin,
          timeout: waitMs,
        });
        const tab = browser.context.waitForEvent('page', { timeout: waitMs });
        await clean.getByRole('button', { name: 'Mở cho-ben-thanh.jpg ở tab mới' }).click();
        const response = await opened;
        assert.equal(response.status(), 200);
        assert.equal(response.headers()['content-type'], 'image/jpeg');
        const image = await tab;
        await image.waitForFunction(() => document.images.length === 1 && document.images[0]?.complete && document.images[0].naturalWidth === 64);
        assert.equal(await image.evaluate(() => window.opener), null, 'the tab cannot reach back into the console');
        const served = await response.body();
        assert.equal(await exifr.gps(served).catch(() => undefined), undefined, 'no GPS in the copy officers see');
        assert.equal(((await exifr.parse(served).catch(() => undefined)) as { Make?: string } | undefined)?.Make, undefined, 'no camera either');
        await clean.getByRole('link', { name: 'Liên kết tới cho-ben-thanh.jpg' }).waitFor();

        // The view is in the audit trail.
        await officer.reload();
        await officer.locator('#audit', { hasText: eventNames.ATTACHMENT_VIEWED.vi }).waitFor();
        assert.match((await officer.locator('#audit').textContent()) ?? '', /Tệp đính kèm: cho-ben-thanh\.jpg/);
        assert.deepEqual(englishOnlyIn(await officer.locator('body').innerText()), []);

        assert.deepEqual(browser.dialogs, []);
        assert.deepEqual(browser.pageErrors, []);
      } finally {
        await browser.close();
      }
    },
    testTimeoutMs,
  );

  it(
    'shows a file whose bytes are not its declared type as quarantined, with no way to open it',
    async () => {
      const browser = await launchBrowser();
      try {
        const marker = `tệp ${Date.now().toString(36)}`;
        // A PDF named and declared as a photo.
        const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
        await tipWithFile(`Người ta gửi giấy tờ giả ở chợ Bến Thành (${marker})`, '26743', { fileName: 'giay-to.jpg', contentType: 'image/jpeg' }, pdf);

        const officer = await browser.newPage();
        await signIn(officer, 'officer-26743');
        const row = await waitForQueueRow(officer, marker);
        await row.locator('th a').click();
        // The file's record is written first, then its tip is flagged: wait for both, as an officer reloading would.
        const flagged = async () => ((await officer.locator('.facts').textContent()) ?? '').includes(flagNames.attachment_quarantined.vi);
        const quarantined = await waitForAttachmentStatus(officer, 'quarantined', 4 * waitMs, flagged);
        const shown = (await quarantined.textContent()) ?? '';
        assert.match(shown, /giay-to\.jpg/);
        assert.ok(shown.includes(`Cách ly: chỉ cán bộ quản lý vật chứng được mở tệp này. Lý do: ${quarantineReasonNames.typeMismatch.vi}.`), shown);
        assert.ok(shown.includes(attachmentStatusNames.quarantined.vi), shown);
        assert.match(shown, /nội dung thực là application\/pdf/);
        assert.equal(await quarantined.getByRole('button').count(), 0, 'nothing to open');
        assert.ok((await officer.locator('.facts').textContent())?.includes(flagNames.attachment_quarantined.vi), 'the tip is flagged');
        const audit = (await officer.locator('#audit').textContent()) ?? '';
        assert.ok(audit.includes(eventNames.ATTACHMENT_QUARANTINED.vi) && audit.includes(`Lý do: ${quarantineReasonNames.typeMismatch.vi}`), audit);
        assert.deepEqual(englishOnlyIn(await officer.locator('body').innerText()), []);

        assert.deepEqual(browser.dialogs, []);
        assert.deepEqual(browser.pageErrors, []);
      } finally {
        await browser.close();
      }
    },
    testTimeoutMs,
  );
});
