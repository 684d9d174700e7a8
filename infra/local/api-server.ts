import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { apiRoutes, matchRoutePath, type FunctionName } from '../definitions.ts';
import { readBodyUpTo } from './http-body.ts';
import { invoke } from './lambda-context.ts';
import { pageHeaderValuesFor } from '../../functions/http/security-headers.ts';

/** A Lambda handler for HTTP API events, as the functions export it. */
export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** A static page the local server answers GET requests with. */
export type PageRenderer = () => string;

/** API Gateway's own payload limit; above it the gateway answers 413 before any function runs. */
const gatewayPayloadLimitBytes = 10 * 1024 * 1024;

/** Content types API Gateway passes as text; other bodies reach the function base64-encoded. */
function isTextContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType.startsWith('text/') || mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === 'application/xml';
}


/** Builds the API Gateway HTTP API (payload v2) event for a request, as the real gateway would. */
export function toApiGatewayEvent(request: IncomingMessage, body: Buffer, routeKey: string, url: URL, pathParameters: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway tells functions the scheme the client used; locally that is plain HTTP.
  headers['x-forwarded-proto'] ??= 'http';
  const now = new Date();
  const text = isTextContentType(headers['content-type']);
  const query = Object.fromEntries(url.searchParams);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    ...(Object.keys(pathParameters).length > 0 && { pathParameters }),
    ...(headers.cookie && { cookies: headers.cookie.split(';').map((cookie) => cookie.trim()) }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body.length > 0 && !text,
    ...(body.length > 0 && { body: text ? body.toString('utf8') : body.toString('base64') }),
  };
}

function sendResult(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || result === undefined || result === null || !('statusCode' in result)) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode ?? 200, headers).end(body);
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * The pages rendered here get every answer's security headers, as the functions send them, with
 * the origins the form's script may post files to (the local S3 gateway) in their policy.
 */
function pageHeadersFor(uploadOrigins: readonly string[]): Record<string, string> {
  return { ...pageHeaderValuesFor(uploadOrigins), 'content-type': 'text/html; charset=utf-8' };
}

/**
 * Serves the HTTP API's routes by invoking the real handlers with API Gateway v2 events, and the
 * citizen pages. Unknown routes get API Gateway's own 404 answer.
 */
export function createApiServer(
  handlers: Partial<Record<FunctionName, HttpHandler>>,
  pages: Record<string, PageRenderer>,
  hooks: {
    /** Serves local-only routes (the fake SMS provider); returns false to fall through. */
    readonly extraRoutes?: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;
    /** Sees each API event before its handler does (the fake provider notes what phones sent). */
    readonly observe?: (event: APIGatewayProxyEventV2) => void;
    /** Sees each handler's answer before the caller does (what it hands out: secrets, cookies). */
    readonly observeResult?: (event: APIGatewayProxyEventV2, result: APIGatewayProxyResultV2) => void;
    /** Where the pages' script may post evidence files (the S3 gateway, known once it listens); none by default. */
    readonly uploadOrigins?: () => readonly string[];
  } = {},
): Server {
  let pageHeaders: { origins: readonly string[]; headers: Record<string, string> } | undefined;
  const currentPageHeaders = () => {
    const origins = hooks.uploadOrigins?.() ?? [];
    if (pageHeaders?.origins !== origins) pageHeaders = { origins, headers: pageHeadersFor(origins) };
    return pageHeaders.headers;
  };
  return createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      if (hooks.extraRoutes && (await hooks.extraRoutes(request, response, url))) return;
      const page = pages[url.pathname.replace(/\/$/, '') || '/'];
      if ((method === 'GET' || method === 'HEAD') && page) {
        response.writeHead(200, currentPageHeaders()).end(method === 'HEAD' ? undefined : page());
        return;
      }
      // Like API Gateway, a static path wins over one with parameters.
      const candidates = apiRoutes
        .filter((candidate) => candidate.method === method)
        .map((candidate) => ({ route: candidate, parameters: matchRoutePath(candidate.path, url.pathname) }))
        .filter((match) => match.parameters !== undefined)
        .sort((a, b) => Object.keys(a.parameters ?? {}).length - Object.keys(b.parameters ?? {}).length);
      const route = candidates[0]?.route;
      const handler = route ? handlers[route.function] : undefined;
      if (!route || !handler) {
        sendJson(response, 404, { message: 'Not Found' });
        return;
      }
      const body = await readBodyUpTo(request, gatewayPayloadLimitBytes);
      if (body === 'too-large') {
        sendJson(response, 413, { message: 'Request Entity Too Large' });
        return;
      }
      const event = toApiGatewayEvent(request, body, `${route.method} ${route.path}`, url, candidates[0]?.parameters ?? {});
      hooks.observe?.(event);
      const result = await invoke(route.function, handler, event);
      hooks.observeResult?.(event, result);
      sendResult(response, result);
    } catch {
      // What API Gateway answers when the function itself crashes.
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
      else response.end();
    }
  });
}
