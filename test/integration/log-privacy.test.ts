/**
 * The log-privacy check of the whole suite (issue 11), checked itself: every integration and
 * browser file's log lines are searched for what its local stacks saw (test/support/
 * log-privacy.setup.ts). That check proves nothing if it cannot see a leak, or sees no lines, so
 * this file shows that it finds each kind of leak in the forms logs write them, that a stack asked
 * for silence still logs into the capture, and that what the stack sees is noted.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { observeQueueRecords, observeRequest, observeResponse } from '../../infra/local/sensitive-values.ts';
import { localSecrets, type LocalStack } from '../../infra/local/stack.ts';
import { generateTipSecret } from '../../shared/tip/tracking-code.ts';
import { gatewaySignatureHeaders, signGatewayRequest } from '../../shared/sms/webhook-signature.ts';
import { eventually, postJson, waitLimitMs } from '../support/helpers.ts';
import { hiddenAt, logCapture, normalized, SensitiveValues, type CapturedLine, type LogStream } from '../support/log-capture.ts';
import { describeLeak, findLeaks, type Leak } from '../support/log-leaks.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  // Silence on the terminal: the functions must still log into the capture.
  stack = await startTestStack({ logLevel: 'SILENT' });
});

afterAll(async () => {
  await stack?.stop();
});

/** Lines numbered as the capture numbers them. */
function lines(...texts: Array<[LogStream, string]>): CapturedLine[] {
  return texts.map(([stream, text], index) => ({ number: index + 1, stream, text }));
}

/** A Powertools line as the functions write it, with these keys added. */
function powertoolsLine(message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    level: 'ERROR',
    message,
    timestamp: new Date().toISOString(),
    service: 'tinbao',
    function_name: 'tinbao-local-intake',
    function_request_id: randomUUID(),
    ...extra,
  });
}

const found = (leaks: readonly Leak[]) => leaks.map((leak) => `${leak.line} ${leak.kind} ${leak.found}`);

interface PowertoolsLine {
  readonly message?: string;
  readonly function_name?: string;
}

function parsed(line: CapturedLine): PowertoolsLine {
  try {
    return JSON.parse(line.text) as PowertoolsLine;
  } catch {
    return {};
  }
}

describe('the log-privacy check', () => {
  it('finds a text, a secret and a phone number it saw, in the forms logs write them, and names none of them', () => {
    const text = 'Có người "bán ma túy" trong hẻm 45 Lê Văn Sỹ, tối nào cũng có';
    const secret = generateTipSecret();
    const sensitive = new SensitiveValues();
    sensitive.add(text, 'text');
    sensitive.add(secret.toLowerCase(), 'secret');
    sensitive.add('+84903123456', 'phone');

    let parserError = '';
    try {
      JSON.parse(text);
    } catch (error) {
      parserError = (error as Error).message;
    }
    const captured = lines(
      // Nothing sensitive: ids, times and the pipeline's own words.
      ['stdout', powertoolsLine('tip accepted', { tipId: '01JZ8Q6X3T7M2K9V4B5N0P1R2S', format: 'json' })],
      // A fragment of the text, JSON-escaped (its quotes) inside a field.
      ['stdout', powertoolsLine('unhandled error', { errorName: 'Error', stack: `Error: bad input ${text.slice(4, 30)}…\n    at handler (functions/intake/handler.ts:57:20)` })],
      // The secret as the status page canonicalises it: upper case, no hyphens.
      ['stderr', `debug: lookup ${secret.replaceAll('-', '')}`],
      // The phone number as a person writes it, in a key.
      ['stdout', powertoolsLine('sms processed', { ['0903 123 456']: true })],
      // Node's parser quoting the start of the body: too short to be a fragment, caught by its shape.
      ['stderr', powertoolsLine('unreadable tip message', { error: parserError })],
      // A phone number and a secret nobody saw here, caught by their shapes.
      ['console', `call 0912.345.678 with ${generateTipSecret()}`],
    );
    const leaks = findLeaks(captured, sensitive);

    assert.deepEqual(found(leaks).sort(), [
      '2 text seen',
      '3 secret seen',
      '4 phone seen',
      '4 phone shape',
      '5 text shape',
      '6 phone shape',
      '6 secret shape',
    ]);
    const report = leaks.map(describeLeak).join('\n');
    for (const value of [text.slice(4, 30), secret, secret.replaceAll('-', ''), '903123456', '0912.345.678']) {
      assert.ok(!report.includes(value), 'a report names the line and a hash, never the value');
    }
    assert.match(report, /log line 2 \(stdout\), field stack: 16 characters in a row of text a caller sent \[text, seen, sha256 [0-9a-f]{8}\]/);
  });

  it('notes what callers send and answers hand out, on every way in: bodies, query strings, tokens, cookies, queues', () => {
    const seen: Array<[string, string]> = [];
    const note = (value: string, kind: string) => void seen.push([kind, value]);
    const secret = generateTipSecret();
    const event = (routeKey: string, body: string, extra: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 =>
      ({ routeKey, rawPath: routeKey.split(' ')[1], rawQueryString: '', headers: {}, isBase64Encoded: false, body, ...extra }) as APIGatewayProxyEventV2;

    // Twilio's form (base64, as API Gateway passes it), with a token in the webhook's URL.
    const form = new URLSearchParams({ From: '+84903555018', Body: 'Có người bán ma túy ở hẻm 12', MessageSid: 'SM0123456789abcdef', To: '+84900000113' }).toString();
    observeRequest(
      event('POST /sms/twilio', Buffer.from(form).toString('base64'), { isBase64Encoded: true, rawQueryString: 'token=q5ecret-in-the-url', queryStringParameters: { token: 'q5ecret-in-the-url' }, headers: { 'x-twilio-signature': 'c2lnbmF0dXJlLW9mLXR3aWxpbw==' } }),
      note,
    );
    // A status lookup by an officer-less caller, a phone number sent as a JSON number, a cookie.
    observeRequest(event('POST /tips/status', JSON.stringify({ code: 'TB-7Q4K-9XPD', secret, language: 'vi', contact: 84903555019 }), { cookies: ['tinbao_receipt=sealed.receipt.value'] }), note);
    observeRequest(event('GET /queue', '', { headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' } }), note);
    // The answer handing out a secret, on a page and in a cookie.
    observeResponse({ statusCode: 200, body: `<p>Mã bí mật: <b>${secret}</b></p>`, cookies: ['tinbao_receipt=another.sealed.value; Path=/tips; HttpOnly'] }, note);
    // A poison message on a queue, and an envelope whose ids are no one's words.
    observeQueueRecords({ Records: [{ body: 'ZQ12345678 có người bán ma túy' }, { body: JSON.stringify({ v: 2, tipId: '01JZ8Q6X3T7M2K9V4B5N0P1R2S', submission: { text: 'Trộm xe máy trước nhà số 12', unit: '27154' } }) }] } as SQSEvent, note);

    const kinds = (kind: string) => seen.filter(([noted]) => noted === kind).map(([, value]) => value);
    assert.deepEqual(new Set(kinds('phone')), new Set(['+84903555018', '+84900000113', '84903555019']));
    for (const value of ['q5ecret-in-the-url', 'token=q5ecret-in-the-url', 'c2lnbmF0dXJlLW9mLXR3aWxpbw==', secret, 'sealed.receipt.value', 'another.sealed.value', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln']) {
      assert.ok(kinds('secret').includes(value), `a secret noted: ${value.length} characters`);
    }
    for (const value of ['Có người bán ma túy ở hẻm 12', form, Buffer.from(form).toString('base64'), 'ZQ12345678 có người bán ma túy', 'Trộm xe máy trước nhà số 12']) {
      assert.ok(kinds('text').includes(value), 'a text noted');
    }
    const noted = new Set(seen.map(([, value]) => value));
    for (const id of ['SM0123456789abcdef', 'TB-7Q4K-9XPD', '01JZ8Q6X3T7M2K9V4B5N0P1R2S', '27154', 'vi']) assert.ok(!noted.has(id), 'ids and enumerations are not noted');
  });

  it('captures the functions\' lines even when the test asks for silence, hides them from the terminal, and notes what the stack saw', async () => {
    const capture = logCapture();
    assert.ok(capture, 'log-privacy.setup.ts installed the capture for this file');
    const text = `Nhóm thanh niên đánh bạc ở hẻm 7 Nguyễn Trãi, mã ${randomUUID().slice(0, 8)}`;
    const accepted = await postJson(`${stack.apiUrl}/tips`, { text, unit: '27154' });
    assert.equal(accepted.status, 202);
    const secret = String(accepted.json.secret);
    await eventually(
      async () => ((await postJson(`${stack.apiUrl}/tips/status`, { code: accepted.json.trackingCode, secret })).json.status === 'NEW' ? true : undefined),
      waitLimitMs,
      'the tip routed',
    );

    // An SMS tip: its number in one form on the wire, the reply handing out a secret.
    const phone = '0903 555 017';
    const body = JSON.stringify({ messageId: randomUUID(), from: phone, to: '8088', text: 'Trộm cắp xe máy ở chợ Bến Thành, sáng nay', receivedAt: new Date().toISOString() });
    const timestamp = Math.floor(Date.now() / 1000);
    const sms = await fetch(`${stack.apiUrl}/sms/inbound`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [gatewaySignatureHeaders.timestamp]: String(timestamp),
        [gatewaySignatureHeaders.signature]: signGatewayRequest(localSecrets.smsGatewaySecret, timestamp, body),
      },
      body,
    });
    assert.equal(sms.status, 200);

    const written = (message: string, functionName: string) =>
      eventually(async () => capture.lines.find((line) => parsed(line).message === message && parsed(line).function_name === functionName), waitLimitMs, `"${message}" captured`);
    const intakeLine = await written('tip accepted', 'tinbao-local-intake');
    await written('tip classified', 'tinbao-local-classifier');
    await written('sms processed', 'tinbao-local-smsGateway');
    assert.ok(hiddenAt(capture.shown, intakeLine.text), 'the terminal shows nothing below the level the test asked for');

    // What the stack saw is noted: the text, the secret it handed out, the sender's number.
    assert.equal(capture.sensitive.values.get(normalized(text)), 'text');
    assert.equal(capture.sensitive.values.get(secret), 'secret');
    assert.ok(capture.sensitive.phones.has('903555017'));
    const smsSecrets = [...capture.sensitive.values].filter(([value, kind]) => kind === 'secret' && /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(value) && value !== secret);
    assert.ok(smsSecrets.length > 0, "the SMS reply's secret is noted too");

    // The real lines are clean, and one of them with the secret in it is not.
    const real = [...capture.lines];
    assert.deepEqual(findLeaks(real, capture.sensitive).map(describeLeak), []);
    const tampered = { ...intakeLine, number: real.length + 1, text: intakeLine.text.replace('"tip accepted"', `"tip accepted ${secret.replaceAll('-', '')}"`) };
    assert.deepEqual(found(findLeaks([...real, tampered], capture.sensitive)), [`${real.length + 1} secret seen`]);
  });
});
