/**
 * What the local stack sees that no log line may hold: a citizen's words, phone numbers, and
 * secrets (tipsters' secrets, tokens, cookies, signatures, the stack's own keys). The local stack
 * tells an observer of each one where it enters or leaves (see LocalStackOptions.observeSensitive),
 * so the test suite can prove that none of them reaches a log (test/support/log-capture.ts).
 *
 * Deny by default: every string a caller sends counts as free text unless its field is one the
 * pipeline logs or routes on by design (ids, enumerations), listed below. Production handlers
 * know nothing of this; it runs in the local stack only.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, SQSEvent } from 'aws-lambda';
import type { SqsHandler } from './sqs-poller.ts';
import { normalizePhoneNumber } from '../../shared/sms/phone.ts';
import { canonicalTipSecret } from '../../shared/tip/tracking-code.ts';

/** What a value is, as far as logs are concerned. */
export type SensitiveKind = 'text' | 'phone' | 'secret';

/** Told of each sensitive value the stack sees. */
export type SensitiveObserver = (value: string, kind: SensitiveKind) => void;

/** A tipster's secret as tinbao writes it (`K7M2-9QXD-3HTB-0WZE`, Crockford base32), wherever it stands. */
export const tipSecretPattern = /(?<![0-9A-Za-z])[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}(?![0-9A-Za-z])/g;

/** Fields, headers and cookies whose value is a credential, whatever it looks like. */
const secretName = /secret|token|password|passwd|signature|authorization|cookie|api[-_]?key|credential|^policy$/i;

/**
 * Fields that hold identifiers and enumerations, which the functions log or route on by design
 * (a tip's id, its unit, a provider's message id). Their values are not a citizen's words; a
 * phone number or a secret in one is still caught by its shape.
 */
const notSensitiveFields = new Set([
  // Web and JSON tips, status lookups.
  'unit', 'district', 'lat', 'lon', 'category', 'contactOptIn', 'language', 'lang', 'format', 'code', 'trackingCode',
  // SMS providers: message ids and tinbao's own numbers.
  'messageId', 'MessageSid', 'SmsMessageSid', 'SmsSid', 'AccountSid', 'MessagingServiceSid', 'NumMedia', 'NumSegments', 'SmsStatus', 'ApiVersion',
  'to', 'To', 'destinationNumber', 'inboundMessageId', 'previousPublishedMessageId', 'messageKeyword', 'receivedAt',
  // The intake queue's envelope and the SNS notification around an inbound SMS.
  'v', 'tipId', 'id', 'channel', 'provider', 'alias', 'flags', 'pack', 'urgency', 'method', 'status',
  'Type', 'MessageId', 'TopicArn', 'Timestamp', 'SignatureVersion', 'SigningCertURL', 'UnsubscribeURL',
  // The officers' API: queues, cursors, officers' usernames (the log names who acted), tips' ids, deadlines.
  'queue', 'cursor', 'officer', 'assignee', 'username', 'duplicateOf', 'deadline', 'days', 'suggested', 'limit',
  // S3's event notifications on the scan queue (and its test event): S3's own fields, and the
  // object's key, which tinbao builds from a tip's and an attachment's ids (never a file's name).
  'eventVersion', 'eventSource', 'awsRegion', 'eventTime', 'eventName', 'principalId', 'sourceIPAddress', 'x-amz-request-id', 'x-amz-id-2',
  's3SchemaVersion', 'configurationId', 'arn', 'key', 'eTag', 'sequencer', 'Service', 'Event', 'Time', 'Bucket', 'RequestId', 'HostId',
]);

/** An observation that never throws: a mistake in one must never change what the stack answers. */
function quietly<Args extends unknown[]>(observation: (...args: Args) => void): (...args: Args) => void {
  return (...args) => {
    try {
      observation(...args);
    } catch {
      // Observation is for tests; the request goes on.
    }
  };
}

/** The observer, made harmless: a mistake in it must never change what the stack answers. */
export function harmless(observer: SensitiveObserver | undefined): SensitiveObserver | undefined {
  return observer && quietly(observer);
}

/** What a string in a field is: a phone number or a secret by its shape or field, else text unless the field is an id. */
export function classifyField(field: string | undefined, value: string): SensitiveKind | undefined {
  if (!/\S/.test(value)) return undefined;
  // No phone number or tipster's secret is written in more than 40 characters.
  const short = value.length <= 40;
  if (short && normalizePhoneNumber(value) !== undefined) return 'phone';
  if ((short && canonicalTipSecret(value) !== undefined) || (field !== undefined && secretName.test(field))) return 'secret';
  if (field !== undefined && notSensitiveFields.has(field)) return undefined;
  return 'text';
}

/** Every string in a JSON value with the name of the field holding it (an array's items take the array's name). */
function* jsonLeaves(root: unknown): Generator<[string | undefined, string]> {
  // Iterative: a hostile body may nest twenty thousand levels deep. No tip has ten thousand
  // fields; past them a document is a hostile one's scaffolding, and its raw text is observed whole.
  const pending: Array<[string | undefined, unknown]> = [[undefined, root]];
  for (let visited = 0; pending.length > 0 && visited < 10_000; visited += 1) {
    const [field, value] = pending.pop() as [string | undefined, unknown];
    if (typeof value === 'string') {
      yield [field, value];
      // A JSON document inside a string (SNS wraps the provider's message so) is read too.
      const nested = parseJson(value);
      if (nested !== undefined && typeof nested === 'object') pending.push([field, nested]);
    } else if (typeof value === 'number' && normalizePhoneNumber(String(value)) !== undefined) {
      // A phone number sent as a JSON number.
      yield [field, String(value)];
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push([field, item]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push([key, item]);
    }
  }
}

function parseJson(text: string): unknown {
  // Most strings are no JSON document: tell by their first character, without copying them.
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function observeFields(fields: Iterable<[string | undefined, string]>, observe: SensitiveObserver): void {
  for (const [field, value] of fields) {
    const kind = classifyField(field, value);
    if (kind) observe(value, kind);
  }
}

/**
 * How much of a raw body is noted besides its fields: a handler or logger that writes a body raw
 * (URL-encoded, base64) writes its start; the fields themselves are noted whole.
 */
const rawBodyChars = 1024;

/** A body as a caller sent it: JSON's strings, a form's fields, and its start as written (a handler might log it raw). */
function observeBody(raw: string, observe: SensitiveObserver): void {
  if (!/\S/.test(raw)) return;
  observe(raw.slice(0, rawBodyChars), 'text');
  const json = parseJson(raw);
  if (json !== undefined) observeFields(jsonLeaves(json), observe);
  else if (/^[^\s=&]+=/.test(raw.slice(0, 256))) observeFields(new URLSearchParams(raw), observe);
}

function observeSecretsIn(text: string, observe: SensitiveObserver): void {
  for (const match of text.matchAll(tipSecretPattern)) observe(match[0], 'secret');
}

/** What a request to the API hands the stack: its body, query string, credentials and cookies. */
export const observeRequest = quietly((event: APIGatewayProxyEventV2, observe: SensitiveObserver): void => {
  if (event.body) {
    // The body as the function gets it (base64 for a form post), and as the caller wrote it.
    if (event.isBase64Encoded) observe(event.body.slice(0, rawBodyChars), 'text');
    observeBody(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body, observe);
  }
  if (event.rawQueryString) {
    // Providers may authenticate webhooks by the query string (a token in the URL): all of it is a secret.
    if (event.rawPath.startsWith('/sms/')) observe(event.rawQueryString, 'secret');
    observeFields(Object.entries(event.queryStringParameters ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined), observe);
  }
  for (const [name, value] of Object.entries(event.headers)) {
    if (value && secretName.test(name)) observe(value.replace(/^Bearer\s+/i, ''), 'secret');
  }
  for (const cookie of event.cookies ?? []) {
    const value = cookie.slice(cookie.indexOf('=') + 1);
    if (value) observe(value, 'secret');
  }
});

/** What an answer of the API hands out: secrets (in JSON, pages, receipts), cookies, and phone numbers revealed to officers. */
export const observeResponse = quietly((result: APIGatewayProxyResultV2, observe: SensitiveObserver): void => {
  if (typeof result !== 'object' || result === null) return;
  for (const cookie of result.cookies ?? []) {
    const value = cookie.slice(cookie.indexOf('=') + 1).split(';')[0];
    if (value) observe(value, 'secret');
  }
  if (!result.body) return;
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  observeSecretsIn(body, observe);
  const json = parseJson(body);
  if (json === undefined) return;
  for (const [field, value] of jsonLeaves(json)) {
    const kind = classifyField(field, value);
    // Answers carry the pipeline's own words too (messages, labels); only what identifies counts.
    if (kind === 'phone' || kind === 'secret') observe(value, kind);
  }
});

/** What an SQS event source hands a consumer: each record's body (a poison message is anything at all). */
export const observeQueueRecords = quietly((event: SQSEvent, observe: SensitiveObserver): void => {
  for (const record of event.Records) {
    const json = parseJson(record.body);
    if (json === undefined) observe(record.body, 'text');
    else observeFields(jsonLeaves(json), observe);
  }
});

/** The consumer, telling the observer of each record's body first (none without an observer). */
export function observingRecords(handler: SqsHandler, observe: SensitiveObserver | undefined): SqsHandler {
  if (!observe) return handler;
  return (event, context) => {
    observeQueueRecords(event, observe);
    return handler(event, context);
  };
}

/** What the fake SMS provider carries: a phone's number and words, and tinbao's replies, which hand out secrets. */
export const observeSms = quietly((direction: 'from-phone' | 'to-phone', phone: string, text: string, observe: SensitiveObserver): void => {
  observe(phone, 'phone');
  if (direction === 'from-phone') observe(text, 'text');
  observeSecretsIn(text, observe);
});

/**
 * Fields and query parameters of S3 requests whose values are credentials: a presigned POST's
 * policy (which grants the upload) and signature, a presigned URL's signature, a session token.
 * A SigV4 credential is only the access key id and its scope, and the local one is public.
 */
const s3SecretField = /^(policy|x-amz-signature|x-amz-security-token|signature)$/i;

/** What a request to the local S3 gateway hands the stack: presigned signatures in its query string and its Authorization header. */
export const observeS3Request = quietly((request: { query: URLSearchParams; headers: IncomingHttpHeaders }, observe: SensitiveObserver): void => {
  for (const [name, value] of request.query) if (value && s3SecretField.test(name)) observe(value, 'secret');
  const authorization = request.headers.authorization;
  // The SDK's SigV4 header: only its signature is a secret (its credential scope is the public local key's).
  const signature = typeof authorization === 'string' ? /Signature=([0-9a-f]+)/i.exec(authorization)?.[1] : undefined;
  if (signature) observe(signature, 'secret');
  const token = request.headers['x-amz-security-token'];
  if (typeof token === 'string' && token) observe(token, 'secret');
});

/**
 * What a browser's presigned POST hands the gateway before the file's bytes: the policy and its
 * signature (secrets), and the file's name as the tipster's device called it (their words).
 * The file's bytes are no text and are not noted.
 */
export const observeS3Form = quietly((parts: ReadonlyArray<{ readonly name: string; readonly fileName?: string | undefined; readonly value?: Uint8Array | undefined }>, observe: SensitiveObserver): void => {
  for (const part of parts) {
    if (part.fileName) observe(part.fileName, 'text');
    else if (part.value && s3SecretField.test(part.name)) {
      const value = Buffer.from(part.value).toString('utf8');
      if (value) observe(value, 'secret');
    }
  }
});
