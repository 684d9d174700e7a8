import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../shared/errors.ts';
import { languageFromAcceptHeader, languages, type Language } from '../../shared/i18n.ts';
import { errorText } from '../../shared/messages.ts';

/**
 * Functions refuse request bodies above this size (bytes) with 413. 64 KiB holds the longest tip
 * (5,000 characters, even if each is an emoji escaped in JSON) with room for the other fields.
 * It lives on the runtime side; the CDK app reads it from here where it needs it.
 */
export const maxRequestBodyBytes = 64 * 1024;

/** A request body read according to its content type. */
export type ParsedBody =
  | { readonly format: 'json'; readonly data: unknown; readonly raw: string }
  | { readonly format: 'form'; readonly fields: URLSearchParams; readonly raw: string };

/** Body formats a route may accept. */
export type BodyFormat = ParsedBody['format'];

const mediaTypes: Record<BodyFormat, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
};

/** A header's value, whatever case the client or gateway used for its name. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

function formatOf(event: APIGatewayProxyEventV2): BodyFormat | undefined {
  const mediaType = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType === mediaTypes.json || mediaType?.endsWith('+json')) return 'json';
  if (mediaType === mediaTypes.form) return 'form';
  return undefined;
}

/** The raw body as bytes; API Gateway base64-encodes form posts. */
function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/**
 * Reads the body of a request: 415 for a content type the route does not take, 413 above the
 * limit ({@link maxRequestBodyBytes} unless the route says otherwise), 400 for a body that is
 * not what its content type says.
 */
export function readBody(event: APIGatewayProxyEventV2, options: { accept: readonly BodyFormat[]; maxBytes?: number }): ParsedBody {
  const format = formatOf(event);
  if (format === undefined || !options.accept.includes(format)) {
    throw new UnsupportedMediaTypeError(options.accept.map((accepted) => mediaTypes[accepted]));
  }
  const bytes = bodyBytes(event);
  const maxBytes = options.maxBytes ?? maxRequestBodyBytes;
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  // Invalid UTF-8 becomes U+FFFD here, which is what a browser would have sent for it.
  const text = bytes.toString('utf8');
  if (format === 'form') return { format, fields: new URLSearchParams(text), raw: text };
  if (text.trim() === '') throw new MalformedBodyError(errorText('emptyBody'));
  try {
    return { format, data: JSON.parse(text) as unknown, raw: text };
  } catch {
    throw new MalformedBodyError(errorText('notJson'));
  }
}

/**
 * Whether the caller is a browser form that expects a page back rather than JSON: a form post,
 * unless it asks for JSON and not for HTML (the form's own script, which sends the form's fields
 * as they are and shows the answer in place).
 */
export function wantsHtml(event: APIGatewayProxyEventV2): boolean {
  if (formatOf(event) !== 'form') return false;
  const accept = (header(event, 'accept') ?? '').toLowerCase();
  return !(accept.includes('application/json') && !accept.includes('text/html'));
}

/**
 * The language to answer in: the `language` field of the body when it names one we speak,
 * else the Accept-Language header, else Vietnamese. Never throws, so error pages can use it.
 */
export function requestLanguage(event: APIGatewayProxyEventV2): Language {
  try {
    const text = bodyBytes(event).toString('utf8');
    const format = formatOf(event);
    const declared =
      format === 'form'
        ? new URLSearchParams(text).get('language')
        : format === 'json'
          ? (JSON.parse(text) as { language?: unknown } | null)?.language
          : undefined;
    if (typeof declared === 'string' && (languages as readonly string[]).includes(declared)) return declared as Language;
  } catch {
    // An unreadable body has no language field; fall back to the query and the header.
  }
  const asked = event.queryStringParameters?.lang;
  if (asked !== undefined && (languages as readonly string[]).includes(asked)) return asked as Language;
  return languageFromAcceptHeader(header(event, 'accept-language'));
}
