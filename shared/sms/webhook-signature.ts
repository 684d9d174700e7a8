import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of the generic SMS gateway webhook. */
export const gatewaySignatureHeaders = {
  timestamp: 'x-tinbao-timestamp',
  signature: 'x-tinbao-signature',
} as const;

/** A request is refused when its timestamp is further than this from our clock (replay window). */
export const maxClockSkewSeconds = 5 * 60;

const scheme = 'v1=';

/**
 * Signs a gateway request: HMAC-SHA256 over `<unix seconds>.<raw body>`, hex, prefixed `v1=`.
 * The timestamp is inside the MAC so a captured request cannot be replayed later.
 */
export function signGatewayRequest(secret: string, timestampSeconds: number, rawBody: string): string {
  return scheme + createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`, 'utf8').digest('hex');
}

/** Why a gateway request's signature was refused. */
export type SignatureProblem = 'missing_signature' | 'missing_timestamp' | 'malformed_timestamp' | 'stale_timestamp' | 'bad_signature';

/**
 * Checks a gateway request's signature and freshness; returns the problem, or undefined when
 * the request is authentic. Comparison takes the same time whatever the signature.
 */
export function verifyGatewayRequest(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  nowSeconds: number,
): SignatureProblem | undefined {
  if (!headers.signature) return 'missing_signature';
  if (!headers.timestamp) return 'missing_timestamp';
  if (!/^\d{1,12}$/.test(headers.timestamp.trim())) return 'malformed_timestamp';
  const timestamp = Number(headers.timestamp.trim());
  if (Math.abs(nowSeconds - timestamp) > maxClockSkewSeconds) return 'stale_timestamp';
  const expected = Buffer.from(signGatewayRequest(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature.trim());
  const comparable = given.length === expected.length ? given : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, comparable) && given.length === expected.length ? undefined : 'bad_signature';
}

/** The headers that sign a gateway request body now: what a gateway (or tinbao, calling one) sends. */
export function gatewaySignatureHeadersFor(secret: string, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    [gatewaySignatureHeaders.timestamp]: String(nowSeconds),
    [gatewaySignatureHeaders.signature]: signGatewayRequest(secret, nowSeconds, rawBody),
  };
}
