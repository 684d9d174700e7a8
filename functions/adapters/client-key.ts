import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { header } from '../http/request.ts';

/**
 * The address a request came from, as far as it can be told: behind CloudFront the API sees an
 * edge server, and CloudFront appends the viewer's address to X-Forwarded-For, so the last entry
 * that is not the peer itself is taken. A client talking to the API directly can write its own
 * X-Forwarded-For, so the key it gives only slows down a client that does not try to hide; the
 * per-code limit and the secret's entropy are what bound guessing.
 */
export function clientAddress(event: APIGatewayProxyEventV2): string {
  const peer = event.requestContext?.http?.sourceIp ?? '';
  const forwarded = (header(event, 'x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && entry !== peer);
  return forwarded.at(-1) ?? peer;
}

/**
 * A short keyed hash of the client's address for rate-limit counters: the address itself is
 * never stored (the counters live an hour or two in the tips table), and without the key the
 * hash cannot be turned back into an address by trying them all.
 */
export function createClientKeys(pepper: string): (event: APIGatewayProxyEventV2) => string {
  return (event) => createHmac('sha256', `client:${pepper}`).update(clientAddress(event), 'utf8').digest('base64url').slice(0, 16);
}
