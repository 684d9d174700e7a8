/**
 * The citizen's form in Chromium, with and without JavaScript: the receipt survives a reload,
 * a language switch and Back without a second tip, and a refused form keeps what was typed.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestStack } from '../support/stack.ts';
import { testTimeoutMs, waitMs } from './console-support.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'ERROR' });
});

afterAll(async () => {
  await stack?.stop();
});

async function browser(javaScriptEnabled: boolean) {
  const launched = await launchChromium({ locale: 'vi-VN', javaScriptEnabled, viewport: { width: 390, height: 844 } });
  launched.context.setDefaultTimeout(waitMs);
  return launched;
}

describe('the tip form in a browser', () => {
  it(
    'lands on a receipt that a reload, a switch to English and Back all show again, as one tip',
    async () => {
      const { context, close } = await browser(true);
      try {
        const page = await context.newPage();
        await page.goto(`${stack.apiUrl}/`);
        assert.match((await page.locator('#form-token').inputValue()) ?? '', /^[A-Za-z0-9_-]{32}$/, 'the form drew its one-time token');
        await page.getByLabel('Nội dung tin báo').fill('Có người bán ma túy trong hẻm 45 Lê Văn Sỹ');
        await page.getByRole('button', { name: 'Gửi tin báo' }).click();
        await page.waitForURL('**/tips/receipt?lang=vi');
        const code = await page.locator('#tracking-code').textContent();
        const secret = await page.locator('#secret').textContent();
        assert.match(code ?? '', /^TB-/);

        await page.reload();
        assert.equal(await page.locator('#tracking-code').textContent(), code, 'a reload shows the same tip');

        await page.getByRole('link', { name: 'English' }).click();
        await page.getByRole('heading', { name: 'Your tip has been received' }).waitFor();
        assert.deepEqual([await page.locator('#tracking-code').textContent(), await page.locator('#secret').textContent()], [code, secret]);

        await page.goBack();
        await page.getByRole('heading', { name: 'Đã nhận tin báo của bạn' }).waitFor();
        assert.equal(await page.locator('#tracking-code').textContent(), code, 'Back shows the receipt, not a resent form');
        assert.ok(await page.getByRole('button', { name: 'Sao chép hai mã' }).isVisible(), 'copy is offered with JavaScript');
        assert.ok(await page.getByRole('link', { name: 'Lưu thành tệp' }).isVisible());
      } finally {
        await close();
      }
    },
    testTimeoutMs,
  );

  it(
    'keeps what was typed when the form is refused without JavaScript, then takes it',
    async () => {
      const { context, close } = await browser(false);
      try {
        const page = await context.newPage();
        await page.goto(`${stack.apiUrl}/`);
        // Past the browser's own minlength check, as an old phone browser without it would send.
        await page.locator('#text').evaluate((element) => element.removeAttribute('minlength')).catch(() => undefined);
        await page.getByLabel('Nội dung tin báo').fill('trộm xe');
        await page.locator('#unit').selectOption('27154');
        await page.getByRole('button', { name: 'Gửi tin báo' }).click();
        await page.locator('#errors').waitFor();
        assert.equal(await page.locator('#text').inputValue(), 'trộm xe');
        assert.equal(await page.locator('#unit').inputValue(), '27154');
        await page.getByLabel('Nội dung tin báo').fill('trộm xe máy trước nhà số 12, đêm qua');
        await page.getByRole('button', { name: 'Gửi tin báo' }).click();
        await page.waitForURL('**/tips/receipt?lang=vi');
        assert.match((await page.locator('#tracking-code').textContent()) ?? '', /^TB-/);
      } finally {
        await close();
      }
    },
    testTimeoutMs,
  );
});
