/**
 * Every page and message a person meets speaks their language (issue 10, failure 9): the
 * citizen pages and their error pages (400, 404, 429), the JSON refusals of the API (401, 403,
 * 404, 409, 413, 415) and the local fake phones page, asked for in Vietnamese, carry no
 * English-only string of the catalogues; asked for in English, the same refusals are English.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import type { Language } from '../../shared/i18n.ts';
import { consoleLabels } from '../../shared/labels.ts';
import { errorMessages } from '../../shared/messages.ts';
import { failedGuessesPerCodePerHour } from '../../shared/usecases/officers/citizen.ts';
import { englishOnlyIn, visibleText } from '../support/catalogue.ts';
import { eventually, followReceipt, postForm, postJson, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

const unit = '27154';
const tipText = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ, tối nào cũng có';

/** A page or message as a Vietnamese reader sees it: none of the catalogues' English-only words. */
function assertVietnamese(what: string, text: string): void {
  assert.deepEqual(englishOnlyIn(text), [], `${what} shows English-only words`);
}

async function page(path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const base = path.startsWith('/_local/') ? stack.localUrl : stack.apiUrl;
  const response = await fetch(`${base}${path}`, { ...init, headers: { 'accept-language': 'vi', accept: 'text/html', ...init.headers } });
  return { status: response.status, text: visibleText(await response.text()) };
}

async function routedTip(): Promise<{ code: string; secret: string }> {
  const accepted = await postJson(`${stack.apiUrl}/tips`, { text: tipText, unit });
  const proof = { code: String(accepted.json.trackingCode), secret: String(accepted.json.secret) };
  await eventually(async () => ((await postJson(`${stack.apiUrl}/tips/status`, proof)).json.status === 'NEW' ? true : undefined), waitLimitMs, 'the tip routed');
  return proof;
}

describe('citizen pages in Vietnamese', () => {
  it('the form, the refused form, the receipt and the status form', async () => {
    const form = await page('/');
    assert.equal(form.status, 200);
    assertVietnamese('the form', form.text);

    const refused = await postForm(`${stack.apiUrl}/tips`, { text: 'ngắn', language: 'vi' });
    assert.equal(refused.status, 400);
    assertVietnamese('the refused form', visibleText(refused.text));

    const posted = await postForm(`${stack.apiUrl}/tips`, { text: tipText, unit, language: 'vi' }, { redirect: 'manual' });
    assert.equal(posted.status, 303);
    const receipt = await followReceipt(stack.apiUrl, posted);
    assert.equal(receipt.status, 200);
    assertVietnamese('the receipt', visibleText(receipt.text));

    const statusForm = await page('/tips/status');
    assert.equal(statusForm.status, 200);
    assertVietnamese('the status form', statusForm.text);
  });

  it('the status page, its 404 and its 429', async () => {
    const proof = await routedTip();
    const shown = await postForm(`${stack.apiUrl}/tips/status`, { ...proof, language: 'vi' });
    assert.equal(shown.status, 200);
    assertVietnamese('the status page', visibleText(shown.text));

    const wrong = { code: proof.code, secret: '0000-0000-0000-0000', language: 'vi' };
    const notFound = await postForm(`${stack.apiUrl}/tips/status`, wrong);
    assert.equal(notFound.status, 404);
    assertVietnamese('the 404 page', visibleText(notFound.text));
    for (let guess = 1; guess < failedGuessesPerCodePerHour; guess += 1) await postForm(`${stack.apiUrl}/tips/status`, wrong);
    const slowed = await postForm(`${stack.apiUrl}/tips/status`, wrong);
    assert.equal(slowed.status, 429);
    const slowedText = visibleText(slowed.text);
    assertVietnamese('the 429 page', slowedText);
    assert.ok(slowedText.includes(errorMessages.tooManyRequests.vi));
  });

  it('the local fake phones page', async () => {
    await postJson(`${stack.localUrl}/_local/sms/aws-inbound`, { from: '+84901234567', text: 'hi' });
    const phones = await eventually(async () => {
      const shown = await page('/_local/sms');
      return shown.text.includes('+84901234567') ? shown : undefined;
    }, waitLimitMs, 'the phone on the page');
    assertVietnamese('the fake phones page', phones.text);
    const english = await page('/_local/sms', { headers: { 'accept-language': 'en' } });
    assert.match(english.text, /Fake SMS provider/);
  });
});

describe("the console's labels", () => {
  it('come from shared/labels.ts in config.json, as the cloud deploys them', async () => {
    const config = (await (await fetch(`${stack.apiUrl}/config.json`)).json()) as { labels: unknown };
    assert.deepEqual(config.labels, JSON.parse(JSON.stringify(consoleLabels())));
  });
});

describe('JSON refusals in the request language', () => {
  let officerToken: string;
  let supervisorToken: string;

  beforeAll(async () => {
    officerToken = await stack.identityProvider.issueToken(`officer-${unit}`);
    supervisorToken = await stack.identityProvider.issueToken('supervisor');
  });

  async function refusal(language: Language, path: string, init: RequestInit): Promise<{ status: number; error: string; message: string }> {
    const response = await fetch(`${stack.apiUrl}${path}`, { ...init, headers: { 'accept-language': language, ...init.headers } });
    const body = (await response.json()) as { error: string; message: string };
    return { status: response.status, error: body.error, message: body.message };
  }

  async function queuedTipId(): Promise<string> {
    const { code } = await routedTip();
    return eventually(async () => {
      const response = await fetch(`${stack.apiUrl}/queue?queue=${unit}&status=NEW&limit=100`, { headers: { authorization: `Bearer ${officerToken}` } });
      const items = ((await response.json()) as { items: Array<{ id: string; trackingCode: string }> }).items;
      return items.find((item) => item.trackingCode === code)?.id;
    }, waitLimitMs, 'the tip in its queue');
  }

  it('401, 403, 404, 409, 413 and 415 say why in Vietnamese and in English', async () => {
    const tipId = await queuedTipId();
    const json = { 'content-type': 'application/json' };
    const cases: Array<{ status: number; path: string; init: RequestInit }> = [
      { status: 401, path: '/queue?queue=CITY', init: {} },
      { status: 403, path: `/queue?queue=26743`, init: { headers: { authorization: `Bearer ${officerToken}` } } },
      { status: 404, path: '/tips/no-such-tip', init: { headers: { authorization: `Bearer ${officerToken}` } } },
      {
        status: 409,
        path: `/tips/${encodeURIComponent(tipId)}/status`,
        init: { method: 'POST', headers: { ...json, authorization: `Bearer ${supervisorToken}` }, body: JSON.stringify({ status: 'RESOLVED' }) },
      },
      { status: 413, path: '/tips', init: { method: 'POST', headers: json, body: JSON.stringify({ text: 'x'.repeat(70 * 1024) }) } },
      { status: 415, path: '/tips', init: { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' } },
    ];
    for (const { status, path, init } of cases) {
      const vi = await refusal('vi', path, init);
      const en = await refusal('en', path, init);
      assert.equal(vi.status, status, `${path}: ${vi.message}`);
      assert.equal(en.status, status);
      assertVietnamese(`the ${status} message`, vi.message);
      assert.notEqual(vi.message, en.message, `the ${status} message has its own English`);
      assert.doesNotMatch(en.message, /[\u00C0-\u1EF9]/u, `the ${status} message in English has no Vietnamese letters`);
    }
  });

  it('names the statuses of a refused status change in the reader language', async () => {
    const tipId = await queuedTipId();
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${supervisorToken}` },
      body: JSON.stringify({ status: 'RESOLVED' }),
    };
    const vi = await refusal('vi', `/tips/${encodeURIComponent(tipId)}/status`, init);
    assert.equal(vi.error, 'invalid_transition');
    assert.match(vi.message, /"Mới".*"Đã giải quyết".*: Đã đóng \(loại\)\./);
    const en = await refusal('en', `/tips/${encodeURIComponent(tipId)}/status`, init);
    assert.match(en.message, /"New".*"Resolved".*: Rejected\./);
  });
});
