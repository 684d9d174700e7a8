/**
 * Forged officer tokens get nothing on any officer route (issue 11, authorisation): a token with
 * `alg: none`, one signed by another key with the same `kid`, one signed with the HMAC of the
 * public key (algorithm confusion), an expired one, and one whose claims were edited after
 * signing. Every officer route of infra/definitions.ts answers each with 401 and no tip data.
 */
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { apiRoutes } from '../../infra/definitions.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;
let genuine: string;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'SILENT' });
  genuine = await stack.identityProvider.issueToken('supervisor');
});

afterAll(async () => {
  await stack?.stop();
});

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Forgeries built from a genuine supervisor's token, so each differs from it in one way only. */
async function forgeries(): Promise<Record<string, string>> {
  const header = decodeProtectedHeader(genuine);
  const claims = decodeJwt(genuine);
  const [encodedHeader, encodedClaims, signature] = genuine.split('.') as [string, string, string];
  const { privateKey } = await generateKeyPair('RS256');
  const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: String(header.kid) }).sign(privateKey);
  const jwks = (await (await fetch(`${stack.localUrl}/_local/idp/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
  const publicJwk = JSON.stringify(jwks.keys[0] ?? (await exportJWK(privateKey)));
  const hsHeader = base64url({ alg: 'HS256', kid: header.kid, typ: 'JWT' });
  const hsSignature = createHmac('sha256', publicJwk).update(`${hsHeader}.${encodedClaims}`).digest('base64url');
  return {
    'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${encodedClaims}.`,
    'alg none, genuine signature kept': `${base64url({ alg: 'none', kid: header.kid })}.${encodedClaims}.${signature}`,
    'signed by another key with the same kid': otherKey,
    'HS256 keyed with the public key': `${hsHeader}.${encodedClaims}.${hsSignature}`,
    'claims edited after signing': `${encodedHeader}.${base64url({ ...claims, username: 'desk', 'cognito:groups': ['city-desk', 'supervisor'] })}.${signature}`,
    'expired': await stack.identityProvider.issueToken('supervisor', { expiresInSeconds: -60 }),
    'not a JWT': 'eyJhbGciOiJSUzI1NiJ9',
    'empty bearer': '',
  };
}

describe('forged officer tokens', () => {
  it('get 401 and nothing else on every officer route', async () => {
    const routes = apiRoutes.filter((route) => route.auth === 'officer');
    assert.ok(routes.length > 10);
    const tokens = await forgeries();
    const genuineAnswer = await fetch(`${stack.apiUrl}/queue?queue=CITY`, { headers: { authorization: `Bearer ${genuine}` } });
    assert.equal(genuineAnswer.status, 200, 'the genuine token works, so a 401 below is the forgery');
    for (const route of routes) {
      const path = route.path.replace('{id}', 'TIP-ID') + (route.path.startsWith('/queue') ? '?queue=CITY' : '');
      for (const [what, token] of Object.entries(tokens)) {
        const response = await fetch(`${stack.apiUrl}${path}`, {
          method: route.method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(route.method === 'POST' && { body: '{}' }),
        });
        const body = (await response.json()) as Record<string, unknown>;
        assert.equal(response.status, 401, `${route.method} ${route.path} with ${what}`);
        assert.deepEqual(Object.keys(body).sort(), ['error', 'message'], `${route.method} ${route.path} with ${what}: only the refusal`);
      }
    }
  });
});
