import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import twilioWebhooks from 'twilio/lib/webhooks/webhooks.js';
import { localSecrets, type LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { captureLogLines, eventually, sendGatewaySms, waitLimitMs, storedTipByCode } from '../support/helpers.ts';

let stack: LocalStack;
const logs = captureLogLines();
const phonesUsed = new Set<string>();

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'INFO', retryDelaySeconds: 0 });
});

afterAll(async () => {
  await stack?.stop();
  logs.restore();
});

let nextPhone = 903100000;
/** A fresh sender for each test, so follow-up windows do not cross tests. */
function newPhone(): { local: string; e164: string } {
  nextPhone += 1;
  const local = `0${nextPhone}`;
  const e164 = `+84${nextPhone}`;
  phonesUsed.add(local).add(e164).add(e164.slice(1));
  return { local, e164 };
}

function sendGateway(message: { from: string; text: string; messageId?: string }, options: { timestamp?: number; secret?: string; body?: string } = {}) {
  return sendGatewaySms(stack.apiUrl, message, options);
}

function outboundTo(e164: string): string[] {
  return stack.smsProvider.messages.filter((message) => message.phone === e164 && message.direction === 'to-phone').map((message) => message.text);
}

async function storedTip(trackingCode: string) {
  return eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, trackingCode), 3000, `tip ${trackingCode} classified`);
}

async function allItems(tableName: string): Promise<string> {
  const { Items = [] } = await stack.dynamoDb.send(new ScanCommand({ TableName: tableName }));
  return JSON.stringify(Items);
}

/** An officer's reply to a tip, as the console sends it. */
async function officerReply(username: string, tipId: string, text: string) {
  const token = await stack.identityProvider.issueToken(username);
  const response = await fetch(`${stack.apiUrl}/tips/${tipId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }),
  });
  return { status: response.status, json: (await response.json()) as { delivered?: boolean; reason?: string } };
}

describe("officers' replies to tipsters say what became of them", () => {
  it('says a reply to a number that sent HUY was not texted, and why, and texts it once the number sends BAT', async () => {
    const phone = newPhone();
    const tip = await sendGateway({ from: phone.local, text: 'Trộm cắp xe máy ở chợ Bến Thành' });
    const stored = await storedTip(String(tip.json.trackingCode));
    assert.equal(stored.unit, '26743');
    await sendGateway({ from: phone.local, text: 'HUY' });
    const sentBefore = outboundTo(phone.e164).length;

    const silent = await officerReply('officer-26743', String(stored.id), 'Chúng tôi đã nhận tin, cảm ơn bạn.');
    assert.equal(silent.status, 200);
    assert.deepEqual([silent.json.delivered, silent.json.reason], [false, 'opted_out']);
    assert.equal(outboundTo(phone.e164).length, sentBefore, 'nothing is texted to a number that opted out');

    await sendGateway({ from: phone.local, text: 'BAT' });
    const texted = await officerReply('officer-26743', String(stored.id), 'Bạn nhớ biển số xe không?');
    assert.deepEqual([texted.json.delivered, texted.json.reason], [true, undefined]);
    assert.ok(outboundTo(phone.e164).some((text) => text.includes('Ban nho bien so xe khong')));
  });

  it('says a reply to a web tip is on the status page only', async () => {
    const accepted = await fetch(`${stack.apiUrl}/tips`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' }) });
    const { trackingCode } = (await accepted.json()) as { trackingCode: string };
    const stored = await storedTip(trackingCode);
    const reply = await officerReply('officer-27154', String(stored.id), 'Cảm ơn bạn.');
    assert.deepEqual([reply.json.delivered, reply.json.reason], [false, 'web_tip']);
  });
});

describe('SMS from a Vietnamese gateway', () => {
  it('becomes a tip classified in DynamoDB, acknowledged once with its tracking code', async () => {
    const phone = newPhone();
    const answer = await sendGateway({ from: phone.local, text: 'co nguoi ban ma tuy o hem 12 Le Van Sy P.Ban Co' });
    assert.equal(answer.status, 200);
    assert.equal(answer.json.status, 'accepted');
    assert.equal(answer.json.outcome, 'tip');
    const code = String(answer.json.trackingCode);
    assert.match(code, /^TB-/);
    const tip = await storedTip(code);
    assert.equal(tip.channel, 'sms');
    assert.equal(tip.pack, 'hcmc-2025');
    assert.equal(tip.unit, '27154');
    assert.equal(tip.GSI1PK, 'QUEUE#hcmc-2025#27154#NEW');
    assert.match(String((tip.sender as { alias: string }).alias), /^SMS-[0-9A-Z]{4}$/);
    const acks = await eventually(async () => (outboundTo(phone.e164).length > 0 ? outboundTo(phone.e164) : undefined), waitLimitMs, 'the acknowledgement');
    assert.equal(acks.length, 1);
    assert.ok(acks[0]?.includes(code));
  });

  it('creates one tip and sends one acknowledgement for 20 retries of one message', async () => {
    const phone = newPhone();
    const messageId = `retry-${randomUUID()}`;
    const answers: Array<Awaited<ReturnType<typeof sendGateway>>> = [];
    for (let attempt = 0; attempt < 20; attempt += 1) answers.push(await sendGateway({ from: phone.local, text: 'Có đánh bạc ở quán cà phê đường Lê Lợi quận 1', messageId }));
    assert.ok(answers.every((answer) => answer.status === 200));
    assert.equal(new Set(answers.map((answer) => answer.json.trackingCode)).size, 1, 'every retry names the same tip');
    assert.deepEqual(answers.slice(1).map((answer) => answer.json.status), Array(19).fill('duplicate'));
    assert.equal(new Set(answers.map((answer) => answer.json.reply)).size, 1, 'every retry gets the same reply');
    await storedTip(String(answers[0]?.json.trackingCode));
    const codes = JSON.parse(await allItems(stack.tableName)) as Array<{ PK: { S: string }; tipId?: { S: string } }>;
    const tipIdOfCode = codes.find((item) => item.PK.S === `CODE#${answers[0]?.json.trackingCode}`)?.tipId?.S;
    assert.ok(tipIdOfCode);
    assert.equal(codes.filter((item) => item.PK.S.startsWith('CODE#') && JSON.stringify(item).includes(String(answers[0]?.json.trackingCode))).length, 1);
    assert.equal(outboundTo(phone.e164).length, 1, 'one acknowledgement');
  });

  it('refuses a bad signature, a stale timestamp and a malformed body with a 4xx that says why', async () => {
    const phone = newPhone();
    const forged = await sendGateway({ from: phone.local, text: 'tin bao gia mao' }, { secret: 'not the secret' });
    assert.equal(forged.status, 401);
    assert.equal(forged.json.error, 'bad_signature');
    const stale = await sendGateway({ from: phone.local, text: 'tin bao cu' }, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    assert.equal(stale.status, 401);
    assert.equal(stale.json.error, 'stale_timestamp');
    assert.match(String(stale.json.message), /5 phút/);
    const missingFields = await sendGateway({ from: '', text: '' }, { body: JSON.stringify({ messageId: 'x', text: 'hi', from: 'not a phone', receivedAt: 'yesterday' }) });
    assert.equal(missingFields.status, 400);
    assert.deepEqual(missingFields.json.issues?.map((issue) => [issue.field, issue.reason]).sort(), [['from', 'badPhone'], ['receivedAt', 'notDateTime'], ['to', 'required']]);
    const notJson = await sendGateway({ from: '', text: '' }, { body: '{"messageId":' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.error, 'malformed_body');
    const unsigned = await fetch(`${stack.apiUrl}/sms/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { error: string }).error, 'missing_signature');
  });

  it('adds a follow-up within the window to the open tip instead of opening another', async () => {
    const phone = newPhone();
    const first = await sendGateway({ from: phone.local, text: 'Có người bán ma túy ở hẻm 45 Lê Văn Sỹ quận 3' });
    const second = await sendGateway({ from: phone.local, text: 'Bổ sung: hai người, đi xe SH màu trắng' });
    assert.equal(second.json.outcome, 'follow_up');
    assert.equal(second.json.trackingCode, first.json.trackingCode);
    const tip = await storedTip(String(first.json.trackingCode));
    const items = JSON.parse(await allItems(stack.tableName)) as Array<Record<string, { S?: string }>>;
    const followUps = items.filter((item) => item.PK?.S === `TIP#${String(tip.id)}` && item.type?.S === 'TIPSTER_MESSAGE');
    assert.equal(followUps.length, 1);
    assert.equal(followUps[0]?.text?.S, 'Bổ sung: hai người, đi xe SH màu trắng');
  });

  it('asks for details instead of opening a tip for "hi", and spends no register number on it', async () => {
    const phone = newPhone();
    const before = await storedTip(String((await sendGateway({ from: newPhone().local, text: 'Trộm cắp xe máy ở chợ Bến Thành' })).json.trackingCode));
    const junk = await sendGateway({ from: phone.local, text: 'hi' });
    assert.equal(junk.status, 200);
    assert.equal(junk.json.outcome, 'too_short');
    assert.equal(junk.json.trackingCode, undefined);
    assert.match(String(junk.json.reply), /chuyen gi, o dau, khi nao/);
    const after = await storedTip(String((await sendGateway({ from: newPhone().local, text: 'Trộm cắp xe máy ở chợ Bến Thành' })).json.trackingCode));
    const sequence = (registerNumber: unknown) => Number(String(registerNumber).split('/').at(-1));
    assert.equal(sequence(after.registerNumber), sequence(before.registerNumber) + 1, 'no number was given to "hi"');
  });

  it('opens a tip of its own, ranked on its own, for a stabbing reported a minute after a gambling den elsewhere', async () => {
    const phone = newPhone();
    const gambling = await sendGateway({ from: phone.local, text: 'Có sòng bạc trong hẻm 12 đường Trần Hưng Đạo quận 5, tối nào cũng đông' });
    const gamblingTip = await storedTip(String(gambling.json.trackingCode));
    const stabbing = await sendGateway({ from: phone.local, text: 'KHAN CAP: vua co vu dam nguoi o cho Ba Chieu Binh Thanh, nguoi bi thuong nang' });
    assert.equal(stabbing.json.outcome, 'tip');
    assert.notEqual(stabbing.json.trackingCode, gambling.json.trackingCode);
    assert.match(String(stabbing.json.reply), new RegExp(`MOI.*${String(stabbing.json.trackingCode)}`));
    const stabbingTip = await storedTip(String(stabbing.json.trackingCode));
    assert.deepEqual([stabbingTip.category, stabbingTip.urgency], ['violence', 'high']);
    const placesOf = (tip: Record<string, unknown>) => [tip.unit, ...(tip.routing as { candidates: Array<{ unit: string }> }).candidates.map((c) => c.unit)].filter((unit) => unit !== null);
    assert.ok(placesOf(stabbingTip).length > 0 && !placesOf(stabbingTip).some((unit) => placesOf(gamblingTip).includes(unit)), "routed on its own, not to the gambling tip's units");
    const again = await storedTip(String(gambling.json.trackingCode));
    assert.deepEqual([again.urgency, again.tipsterWroteAt], [gamblingTip.urgency, undefined], 'the gambling tip is untouched');
  });

  it('answers a robbery reported after HUY with its own new code, and texts it, while officers stay silent', async () => {
    const phone = newPhone();
    const first = await sendGateway({ from: phone.local, text: 'Có sòng bạc trong hẻm 12 đường Trần Hưng Đạo quận 5, tối nào cũng đông' });
    await storedTip(String(first.json.trackingCode));
    await sendGateway({ from: phone.local, text: 'HUY' });
    const sentBefore = outboundTo(phone.e164).length;
    const robbery = await sendGateway({ from: phone.local, text: 'Cướp giật vừa xảy ra ở ngã tư Hàng Xanh, hai thanh niên đi xe máy giật túi xách' });
    assert.equal(robbery.json.outcome, 'tip');
    const code = String(robbery.json.trackingCode);
    assert.notEqual(code, first.json.trackingCode);
    assert.match(String(robbery.json.reply), new RegExp(code));
    await eventually(async () => (outboundTo(phone.e164).length > sentBefore ? true : undefined), waitLimitMs, 'the acknowledgement texted');
    const robberyTip = await storedTip(code);
    assert.deepEqual([robberyTip.category, robberyTip.urgency], ['robbery', 'high']);
  });

  it('adds more about the same thing to the open tip, raises its urgency and shows the officers that the tipster wrote', async () => {
    const phone = newPhone();
    const first = await sendGateway({ from: phone.local, text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ phường Bàn Cờ' });
    const tip = await storedTip(String(first.json.trackingCode));
    assert.equal(tip.urgency, 'normal');
    const more = await sendGateway({ from: phone.local, text: 'Khẩn cấp, họ đang bán ma túy ngay lúc này, đông người' });
    assert.equal(more.json.outcome, 'follow_up');
    const token = await stack.identityProvider.issueToken('officer-27154');
    const row = await eventually(async () => {
      const page = (await (await fetch(`${stack.apiUrl}/queue?queue=27154&status=NEW&limit=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Array<{ id: string; urgency: string; tipsterWroteAt: string | null }> };
      const found = page.items.find((item) => item.id === tip.id);
      return found?.urgency === 'high' ? found : undefined;
    }, waitLimitMs, 'the tip ranked high in its queue');
    assert.ok(row.tipsterWroteAt, 'the row shows that the tipster wrote');
  });

  it('answers TT with the status for the sender only, and stops after HUY until BAT', async () => {
    const phone = newPhone();
    const stranger = newPhone();
    const tip = await sendGateway({ from: phone.local, text: 'Trộm cắp xe máy ở chợ Bến Thành' });
    const code = String(tip.json.trackingCode);
    await storedTip(code);
    const status = await sendGateway({ from: phone.local, text: `tt ${code.toLowerCase()}` });
    assert.equal(status.json.outcome, 'status');
    assert.match(String(status.json.reply), new RegExp(`${code}.*dang cho xu ly`));
    const nosy = await sendGateway({ from: stranger.local, text: `TT ${code}` });
    assert.ok(!String(nosy.json.reply).includes('dang cho xu ly'), 'another number learns nothing');

    const stop = await sendGateway({ from: phone.local, text: 'HỦY' });
    assert.equal(stop.json.outcome, 'stop');
    const sentBefore = outboundTo(phone.e164).length;
    const afterStop = await sendGateway({ from: phone.local, text: `TT ${code}` });
    assert.equal(afterStop.json.reply, null);
    assert.equal(outboundTo(phone.e164).length, sentBefore, 'nothing is sent after HUY');
    const resumed = await sendGateway({ from: phone.local, text: 'BAT' });
    assert.equal(resumed.json.outcome, 'start');
    assert.ok(outboundTo(phone.e164).length > sentBefore);
  });

  it('keeps emoji, mends a lone surrogate, and takes a 1,600-character concatenated message whole', async () => {
    const emoji = await sendGateway({ from: newPhone().local, text: 'Có cướp giật 😡🏍️ ở cầu Sài Gòn' });
    assert.equal((await storedTip(String(emoji.json.trackingCode))).text, 'Có cướp giật 😡🏍️ ở cầu Sài Gòn');
    const broken = await sendGateway({ from: newPhone().local, text: 'Tin nhắn bị cắt \ud83d giữa chừng' });
    assert.equal(broken.status, 200);
    assert.equal((await storedTip(String(broken.json.trackingCode))).text, 'Tin nhắn bị cắt \ufffd giữa chừng');
    const long = `Toi muon to giac ${'nhom cho vay nang lai o quan 8 de doa nguoi dan '.repeat(40)}`.slice(0, 1600);
    assert.equal(long.length, 1600);
    const concatenated = await sendGateway({ from: newPhone().local, text: long });
    assert.equal((await storedTip(String(concatenated.json.trackingCode))).text, long.trim());
  });
});

describe('SMS from Twilio', () => {
  const url = () => `${stack.apiUrl}/sms/twilio`;
  async function postTwilio(fields: Record<string, string>, signature?: string) {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? twilioWebhooks.getExpectedTwilioSignature(localSecrets.twilioAuthToken, url(), fields) },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  it('becomes a tip and is answered with TwiML carrying the tracking code; a retry gets an empty answer', async () => {
    const phone = newPhone();
    const fields = { MessageSid: `SM${randomUUID().replaceAll('-', '')}`, From: phone.e164, To: '+15005550006', Body: 'Dang co danh nhau o cho Ben Thanh quan 1' };
    const answer = await postTwilio(fields);
    assert.equal(answer.status, 200);
    assert.match(answer.type, /text\/xml/);
    const code = /(TB-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(answer.text)?.[1];
    assert.ok(code, answer.text);
    assert.match(answer.text, /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>CA TP.HCM/);
    const tip = await storedTip(code);
    assert.equal(tip.channel, 'sms');
    const retry = await postTwilio(fields);
    assert.equal(retry.status, 200);
    assert.equal(retry.text, '<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('refuses a request whose signature does not match', async () => {
    const fields = { MessageSid: 'SM1', From: newPhone().e164, To: '+15005550006', Body: 'gia mao' };
    const forged = await postTwilio(fields, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    assert.equal(forged.status, 401);
    assert.match(forged.text, /bad_signature/);
  });
});

describe('SMS through AWS End User Messaging', () => {
  it('arrives on the SNS topic, reaches the queue raw, becomes a tip and is acknowledged with SendTextMessage', async () => {
    const phone = newPhone();
    const published = await fetch(`${stack.localUrl}/_local/sms/aws-inbound`, { method: 'POST', body: JSON.stringify({ from: phone.e164, text: 'Co nguoi tang tru vu khi o Go Vap' }) });
    assert.equal(published.status, 202);
    const ack = await eventually(async () => outboundTo(phone.e164)[0], waitLimitMs, 'the acknowledgement');
    const code = /(TB-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(ack)?.[1];
    assert.ok(code);
    const tip = await storedTip(code);
    assert.equal((tip.sender as { provider: string }).provider, 'aws');
  });
});

describe('phone privacy', () => {
  it('keeps every number out of the tables in clear, out of API answers, and out of the logs', async () => {
    const phone = newPhone();
    const answer = await sendGateway({ from: phone.local, text: 'Kiem tra rieng tu so dien thoai' });
    await storedTip(String(answer.json.trackingCode));
    assert.ok(!JSON.stringify(answer.json).includes(phone.local.slice(1)), 'not in the answer');
    const stored = (await allItems(stack.tableName)) + (await allItems(stack.idempotencyTableName));
    const logText = logs.lines.join('\n');
    for (const number of phonesUsed) {
      const digits = number.replace(/^\+/, '').replace(/^0/, '');
      assert.ok(!stored.includes(digits), `a number is stored in clear: ${number}`);
      assert.ok(!logText.includes(digits), `a number is in the logs: ${number}`);
    }
    assert.ok(logs.lines.some((line) => line.includes('"sms processed"')), 'the SMS functions did log');
  });
});

describe('npm run sms', () => {
  it('signs and sends like a gateway, prints the reply, and prints the same reply for the same --message-id', async () => {
    const run = promisify(execFile);
    const phone = newPhone();
    const args = ['tools/sms.ts', '--url', stack.apiUrl, '--message-id', `cli-${randomUUID()}`, '--from', phone.local, 'co nguoi ban ma tuy o hem 12 Le Van Sy P.Ban Co'];
    const first = await run(process.execPath, args);
    const second = await run(process.execPath, args);
    assert.match(first.stdout, /^CA TP\.HCM da nhan tin bao\. Ma: TB-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    assert.equal(second.stdout, first.stdout);
    assert.equal(outboundTo(phone.e164).length, 1);
  });
});
