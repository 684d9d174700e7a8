import { JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwkValidationError, JwksValidationError, JwtBaseError, JwtExpiredError, NonRetryableFetchError, ParameterValidationError } from 'aws-jwt-verify/error';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import * as z from 'zod';
import { UnauthorizedError } from '../../shared/errors.ts';
import { officerFromClaims, type Officer } from '../../shared/officers/model.ts';
import { errorText } from '../../shared/messages.ts';

/** Where officers' access tokens come from and what they must say. */
export interface OfficerAuthSettings {
  /** The `iss` of valid tokens: the Cognito user pool, or the local identity provider. */
  readonly issuer: string;
  /** The issuer's public keys; `<issuer>/.well-known/jwks.json` for Cognito and the local provider. */
  readonly jwksUri: string;
  /** The app client officers sign in with: access tokens carry it as `client_id`. */
  readonly clientId: string;
}

/** Checks an officer's bearer token. */
export interface OfficerAuthenticator {
  /**
   * The officer an `Authorization: Bearer <access token>` header proves, or UnauthorizedError
   * (`missing_token` or `invalid_token`). The token itself never appears in the error.
   */
  authenticate(authorizationHeader: string | undefined): Promise<Officer>;
}

/** Variables of functions that serve officers. */
export const officerAuthEnvironment = {
  OFFICER_JWT_ISSUER: z.url({ protocol: /^https?$/ }),
  /** Defaults to `${OFFICER_JWT_ISSUER}/.well-known/jwks.json`, where Cognito publishes it. */
  OFFICER_JWT_JWKS_URI: z.url({ protocol: /^https?$/ }).optional(),
  OFFICER_CLIENT_ID: z.string().min(1),
};

/** The settings from variables read with `officerAuthEnvironment`. */
export function officerAuthSettings(environment: { OFFICER_JWT_ISSUER: string; OFFICER_JWT_JWKS_URI?: string | undefined; OFFICER_CLIENT_ID: string }): OfficerAuthSettings {
  const issuer = environment.OFFICER_JWT_ISSUER.replace(/\/+$/, '');
  return { issuer, jwksUri: environment.OFFICER_JWT_JWKS_URI ?? `${issuer}/.well-known/jwks.json`, clientId: environment.OFFICER_CLIENT_ID };
}

/** The issuer of a Cognito user pool's tokens. */
export function officerIssuerForCognito(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain HTTP is allowed only to this machine (the local stack); anything else must be HTTPS. */
function assertSafeUrl(what: string, value: string): URL {
  const url = new URL(value);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && loopbackHosts.has(url.hostname)) return url;
  throw new Error(`${what} must be an https:// URL (http:// only to 127.0.0.1 or localhost for the local stack): ${value}`);
}

/** Response time-out of a JWKS download, as aws-jwt-verify's own default. */
const jwksTimeoutMs = 3000;

/**
 * aws-jwt-verify downloads the JWKS with Node's `https.request`, which refuses http:// URLs. The
 * local identity provider is served over http://127.0.0.1, so this fetcher downloads loopback
 * http:// URLs with fetch() and leaves every https:// URL to the library's own fetcher. The JWKS
 * is still parsed, cached and used to check every signature exactly as in the cloud.
 */
class LoopbackHttpFetcher implements Fetcher {
  readonly #https = new SimpleFetcher();

  async fetch(uri: string, requestOptions?: Record<string, unknown>, data?: ArrayBuffer): Promise<ArrayBuffer> {
    const url = assertSafeUrl('JWKS URI', uri);
    if (url.protocol === 'https:') return this.#https.fetch(uri, requestOptions, data);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(jwksTimeoutMs), redirect: 'error' });
    } catch (error) {
      throw new FetchError(uri, (error as Error).message);
    }
    if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  }
}

/** Refusals that are about the token; anything else (JWKS unreachable, bad settings) is our fault. */
function isTokenProblem(error: unknown): boolean {
  if (error instanceof UnauthorizedError) return true;
  if (!(error instanceof JwtBaseError)) return false;
  return !(error instanceof FetchError || error instanceof JwksValidationError || error instanceof JwkValidationError || error instanceof ParameterValidationError);
}

class OfficerClaimError extends JwtBaseError {}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** What Cognito access tokens carry that the verifier does not check itself. */
function checkAccessTokenClaims(payload: JwtPayload, clientId: string): void {
  if (payload.token_use !== 'access') throw new OfficerClaimError('Not an access token');
  if (payload.client_id !== clientId) throw new OfficerClaimError('Issued to another app client');
  // The library only checks exp when present; a token that never expires is not one Cognito issues.
  if (typeof payload.exp !== 'number') throw new OfficerClaimError('No expiry');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new OfficerClaimError('No subject');
  if (typeof payload.username !== 'string' || payload.username === '') throw new OfficerClaimError('No username');
  // Cognito leaves the claim out for a user in no group.
  if (payload['cognito:groups'] !== undefined && !isStringArray(payload['cognito:groups'])) throw new OfficerClaimError('Malformed groups');
}

/**
 * Verifies officers' access tokens with aws-jwt-verify's generic JwtVerifier: RS256 (or another
 * asymmetric algorithm) signature against the issuer's JWKS, issuer, expiry, and that the token
 * is an access token of our app client. The same code checks Cognito's tokens in the cloud and
 * the local identity provider's.
 */
export function createOfficerAuthenticator(settings: OfficerAuthSettings): OfficerAuthenticator {
  assertSafeUrl('Issuer', settings.issuer);
  assertSafeUrl('JWKS URI', settings.jwksUri);
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: settings.jwksUri,
      // Access tokens have no aud; the app client is in client_id, checked below.
      audience: null,
      customJwtCheck: ({ payload }) => checkAccessTokenClaims(payload, settings.clientId),
    },
    { jwksCache: new SimpleJwksCache({ fetcher: new LoopbackHttpFetcher() }) },
  );

  return {
    async authenticate(authorizationHeader) {
      const header = authorizationHeader?.trim() ?? '';
      if (header === '') throw new UnauthorizedError('missing_token', errorText('signIn'));
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new UnauthorizedError('missing_token', errorText('bearerOnly'));
      let payload: JwtPayload;
      try {
        payload = await verifier.verify(match[1]!);
      } catch (error) {
        if (!isTokenProblem(error)) throw error;
        // The library's messages can quote claims; say only what the caller needs.
        throw error instanceof JwtExpiredError
          ? new UnauthorizedError('invalid_token', errorText('tokenExpired'))
          : new UnauthorizedError('invalid_token', errorText('tokenInvalid'));
      }
      return officerFromClaims({
        sub: payload.sub as string,
        username: payload.username as string,
        groups: (payload['cognito:groups'] as string[] | undefined) ?? [],
      });
    },
  };
}
