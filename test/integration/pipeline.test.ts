import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { captureLogLines, eventually, followReceipt, waitLimitMs, postForm, postJson, storedTipByCode } from '../support/helpers.ts';

let stack: LocalStack;
const logs = captureLogLines();
const secretsSeen: string[] = [];
const textsSent: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'INFO' });
});

afterAll(async () => {
  await stack?.stop();
  logs.restore();
});

async function submit(body: Record<string, unknown>) {
  if (typeof body.text === 'string') textsSent.push(body.text);
  const response = await postJson(`${stack.apiUrl}/tips`, body);
  if (typeof response.json?.secret === 'string') secretsSeen.push(response.json.secret);
  return response;
}

async function statusOf(code: string, secret: string, language?: string) {
  return postJson(`${stack.apiUrl}/tips/status`, { code, secret, ...(language && { language }) });
}

describe('a web tip, from the form to DynamoDB', () => {
  it('is accepted with a tracking code and secret, and routed to its unit within 2 seconds', async () => {
    const accepted = await submit({ text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' });
    assert.equal(accepted.status, 202);
    assert.match(String(accepted.json.trackingCode), /^TB-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.match(String(accepted.json.secret), /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const status = await eventually(async () => {
      const answer = await statusOf(String(accepted.json.trackingCode), String(accepted.json.secret));
      return answer.json.status === 'NEW' ? answer : undefined;
    }, waitLimitMs, 'the tip to be classified');
    assert.equal(status.status, 200);
    assert.deepEqual(status.json, { trackingCode: accepted.json.trackingCode, status: 'NEW', unit: { code: '27154', name: 'Phường Bàn Cờ' }, messages: [] });
  });

  it('goes to the city duty desk when it names no place', async () => {
    const accepted = await submit({ text: 'Có nhóm thanh niên tụ tập đánh bạc mỗi tối', language: 'en' });
    assert.equal(accepted.status, 202);
    const status = await eventually(async () => {
      const answer = await statusOf(String(accepted.json.trackingCode), String(accepted.json.secret), 'en');
      return answer.json.status === 'NEW' ? answer : undefined;
    }, waitLimitMs, 'the tip to be classified');
    assert.deepEqual(status.json.unit, { code: 'CITY', name: 'Ho Chi Minh City Police duty desk' });
  });

  it('is routed by its Vietnamese text when it names no unit', async () => {
    const accepted = await submit({ text: 'Co nguoi ban ma tuy trong hem 45 Le Van Sy, phuong Ban Co, toi nao cung co' });
    const stored = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, String(accepted.json.trackingCode)), waitLimitMs, 'the stored tip');
    assert.equal(stored.pack, 'hcmc-2025');
    assert.equal(stored.unit, '27154');
    const routing = stored.routing as { pack: string; unit: string; method: string; evidence: { kind: string; span: string } };
    assert.equal(routing.pack, 'hcmc-2025');
    assert.equal(routing.unit, '27154');
    assert.equal(routing.method, 'text');
    assert.equal(routing.evidence.kind, 'text');
    assert.equal(routing.evidence.span, 'phuong Ban Co');
    assert.deepEqual(stored.otherGeneration, { pack: 'hcmc-2021', unit: '770', units: ['770'], method: 'text' });
    assert.equal(stored.category, 'drugs');
    assert.equal(stored.GSI1PK, 'QUEUE#hcmc-2025#27154#NEW');
  });

  it('is routed by a pre-2025 address, a ward written with its old district', async () => {
    const accepted = await submit({ text: 'Co nguoi ban ma tuy o hem 12 duong Xo Viet Nghe Tinh, p22 Binh Thanh' });
    const stored = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, String(accepted.json.trackingCode)), waitLimitMs, 'the stored tip');
    assert.equal(stored.unit, '26956');
    assert.equal((stored.routing as { method: string }).method, 'text');
    assert.equal(stored.GSI1PK, 'QUEUE#hcmc-2025#26956#NEW');
  });

  it('is routed by its GPS point', async () => {
    // Chợ Bến Thành, well inside Phường Bến Thành (formerly in Quận 1).
    const accepted = await submit({ text: 'Dang co nguoi giat tui xach cua khach du lich', lat: 10.7725, lon: 106.698 });
    const stored = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, String(accepted.json.trackingCode)), waitLimitMs, 'the stored tip');
    assert.equal(stored.pack, 'hcmc-2025');
    assert.equal(stored.unit, '26743');
    assert.equal((stored.otherGeneration as { unit: string }).unit, '760');
    assert.equal((stored.routing as { method: string }).method, 'gps');
  });

  it('is stored with its routing, deadline, queue keys and first audit event', async () => {
    const accepted = await submit({ text: 'Trộm xe máy trước cửa nhà số 10 đường Nguyễn Trãi', unit: '27301', category: 'theft' });
    const stored = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, String(accepted.json.trackingCode)), waitLimitMs, 'the stored tip');
    assert.equal(stored.pack, 'hcmc-2025');
    assert.equal(stored.unit, '27301');
    assert.equal(stored.requestedUnit, '27301');
    assert.equal(stored.queue, '27301');
    assert.match(String(stored.registerNumber), /^27301\/\d{4}\/\d{6}$/);
    assert.equal(stored.version, 1);
    assert.equal(stored.category, 'theft');
    assert.equal(stored.status, 'NEW');
    assert.equal(stored.GSI1PK, 'QUEUE#hcmc-2025#27301#NEW');
    assert.match(String(stored.GSI1SK), /^2#\d{4}-\d\d-\d\dT/);
    assert.equal(new Date(String(stored.dueAt)).getTime() - new Date(String(stored.receivedAt)).getTime(), 20 * 24 * 3600 * 1000);
    assert.equal(typeof stored.expiresAt, 'number');
    assert.deepEqual((stored.routing as { method: string }).method, 'explicit');
    assert.equal(stored.secretHash, undefined, 'the tip item does not carry the secret hash');
  });

  it('works as a plain HTML form without JavaScript', async () => {
    const text = 'Có người lạ cạy cửa nhà hàng xóm, số 5 đường Trần Hưng Đạo';
    textsSent.push(text);
    const posted = await postForm(`${stack.apiUrl}/tips`, { text, unit: '26743', category: '', lat: '', lon: '', contact: '', language: 'vi' }, { redirect: 'manual' });
    assert.equal(posted.status, 303, 'post/redirect/get');
    const page = await followReceipt(stack.apiUrl, posted);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const code = /id="tracking-code">(TB-[0-9A-Z-]+)</.exec(page.text)?.[1];
    const secret = /id="secret">([0-9A-Z-]+)</.exec(page.text)?.[1];
    assert.ok(code && secret, 'the confirmation page shows the code and the secret');
    secretsSeen.push(secret);
    const statusPage = await eventually(async () => {
      const answer = await postForm(`${stack.apiUrl}/tips/status`, { code, secret, language: 'vi' });
      return answer.text.includes('Phường Bến Thành') ? answer : undefined;
    }, waitLimitMs, 'the status page to show the unit');
    assert.equal(statusPage.status, 200);
    assert.match(statusPage.text, /id="status">Đang chờ xử lý</);
  });

  it('serves the citizen form in Vietnamese and English', async () => {
    const vi = await fetch(`${stack.apiUrl}/`);
    const en = await fetch(`${stack.apiUrl}/en`);
    const viText = await vi.text();
    assert.equal(vi.status, 200);
    assert.match(viText, /<html lang="vi">/);
    assert.match(viText, /<form method="post" action="\/tips"/);
    assert.match(viText, /<label for="text">/);
    assert.match(await en.text(), /<html lang="en">[\s\S]*Report a crime/);
  });
});

describe('text that is awkward for queues and databases', () => {
  it('keeps emoji, U+0000 and U+FFFF intact from the form to the table', async () => {
    const text = 'Emoji 😀🚨👮‍♂️🇻🇳, NUL \u0000, U+FFFF \uffff, U+FFFE \ufffe và tiếng Việt có dấu';
    const accepted = await submit({ text, unit: '26929' });
    assert.equal(accepted.status, 202);
    const stored = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, String(accepted.json.trackingCode)), waitLimitMs, 'the stored tip');
    assert.equal(stored.text, text);
  });

  it('refuses a lone surrogate with a 400 that names the field', async () => {
    const response = await submit({ text: 'Tin báo có ký tự lẻ \ud83d ở giữa' });
    assert.equal(response.status, 400);
    assert.deepEqual(response.json.issues?.map((issue) => [issue.field, issue.reason]), [['text', 'invalidCharacter']]);
  });
});

describe('bad input', () => {
  it('gets 400 with every bad field and its reason, in Vietnamese by default', async () => {
    const response = await submit({ text: 'ngắn', unit: '999', lat: 21.03, lon: 105.85 });
    assert.equal(response.status, 400);
    assert.equal(response.json.error, 'validation_failed');
    const issues = response.json.issues ?? [];
    assert.deepEqual(issues.map((issue) => issue.field).sort(), ['lat', 'lon', 'text', 'unit']);
    assert.equal(issues.find((issue) => issue.field === 'unit')?.reason, 'unknownUnit');
    assert.equal(issues.find((issue) => issue.field === 'text')?.message, 'Cần ít nhất 10 ký tự.');
  });

  it('refuses a district code of the old map: the deployment takes units of the map in force', async () => {
    const response = await submit({ text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '770' });
    assert.equal(response.status, 400);
    assert.deepEqual(response.json.issues?.map((issue) => [issue.field, issue.reason]), [['unit', 'unknownUnit']]);
  });

  it('answers in English when the tipster writes in English', async () => {
    const response = await submit({ text: 'short', language: 'en' });
    assert.equal(response.status, 400);
    assert.equal(response.json.issues?.[0]?.message, 'Must be at least 10 characters long.');
    const byHeader = await postJson(`${stack.apiUrl}/tips`, { text: 'short' }, { 'accept-language': 'en-GB,en;q=0.9' });
    assert.equal(byHeader.json.issues?.[0]?.message, 'Must be at least 10 characters long.');
  });

  it('gets an HTML page listing the problems when it came from the form', async () => {
    const page = await postForm(`${stack.apiUrl}/tips`, { text: 'ngắn', language: 'vi' });
    assert.equal(page.status, 400);
    assert.match(page.text, /Nội dung tin báo<\/a><\/strong>: Cần ít nhất 10 ký tự/);
    assert.match(page.text, /<textarea id="text" name="text"[^>]*>ngắn<\/textarea>/, 'what was typed is kept');
  });

  it('gets 415 for a content type the API does not read', async () => {
    const response = await fetch(`${stack.apiUrl}/tips`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Có người bán ma túy' });
    assert.equal(response.status, 415);
    assert.match(await response.text(), /application\/json, application\/x-www-form-urlencoded/);
  });

  it('gets 413 above 64 KiB', async () => {
    const response = await postJson(`${stack.apiUrl}/tips`, { text: 'x'.repeat(70 * 1024) });
    assert.equal(response.status, 413);
    assert.equal(response.json.error, 'payload_too_large');
  });

  it('gets 400 for a body that is not JSON, or JSON that is not an object', async () => {
    const broken = await postJson(`${stack.apiUrl}/tips`, '{"text": "unterminated');
    assert.equal(broken.status, 400);
    assert.equal(broken.json.error, 'malformed_body');
    const array = await postJson(`${stack.apiUrl}/tips`, '[1,2,3]');
    assert.equal(array.status, 400);
    const empty = await postJson(`${stack.apiUrl}/tips`, '');
    assert.equal(empty.status, 400);
  });

  it('never gets a 5xx, whatever the JSON holds', async () => {
    const oddities: unknown[] = [null, 0, 'text', true, { text: null }, { text: ['a'] }, { text: 'x'.repeat(20), lat: 'NaN', lon: {} }, { text: 'x'.repeat(20), contactOptIn: 'yes' }, { __proto__: { text: 'x' } }];
    for (const body of oddities) {
      const response = await postJson(`${stack.apiUrl}/tips`, JSON.stringify(body));
      assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(body)} got ${response.status}`);
    }
  });
});

describe('the status endpoint', () => {
  it('answers a wrong code and a wrong secret with the same 404', async () => {
    const accepted = await submit({ text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' });
    const code = String(accepted.json.trackingCode);
    const wrongSecret = await statusOf(code, '0000-0000-0000-0000');
    const wrongCode = await statusOf(code === 'TB-0000-0000' ? 'TB-0000-0011' : 'TB-0000-0000', String(accepted.json.secret));
    assert.equal(wrongSecret.status, 404);
    assert.equal(wrongCode.status, 404);
    assert.equal(wrongSecret.text, wrongCode.text);
  });

  it('refuses a malformed code with 400, and answers a GET with the empty status form, so a secret never sits in a URL', async () => {
    const malformed = await statusOf('TB-12', 'nope');
    assert.equal(malformed.status, 400);
    const get = await fetch(`${stack.apiUrl}/tips/status?code=TB-0000-0000&secret=x`);
    assert.equal(get.status, 200);
    const form = await get.text();
    assert.match(form, /<form method="post" action="\/tips\/status"/);
    assert.doesNotMatch(form, /TB-0000-0000/, 'nothing from the URL is echoed');
  });
});

describe('logs', () => {
  it('carry ids and counts, never tip text, contact details or secrets', () => {
    const joined = logs.lines.join('\n');
    assert.ok(logs.lines.some((line) => line.includes('"tip classified"')), 'the functions did log');
    for (const text of textsSent) assert.ok(!joined.includes(JSON.stringify(text).slice(1, 20)), `a log line holds tip text: ${text.slice(0, 20)}`);
    for (const secret of secretsSeen) assert.ok(!joined.includes(secret), 'a log line holds a secret');
  });
});
