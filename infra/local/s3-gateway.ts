/**
 * The local S3 gateway: the evidence bucket's address in the local stack. fauxqs stores objects
 * and answers S3's API, but it has no bucket configuration: no CORS, no event notifications, and
 * it reads at most 11 MiB of a request. The gateway sits in front of it on 127.0.0.1, forwards
 * every request for the bucket unchanged (bodies streamed both ways, path-style URLs, so the Host
 * does not matter), and plays what the cloud's bucket is configured to do, from the same
 * definition (infra/definitions.ts evidenceBucket):
 *
 * - CORS for the site's origins only: preflights are answered here (403 for any other origin, as
 *   S3 answers), and answers to an allowed origin's POST carry Access-Control-Allow-Origin and
 *   the exposed headers; answers to anyone else carry no CORS header.
 * - Event notifications: after a 2xx answer to a request that created an object under the
 *   notification's prefix (PostObject, PutObject, CopyObject, CompleteMultipartUpload), an S3
 *   event in S3's own JSON goes to the scan queue, with the object's size and ETag read back
 *   from fauxqs. Notifications leave in the order the uploads finished; a failed send is retried
 *   and then logged (ids only), never failing the upload, as S3 notifies after answering. S3's
 *   `s3:TestEvent` goes to the queue once at start, as S3 sends it when the configuration is set.
 * - Uploads larger than fauxqs takes are stored through a staged multipart upload (s3-uploads.ts).
 *
 * A PostObject is told of from its 201 answer, which names the key: tinbao's presigned POSTs ask
 * for `success_action_status` 201. Any other success is forwarded but sends no notification, with
 * a warning, as the key would have to be read from the form.
 *
 * It never logs a request's body, query string or headers: they carry evidence and presigned
 * signatures. Only requests for the bucket are forwarded; SQS, SNS and fauxqs's own pages, on the
 * same emulator port, are not reachable through it (404).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { evidenceBucket } from '../definitions.ts';
import { listenOnLoopback } from './local-routes.ts';
import { localRegion } from './ports.ts';
import {
  defaultRetryDelaysMs,
  errorSummary,
  eventMatches,
  keyIds,
  logNotificationFailure,
  objectCreatedRecord,
  sendWithRetries,
  sequencerSource,
  testEvent,
  type NotificationFailure,
  type ObjectCreatedEvent,
  type SentNotification,
} from './s3-notifications.ts';
import {
  decodeAwsChunked,
  fauxqsRequestLimitBytes,
  formBoundary,
  formParts,
  objectHeadersOfForm,
  objectHeadersOfPut,
  objectPath,
  storeStaged,
  type FormPart,
} from './s3-uploads.ts';
import { observeS3Form, observeS3Request, type SensitiveObserver } from './sensitive-values.ts';

/** The bucket configuration the gateway plays; the evidence bucket's by default. */
export interface S3GatewayBucketConfiguration {
  readonly notification: { readonly events: readonly string[]; readonly prefix: string };
  readonly cors: {
    readonly allowedMethods: readonly string[];
    readonly allowedHeaders: readonly string[];
    readonly exposedHeaders: readonly string[];
    readonly maxAgeSeconds: number;
  };
}

/** Options of startS3Gateway. */
export interface S3GatewayOptions {
  /** fauxqs's endpoint (S3 answers on the same port as SQS and SNS), e.g. `http://127.0.0.1:4566`. */
  readonly upstream: string;
  /** The bucket it serves; requests for anything else get 404. */
  readonly bucket: string;
  /** Origins CORS allows (the site's: locally the API's). Any other origin gets no CORS header. */
  readonly allowedOrigins: readonly string[];
  /** Where event notifications go. */
  readonly notifications: { readonly sqs: SQSClient; readonly queueUrl: string };
  /** The bucket's configuration; `evidenceBucket` of infra/definitions.ts by default. */
  readonly configuration?: S3GatewayBucketConfiguration | undefined;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number | undefined;
  /** Region named in the events (the local stack's by default). */
  readonly region?: string | undefined;
  /** Told of presigned policies and signatures, and of file names (see sensitive-values.ts). */
  readonly observeSensitive?: SensitiveObserver | undefined;
  /** Told of each notification once SQS took it (the test event included). */
  readonly onNotified?: ((notification: SentNotification) => void) | undefined;
  /** Told of each notification given up; a WARN line on stderr by default. */
  readonly onNotificationFailure?: ((failure: NotificationFailure) => void) | undefined;
  /** Waits before each retry of a failed send (default 100, 500 and 2000 ms). */
  readonly retryDelaysMs?: readonly number[] | undefined;
  /** Largest body it buffers to store through staging (default 100 MB); larger is refused as S3 refuses it, 400 EntityTooLarge. */
  readonly maxObjectBytes?: number | undefined;
}

/** A running gateway. */
export interface S3Gateway {
  /** Its URL, `http://127.0.0.1:<port>`: the endpoint to give S3 clients (path-style) and presigned URLs. */
  readonly url: string;
  /** Stops listening, then waits for the notifications already due. */
  close(): Promise<void>;
}

/** Headers that belong to one hop and are not forwarded. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

function xmlError(response: ServerResponse, status: number, code: string, message: string, extra: OutgoingHttpHeaders = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...extra }).end(body);
}

function unescapeXml(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');
}

/** The object a request creates, when it creates one. */
interface Creation {
  readonly eventName: ObjectCreatedEvent;
  /** The key, from the path; a PostObject's is in its form and its 201 answer. */
  readonly key?: string | undefined;
}

/** Tells an object-creating request by its method, path and query, as fauxqs routes it. */
function creationOf(method: string, keyPath: string | undefined, query: URLSearchParams, headers: IncomingHttpHeaders): Creation | undefined {
  if (method === 'POST' && !keyPath && /multipart\/form-data/i.test(headers['content-type'] ?? '')) return { eventName: 'ObjectCreated:Post' };
  if (!keyPath) return undefined;
  if (method === 'POST' && query.has('uploadId')) return { eventName: 'ObjectCreated:CompleteMultipartUpload', key: keyPath };
  if (method === 'PUT' && !query.has('uploadId') && !query.has('partNumber') && !query.has('renameObject')) {
    return { eventName: headers['x-amz-copy-source'] ? 'ObjectCreated:Copy' : 'ObjectCreated:Put', key: keyPath };
  }
  return undefined;
}

/** Reads a whole body, or 'too-large' past the limit (the rest is drained). */
async function readWhole(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? 'too-large' : Buffer.concat(chunks);
}

/** How much of a PostObject's body is kept to read its fields for the observer; the fields come before the file. */
const formPrefixBytes = 64 * 1024;

/** Starts the gateway on 127.0.0.1 and sends S3's test event to the queue. */
export async function startS3Gateway(options: S3GatewayOptions): Promise<S3Gateway> {
  const configuration = options.configuration ?? evidenceBucket;
  const upstream = options.upstream.replace(/\/$/, '');
  const upstreamUrl = new URL(upstream);
  const region = options.region ?? localRegion;
  const allowedOrigins = new Set(options.allowedOrigins);
  const maxObjectBytes = options.maxObjectBytes ?? 100_000_000;
  const retryDelays = options.retryDelaysMs ?? defaultRetryDelaysMs;
  const reportFailure = options.onNotificationFailure ?? logNotificationFailure;
  const observe = options.observeSensitive;
  const nextSequencer = sequencerSource();

  // Notifications leave one after another, in the order their uploads finished.
  let due: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>) => {
    due = due.then(job).catch(() => undefined);
  };
  const send = async (body: SentNotification['body'], failure: Omit<NotificationFailure, 'stage' | 'errorName' | 'attempts'>) => {
    const sent = await sendWithRetries(options.notifications.sqs, options.notifications.queueUrl, body, retryDelays);
    if ('messageId' in sent) options.onNotified?.({ messageId: sent.messageId, body });
    else reportFailure({ stage: 'send', ...failure, ...errorSummary(sent.error), attempts: sent.attempts });
  };

  const notify = (eventName: ObjectCreatedEvent, key: string, answer: { requestId: string; hostId: string }, sourceIp: string) => {
    if (!key.startsWith(configuration.notification.prefix) || !eventMatches(configuration.notification.events, eventName)) return;
    const at = new Date();
    const sequencer = nextSequencer();
    enqueue(async () => {
      const told = { eventName, requestId: answer.requestId, ...keyIds(key) };
      let size: number;
      let eTag: string;
      try {
        const head = await fetch(`${upstream}${objectPath(options.bucket, key)}`, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
        if (!head.ok) throw Object.assign(new Error('no object'), { name: 'NoSuchKey' });
        size = Number(head.headers.get('content-length'));
        eTag = head.headers.get('etag') ?? '';
      } catch (error) {
        reportFailure({ stage: 'head', ...told, ...errorSummary(error), attempts: 1 });
        return;
      }
      const record = objectCreatedRecord({ region, bucket: options.bucket, key, eventName, size, eTag, sequencer, sourceIp, ...answer, at });
      await send({ Records: [record] }, told);
    });
  };

  const corsHeaders = (origin: string | undefined, method: string): OutgoingHttpHeaders => {
    const vary = { vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method' };
    if (origin === undefined || !allowedOrigins.has(origin) || !configuration.cors.allowedMethods.includes(method)) return vary;
    return {
      ...vary,
      'access-control-allow-origin': origin,
      'access-control-allow-methods': configuration.cors.allowedMethods.join(', '),
      'access-control-expose-headers': configuration.cors.exposedHeaders.join(', '),
      'access-control-max-age': String(configuration.cors.maxAgeSeconds),
    };
  };

  const preflight = (request: IncomingMessage, response: ServerResponse) => {
    const origin = request.headers.origin;
    const method = request.headers['access-control-request-method'];
    if (!origin || !method) {
      xmlError(response, 400, 'BadRequest', 'Insufficient information. Origin request header needed.');
      return;
    }
    const requested = (request.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '');
    const allowedHeaders = configuration.cors.allowedHeaders.map((name) => name.toLowerCase());
    const headersAllowed = allowedHeaders.includes('*') || requested.every((name) => allowedHeaders.includes(name));
    const cors = corsHeaders(origin, method);
    if (!headersAllowed || !('access-control-allow-origin' in cors)) {
      xmlError(response, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.', { vary: cors.vary as string });
      return;
    }
    response.writeHead(200, { ...cors, ...(requested.length > 0 && { 'access-control-allow-headers': requested.join(', ') }), 'content-length': 0 }).end();
  };

  /** Forwards the request to fauxqs, the body streamed (or the given bytes), the answer streamed back. */
  const forward = (request: IncomingMessage, response: ServerResponse, cors: OutgoingHttpHeaders, body: Buffer | undefined, creation: Creation | undefined) => {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && !hopByHop.has(name)) headers[name] = value;
    headers.host = upstreamUrl.host;
    if (body !== undefined) headers['content-length'] = body.length;
    const formPrefix: Buffer[] = [];
    let formPrefixSize = 0;
    const isPost = creation?.eventName === 'ObjectCreated:Post';
    const outgoing = httpRequest({ hostname: upstreamUrl.hostname, port: upstreamUrl.port, method: request.method, path: request.url, headers }, (answer) => {
      const answerHeaders: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !hopByHop.has(name)) answerHeaders[name] = value;
      response.writeHead(answer.statusCode ?? 502, { ...answerHeaders, ...cors });
      // A PostObject's 201 answer names the key: a few hundred bytes of XML.
      const answerText: Buffer[] = [];
      let answerSize = 0;
      if (isPost) {
        answer.on('data', (chunk: Buffer) => {
          if (answerSize < formPrefixBytes) answerText.push(chunk);
          answerSize += chunk.length;
        });
      }
      answer.pipe(response);
      answer.once('end', () => {
        const status = answer.statusCode ?? 0;
        if (!creation || status < 200 || status >= 300) return;
        const ids = { requestId: String(answer.headers['x-amz-request-id'] ?? ''), hostId: String(answer.headers['x-amz-id-2'] ?? '') };
        const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
        if (!isPost) {
          notify(creation.eventName, creation.key ?? '', ids, sourceIp);
          return;
        }
        const key = status === 201 ? /<Key>([^<]*)<\/Key>/.exec(Buffer.concat(answerText).toString('utf8'))?.[1] : undefined;
        if (key === undefined) {
          reportFailure({ stage: 'key', eventName: creation.eventName, requestId: ids.requestId, errorName: `PostObjectAnswered${status}`, attempts: 0 });
          return;
        }
        notify(creation.eventName, unescapeXml(key), ids, sourceIp);
      });
    });
    outgoing.once('error', (error) => {
      // fauxqs is down or cut the connection: S3's own answer to a failing backend.
      xmlError(response, 503, 'ServiceUnavailable', `The local S3 emulator did not answer (${errorSummary(error).code ?? errorSummary(error).errorName}).`);
    });
    response.once('close', () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    if (body !== undefined) {
      if (isPost && observe) observeS3Form(formParts(body.subarray(0, formPrefixBytes), formBoundary(request.headers['content-type']) ?? ''), observe);
      outgoing.end(body);
      return;
    }
    if (isPost && observe) {
      request.on('data', (chunk: Buffer) => {
        if (formPrefixSize >= formPrefixBytes) return;
        formPrefix.push(chunk);
        formPrefixSize += chunk.length;
      });
      request.once('end', () => observeS3Form(formParts(Buffer.concat(formPrefix).subarray(0, formPrefixBytes), formBoundary(request.headers['content-type']) ?? ''), observe));
    }
    request.pipe(outgoing);
  };

  /** Stores a body too large for fauxqs through staging, answering as S3 answers a PUT or a POST. */
  const storeLarge = async (request: IncomingMessage, response: ServerResponse, cors: OutgoingHttpHeaders, body: Buffer, creation: Creation) => {
    const requestId = `LOCAL${Date.now().toString(16).toUpperCase()}`;
    const ids = { requestId, hostId: 'tinbao-local-s3-gateway' };
    const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
    if (creation.eventName === 'ObjectCreated:Put') {
      const bytes = /aws-chunked/i.test(String(request.headers['content-encoding'] ?? '')) ? decodeAwsChunked(body) : body;
      const key = creation.key ?? '';
      const eTag = await storeStaged(upstream, options.bucket, key, objectHeadersOfPut(request.headers), bytes);
      response.writeHead(200, { etag: eTag, 'x-amz-request-id': requestId, 'content-length': 0, ...cors }).end();
      notify(creation.eventName, key, ids, sourceIp);
      return;
    }
    const parts: FormPart[] = formParts(body, formBoundary(request.headers['content-type']) ?? '');
    if (observe) observeS3Form(parts, observe);
    const file = parts.find((part) => part.name === 'file' || part.fileName !== undefined);
    const fields = new Map(parts.filter((part) => part !== file && part.value !== undefined).map((part) => [part.name, (part.value as Buffer).toString('utf8')]));
    const keyField = fields.get('key');
    if (!keyField) {
      xmlError(response, 400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.", cors);
      return;
    }
    if (!file?.value) {
      xmlError(response, 400, 'InvalidArgument', 'POST requires exactly one file upload per request.', cors);
      return;
    }
    const key = keyField.replaceAll('${filename}', file.fileName?.split(/[/\\]/).at(-1) ?? '');
    const eTag = await storeStaged(upstream, options.bucket, key, objectHeadersOfForm(fields), file.value);
    const status = [200, 201, 204].includes(Number(fields.get('success_action_status'))) ? Number(fields.get('success_action_status')) : 204;
    const xml =
      status === 201
        ? `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>${options.bucket}</Bucket><Key>${key.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</Key><ETag>${eTag}</ETag></PostResponse>`
        : '';
    response.writeHead(status, { etag: eTag, 'x-amz-request-id': requestId, ...(xml && { 'content-type': 'application/xml' }), 'content-length': Buffer.byteLength(xml), ...cors }).end(xml);
    notify(creation.eventName, key, ids, sourceIp);
  };

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://gateway');
      const method = request.method ?? 'GET';
      const [, bucketSegment = '', ...keySegments] = url.pathname.split('/');
      let bucketName: string;
      let keyPath: string;
      try {
        bucketName = decodeURIComponent(bucketSegment);
        keyPath = keySegments.map((segment) => decodeURIComponent(segment)).join('/');
      } catch {
        xmlError(response, 400, 'InvalidURI', "Couldn't parse the specified URI.");
        return;
      }
      if (bucketName !== options.bucket) {
        xmlError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist');
        return;
      }
      if (observe) observeS3Request({ query: url.searchParams, headers: request.headers }, observe);
      if (method === 'OPTIONS') {
        preflight(request, response);
        return;
      }
      const cors = corsHeaders(request.headers.origin, method);
      const creation = creationOf(method, keyPath || undefined, url.searchParams, request.headers);
      const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
      const mayBeLarge = (creation?.eventName === 'ObjectCreated:Put' || creation?.eventName === 'ObjectCreated:Post') && (declared === undefined || declared > fauxqsRequestLimitBytes);
      if (!creation || !mayBeLarge) {
        forward(request, response, cors, undefined, creation);
        return;
      }
      const body = await readWhole(request, maxObjectBytes);
      if (body === 'too-large') {
        xmlError(response, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', cors);
        return;
      }
      if (body.length <= fauxqsRequestLimitBytes) forward(request, response, cors, body, creation);
      else await storeLarge(request, response, cors, body, creation);
    } catch (error) {
      xmlError(response, 500, 'InternalError', `We encountered an internal error (${errorSummary(error).errorName}). Please try again.`);
    }
  });

  const listening = await listenOnLoopback(server, options.port ?? 0);
  enqueue(() => send(testEvent(options.bucket, new Date()), { eventName: 's3:TestEvent' }));
  return {
    url: listening.url,
    async close() {
      await listening.close();
      await due;
    },
  };
}
