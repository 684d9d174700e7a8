import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { officerGroups } from '../../shared/officers/model.ts';
import { defaultPackId, jurisdiction } from '../../shared/jurisdictions/index.ts';
import type { PackId } from '../../shared/jurisdictions/pack.ts';
import { readBodyUpTo } from './http-body.ts';

/**
 * The local stand-in for the Cognito user pool: it signs access tokens with the claims Cognito
 * puts in them, for a fixed set of seeded officers, and publishes its public key as a JWKS. The
 * functions verify these tokens with the same code that verifies Cognito's in the cloud.
 *
 * Development only: the password is public and the key pair lives in memory (a restart of the
 * local stack invalidates every token it issued).
 */

/** The development password of every seeded officer. Public on purpose: the local stack holds no real tips. */
export const localOfficerPassword = 'tinbao-local';

/** The app client the local officer console signs in with (Cognito's `client_id` claim). */
export const localOfficerClientId = 'tinbao-local-console';

/** Access tokens live as long as Cognito's default: one hour. */
export const localTokenLifetimeSeconds = 3600;

/** A user of the local identity provider and the Cognito groups they belong to. */
export interface LocalOfficerUser {
  readonly username: string;
  readonly groups: readonly string[];
}

/**
 * The seeded officers of a pack: `officer-<code>` for each of its units, a second officer of its
 * example unit (`officer-<code>b`, to try work between colleagues of one unit), the city desk,
 * and a supervisor who also sits on the city desk. All sign in with `localOfficerPassword`.
 */
export function seededOfficers(pack: PackId = defaultPackId): readonly LocalOfficerUser[] {
  const units = jurisdiction(pack);
  return [
    ...units.unitCodes.map((code) => ({ username: `officer-${code}`, groups: [officerGroups.unit(code)] })),
    { username: `officer-${units.exampleUnit}b`, groups: [officerGroups.unit(units.exampleUnit)] },
    { username: 'desk', groups: [officerGroups.cityDesk] },
    { username: 'supervisor', groups: [officerGroups.supervisor, officerGroups.cityDesk] },
  ];
}

/** Test-only variations of an issued token, to check that the verifier refuses them. */
export interface IssueTokenOptions {
  /** Lifetime from `issuedAt`; defaults to one hour. */
  readonly expiresInSeconds?: number;
  /** When the token was issued (and the user signed in); defaults to now. */
  readonly issuedAt?: Date;
  /** Claims to set or replace after the Cognito ones (undefined removes a claim). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** A running local identity provider. */
export interface LocalIdentityProvider {
  /** The `iss` of its tokens, e.g. `http://127.0.0.1:3001/_local/idp` (the local-only port). */
  readonly issuer: string;
  /** Where its public keys are: `<issuer>/.well-known/jwks.json`. */
  readonly jwksUri: string;
  /** The `client_id` of its access tokens. */
  readonly clientId: string;
  readonly users: readonly LocalOfficerUser[];
  /** The public keys, as served at `jwksUri`. */
  readonly jwks: { readonly keys: readonly JWK[] };
  /**
   * Serves everything under the issuer's path: GET .well-known/jwks.json, POST token, and the
   * user directory (users/<name>, groups/<group>/users); false when the request is not for the
   * identity provider. The local stack serves this on its local-only port.
   */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
  /**
   * Serves only POST <issuer path>/token, the sign-in, and false for every other request: what
   * the API's origin may answer, since the console signs in from there (see infra/local/stack.ts).
   */
  handleSignIn(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
  /** Signs an access token for a known user, as a successful sign-in would. */
  issueToken(username: string, options?: IssueTokenOptions): Promise<string>;
}

/** Namespace of the local `sub` values (a random, fixed UUID). */
const subjectNamespace = 'b7c1f0e2-5a3d-4c6e-9f81-2d4a6b8c0e13';

/** A name-based UUID (version 5, RFC 9562): the same username always has the same `sub`. */
export function localSubject(username: string): string {
  const hash = createHash('sha1').update(Buffer.from(subjectNamespace.replaceAll('-', ''), 'hex')).update(username, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Compares two strings in time independent of where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const maxTokenRequestBytes = 16 * 1024;

async function readSmallBody(request: IncomingMessage): Promise<string | 'too-large'> {
  const body = await readBodyUpTo(request, maxTokenRequestBytes);
  return body === 'too-large' ? body : body.toString('utf8');
}

function json(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

/** Reads `{ username, password }` from a JSON or form body; undefined when it is neither. */
function readCredentials(contentType: string | undefined, raw: string): { username?: unknown; password?: unknown } | undefined {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') {
    const fields = new URLSearchParams(raw);
    return { username: fields.get('username') ?? undefined, password: fields.get('password') ?? undefined };
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { username?: unknown; password?: unknown }) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Starts a local identity provider for `issuer` (e.g. `${localUrl}/_local/idp`, on the local
 * stack's local-only port): generates an RS256 key pair, named by its JWK thumbprint, and serves
 * its routes under the issuer's path.
 */
export async function createLocalIdentityProvider(options: { issuer: string; users?: readonly LocalOfficerUser[]; pack?: PackId }): Promise<LocalIdentityProvider> {
  const issuer = options.issuer.replace(/\/+$/, '');
  const basePath = new URL(issuer).pathname.replace(/\/+$/, '');
  const jwksPath = `${basePath}/.well-known/jwks.json`;
  const tokenPath = `${basePath}/token`;
  const users = options.users ?? seededOfficers(options.pack);
  const usersByName = new Map(users.map((user) => [user.username, user]));

  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks = { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] };

  async function issueToken(username: string, tokenOptions: IssueTokenOptions = {}): Promise<string> {
    const user = usersByName.get(username);
    if (!user) throw new Error(`No local officer "${username}"`);
    const issuedAt = Math.floor((tokenOptions.issuedAt?.getTime() ?? Date.now()) / 1000);
    // The claims and their order as in a Cognito user pool access token.
    const claims: Record<string, unknown> = {
      sub: localSubject(user.username),
      'cognito:groups': [...user.groups],
      iss: issuer,
      version: 2,
      client_id: localOfficerClientId,
      origin_jti: randomUUID(),
      token_use: 'access',
      scope: 'openid',
      auth_time: issuedAt,
      exp: issuedAt + (tokenOptions.expiresInSeconds ?? localTokenLifetimeSeconds),
      iat: issuedAt,
      jti: randomUUID(),
      username: user.username,
      ...tokenOptions.claims,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readSmallBody(request);
    if (raw === 'too-large') {
      json(response, 413, { error: 'invalid_request', message: 'The request body is too large.' });
      return;
    }
    const credentials = readCredentials(request.headers['content-type'], raw);
    if (!credentials) {
      json(response, 400, { error: 'invalid_request', message: 'Send { "username", "password" } as JSON or as a form.' });
      return;
    }
    const { username, password } = credentials;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
      json(response, 400, { error: 'invalid_request', message: 'Give a username and a password.' });
      return;
    }
    const user = usersByName.get(username);
    // One answer for an unknown user and a wrong password, like Cognito's NotAuthorizedException.
    if (!sameSecret(password, localOfficerPassword) || !user) {
      json(response, 401, { error: 'invalid_grant', message: 'Incorrect username or password.' });
      return;
    }
    json(response, 200, { access_token: await issueToken(user.username), token_type: 'Bearer', expires_in: localTokenLifetimeSeconds });
  }

  async function signIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if ((request.method ?? 'GET') !== 'POST') json(response, 405, { message: 'Method Not Allowed' }, { allow: 'POST' });
    else await token(request, response);
  }

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    clientId: localOfficerClientId,
    users,
    jwks,
    issueToken,
    async handleSignIn(request, response, url) {
      if (url.pathname !== tokenPath) return false;
      await signIn(request, response);
      return true;
    },
    async handle(request, response, url) {
      if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return false;
      const method = request.method ?? 'GET';
      if (url.pathname === jwksPath) {
        if (method !== 'GET' && method !== 'HEAD') json(response, 405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
        else json(response, 200, jwks, { 'cache-control': 'public, max-age=300' });
        return true;
      }
      if (url.pathname === tokenPath) {
        await signIn(request, response);
        return true;
      }
      // The user directory, as Cognito's AdminGetUser and AdminListGroupsForUser answer it.
      const userMatch = /^\/users\/([^/]+)$/.exec(url.pathname.slice(basePath.length));
      if (userMatch && method === 'GET') {
        const user = usersByName.get(decodeURIComponent(userMatch[1] ?? ''));
        if (user) json(response, 200, { sub: localSubject(user.username), username: user.username, groups: user.groups });
        else json(response, 404, { message: 'No such user' });
        return true;
      }
      // A group's members, as Cognito's ListUsersInGroup answers it.
      const groupMatch = /^\/groups\/([^/]+)\/users$/.exec(url.pathname.slice(basePath.length));
      if (groupMatch && method === 'GET') {
        const group = decodeURIComponent(groupMatch[1] ?? '');
        json(response, 200, users.filter((user) => user.groups.includes(group)).map((user) => ({ sub: localSubject(user.username), username: user.username, groups: user.groups })));
        return true;
      }
      json(response, 404, { message: 'Not Found' });
      return true;
    },
  };
}
