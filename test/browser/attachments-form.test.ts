/**
 * The tip form's files in Chromium against a fake API and a fake bucket on another origin, for
 * what the local stack does not make happen on demand: a declaration the API refuses, a file the
 * bucket refuses, a connection lost during an upload. The page is the real one with its real
 * Content-Security-Policy (connect-src to the bucket's origin only); attachments.test.ts runs the
 * whole pipeline.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { tipFormPage } from '../../functions/http/pages.ts';
import { pageHeaderValuesFor } from '../../functions/http/security-headers.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { webSubmissionFromFormFields } from '../../shared/tip/submission.ts';
import { launchChromium } from '../support/browser.ts';
import { launchBrowser, testTimeoutMs, waitMs } from './console-support.ts';

const assets = join(import.meta.dirname, '../../web/assets');
const units = jurisdiction('hcmc-2025');

/** A tip POST as the fake API saw it. */
interface SeenTip {
  readonly contentType: string;
  readonly accept: string;
  readonly acceptLanguage: string;
  readonly body: string;
}

/** An upload as the fake bucket saw it: the slot's path, and whether its fields came before the file. */
interface SeenUpload {
  readonly path: string;
  readonly fieldsFirst: boolean;
  readonly origin: string;
}

let site: Server;
let bucket: Server;
let siteOrigin: string;
let bucketOrigin: string;
const seenTips: SeenTip[] = [];
const seenUploads: SeenUpload[] = [];
/** What the fake API answers to the next JSON tip. */
let tipAnswer: { status: number; body: unknown } = { status: 500, body: {} };
/** While set, the bucket drops the connection of uploads to /drop. */
let dropping = true;

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

async function serveSite(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', siteOrigin);
  const headers = pageHeaderValuesFor([bucketOrigin]);
  if (request.method === 'GET' && (url.pathname === '/' || url.pathname === '/en')) {
    response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(tipFormPage(url.pathname === '/en' ? 'en' : 'vi', units));
    return;
  }
  if (request.method === 'GET' && /^\/assets\/[a-z-]+\.js$/.test(url.pathname)) {
    response.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(await readFile(join(assets, url.pathname.slice('/assets/'.length))));
    return;
  }
  if (request.method === 'POST' && url.pathname === '/tips') {
    const body = (await readAll(request)).toString('utf8');
    seenTips.push({ contentType: request.headers['content-type'] ?? '', accept: request.headers.accept ?? '', acceptLanguage: request.headers['accept-language'] ?? '', body });
    // As intake answers: a form post that asks for JSON (the form's script) gets JSON, any other a redirect.
    if (!(request.headers.accept ?? '').includes('application/json')) {
      response.writeHead(303, { ...headers, location: '/tips/receipt' }).end();
      return;
    }
    response.writeHead(tipAnswer.status, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(tipAnswer.body));
    return;
  }
  if (request.method === 'GET' && url.pathname === '/tips/receipt') {
    response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>receipt</title><h1>The plain receipt page</h1>');
    return;
  }
  response.writeHead(404, headers).end();
}

/** S3's XML error body. */
const s3Error = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>1</RequestId></Error>`;

async function serveBucket(request: IncomingMessage, response: ServerResponse) {
  const cors = { 'access-control-allow-origin': siteOrigin, vary: 'Origin' };
  if (request.method === 'OPTIONS') {
    response.writeHead(200, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': '*', 'access-control-max-age': '3000' }).end();
    return;
  }
  const path = new URL(request.url ?? '/', bucketOrigin).pathname;
  if (path === '/drop' && dropping) {
    request.socket.destroy();
    return;
  }
  const body = (await readAll(request)).toString('latin1');
  const key = body.indexOf('name="key"');
  seenUploads.push({ path, fieldsFirst: key >= 0 && key < body.indexOf('name="file"'), origin: request.headers.origin ?? '' });
  if (path === '/too-large') {
    response.writeHead(400, { ...cors, 'content-type': 'application/xml' }).end(s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
    return;
  }
  if (path === '/expired') {
    response.writeHead(403, { ...cors, 'content-type': 'application/xml' }).end(s3Error('AccessDenied', 'Invalid according to Policy: Policy expired.'));
    return;
  }
  response.writeHead(201, { ...cors, 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Key>incoming/x/y</Key></PostResponse>');
}

beforeAll(async () => {
  site = createServer((request, response) => void serveSite(request, response));
  bucket = createServer((request, response) => void serveBucket(request, response));
  [siteOrigin, bucketOrigin] = await Promise.all([listen(site), listen(bucket)]);
});

afterAll(async () => {
  await Promise.all([site, bucket].map((server) => new Promise((resolve) => server?.close(resolve))));
});

beforeEach(() => {
  seenTips.length = 0;
  seenUploads.length = 0;
  dropping = true;
});

const accepted = (paths: readonly string[]) => ({
  status: 202,
  body: {
    trackingCode: 'TB-7Q4K-9XPD',
    secret: 'K7M2-9QXD-3HTB-0WZE',
    receivedAt: '2026-03-02T05:04:00.000Z',
    statusUrl: '/tips/status',
    uploads: paths.map((path, index) => ({
      id: `01J00000000000000000000${index}AA`,
      url: `${bucketOrigin}${path}`,
      fields: { key: `incoming/01J0000000000000000000TIP/01J00000000000000000000${index}AA`, Policy: 'eyJ9', 'X-Amz-Signature': 'abc' },
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    })),
  },
});

const file = (name: string, mimeType: string, size = 2_000) => ({ name, mimeType, buffer: Buffer.alloc(size, 7) });

describe('the tip form with files', () => {
  it(
    'declares the files, uploads each to its own slot with a bar, and says which failed and why (English)',
    async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(`${siteOrigin}/en`);
        await page.getByLabel('What happened').fill('Someone sells drugs in alley 45 Le Van Sy every night');
        await page.getByLabel('Photos, videos or documents (optional)').setInputFiles([
          file('alley.jpg', 'image/jpeg', 1_500_000),
          file('notes.pdf', 'application/pdf'),
          // Some browsers name no type for a video from the camera roll: its extension says it.
          file('clip.MOV', ''),
          file('scan.png', 'image/png'),
        ]);
        await page.locator('#files-status', { hasText: 'Files chosen (4):' }).waitFor();
        assert.match((await page.locator('#files-status').textContent()) ?? '', /alley\.jpg · 1\.5 MB/);
        tipAnswer = accepted(['/ok', '/too-large', '/drop', '/expired']);
        await page.getByRole('button', { name: 'Send tip' }).click();

        await page.getByRole('heading', { name: 'Your tip has been received' }).waitFor();
        assert.equal(await page.locator('#tracking-code').textContent(), 'TB-7Q4K-9XPD');
        assert.equal(await page.locator('#secret').textContent(), 'K7M2-9QXD-3HTB-0WZE');
        assert.equal(await page.locator('#received-at').textContent(), '2 Mar 2026, 12:04');
        await page.locator('#uploads-summary', { hasText: 'Files sent: 1 of 4.' }).waitFor();
        assert.equal(await page.locator('#upload-1 .upload-status').textContent(), 'Sent');
        assert.equal(await page.getByRole('progressbar', { name: 'alley.jpg · 1.5 MB' }).getAttribute('value'), '100');
        assert.equal(await page.locator('#upload-2 .upload-status').textContent(), 'Not sent: the file is larger than 25 MB.');
        assert.equal(await page.locator('#upload-3 .upload-status').textContent(), 'Not sent: the connection was lost; try sending it again.');
        assert.equal(await page.locator('#upload-4 .upload-status').textContent(), 'Not sent: the time for sending files with this tip has passed.');
        assert.match((await page.locator('#uploads-summary').textContent()) ?? '', /Files not sent: 3\. Your tip is recorded/);
        assert.equal(await page.locator('#upload-2 button').count(), 0, 'a refused file is not offered again');
        // The codes saved as a file, made on the device as the receipt page's file is.
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Save as a file' }).click()]);
        assert.equal(download.suggestedFilename(), 'TB-7Q4K-9XPD.txt');
        const saved = await readFile((await download.path()) ?? '', 'utf8');
        assert.match(saved, /^Crime tip – Ho Chi Minh City Police\r\n\r\nTracking code: TB-7Q4K-9XPD\r\nSecret: K7M2-9QXD-3HTB-0WZE\r\nSent at: 2 Mar 2026, 12:04\r\n/);
        // The header's language switch would open the empty form: the codes would be lost.
        assert.equal(await page.locator('header a[lang]').isVisible(), false);

        // The connection is back: the lost file goes again to its own slot.
        dropping = false;
        await page.locator('#upload-3').getByRole('button', { name: 'Send again' }).click();
        await page.locator('#upload-3[data-state="done"]').waitFor();
        await page.locator('#uploads-summary', { hasText: 'Files sent: 2 of 4.' }).waitFor();

        // The tip went as the form's own fields, asking for JSON in the page's language, with the
        // files declared in order with their types (read as intake reads a form post).
        assert.equal(seenTips.length, 1);
        const [tip] = seenTips;
        assert.match(tip?.contentType ?? '', /^application\/x-www-form-urlencoded/);
        assert.match(tip?.accept ?? '', /application\/json/);
        assert.equal(tip?.acceptLanguage, 'en');
        const sent = webSubmissionFromFormFields(new URLSearchParams(tip?.body ?? ''));
        assert.equal(sent.language, 'en');
        assert.equal(sent.contactOptIn, false);
        assert.match(String(sent.formToken), /^[A-Za-z0-9_-]{32}$/);
        assert.deepEqual(sent.attachments, [
          { fileName: 'alley.jpg', contentType: 'image/jpeg', size: 1_500_000 },
          { fileName: 'notes.pdf', contentType: 'application/pdf', size: 2_000 },
          { fileName: 'clip.MOV', contentType: 'video/quicktime', size: 2_000 },
          { fileName: 'scan.png', contentType: 'image/png', size: 2_000 },
        ]);
        assert.deepEqual(
          seenUploads.map((upload) => upload.path),
          ['/ok', '/too-large', '/expired', '/drop'],
        );
        assert.ok(seenUploads.every((upload) => upload.fieldsFirst && upload.origin === siteOrigin), 'every field before the file, from the site');
        assert.deepEqual(browser.pageErrors, [], 'the policy lets the page reach the bucket');
      } finally {
        await browser.close();
      }
    },
    testTimeoutMs,
  );

  it(
    'refuses files it cannot take before sending, and shows the API\'s refusal naming the file, keeping what was typed',
    async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(`${siteOrigin}/`);
        const text = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ';
        await page.getByLabel('Nội dung tin báo').fill(text);
        const picker = page.getByLabel('Ảnh, video hoặc tài liệu (không bắt buộc)');

        await picker.setInputFiles([file('meme.gif', 'image/gif'), ...['1', '2', '3', '4', '5'].map((n) => file(`${n}.jpg`, 'image/jpeg'))]);
        await page.locator('#files-status', { hasText: 'Chỉ gửi kèm tối đa 5 tệp.' }).waitFor();
        assert.equal(await page.locator('#files-need-script').isVisible(), false, 'with JavaScript the picker is there, not the sentence');
        await page.getByRole('button', { name: 'Gửi tin báo' }).click();
        const errors = page.locator('#errors');
        await errors.waitFor();
        assert.match((await errors.textContent()) ?? '', /Tệp đính kèm: Chỉ gửi kèm tối đa 5 tệp\./);
        assert.match((await errors.textContent()) ?? '', /Tệp đính kèm: Tệp “meme\.gif” không thuộc loại được nhận/);
        assert.equal(seenTips.length, 0, 'nothing was sent');

        await picker.setInputFiles([file('hem-45.jpg', 'image/jpeg')]);
        tipAnswer = {
          status: 400,
          body: {
            error: 'invalid_submission',
            message: 'Tin báo chưa hợp lệ.',
            issues: [{ field: 'attachments.0.size', reason: 'fileTooLarge', message: 'Tệp “hem-45.jpg” lớn hơn 25 MB.', file: 'hem-45.jpg' }],
          },
        };
        await page.getByRole('button', { name: 'Gửi tin báo' }).click();
        await page.locator('#errors', { hasText: 'Tệp “hem-45.jpg” lớn hơn 25 MB.' }).waitFor();
        assert.equal(await page.locator('#errors a').getAttribute('href'), '#files');
        assert.equal(await page.getByLabel('Nội dung tin báo').inputValue(), text, 'what was typed is kept');
        assert.equal(await page.getByRole('button', { name: 'Gửi tin báo' }).isEnabled(), true);
        assert.equal(seenUploads.length, 0);

        // The choice cleared, the form is the plain form post again.
        await page.getByRole('button', { name: 'Bỏ các tệp đã chọn' }).click();
        await page.getByRole('button', { name: 'Gửi tin báo' }).click();
        await page.getByRole('heading', { name: 'The plain receipt page' }).waitFor();
        assert.equal(seenTips.at(-1)?.contentType, 'application/x-www-form-urlencoded');
        assert.deepEqual(browser.pageErrors, []);
      } finally {
        await browser.close();
      }
    },
    testTimeoutMs,
  );

  it('says files need JavaScript when it is off, and hides the picker', async () => {
    const browser = await launchChromium({ locale: 'vi-VN', javaScriptEnabled: false });
    browser.context.setDefaultTimeout(waitMs);
    try {
      const page = await browser.context.newPage();
      await page.goto(`${siteOrigin}/`);
      assert.equal(await page.locator('#attachments').isVisible(), false);
      await page.getByText('Muốn gửi kèm ảnh, video hoặc tài liệu, hãy bật JavaScript trên trình duyệt.').waitFor();
      assert.equal(await page.locator('#text').getAttribute('name'), 'text', 'the plain form post is all there is');
    } finally {
      await browser.close();
    }
  });
});
