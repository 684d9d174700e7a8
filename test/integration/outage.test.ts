/**
 * A database that is down or stalled (issue 11): the local stack reaches DynamoDB Local through a
 * TCP proxy that the test cuts or stalls. While it is down, a request that cannot be accepted gets
 * 503 with Retry-After, JSON or a page in the request's language, with the security headers; the
 * pages that need no database keep answering; nothing answered 202 is lost, and after the outage
 * every accepted tracking code resolves to exactly one stored tip.
 */
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { pageSecurityPolicy, pageSecurityPolicyFor } from '../../functions/http/security-headers.ts';
import { unavailableRetryAfterSeconds } from '../../functions/http/unavailable.ts';
import { errorMessages } from '../../shared/messages.ts';
import { eventually, postForm, postJson, storedTipByCode } from '../support/helpers.ts';
import { privacyCheckedOptions, sharedEmulators, uniquePrefix } from '../support/stack.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

let stack: LocalStack;
let proxy: TcpProxy;
/** Reads the table straight from DynamoDB Local, past the proxy. */
let direct: DynamoDBClient;

beforeAll(async () => {
  const emulators = sharedEmulators();
  proxy = await startTcpProxy(emulators.dynamoDbEndpoint);
  direct = new DynamoDBClient({ endpoint: emulators.dynamoDbEndpoint, region: localRegion, credentials: localCredentials });
  stack = await startLocalStack(
    privacyCheckedOptions({
      port: 0,
      localPort: 0,
      logLevel: 'SILENT',
      retryDelaySeconds: 1,
      emulators: { ...emulators, dynamoDbEndpoint: proxy.url },
      namePrefix: uniquePrefix('outage'),
    }),
  );
});

afterAll(async () => {
  proxy?.setMode('pass');
  await stack?.stop();
  await proxy?.close();
  direct?.destroy();
});

const tipText = (n: number) => `Có người bán ma túy trong hẻm ${n} Lê Văn Sỹ, tối nào cũng có`;

/** Intake's answers let its pages' script post evidence files to the bucket; the status function's do not. */
async function assertUnavailable(response: { status: number; headers: Headers }, what: string, from: 'intake' | 'status' = 'intake') {
  const policy = from === 'intake' ? pageSecurityPolicyFor([new URL(stack.s3Url).origin]) : pageSecurityPolicy;
  assert.equal(response.status, 503, what);
  assert.equal(response.headers.get('retry-after'), String(unavailableRetryAfterSeconds), `${what}: Retry-After`);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(response.headers.get('content-security-policy'), policy, `${what}: the CSP`);
}

describe('a database outage', () => {
  it('answers 503 with Retry-After while the database is down or stalled, keeps the pages up, and loses nothing it accepted', async () => {
    const accepted: string[] = [];
    for (let n = 1; n <= 5; n += 1) {
      const answer = await postJson(`${stack.apiUrl}/tips`, { text: tipText(n), unit: '27154' });
      assert.equal(answer.status, 202);
      accepted.push(String(answer.json.trackingCode));
    }

    for (const mode of ['down', 'stall'] as const) {
      proxy.setMode(mode);
      const json = await postJson(`${stack.apiUrl}/tips`, { text: tipText(100), unit: '27154' });
      await assertUnavailable(json, `JSON intake, database ${mode}`);
      assert.equal(json.json.error, 'unavailable');
      assert.equal(json.json.message, errorMessages.unavailable.vi);
      const page = await postForm(`${stack.apiUrl}/tips`, { text: tipText(101), unit: '27154', language: 'en' }, { headers: { accept: 'text/html' } });
      await assertUnavailable(page, `the form, database ${mode}`);
      assert.ok(page.text.includes(errorMessages.unavailable.en), 'the page says to try again, in English');
      const status = await postJson(`${stack.apiUrl}/tips/status`, { code: accepted[0], secret: '0000-0000-0000-0000' });
      await assertUnavailable(status, `the status lookup, database ${mode}`, 'status');
      const form = await fetch(`${stack.apiUrl}/`);
      assert.equal(form.status, 200, 'the form itself needs no database');
      await form.arrayBuffer();
    }

    proxy.setMode('pass');
    const after = await postJson(`${stack.apiUrl}/tips`, { text: tipText(200), unit: '27154' });
    assert.equal(after.status, 202, 'accepted again once the database is back');
    accepted.push(String(after.json.trackingCode));
    for (const code of accepted) {
      const stored = await eventually(() => storedTipByCode(direct, stack.tableName, code), 30_000, `tip ${code} stored`);
      assert.equal(stored.trackingCode, code);
    }
    assert.equal(new Set(accepted).size, accepted.length, 'every accepted code is its own tip');
  });
});
