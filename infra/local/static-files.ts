import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { consoleVendorFiles } from '../definitions.ts';
import {
  consoleHeaderValues,
  consoleSecurityPolicy as sharedConsoleSecurityPolicy,
  pageHeaderValues,
  pageHeaderValuesFor,
  pageSecurityPolicy,
  pageSecurityPolicyFor,
} from '../../functions/http/security-headers.ts';

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

/** The console's Content-Security-Policy locally: the cloud's without the hosted sign-in (functions/http/security-headers.ts). */
export const consoleSecurityPolicy = sharedConsoleSecurityPolicy();
const consoleHeaders = consoleHeaderValues();

/** The static citizen pages: the same policy as the pages the functions render. */
export const staticPageSecurityPolicy = pageSecurityPolicy;

/** The static citizen pages' policy when their script may post files to `uploadOrigins` (locally the S3 gateway). */
export function staticPageSecurityPolicyFor(uploadOrigins: readonly string[]): string {
  return pageSecurityPolicyFor(uploadOrigins);
}

/** Local development: always revalidate, so an edited file shows on reload. */
const baseHeaders = { 'cache-control': 'no-cache' } as const;

/**
 * The console's libraries get the transport headers only, as CloudFront's behaviour for them
 * sends: a worker obeys its own file's CSP, so the pages' policy would stop MapLibre's worker.
 */
const vendorHeaders = Object.fromEntries(Object.entries(pageHeaderValues).filter(([name]) => name !== 'Content-Security-Policy'));

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
  /**
   * Where the citizen pages' script may post evidence files (the local S3 gateway, known once it
   * listens), read on each request; none by default.
   */
  readonly uploadOrigins?: () => readonly string[];
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
  let pageHeaders: { origins: readonly string[]; headers: Readonly<Record<string, string>> } | undefined;
  const currentPageHeaders = () => {
    const origins = options.uploadOrigins?.() ?? [];
    if (pageHeaders?.origins !== origins) pageHeaders = { origins, headers: origins.length > 0 ? pageHeaderValuesFor(origins) : pageHeaderValues };
    return pageHeaders.headers;
  };
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
    // The same security headers as every answer of the functions, the console's CSP under /console.
    const underConsole = relative === 'console' || relative.startsWith('console/');
    const headers: Record<string, string> = {
      ...(underConsole ? consoleHeaders : currentPageHeaders()),
      ...baseHeaders,
      'content-type': staticContentTypes[extension] ?? 'application/octet-stream',
      'content-length': String(info.size),
    };
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
      ...vendorHeaders,
      ...baseHeaders,
      'content-type': staticContentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
    });
    return true;
  };
}
