import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { consoleVendorFiles } from '../definitions.ts';

/**
 * Serves the files under `web/` the way S3 behind CloudFront does in the cloud: the officers'
 * console at /console/, its /config.json, the citizen pages' /assets/, and the static citizen
 * pages. GET and HEAD only; anything else, and any path that is not a file there, falls through
 * to the API (the handler returns false).
 */

/** Content types by extension; anything else is served as bytes. */
export const staticContentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The officers' console: its own script and stylesheet only, API calls to this origin. In the
 * cloud, with Cognito, connect-src also names the Cognito domain (the token endpoint). The map's
 * MapLibre GL JS is its CSP build, loaded from this origin with its worker (see consoleVendorFiles):
 * without a worker-src, workers fall under script-src 'self', so the policy needs no blob:.
 */
export const consoleSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The static citizen pages: the same policy as the pages the functions render. */
export const staticPageSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Headers every static answer carries. */
const baseHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Local development: always revalidate, so an edited file shows on reload.
  'cache-control': 'no-cache',
} as const;

/** Serves files under a folder; false when the request is not for one (for extraRoutes). */
export type StaticHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;

/**
 * The relative file path a URL path names, or undefined when it may not name a file: bad
 * percent-encoding, NUL, backslashes, `.` or `..` segments, or a hidden (dot) name anywhere.
 */
export function staticRelativePath(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').slice(1);
  const directory = segments.at(-1) === '';
  const names = directory ? segments.slice(0, -1) : segments;
  if (names.some((name) => name === '' || name.startsWith('.'))) return undefined;
  return directory ? [...names, 'index.html'].join('/') : names.join('/');
}

async function fileInfo(path: string): Promise<{ file: boolean; directory: boolean; size: number } | undefined> {
  try {
    const info = await stat(path);
    return { file: info.isFile(), directory: info.isDirectory(), size: info.size };
  } catch {
    return undefined;
  }
}

/** Answers 200 with the headers and, unless the request is a HEAD, the file's bytes. */
async function sendFile(response: ServerResponse, method: string, path: string, headers: Record<string, string>): Promise<void> {
  response.writeHead(200, headers);
  if (method === 'HEAD') {
    response.end();
    return;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(path);
    stream.once('error', () => {
      response.destroy();
      done();
    });
    stream.once('end', () => done());
    stream.pipe(response);
  });
}

/** What serveStatic serves. */
export interface StaticOptions {
  /**
   * Only these URL paths: a path ending in `/` is a folder (everything under it, and the folder
   * named without the slash, which redirects), any other is one file. Everything when absent.
   */
  readonly paths?: readonly string[];
}

/** The paths the local stack serves from web/: the console and the pages' assets (config.json is generated). */
export const localStaticPaths: readonly string[] = ['/console/', '/assets/'];

/**
 * A handler serving the files under `webRoot`. A directory answers with its index.html; a
 * directory named without its trailing slash is redirected to it (so the console's relative
 * links work). Symbolic links that lead outside the root are not followed.
 */
export function serveStatic(webRoot: string, options: StaticOptions = {}): StaticHandler {
  const root = resolve(webRoot);
  const served = (pathname: string) =>
    options.paths === undefined ||
    options.paths.some((path) => pathname === path || (path.endsWith('/') ? pathname.startsWith(path) || pathname === path.slice(0, -1) : false));
  let realRoot: Promise<string> | undefined;
  return async (request, response, url) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (!served(url.pathname)) return false;
    const relative = staticRelativePath(url.pathname);
    if (relative === undefined) return false;
    const candidate = resolve(root, relative);
    if (candidate !== root && !candidate.startsWith(root + sep)) return false;

    let info = await fileInfo(candidate);
    if (info?.directory && !url.pathname.endsWith('/')) {
      if (!(await fileInfo(join(candidate, 'index.html')))?.file) return false;
      response.writeHead(301, { ...baseHeaders, location: `${url.pathname}/${url.search}` }).end();
      return true;
    }
    if (!info?.file) return false;
    realRoot ??= realpath(root);
    const real = await realpath(candidate).catch(() => undefined);
    const rootReal = await realRoot;
    if (!real || !real.startsWith(rootReal + sep)) return false;
    info = await fileInfo(real);
    if (!info?.file) return false;

    const extension = extname(real).toLowerCase();
    const headers: Record<string, string> = {
      ...baseHeaders,
      'content-type': staticContentTypes[extension] ?? 'application/octet-stream',
      'content-length': String(info.size),
    };
    if (extension === '.html') {
      const underConsole = relative === 'console' || relative.startsWith('console/');
      headers['content-security-policy'] = underConsole ? consoleSecurityPolicy : staticPageSecurityPolicy;
      headers['x-frame-options'] = 'DENY';
    }
    await sendFile(response, method, real, headers);
    return true;
  };
}

/**
 * A handler serving `consoleVendorFiles` (infra/definitions.ts) from `nodeModules`: exactly those paths, GET and HEAD, false
 * for anything else (and for a file that is missing, so the request falls through to a 404).
 */
export function serveVendor(nodeModules: string): StaticHandler {
  const root = resolve(nodeModules);
  return async (request, response, url) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (!Object.hasOwn(consoleVendorFiles, url.pathname)) return false;
    const file = resolve(root, consoleVendorFiles[url.pathname] as string);
    const info = await fileInfo(file);
    if (!info?.file) return false;
    await sendFile(response, method, file, {
      ...baseHeaders,
      'content-type': staticContentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
    });
    return true;
  };
}
