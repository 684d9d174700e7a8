/**
 * What the console's browser tests share: a Chromium of their own, and the steps a citizen and
 * an officer take on one local stack's origin (the form, sign-in, a queue, the status page).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { eventually, postJson } from '../support/helpers.ts';

export const password = 'tinbao-local';
/** The classifier takes about a second; everything a test waits for gets this long at most. */
export const waitMs = 20_000;
export const testTimeoutMs = 180_000;

/** A Chromium of its own with a fresh profile, watched for page errors and dialogs. */
export async function launchBrowser(options: { geolocation?: { latitude: number; longitude: number } } = {}) {
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
   * 4xx answers, which the tests cause on purpose (a 404 for another unit's tip).
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

/** The steps on the local stack at `origin()`: the citizen's and the officers' pages, and the API. */
export function consolePages(origin: () => string) {
  /** Submits the citizen form and returns the tracking code and secret from the confirmation page. */
  async function submitTipOnForm(page: Page, fields: { text: string; unit?: string }) {
    await page.goto(`${origin()}/`);
    await page.getByLabel('Nội dung tin báo').fill(fields.text);
    if (fields.unit) await page.locator('#unit').selectOption(fields.unit);
    await page.getByRole('button', { name: 'Gửi tin báo' }).click();
    const code = (await page.locator('#tracking-code').textContent())?.trim() ?? '';
    const secret = (await page.locator('#secret').textContent())?.trim() ?? '';
    assert.match(code, /^TB-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.match(secret, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    return { code, secret };
  }

  /** Signs in to the console in a page of its own (sessionStorage, hence the token, is per tab). */
  async function signIn(page: Page, username: string) {
    await page.goto(`${origin()}/console/`);
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
    await page.goto(`${origin()}/status`);
    await page.getByLabel('Mã theo dõi').fill(code);
    await page.getByLabel('Mã bí mật').fill(secret);
    await page.getByRole('button', { name: 'Xem tình trạng' }).click();
    await page.locator('#status').waitFor();
  }

  /** Sends a tip for a unit through the API, as the form does. */
  async function submitApiTip(text: string, unit: string) {
    const accepted = await postJson(`${origin()}/tips`, { text, unit });
    assert.equal(accepted.status, 202, accepted.text);
    return { code: String(accepted.json.trackingCode), secret: String(accepted.json.secret) };
  }

  /** Waits until the classifier has stored the tip (the status leaves RECEIVED). */
  async function classified(tip: { code: string; secret: string }) {
    await eventually(async () => {
      const answer = await postJson(`${origin()}/tips/status`, tip);
      return answer.json?.status && answer.json.status !== 'RECEIVED' ? true : undefined;
    }, waitMs, `tip ${tip.code} to be classified`);
  }

  return { apiFromPage, classified, openStatusPage, signIn, submitApiTip, submitTipOnForm, waitForQueueRow };
}

/** The values of a select's options. */
export async function optionValues(page: Page, selector: string): Promise<string[]> {
  return page.locator(`${selector} option`).evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
}
