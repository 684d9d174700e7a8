import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { localOfficerPassword } from '../../infra/local/identity-provider.ts';
import { localSecrets, type LocalStack } from '../../infra/local/stack.ts';
import { officerGroups } from '../../shared/officers/model.ts';
import { gatewaySignatureHeadersFor } from '../../shared/sms/webhook-signature.ts';
import { eventually, postJson, waitLimitMs } from '../support/helpers.ts';
import { isLoopback, listeningSocketsOf } from '../support/processes.ts';
import { startTestStack } from '../support/stack.ts';

// The local stack's own pages and endpoints expose data with no sign-in (every fake phone's
// conversation, the officer directory, where the tips are kept), so they answer on a port of
// their own, on 127.0.0.1, and never on the API's address.

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'SILENT' });
});

afterAll(async () => {
  await stack?.stop();
});

/** Every local-only route, with a request that the local port answers with `expected`. */
const localOnly: ReadonlyArray<{ method: 'GET' | 'POST'; path: string; body?: string; expected: number }> = [
  { method: 'GET', path: '/_local/sms', expected: 200 },
  { method: 'GET', path: '/_local/sms?lang=en', expected: 200 },
  { method: 'GET', path: '/_local/sms/messages', expected: 200 },
  { method: 'GET', path: '/_local/sms/messages?phone=%2B84903000111', expected: 200 },
  // Unsigned: the fake provider refuses it as a gateway would, but it is there.
  { method: 'POST', path: '/_local/sms/outbound', body: JSON.stringify({ to: '+84903000111', text: 'x' }), expected: 401 },
  { method: 'POST', path: '/_local/sms/aws-inbound', body: JSON.stringify({ from: '+84903000111', text: 'alo' }), expected: 202 },
  { method: 'GET', path: '/_local/idp/.well-known/jwks.json', expected: 200 },
  { method: 'GET', path: '/_local/idp/users/desk', expected: 200 },
  { method: 'GET', path: '/_local/idp/users/officer-26743', expected: 200 },
  { method: 'GET', path: `/_local/idp/groups/${officerGroups.cityDesk}/users`, expected: 200 },
  { method: 'GET', path: `/_local/idp/groups/${officerGroups.unit('26743')}/users`, expected: 200 },
  { method: 'GET', path: '/_local/stack', expected: 200 },
];

async function call(base: string, route: (typeof localOnly)[number]): Promise<{ status: number; text: string }> {
  const response = await fetch(`${base}${route.path}`, {
    method: route.method,
    ...(route.body !== undefined && { body: route.body, headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, text: await response.text() };
}

function signIn(base: string, password: string) {
  return postJson(`${base}/_local/idp/token`, { username: 'officer-26743', password });
}

describe('local-only routes', () => {
  it('are not on the API port: 404, as for any route the API does not have', async () => {
    for (const route of localOnly) {
      const answer = await call(stack.apiUrl, route);
      assert.deepEqual({ route: `${route.method} ${route.path}`, status: answer.status }, { route: `${route.method} ${route.path}`, status: 404 });
      assert.deepEqual(JSON.parse(answer.text), { message: 'Not Found' });
    }
  });

  it('answer on the local port', async () => {
    for (const route of localOnly) {
      const answer = await call(stack.localUrl, route);
      assert.deepEqual({ route: `${route.method} ${route.path}`, status: answer.status }, { route: `${route.method} ${route.path}`, status: route.expected });
    }
    const info = JSON.parse((await call(stack.localUrl, { method: 'GET', path: '/_local/stack', expected: 200 })).text) as Record<string, unknown>;
    assert.deepEqual(info, {
      pack: stack.pack,
      tableName: stack.tableName,
      dynamoDbEndpoint: stack.dynamoDbEndpoint,
      sqsEndpoint: stack.sqsEndpoint,
      evidenceBucketName: stack.evidenceBucketName,
      s3Url: stack.s3Url,
      queues: {
        intake: { queueUrl: stack.queues.intakeQueueUrl, deadLetterQueueUrl: stack.queues.deadLetterQueueUrl },
        'sms-inbound': { queueUrl: stack.smsInbound.intakeQueueUrl, deadLetterQueueUrl: stack.smsInbound.deadLetterQueueUrl },
        scan: { queueUrl: stack.queues.scan.intakeQueueUrl, deadLetterQueueUrl: stack.queues.scan.deadLetterQueueUrl },
      },
    });
  });

  it('listen on 127.0.0.1 only, beside the API, on a port that is not the API’s', () => {
    const api = new URL(stack.apiUrl);
    const local = new URL(stack.localUrl);
    // The S3 gateway, where browsers post evidence files, too.
    const s3 = new URL(stack.s3Url);
    assert.equal(local.hostname, '127.0.0.1');
    assert.equal(s3.hostname, '127.0.0.1');
    assert.notEqual(local.port, api.port);
    assert.equal(new Set([api.port, local.port, s3.port]).size, 3);
    const sockets = listeningSocketsOf([process.pid]);
    for (const url of [api, local, s3]) {
      const listening = sockets.filter((socket) => socket.port === Number(url.port));
      assert.ok(listening.length > 0, `this process listens on ${url.href}`);
      assert.deepEqual(listening.filter((socket) => !isLoopback(socket.address)), [], `${url.href} is reachable from this machine only`);
    }
  });
});

describe('the officers’ sign-in', () => {
  it('stays on the API origin, where the console calls it, and gives a token only for a name and password', async () => {
    const wrong = await signIn(stack.apiUrl, 'not the password');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.access_token, undefined);
    assert.equal((await fetch(`${stack.apiUrl}/_local/idp/token`)).status, 405, 'POST only');

    const signedIn = await signIn(stack.apiUrl, localOfficerPassword);
    assert.equal(signedIn.status, 200);
    // The officers' function checks it against the keys on the local port, the issuer's.
    const payload = JSON.parse(Buffer.from(String(signedIn.json.access_token).split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss: string };
    assert.equal(payload.iss, `${stack.localUrl}/_local/idp`);
    const queue = await fetch(`${stack.apiUrl}/queue?queue=26743&status=NEW`, { headers: { authorization: `Bearer ${String(signedIn.json.access_token)}` } });
    assert.equal(queue.status, 200);
  });

  it('is the only identity provider route on the API origin, and the local port has it too', async () => {
    assert.equal((await signIn(stack.localUrl, localOfficerPassword)).status, 200);
    assert.equal((await fetch(`${stack.apiUrl}/_local/idp`)).status, 404);
    assert.equal((await fetch(`${stack.apiUrl}/_local/idp/token/x`)).status, 404);
  });
});

describe('the functions', () => {
  it('text replies through the fake provider on the local port', async () => {
    const phone = `+8490${String(Date.now()).slice(-7)}`;
    const body = JSON.stringify({ messageId: randomUUID(), from: phone, to: '113', text: 'co nguoi ban ma tuy o hem 12 Le Van Sy', receivedAt: new Date().toISOString() });
    const sent = await fetch(`${stack.apiUrl}/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gatewaySignatureHeadersFor(localSecrets.smsGatewaySecret, body) },
      body,
    });
    assert.equal(sent.status, 200);
    const received = await eventually(
      async () => {
        const messages = (await (await fetch(`${stack.localUrl}/_local/sms/messages?phone=${encodeURIComponent(phone)}`)).json()) as Array<{ direction: string; text: string }>;
        return messages.find((message) => message.direction === 'to-phone');
      },
      waitLimitMs,
      'the reply on the fake phone',
    );
    assert.match(received.text, /TB-[0-9A-Z]{4}-[0-9A-Z]{4}/);
  });
});
