/**
 * The security headers of every answer, defined once. The functions send them through middy's
 * http-security-headers middleware (success and error answers alike); the static pages and the
 * console get the same values, computed here by the same middleware, from CloudFront
 * (infra/constructs/web-console.ts) and from the local stack (infra/local/static-files.ts).
 */
import httpSecurityHeaders from '@middy/http-security-headers';
import type { MiddlewareObj } from '@middy/core';

/** A Content-Security-Policy as directives; `false` drops one of the middleware's defaults. */
type Directives = Readonly<Record<string, string | false>>;

/** Directives every policy shares: nothing from elsewhere, no framing, no base, forms to this origin. */
const commonDirectives: Directives = {
  'default-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
  // The middleware's defaults that would break the pages: a sandbox blocks forms and scripts,
  // and there is no report endpoint. Trusted Types would refuse the console's DOM building by
  // property; the console never parses server text as HTML (web/console/dom.js).
  sandbox: false,
  'report-to': false,
  'require-trusted-types-for': false,
  // Locally the stack is plain http on loopback; in the cloud CloudFront redirects to HTTPS.
  'upgrade-insecure-requests': false,
};

/**
 * The citizen pages (rendered by the functions, or static from S3): their one script from this
 * origin (/assets/*.js, never inline), their stylesheet inline (hence 'unsafe-inline' for
 * styles only, never scripts). The form's script sends a tip with files as JSON to this origin
 * and each file straight to the evidence bucket (web/assets/attachments.js), so requests go to
 * this origin and to the bucket's upload origins, nowhere else.
 */
function pageDirectives(uploadOrigins: readonly string[]): Directives {
  return {
    ...commonDirectives,
    'script-src': "'self'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self'",
    'connect-src': ["'self'", ...uploadOrigins].join(' '),
  };
}

/**
 * The officers' console: its own script and stylesheet only (nothing inline), images also as
 * data: URLs, requests to this origin (the API is served under it) and to the hosted sign-in;
 * with a tile provider's map style, to the style's origin too, its tiles drawn through blob:.
 * MapLibre's CSP build runs its worker from this origin, so no blob: worker is needed.
 */
function consoleDirectives(connectOrigins: readonly string[], mapStyleOrigin?: string): Directives {
  return {
    ...commonDirectives,
    'script-src': "'self'",
    'style-src': "'self'",
    'img-src': mapStyleOrigin ? "'self' data: blob:" : "'self' data:",
    'connect-src': ["'self'", ...connectOrigins, ...(mapStyleOrigin ? [mapStyleOrigin] : [])].join(' '),
  };
}

/** Two years of HSTS, the usual recommendation; no preload (the domain is CloudFront's, not the police's). */
export const hstsMaxAgeSeconds = 730 * 24 * 60 * 60;

function middlewareOptions(directives: Directives) {
  return {
    // The middleware's types say strings only, but it drops a directive set to false (an empty
    // string would switch `sandbox` and `upgrade-insecure-requests` on).
    contentSecurityPolicy: directives as Record<string, string>,
    // No cross-origin isolation is needed, and a tile provider's images would need CORP headers.
    crossOriginEmbedderPolicy: false,
    // The citizen form asks for the device's position (web/assets/location.js) and the receipt copies its codes (receipt.js); nothing else.
    permissionsPolicy: { geolocation: 'self', 'clipboard-write': 'self' },
    strictTransportSecurity: { maxAge: hstsMaxAgeSeconds, includeSubDomains: true, preload: false },
  } as const;
}

/** Where the citizen pages may send requests besides their own origin. */
export interface PageHeaderOptions {
  /** The evidence bucket's origins the form posts files to (its presigned POSTs' URLs); none by default. */
  readonly uploadOrigins?: readonly string[] | undefined;
}

/**
 * The middleware every HTTP function uses: put it before http-error-handler, so error answers get
 * it too. A function that renders the tip form (intake, with a refused form) names the upload origins.
 */
export function securityHeaders(options: PageHeaderOptions = {}): MiddlewareObj {
  return httpSecurityHeaders(middlewareOptions(pageDirectives(uploadOriginsOf(options.uploadOrigins)))) as MiddlewareObj;
}

/** The header values the middleware sends, for the servers that are not functions. */
function valuesOf(directives: Directives): Readonly<Record<string, string>> {
  const middleware = httpSecurityHeaders(middlewareOptions(directives)) as { after: (request: unknown) => void };
  const request = { response: { statusCode: 200, headers: {} as Record<string, string> } };
  middleware.after(request);
  return Object.freeze({ ...request.response.headers });
}

/**
 * Origins as a CSP source list takes them, each once, without a trailing slash. Only what would
 * end a source or a directive (space, `;`, `,`, quotes) or give a path is refused: the CDK app may
 * pass an origin that CloudFormation resolves at deploy time, which cannot be parsed as a URL here.
 */
function uploadOriginsOf(origins: readonly string[] = []): string[] {
  return [
    ...new Set(
      origins.map((origin) => {
        const source = origin.replace(/\/$/, '');
        if (source === '' || /[\s;,'"]/.test(source) || /^[a-z]+:\/\/[^/]*\//i.test(source)) {
          throw new Error(`Not an upload origin (scheme, host and port only): ${JSON.stringify(origin)}`);
        }
        return source;
      }),
    ),
  ];
}

/** The citizen pages' security headers when the form may post files to `uploadOrigins`. */
export function pageHeaderValuesFor(uploadOrigins: readonly string[]): Readonly<Record<string, string>> {
  return valuesOf(pageDirectives(uploadOriginsOf(uploadOrigins)));
}

/** The citizen pages' Content-Security-Policy when the form may post files to `uploadOrigins`. */
export function pageSecurityPolicyFor(uploadOrigins: readonly string[]): string {
  return pageHeaderValuesFor(uploadOrigins)['Content-Security-Policy'] as string;
}

/** Every answer's security headers as the functions send them, Content-Security-Policy included (no upload origin). */
export const pageHeaderValues = pageHeaderValuesFor([]);

/** The citizen pages' Content-Security-Policy, the same whichever server sends them (no upload origin). */
export const pageSecurityPolicy = pageHeaderValues['Content-Security-Policy'] as string;

/** The console's security headers; `connectOrigins` names the hosted sign-in in the cloud, none locally. */
export function consoleHeaderValues(connectOrigins: readonly string[] = [], mapStyleOrigin?: string): Readonly<Record<string, string>> {
  return valuesOf(consoleDirectives(connectOrigins, mapStyleOrigin));
}

/** The console's Content-Security-Policy. */
export function consoleSecurityPolicy(connectOrigins: readonly string[] = [], mapStyleOrigin?: string): string {
  return consoleHeaderValues(connectOrigins, mapStyleOrigin)['Content-Security-Policy'] as string;
}
