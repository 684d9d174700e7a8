import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateKeyPair, SignJWT } from 'jose';
import { createOfficerAuthenticator, officerAuthSettings, officerIssuerForCognito, type OfficerAuthenticator } from '../../functions/adapters/officer-auth.ts';
import { requireOfficer, type OfficerContext } from '../../functions/http/officer-auth.ts';
import {
  createLocalIdentityProvider,
  localOfficerClientId,
  localOfficerPassword,
  localSubject,
  seededOfficers,
  type LocalIdentityProvider,
} from '../../infra/local/identity-provider.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { UnauthorizedError } from '../../shared/errors.ts';
import type { Officer } from '../../shared/officers/model.ts';

/** Runs the identity provider's routes alone on a loopback port, as the local API server would. */
async function startIdentityProvider(): Promise<{ server: Server; provider: LocalIdentityProvider; baseUrl: string }> {
  // The issuer names the port, so the provider is created once the server listens.
  const routes: { provider?: LocalIdentityProvider } = {};
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!routes.provider || !(await routes.provider.handle(request, response, url))) response.writeHead(404).end();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = await createLocalIdentityProvider({ issuer: `${baseUrl}/_local/idp` });
  routes.provider = provider;
  return { server, provider, baseUrl };
}

function stopServer(server: Server): Promise<void> {
  return new Promise((closed) => {
    server.closeAllConnections();
    server.close(() => closed());
  });
}

/** Asserts that the header is refused with this code, and that the error does not quote the token. */
async function assertRefused(authenticator: OfficerAuthenticator, header: string | undefined, code: string): Promise<void> {
  await assert.rejects(authenticator.authenticate(header), (error: unknown) => {
    assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${String(error)}`);
    assert.equal(error.statusCode, 401);
    assert.equal(error.code, code);
    const token = header?.split(/\s+/)[1];
    if (token) assert.ok(!error.message.includes(token), 'the error must not echo the token');
    return true;
  });
}

const unitCodes = jurisdiction('hcmc-2025').unitCodes;

describe('officer sign-in with the local identity provider', () => {
  let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
  let authenticator: OfficerAuthenticator;

  beforeAll(async () => {
    idp = await startIdentityProvider();
    // The way a function builds it from its environment at cold start.
    authenticator = createOfficerAuthenticator(officerAuthSettings({ OFFICER_JWT_ISSUER: idp.provider.issuer, OFFICER_CLIENT_ID: localOfficerClientId }));
  });
  afterAll(() => stopServer(idp.server));

  it('seeds one officer per unit of the map in force, a second officer of 26743, the city desk and a supervisor', () => {
    const seeded = seededOfficers();
    const names = seeded.map((user) => user.username);
    assert.equal(unitCodes.length, 168);
    assert.equal(seeded.length, 171);
    assert.equal(new Set(names).size, names.length);
    for (const code of unitCodes) assert.ok(names.includes(`officer-${code}`));
    assert.ok(names.includes('officer-26743b') && names.includes('desk') && names.includes('supervisor'));
    assert.deepEqual(idp.provider.users, seeded, 'the provider seeds the map in force by default');
  });

  it('seeds the districts of the old map for a stack of the hcmc-2021 pack', async () => {
    const seeded = seededOfficers('hcmc-2021');
    const names = seeded.map((user) => user.username);
    const districtCodes = jurisdiction('hcmc-2021').unitCodes;
    assert.equal(districtCodes.length, 22);
    assert.equal(seeded.length, 25);
    for (const code of districtCodes) assert.ok(names.includes(`officer-${code}`));
    assert.deepEqual(seeded.find((user) => user.username === 'officer-770')?.groups, ['unit-770']);
    assert.ok(names.includes('officer-760b') && names.includes('desk') && names.includes('supervisor'));
    const oldMap = await createLocalIdentityProvider({ issuer: idp.provider.issuer, pack: 'hcmc-2021' });
    assert.deepEqual(oldMap.users, seeded);
    await assert.rejects(oldMap.issueToken('officer-27154'), /No local officer "officer-27154"/);
  });

  it('serves its public key as a JWKS at the default location', async () => {
    assert.equal(idp.provider.jwksUri, `${idp.baseUrl}/_local/idp/.well-known/jwks.json`);
    const response = await fetch(idp.provider.jwksUri);
    assert.equal(response.status, 200);
    const jwks = (await response.json()) as { keys: Array<Record<string, string>> };
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.equal(key?.kty, 'RSA');
    assert.equal(key?.alg, 'RS256');
    assert.equal(key?.use, 'sig');
    assert.ok(key?.kid);
    assert.equal(key?.d, undefined, 'never the private key');
  });

  it('issues Cognito-style access tokens at the token endpoint, for JSON and form bodies', async () => {
    const viaJson = await fetch(`${idp.baseUrl}/_local/idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer-26743', password: localOfficerPassword }),
    });
    assert.equal(viaJson.status, 200);
    const answer = (await viaJson.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(answer.token_type, 'Bearer');
    assert.equal(answer.expires_in, 3600);
    const [header, payload] = answer.access_token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    assert.equal(header?.alg, 'RS256');
    assert.ok(header?.kid);
    assert.equal(payload?.iss, idp.provider.issuer);
    assert.equal(payload?.token_use, 'access');
    assert.equal(payload?.client_id, 'tinbao-local-console');
    assert.equal(payload?.scope, 'openid');
    assert.equal(payload?.username, 'officer-26743');
    assert.deepEqual(payload?.['cognito:groups'], ['unit-26743']);
    assert.equal(payload?.sub, localSubject('officer-26743'));
    assert.match(String(payload?.sub), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(payload?.exp, (payload?.iat as number) + 3600);
    assert.equal(typeof payload?.auth_time, 'number');
    assert.equal(typeof payload?.jti, 'string');
    assert.equal(payload?.aud, undefined, 'access tokens carry client_id, not aud');
    assert.equal((await authenticator.authenticate(`Bearer ${answer.access_token}`)).username, 'officer-26743');

    const viaForm = await fetch(`${idp.baseUrl}/_local/idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'desk', password: localOfficerPassword }).toString(),
    });
    assert.equal(viaForm.status, 200);
    const formAnswer = (await viaForm.json()) as { access_token: string };
    assert.equal((await authenticator.authenticate(`Bearer ${formAnswer.access_token}`)).cityDesk, true);
  });

  it('refuses a wrong password and an unknown user alike, with 401', async () => {
    for (const credentials of [
      { username: 'officer-26743', password: 'wrong' },
      { username: 'officer-999', password: localOfficerPassword },
      // A district officer of the old map is no user of a stack on the map in force.
      { username: 'officer-770', password: localOfficerPassword },
    ]) {
      const response = await fetch(`${idp.baseUrl}/_local/idp/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
      assert.equal(response.status, 401, credentials.username);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(await response.json(), { error: 'invalid_grant', message: 'Incorrect username or password.' });
    }
  });

  it('answers 400 to a token request without credentials and 405 to a GET', async () => {
    const empty = await fetch(`${idp.baseUrl}/_local/idp/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(empty.status, 400);
    const garbage = await fetch(`${idp.baseUrl}/_local/idp/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    assert.equal(garbage.status, 400);
    const get = await fetch(`${idp.baseUrl}/_local/idp/token`);
    assert.equal(get.status, 405);
  });

  it('leaves other paths to the rest of the server', async () => {
    assert.equal((await fetch(`${idp.baseUrl}/tips`)).status, 404);
    assert.equal((await fetch(`${idp.baseUrl}/_local/idpx`)).status, 404);
  });

  it('maps a token of each seeded kind to the right officer', async () => {
    const expectations: Array<[string, Omit<Officer, 'id'>]> = [
      ['officer-26743', { username: 'officer-26743', units: ['26743'], cityDesk: false, supervisor: false }],
      ['officer-26743b', { username: 'officer-26743b', units: ['26743'], cityDesk: false, supervisor: false }],
      ['desk', { username: 'desk', units: [], cityDesk: true, supervisor: false }],
      ['supervisor', { username: 'supervisor', units: [], cityDesk: true, supervisor: true }],
    ];
    for (const code of unitCodes) expectations.push([`officer-${code}`, { username: `officer-${code}`, units: [code], cityDesk: false, supervisor: false }]);
    for (const [username, expected] of expectations) {
      const officer = await authenticator.authenticate(`Bearer ${await idp.provider.issueToken(username)}`);
      assert.deepEqual(officer, { id: localSubject(username), ...expected }, username);
    }
    const first = await authenticator.authenticate(`Bearer ${await idp.provider.issueToken('officer-26743')}`);
    const second = await authenticator.authenticate(`Bearer ${await idp.provider.issueToken('officer-26743b')}`);
    assert.notEqual(first.id, second.id, 'two officers of one unit are two subjects');
  });

  it('accepts the scheme in any case and surrounding spaces', async () => {
    const token = await idp.provider.issueToken('officer-27154');
    assert.equal((await authenticator.authenticate(`bearer ${token}`)).username, 'officer-27154');
    assert.equal((await authenticator.authenticate(`  Bearer   ${token} `)).username, 'officer-27154');
  });

  it('refuses a missing header, another scheme and garbage', async () => {
    await assertRefused(authenticator, undefined, 'missing_token');
    await assertRefused(authenticator, '', 'missing_token');
    await assertRefused(authenticator, 'Bearer', 'missing_token');
    await assertRefused(authenticator, `Basic ${Buffer.from(`officer-26743:${localOfficerPassword}`).toString('base64')}`, 'missing_token');
    await assertRefused(authenticator, `Token ${await idp.provider.issueToken('officer-26743')}`, 'missing_token');
    await assertRefused(authenticator, 'Bearer not-a-jwt', 'invalid_token');
    await assertRefused(authenticator, 'Bearer aaa.bbb.ccc', 'invalid_token');
    const [header, payload] = (await idp.provider.issueToken('officer-26743')).split('.');
    await assertRefused(authenticator, `Bearer ${header}.${payload}.`, 'invalid_token');
    await assertRefused(authenticator, `Bearer ${header}.${payload}.${Buffer.from('forged').toString('base64url')}`, 'invalid_token');
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [header, payload, signature] = (await idp.provider.issueToken('officer-26743')).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const promoted = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['supervisor', 'city-desk'] })).toString('base64url');
    await assertRefused(authenticator, `Bearer ${header}.${promoted}.${signature}`, 'invalid_token');
  });

  it('refuses a token signed by another identity provider with the same issuer', async () => {
    const impostor = await createLocalIdentityProvider({ issuer: idp.provider.issuer });
    await assertRefused(authenticator, `Bearer ${await impostor.issueToken('supervisor')}`, 'invalid_token');
  });

  it("refuses a token signed by another key under the provider's key id", async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const kid = idp.provider.jwks.keys[0]?.kid;
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({
      sub: localSubject('supervisor'),
      'cognito:groups': ['supervisor', 'city-desk'],
      iss: idp.provider.issuer,
      client_id: localOfficerClientId,
      token_use: 'access',
      scope: 'openid',
      auth_time: now,
      iat: now,
      exp: now + 3600,
      jti: 'forged',
      username: 'supervisor',
    })
      .setProtectedHeader({ alg: 'RS256', ...(kid && { kid }) })
      .sign(privateKey);
    await assertRefused(authenticator, `Bearer ${forged}`, 'invalid_token');
  });

  it('refuses a token signed with HMAC or not signed at all', async () => {
    const kid = idp.provider.jwks.keys[0]?.kid ?? '';
    const claims = Buffer.from(JSON.stringify({ iss: idp.provider.issuer, token_use: 'access', client_id: localOfficerClientId, sub: 'x', username: 'x', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    const hmac = await new SignJWT(JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256', kid })
      .sign(new TextEncoder().encode(JSON.stringify(idp.provider.jwks.keys[0])));
    await assertRefused(authenticator, `Bearer ${hmac}`, 'invalid_token');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${claims}.`;
    await assertRefused(authenticator, `Bearer ${none}`, 'invalid_token');
  });

  it('refuses an expired token, and says it expired', async () => {
    const expired = await idp.provider.issueToken('officer-26743', { issuedAt: new Date(Date.now() - 2 * 3600_000) });
    await assertRefused(authenticator, `Bearer ${expired}`, 'invalid_token');
    await assert.rejects(authenticator.authenticate(`Bearer ${expired}`), /expired/);
    const shortLived = await idp.provider.issueToken('officer-26743', { expiresInSeconds: -1 });
    await assertRefused(authenticator, `Bearer ${shortLived}`, 'invalid_token');
  });

  it('refuses a token that never expires', async () => {
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { exp: undefined } })}`, 'invalid_token');
  });

  it('refuses a token issued to another app client', async () => {
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { client_id: 'another-app' } })}`, 'invalid_token');
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { client_id: undefined } })}`, 'invalid_token');
  });

  it('refuses an ID token', async () => {
    const idToken = await idp.provider.issueToken('officer-26743', {
      claims: { token_use: 'id', aud: localOfficerClientId, client_id: undefined, scope: undefined, username: undefined, 'cognito:username': 'officer-26743' },
    });
    await assertRefused(authenticator, `Bearer ${idToken}`, 'invalid_token');
    // Even one that also carries the access token's claims.
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { token_use: 'id' } })}`, 'invalid_token');
  });

  it('refuses a token from another issuer, even when its signature is good', async () => {
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { iss: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_other' } })}`, 'invalid_token');
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { iss: undefined } })}`, 'invalid_token');
  });

  it('refuses a token without username or subject', async () => {
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { username: undefined } })}`, 'invalid_token');
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { sub: undefined } })}`, 'invalid_token');
    await assertRefused(authenticator, `Bearer ${await idp.provider.issueToken('officer-26743', { claims: { 'cognito:groups': 'supervisor' } })}`, 'invalid_token');
  });

  it('reads an officer in no group as one with no rights', async () => {
    const officer = await authenticator.authenticate(`Bearer ${await idp.provider.issueToken('officer-26743', { claims: { 'cognito:groups': undefined } })}`);
    assert.deepEqual(officer, { id: localSubject('officer-26743'), username: 'officer-26743', units: [], cityDesk: false, supervisor: false });
  });

  it('fails as a server error, not a 401, when the JWKS cannot be fetched', async () => {
    const unreachable = createOfficerAuthenticator({ issuer: idp.provider.issuer, jwksUri: `${idp.baseUrl}/_local/idp/missing.json`, clientId: localOfficerClientId });
    await assert.rejects(unreachable.authenticate(`Bearer ${await idp.provider.issueToken('officer-26743')}`), (error: unknown) => {
      assert.ok(!(error instanceof UnauthorizedError));
      return true;
    });
  });
});

describe('officer authenticator settings', () => {
  it('allow plain HTTP only to this machine', () => {
    const settings = { issuer: 'http://127.0.0.1:3000/_local/idp', jwksUri: 'http://127.0.0.1:3000/_local/idp/.well-known/jwks.json', clientId: 'c' };
    assert.doesNotThrow(() => createOfficerAuthenticator(settings));
    assert.doesNotThrow(() => createOfficerAuthenticator({ ...settings, issuer: 'http://localhost:3000/_local/idp', jwksUri: 'http://localhost:3000/jwks.json' }));
    assert.throws(() => createOfficerAuthenticator({ ...settings, jwksUri: 'http://idp.example.com/jwks.json' }), /https/);
    assert.throws(() => createOfficerAuthenticator({ ...settings, issuer: 'http://idp.example.com' }), /https/);
    assert.throws(() => createOfficerAuthenticator({ ...settings, jwksUri: 'file:///etc/jwks.json' }), /https/);
  });

  it('default the JWKS URI to where Cognito publishes it', () => {
    const issuer = officerIssuerForCognito('ap-southeast-1', 'ap-southeast-1_AbCdEf123');
    assert.equal(issuer, 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_AbCdEf123');
    assert.deepEqual(officerAuthSettings({ OFFICER_JWT_ISSUER: issuer, OFFICER_CLIENT_ID: 'abc' }), {
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      clientId: 'abc',
    });
    assert.equal(officerAuthSettings({ OFFICER_JWT_ISSUER: issuer, OFFICER_JWT_JWKS_URI: 'https://keys.example/jwks.json', OFFICER_CLIENT_ID: 'abc' }).jwksUri, 'https://keys.example/jwks.json');
  });
});

describe('requireOfficer', () => {
  it('puts the officer on the context, or refuses with 401', async () => {
    const officer: Officer = { id: 'id', username: 'desk', units: [], cityDesk: true, supervisor: false };
    const seen: Array<string | undefined> = [];
    const middleware = requireOfficer({
      authenticate: async (header) => {
        seen.push(header);
        if (header !== 'Bearer good') throw new UnauthorizedError('invalid_token', { vi: 'không', en: 'no' });
        return officer;
      },
    });
    const request = (authorization?: string) =>
      ({ event: { headers: authorization === undefined ? {} : { authorization } }, context: {} as OfficerContext, response: undefined, error: undefined, internal: {} }) as unknown as Parameters<NonNullable<typeof middleware.before>>[0];
    const good = request('Bearer good');
    await middleware.before?.(good);
    assert.equal(good.context.officer, officer);
    await assert.rejects(async () => middleware.before?.(request('Bearer bad')), UnauthorizedError);
    await assert.rejects(async () => middleware.before?.(request()), UnauthorizedError);
    assert.deepEqual(seen, ['Bearer good', 'Bearer bad', undefined]);
  });
});
