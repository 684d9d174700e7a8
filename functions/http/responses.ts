import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Headers every answer carries: no caching of tip data. The security headers (CSP, nosniff, no
 * framing, no referrer…) are the securityHeaders middleware's, on success and error answers alike.
 */
const baseHeaders = {
  'cache-control': 'no-store',
} as const;

/** A JSON answer. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { ...baseHeaders, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** An HTML page answer. */
export function htmlResponse(statusCode: number, html: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      ...baseHeaders,
      'content-type': 'text/html; charset=utf-8',
    },
    body: html,
  };
}

/** 303 See Other: after a form post, the browser GETs the answer, so a reload never posts again. */
export function redirectResponse(location: string, cookies: readonly string[] = []): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 303,
    headers: { ...baseHeaders, location },
    ...(cookies.length > 0 && { cookies: [...cookies] }),
  };
}

/** A plain-text file for the browser to save. */
export function textResponse(body: string, filename: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 200,
    headers: {
      ...baseHeaders,
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    },
    body,
  };
}
