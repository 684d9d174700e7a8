/**
 * Uploads larger than fauxqs takes in one request, for the local S3 gateway (s3-gateway.ts).
 * fauxqs reads at most 11 MiB of a request body; S3 takes 5 GB in one PUT or POST, and tinbao
 * takes files of 25 MB. The gateway writes such a file as S3 would have stored it: a multipart
 * upload to a staging key (parts of 8 MiB, each within fauxqs's limit), then one copy to the key
 * the client named, so the object has the single-request ETag (the MD5 of its bytes) a real PUT
 * or POST gives, and a request for the key sees the whole object or nothing.
 */
import { randomUUID } from 'node:crypto';

/** fauxqs's body limit (Fastify's bodyLimit in fauxqs 2.4: 11 MiB), with room for a form's fields. */
export const fauxqsRequestLimitBytes = 10 * 1024 * 1024;

/** Parts of a staged upload: at least S3's 5 MiB minimum, within fauxqs's limit. */
const partBytes = 8 * 1024 * 1024;

/** Where staged uploads wait for their copy; outside every prefix that notifies, and expired with the rest. */
const stagingPrefix = '.tinbao-local-gateway-staging/';

/** A part of a multipart/form-data body. */
export interface FormPart {
  readonly name: string;
  /** The file name the browser sent with a file part. */
  readonly fileName?: string | undefined;
  /** The part's bytes; undefined when the body ends before the part does (a prefix of a body). */
  readonly value?: Buffer | undefined;
}

/** The boundary of a multipart/form-data content type. */
export function formBoundary(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

/**
 * The parts of a multipart/form-data body, in order, up to and including the first file part
 * (S3 ignores fields after the file). Works on a prefix of a body too: a part the prefix cuts
 * short has a name (and file name) but no value.
 */
export function formParts(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const headersStart = position + delimiter.length + 2;
    if (body.subarray(position + delimiter.length, position + delimiter.length + 2).toString('latin1') === '--') break;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd === -1) break;
    const headers = body.subarray(headersStart, headersEnd).toString('utf8');
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const fileName = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    const valueStart = headersEnd + 4;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), valueStart);
    const value = next === -1 ? undefined : body.subarray(valueStart, next);
    if (name !== undefined) parts.push({ name, fileName, value });
    if (name === 'file' || fileName !== undefined || next === -1) break;
    position = next + 2;
  }
  return parts;
}

/** Decodes a body sent with `Content-Encoding: aws-chunked` (the SDK's streamed uploads), trailers dropped. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size <= 0) break;
    chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(chunks);
}

/** What a staged object carries besides its bytes: the headers fauxqs stores with an object. */
export type ObjectHeaders = Record<string, string>;

/** The headers of a PUT that describe the object (type, disposition, user metadata), for its staged copy. */
export function objectHeadersOfPut(headers: Record<string, string | string[] | undefined>): ObjectHeaders {
  const kept: ObjectHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    const lower = name.toLowerCase();
    if (['content-type', 'content-disposition', 'cache-control', 'content-language'].includes(lower) || lower.startsWith('x-amz-meta-')) kept[lower] = value;
    if (lower === 'content-encoding') {
      const encodings = value.split(',').map((encoding) => encoding.trim()).filter((encoding) => encoding !== '' && encoding !== 'aws-chunked');
      if (encodings.length > 0) kept[lower] = encodings.join(', ');
    }
  }
  return kept;
}

/** The headers a POST's form fields give the object, as S3 (and fauxqs) read them. */
export function objectHeadersOfForm(fields: ReadonlyMap<string, string>): ObjectHeaders {
  const kept: ObjectHeaders = { 'content-type': fields.get('Content-Type') ?? 'binary/octet-stream' };
  for (const [name, value] of fields) {
    const lower = name.toLowerCase();
    if (['content-disposition', 'cache-control', 'content-encoding'].includes(lower) || lower.startsWith('x-amz-meta-')) kept[lower] = value;
  }
  return kept;
}

/** A path-style path of a key, each segment encoded. */
export function objectPath(bucket: string, key: string): string {
  return `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

async function call(upstream: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Response> {
  // A Buffer is a Uint8Array over an ArrayBuffer here (never a SharedArrayBuffer), which fetch sends as is.
  const bytes = body as Uint8Array<ArrayBuffer> | undefined;
  const response = await fetch(`${upstream}${path}`, { method, headers, ...(bytes !== undefined && { body: bytes }), signal: AbortSignal.timeout(30_000) });
  if (!response.ok) {
    await response.arrayBuffer();
    throw Object.assign(new Error(`fauxqs answered ${response.status} to a staged upload`), { name: 'StagedUploadError', status: response.status });
  }
  return response;
}

/**
 * Stores `bytes` at `key` through a staging key (see the file's comment); answers the object's
 * ETag as S3 answers it (quoted). A failure leaves no object at `key` and is thrown.
 */
export async function storeStaged(upstream: string, bucket: string, key: string, headers: ObjectHeaders, bytes: Buffer): Promise<string> {
  const staging = objectPath(bucket, `${stagingPrefix}${randomUUID()}`);
  const created = await (await call(upstream, 'POST', `${staging}?uploads`, headers)).text();
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1];
  if (!uploadId) throw Object.assign(new Error('no upload id'), { name: 'StagedUploadError' });
  try {
    const parts: string[] = [];
    for (let offset = 0, number = 1; offset < bytes.length || number === 1; offset += partBytes, number += 1) {
      const part = await call(upstream, 'PUT', `${staging}?partNumber=${number}&uploadId=${encodeURIComponent(uploadId)}`, {}, bytes.subarray(offset, offset + partBytes));
      parts.push(`<Part><PartNumber>${number}</PartNumber><ETag>${part.headers.get('etag') ?? ''}</ETag></Part>`);
    }
    await (await call(upstream, 'POST', `${staging}?uploadId=${encodeURIComponent(uploadId)}`, { 'content-type': 'application/xml' }, Buffer.from(`<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`))).arrayBuffer();
  } catch (error) {
    await fetch(`${upstream}${staging}?uploadId=${encodeURIComponent(uploadId)}`, { method: 'DELETE' }).then((answer) => answer.arrayBuffer()).catch(() => undefined);
    throw error;
  }
  try {
    // fauxqs's copy hashes the bytes again: the object gets the MD5 ETag of a single-request upload.
    const copied = await (await call(upstream, 'PUT', objectPath(bucket, key), { 'x-amz-copy-source': staging })).text();
    const eTag = /<ETag>([^<]+)<\/ETag>/.exec(copied)?.[1];
    if (!eTag) throw Object.assign(new Error('no ETag'), { name: 'StagedUploadError' });
    return eTag.replaceAll('&quot;', '"');
  } finally {
    await fetch(`${upstream}${staging}`, { method: 'DELETE' }).then((answer) => answer.arrayBuffer()).catch(() => undefined);
  }
}
