import { randomUUID } from 'node:crypto';
import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localSecrets } from '../../infra/local/stack.ts';
import { gatewaySignatureHeaders, signGatewayRequest } from '../../shared/sms/webhook-signature.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** POSTs a JSON body (or a raw string) and returns the status, headers and parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> & { issues?: Array<Record<string, string>> } };
}

/** POSTs form fields the way a browser without JavaScript does (`redirect: 'manual'` to see a 303 itself). */
export async function postForm(url: string, fields: Record<string, string>, options: { redirect?: RequestRedirect; headers?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(fields).toString(),
    redirect: options.redirect ?? 'follow',
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What the gateway webhook answers: the reply texted back, and the tip's code when one was made. */
export type GatewayAnswer = Record<string, unknown> & { reply?: string | null; trackingCode?: string; issues?: Array<{ field: string; reason: string }> };

/**
 * Texts the local stack as a Vietnamese SMS gateway does: a JSON webhook signed with the gateway
 * secret (`POST /sms/inbound`). `body` sends those exact bytes instead, signed all the same.
 */
export async function sendGatewaySms(
  apiUrl: string,
  message: { from: string; text: string; messageId?: string },
  options: { timestamp?: number; secret?: string; body?: string } = {},
): Promise<{ status: number; json: GatewayAnswer }> {
  const body = options.body ?? JSON.stringify({ messageId: message.messageId ?? randomUUID(), from: message.from, to: '8088', text: message.text, receivedAt: new Date().toISOString() });
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(`${apiUrl}/sms/inbound`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [gatewaySignatureHeaders.timestamp]: String(timestamp),
      [gatewaySignatureHeaders.signature]: signGatewayRequest(options.secret ?? localSecrets.smsGatewaySecret, timestamp, body),
    },
    body,
  });
  return { status: response.status, json: (await response.json()) as GatewayAnswer };
}

/** The cookies a response sets, as a browser would send them back (name=value; …). */
export function cookiesOf(headers: Headers): string {
  return headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
}

/** Follows a form post's 303 like a browser: GET the Location, sending the cookies it set. */
export async function followReceipt(base: string, posted: { status: number; headers: Headers }, path?: string) {
  const location = path ?? posted.headers.get('location');
  if (!location) throw new Error(`No Location in the ${posted.status} answer`);
  const response = await fetch(new URL(location, base), { headers: { cookie: cookiesOf(posted.headers) }, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * How long a test waits for the pipeline to finish something before failing. It bounds a wait;
 * it is not a latency target (those are measured by `npm run bench`), so it is generous enough for
 * a loaded CI machine.
 */
export const waitLimitMs = 10_000;

/** Polls until the check returns a value, or fails after the timeout with the last error. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/**
 * Reads the stored tip behind a tracking code, straight from the table, once the classifier has
 * stored and numbered it.
 */
export async function storedTipByCode(client: DynamoDBClient, tableName: string, trackingCode: string): Promise<Record<string, unknown> | undefined> {
  const documents = DynamoDBDocumentClient.from(client);
  const code = await documents.send(new GetCommand({ TableName: tableName, Key: { PK: `CODE#${trackingCode}`, SK: 'CODE' } }));
  const tipId = code.Item?.tipId as string | undefined;
  if (!tipId) return undefined;
  const tip = await documents.send(new GetCommand({ TableName: tableName, Key: { PK: `TIP#${tipId}`, SK: 'TIP' }, ConsistentRead: true }));
  // The classifier's work is done when the register has numbered the tip, moments after storing it.
  return typeof tip.Item?.registerNumber === 'string' ? tip.Item : undefined;
}

/**
 * Captures the JSON log lines the functions write to stdout while letting the test runner's
 * own output through, so a test can check what the logs contain.
 */
export function captureLogLines(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"level"')) {
      lines.push(text);
      return true;
    }
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return { lines, restore: () => void (process.stdout.write = original) };
}

/** What an officer's API call answers: the status and the parsed JSON body ({} when empty). */
export interface OfficerAnswer {
  readonly status: number;
  readonly json: Record<string, unknown> & { items?: Array<{ id: string }>; tip?: Record<string, unknown>; events?: Array<Record<string, unknown>> };
}

/**
 * Sends a request again after each 503 with Retry-After, waiting as told, as a client does; at
 * most `tries` sends. The answer of a dependency slowed by the suite's load (DynamoDB Local past
 * the SDK's timeouts) is not what a test about permissions or routing checks.
 */
export async function waitingOutUnavailable(send: () => Promise<Response>, tries = 5): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await send();
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status !== 503 || !Number.isInteger(retryAfter) || retryAfter < 1 || attempt === tries) return response;
    await response.arrayBuffer();
    await sleep(retryAfter * 1000);
  }
}

/**
 * Calls the officers' API as a seeded local user (null: with no token), with one token per
 * user for the whole test file, issued by the local stack's identity provider. With
 * `waitOutUnavailable`, a 503 with Retry-After is waited out (waitingOutUnavailable).
 */
export function officerApi(stack: () => { apiUrl: string; identityProvider: { issueToken(username: string): Promise<string> } }, options: { readonly waitOutUnavailable?: boolean } = {}) {
  const tokens = new Map<string, Promise<string>>();
  const token = (username: string) => {
    let issued = tokens.get(username);
    if (!issued) tokens.set(username, (issued = stack().identityProvider.issueToken(username)));
    return issued;
  };
  return async function call(username: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<OfficerAnswer> {
    const sent: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (username) sent.authorization = `Bearer ${await token(username)}`;
    const send = () => fetch(`${stack().apiUrl}${path}`, { method, headers: sent, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const response = options.waitOutUnavailable ? await waitingOutUnavailable(send) : await send();
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as OfficerAnswer['json'] };
  };
}
