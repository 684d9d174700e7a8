/**
 * The citizen's forms as a browser without JavaScript uses them, over HTTP against the local
 * stack: post/redirect/get to a receipt that survives a reload and a language switch, a form
 * sent twice that stays one tip, a refused form that keeps what was typed, and status URLs that
 * answer a plain GET with the form.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { eventually, followReceipt, postForm, storedTipByCode, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

const text = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ, tối nào cũng có';
const codesOn = (page: string) => ({
  code: /id="tracking-code">(TB-[0-9A-Z-]+)</.exec(page)?.[1],
  secret: /id="secret">([0-9A-Z-]+)</.exec(page)?.[1],
});
const token = () => randomBytes(24).toString('base64url');

async function sendForm(fields: Record<string, string>) {
  return postForm(`${stack.apiUrl}/tips`, { text, unit: '27154', language: 'vi', ...fields }, { redirect: 'manual' });
}

describe('the receipt after a form post', () => {
  it('answers 303 See Other to a receipt that a reload shows again without sending the tip again', async () => {
    const posted = await sendForm({});
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.get('location'), '/tips/receipt?lang=vi');
    const first = await followReceipt(stack.apiUrl, posted);
    const reloaded = await followReceipt(stack.apiUrl, posted);
    assert.equal(first.status, 200);
    assert.equal(reloaded.status, 200);
    const codes = codesOn(first.text);
    assert.ok(codes.code && codes.secret);
    assert.deepEqual(codesOn(reloaded.text), codes, 'the reload shows the same tip');
    assert.equal(first.headers.get('cache-control'), 'no-store');
  });

  it('keeps the secret out of the URL and away from scripts and other sites, sealed', async () => {
    const posted = await sendForm({});
    const cookie = posted.headers.getSetCookie()[0] ?? '';
    assert.match(cookie, /^tinbao_receipt=[A-Za-z0-9_-]+; Path=\/tips\/receipt; Max-Age=1800; HttpOnly; SameSite=Strict/);
    const { secret } = codesOn((await followReceipt(stack.apiUrl, posted)).text);
    assert.ok(secret && !cookie.includes(secret) && !(posted.headers.get('location') ?? '').includes(secret));
    const forged = await fetch(`${stack.apiUrl}/tips/receipt`, { headers: { cookie: `tinbao_receipt=${cookie.split(';')[0]?.split('=')[1]?.slice(0, -4)}AAAA` } });
    assert.doesNotMatch(await forged.text(), /id="secret"/, 'an altered cookie opens nothing');
  });

  it('switches to English on the same receipt, and back', async () => {
    const posted = await sendForm({});
    const vi = await followReceipt(stack.apiUrl, posted);
    const switchLink = /<header>.*?<a href="([^"]+)" lang="en">English<\/a>/s.exec(vi.text)?.[1];
    assert.equal(switchLink, '/tips/receipt?lang=en');
    const en = await followReceipt(stack.apiUrl, posted, switchLink);
    assert.match(en.text, /<html lang="en">[\s\S]*Your tip has been received/);
    assert.deepEqual(codesOn(en.text), codesOn(vi.text));
  });

  it('offers the codes as a file to save', async () => {
    const posted = await sendForm({});
    const { code, secret } = codesOn((await followReceipt(stack.apiUrl, posted)).text);
    const file = await followReceipt(stack.apiUrl, posted, '/tips/receipt?lang=vi&format=text');
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="${code}\\.txt"$`));
    assert.match(file.text, new RegExp(`Mã theo dõi: ${code}[\\s\\S]*Mã bí mật: ${secret}`));
  });

  it('shows no secret to a browser without the receipt cookie, and says the tip is kept', async () => {
    const page = await (await fetch(`${stack.apiUrl}/tips/receipt`)).text();
    assert.match(page, /Trang xác nhận đã đóng/);
    assert.doesNotMatch(page, /id="secret"/);
  });
});

describe('a form sent twice', () => {
  it('gives the same tip, code and secret for the same one-time token', async () => {
    const formToken = token();
    const first = codesOn((await followReceipt(stack.apiUrl, await sendForm({ formToken }))).text);
    const again = codesOn((await followReceipt(stack.apiUrl, await sendForm({ formToken }))).text);
    assert.ok(first.code);
    assert.deepEqual(again, first);
    const other = codesOn((await followReceipt(stack.apiUrl, await sendForm({ formToken: token() }))).text);
    assert.notEqual(other.code, first.code, 'another token is another tip');
    const stored = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, first.code as string), waitLimitMs, 'the tip stored');
    assert.equal(stored.text, text);
  });

  it('still takes a form sent without a token', async () => {
    const posted = await postForm(`${stack.apiUrl}/tips`, { text, language: 'vi' }, { redirect: 'manual' });
    assert.equal(posted.status, 303);
    assert.ok(codesOn((await followReceipt(stack.apiUrl, posted)).text).code);
  });

  it('refuses a token that cannot be one, naming the field', async () => {
    const refused = await sendForm({ formToken: 'x' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Mã biểu mẫu không hợp lệ/);
  });
});

describe('a refused form', () => {
  it('comes back with everything the citizen typed and the reason beside each field', async () => {
    const page = await postForm(`${stack.apiUrl}/tips`, {
      text: 'Trộm xe <b>đêm qua</b>',
      unit: '27154',
      category: 'theft',
      lat: '10.78',
      lon: '',
      contactOptIn: 'on',
      contact: '',
      language: 'vi',
    });
    assert.equal(page.status, 400);
    assert.match(page.text, /<textarea id="text" name="text"[^>]*>Trộm xe &#60;b&#62;đêm qua&#60;\/b&#62;<\/textarea>/, 'the text is kept, escaped');
    assert.match(page.text, /<option value="27154" selected>/);
    assert.match(page.text, /<option value="theft" selected>/);
    assert.match(page.text, /<input id="lat" name="lat"[^>]*value="10\.78"/);
    assert.match(page.text, /name="contactOptIn" value="on" checked/);
    assert.match(page.text, /id="lon-error"/);
    assert.match(page.text, /id="contact-error"/);
    assert.doesNotMatch(page.text, /href="\/">Quay lại/, 'no link to an empty form');
  });
});

describe('status URLs opened directly', () => {
  it('answers GET /tips/status with the status form in the asked language, not a JSON error', async () => {
    const response = await fetch(`${stack.apiUrl}/tips/status`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await response.text(), /<html lang="en">[\s\S]*<form method="post" action="\/tips\/status"/);
  });

  it('answers GET /tips with the form', async () => {
    const response = await fetch(`${stack.apiUrl}/tips`, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/');
  });

  it('switches the status answer to English by posting the code and secret again, never in a link', async () => {
    const posted = await sendForm({});
    const { code, secret } = codesOn((await followReceipt(stack.apiUrl, posted)).text);
    const page = await eventually(async () => {
      const answer = await postForm(`${stack.apiUrl}/tips/status`, { code: code as string, secret: secret as string, language: 'vi' });
      return answer.text.includes('Phường Bàn Cờ') ? answer : undefined;
    }, waitLimitMs, 'the status page');
    const form = /<header>.*?<form method="post" action="\/tips\/status" class="switch">(.*?)<\/form>/s.exec(page.text)?.[1] ?? '';
    assert.match(form, new RegExp(`name="code" value="${code}"`));
    assert.match(form, /name="language" value="en"/);
    assert.doesNotMatch(page.text, new RegExp(`href="[^"]*${secret}`));
    const english = await postForm(`${stack.apiUrl}/tips/status`, { code: code as string, secret: secret as string, language: 'en' });
    assert.match(english.text, /<html lang="en">[\s\S]*id="unit">Ban Co Ward</);
  });
});
