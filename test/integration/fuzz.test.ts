/**
 * Hostile input on every public route (issue 11): fast-check draws 10,000 bodies per route
 * (test/support/hostile-inputs.ts) and sends them over HTTP to the local stack, many at a time.
 * No answer may be a 5xx, every refusal is a 4xx that says why (a JSON body with `error` and
 * `message`, or a page), every answer carries the security headers, and the stack keeps
 * answering. The SMS webhooks get half their bodies correctly signed, so the bodies reach the
 * parsers behind the signature check. The seed is fixed per route, so a failure repeats.
 * A 503 with Retry-After (DynamoDB Local slowed by a neighbouring file's load) is no verdict: the
 * client waits as told and sends the body again, and the answer it ends with is judged.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import twilioWebhooks from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { localSecrets, type LocalStack } from '../../infra/local/stack.ts';
import { pageSecurityPolicy, pageSecurityPolicyFor } from '../../functions/http/security-headers.ts';
import { gatewaySignatureHeadersFor } from '../../shared/sms/webhook-signature.ts';
import { hostileBodies, type HostileBody } from '../support/hostile-inputs.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'SILENT' });
});

afterAll(async () => {
  await stack?.stop();
});

/** Inputs per route, as the issue asks. */
const runsPerRoute = 10_000;
/** Requests in flight at once. */
const inFlight = 24;
/** How long a route's whole run may take on a loaded CI machine; it bounds the wait, it is no latency target. */
const routeTimeoutMs = 600_000;

interface Route {
  readonly path: string;
  readonly fields: readonly string[];
  /** Extra headers for one body (a signature over it), or none. */
  readonly sign?: (body: HostileBody, url: string) => Record<string, string>;
  readonly accept?: string;
}

const decoder = new TextDecoder();

const routes: readonly Route[] = [
  { path: '/tips', fields: ['text', 'unit', 'lat', 'lon', 'category', 'contactOptIn', 'contact', 'language', 'formToken'] },
  { path: '/tips', fields: ['text', 'unit', 'lat', 'lon', 'category', 'language'], accept: 'text/html' },
  { path: '/tips/status', fields: ['code', 'secret', 'language'] },
  { path: '/tips/status/messages', fields: ['code', 'secret', 'text', 'language'] },
  {
    path: '/sms/inbound',
    fields: ['messageId', 'from', 'to', 'text', 'receivedAt'],
    sign: (body) => gatewaySignatureHeadersFor(localSecrets.smsGatewaySecret, decoder.decode(body.body)),
  },
  {
    path: '/sms/twilio',
    fields: ['From', 'To', 'Body', 'MessageSid', 'AccountSid', 'NumMedia'],
    sign: (body, url) => ({
      'x-twilio-signature': twilioWebhooks.getExpectedTwilioSignature(localSecrets.twilioAuthToken, url, Object.fromEntries(new URLSearchParams(decoder.decode(body.body)))),
    }),
  },
];

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly csp: string | null;
  readonly nosniff: string | null;
  readonly retryAfter: string | null;
  readonly text: string;
}

async function send(route: Route, input: HostileBody, signed: boolean): Promise<Answer> {
  const url = `${stack.apiUrl}${route.path}`;
  const headers: Record<string, string> = { ...(input.contentType !== undefined && { 'content-type': input.contentType }), ...(route.accept && { accept: route.accept }) };
  if (signed && route.sign) Object.assign(headers, route.sign(input, url));
  const response = await fetch(url, { method: 'POST', headers, body: Buffer.from(input.body) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    csp: response.headers.get('content-security-policy'),
    nosniff: response.headers.get('x-content-type-options'),
    retryAfter: response.headers.get('retry-after'),
    text: await response.text(),
  };
}

/**
 * How often one body answered 503 with Retry-After is sent again. A body refused for what it
 * holds never reaches a dependency; one that does (a tip the intake accepts, a code the status
 * page looks up) may be answered 503 when a neighbouring file's load makes DynamoDB Local miss
 * the SDK's timeouts, and a client then waits as told and sends it again. A body still answered
 * 503 after this many tries is a failure.
 */
const maxUnavailableRetries = 5;

/** A 503 that tells the client when to try again: the answer to a dependency that is down or slow. */
function isTemporarilyUnavailable(answer: Answer): boolean {
  return answer.status === 503 && Number.isInteger(Number(answer.retryAfter)) && Number(answer.retryAfter) >= 1;
}

/** What is wrong with an answer, or undefined when it is one a client can act on. */
function problem(answer: Answer): string | undefined {
  return answer.status >= 500 ? `answered ${answer.status}` : shapeProblem(answer);
}

/** What is wrong with an answer's headers or body, whatever its status. */
function shapeProblem(answer: Answer): string | undefined {
  // The local server's own 413 (API Gateway's limit, before any function) is API Gateway's bare answer.
  if (answer.status === 413 && answer.csp === null) return undefined;
  // Intake's answers also let its pages' script post evidence files to the bucket.
  if ((answer.csp !== pageSecurityPolicy && answer.csp !== pageSecurityPolicyFor([new URL(stack.s3Url).origin])) || answer.nosniff !== 'nosniff') return 'security headers missing';
  if (answer.status < 400) return undefined;
  if (answer.contentType.startsWith('text/html')) return /<h1>/.test(answer.text) ? undefined : 'a refusal page without a heading';
  if (answer.contentType.startsWith('text/xml') || answer.contentType.startsWith('application/xml')) return undefined;
  try {
    const body = JSON.parse(answer.text) as { error?: unknown; message?: unknown };
    return typeof body.error === 'string' && typeof body.message === 'string' && body.message !== '' ? undefined : 'a refusal without error and message';
  } catch {
    return 'a refusal that is not JSON';
  }
}

describe('hostile input on every public route', () => {
  routes.forEach((route, index) => {
    it(`POST ${route.path}${route.accept ? ` (${route.accept})` : ''}: ${runsPerRoute} hostile bodies, no 5xx, every refusal says why`, { timeout: routeTimeoutMs }, async () => {
      const inputs = fc.sample(fc.tuple(hostileBodies(route.fields), fc.boolean()), { numRuns: runsPerRoute, seed: 20261201 + index });
      const statuses = new Map<number, number>();
      const failures: string[] = [];
      let resets = 0;
      let unavailableRetries = 0;
      let next = 0;
      /** One body sent, or why there was no answer. */
      const answerTo = async (input: HostileBody, signed: boolean): Promise<Answer | string> => {
        try {
          return await send(route, input, signed);
        } catch {
          // A kept-alive socket the server closed as the client reused it: a client sends again.
          // Twice in a row would be the server dropping the request itself.
          resets += 1;
          try {
            return await send(route, input, signed);
          } catch (error) {
            return `no answer twice (${String((error as Error).cause ?? error)}) for ${input.contentType}, ${input.body.length} bytes ${fc.stringify(decoder.decode(input.body.slice(0, 120)))}`;
          }
        }
      };
      const worker = async () => {
        while (next < inputs.length && failures.length < 5) {
          const [input, signed] = inputs[next++] as [HostileBody, boolean];
          let answer = await answerTo(input, signed);
          // A proper 503 (security headers, a body that says why, Retry-After): the client waits as told and sends again.
          for (let retry = 1; retry <= maxUnavailableRetries && typeof answer !== 'string' && isTemporarilyUnavailable(answer) && shapeProblem(answer) === undefined; retry += 1) {
            unavailableRetries += 1;
            await sleep(Number(answer.retryAfter) * 1000);
            answer = await answerTo(input, signed);
          }
          if (typeof answer === 'string') {
            failures.push(answer);
            continue;
          }
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const wrong = problem(answer);
          if (wrong) failures.push(`${wrong}: ${answer.status} ${answer.text.slice(0, 200)} for ${input.contentType} ${fc.stringify(decoder.decode(input.body.slice(0, 200)))}`);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      assert.deepEqual(failures, [], `answers by status: ${JSON.stringify(Object.fromEntries(statuses))}, connections reset and sent again: ${resets}, sent again after a 503: ${unavailableRetries}`);
      assert.equal([...statuses.values()].reduce((a, b) => a + b, 0), runsPerRoute);
      // Still up: the form answers after the storm.
      assert.equal((await fetch(`${stack.apiUrl}/`)).status, 200);
    });
  });
});
