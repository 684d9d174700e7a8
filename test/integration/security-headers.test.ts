/**
 * Every answer of the local stack's API and pages, error answers included, carries the same
 * security headers, defined once in functions/http/security-headers.ts (issue 11): the same
 * Content-Security-Policy with frame-ancestors 'none', nosniff and no framing, whether the page
 * is rendered by a function, refused by one, or served as a file.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { consoleSecurityPolicy, pageHeaderValues, pageSecurityPolicy, pageSecurityPolicyFor } from '../../functions/http/security-headers.ts';
import { generateTrackingCode } from '../../shared/tip/tracking-code.ts';
import { failedGuessesPerCodePerHour } from '../../shared/usecases/officers/citizen.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'SILENT' });
});

afterAll(async () => {
  await stack?.stop();
});

const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const json = { 'content-type': 'application/json' };

/**
 * Requests that reach every kind of answer: pages, refusals as pages, JSON, webhooks, files.
 * `uploads`: the answer is a citizen page or comes from intake, whose pages' script may post
 * evidence files to the bucket; its policy lets the page connect there too, and nowhere else.
 */
function requests(): Array<{ what: string; path: string; init?: RequestInit; status: number; uploads?: true }> {
  return [
    { what: 'the form', path: '/', status: 200, uploads: true },
    { what: 'the status form', path: '/tips/status', status: 200 },
    { what: 'a refused form (400 page)', path: '/tips', init: { method: 'POST', headers: form, body: 'text=ng%E1%BA%AFn' }, status: 400, uploads: true },
    { what: 'a wrong secret (404 page)', path: '/tips/status', init: { method: 'POST', headers: form, body: 'code=TB-0000-0000&secret=0000-0000-0000-0000' }, status: 404 },
    { what: 'a body too large (413 page)', path: '/tips', init: { method: 'POST', headers: form, body: `text=${'x'.repeat(70 * 1024)}` }, status: 413, uploads: true },
    { what: 'a receipt without its cookie', path: '/tips/receipt', status: 200, uploads: true },
    { what: 'a JSON tip refused (400)', path: '/tips', init: { method: 'POST', headers: json, body: '{"text":"x"}' }, status: 400, uploads: true },
    { what: 'a JSON tip of another type (415)', path: '/tips', init: { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a' }, status: 415, uploads: true },
    { what: 'an officer route without a token (401)', path: '/queue?queue=CITY', status: 401 },
    { what: 'an unsigned gateway SMS (401)', path: '/sms/inbound', init: { method: 'POST', headers: json, body: '{}' }, status: 401 },
    { what: 'an unsigned Twilio SMS (401)', path: '/sms/twilio', init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Body=x' }, status: 401 },
    { what: 'a static asset', path: '/assets/location.js', status: 200, uploads: true },
  ];
}

describe('security headers', () => {
  it('are the same on every answer of the functions and the pages, errors included', async () => {
    const uploadPolicy = pageSecurityPolicyFor([new URL(stack.s3Url).origin]);
    for (const { what, path, init, status, uploads } of requests()) {
      const response = await fetch(`${stack.apiUrl}${path}`, init);
      await response.arrayBuffer();
      assert.equal(response.status, status, what);
      assert.equal(response.headers.get('content-security-policy'), uploads ? uploadPolicy : pageSecurityPolicy, `${what}: the CSP`);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', `${what}: no framing`);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', `${what}: no referrer`);
    }
  });

  it('frame nothing, run no inline script and load nothing from elsewhere', () => {
    const directives = new Map(pageSecurityPolicy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    assert.equal(directives.get('frame-ancestors'), "'none'");
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'self'");
    assert.ok(!directives.has('sandbox'), 'the forms work');
    assert.ok(Object.keys(pageHeaderValues).every((name) => name === name.trim() && name !== ''));
  });

  it("give a slowed-down guesser's 429 page the same headers", async () => {
    const body = `code=${generateTrackingCode()}&secret=0000-0000-0000-0000`;
    let response: Response | undefined;
    for (let guess = 0; guess <= failedGuessesPerCodePerHour; guess += 1) {
      response = await fetch(`${stack.apiUrl}/tips/status`, { method: 'POST', headers: form, body });
      await response.arrayBuffer();
    }
    assert.equal(response?.status, 429);
    assert.equal(response?.headers.get('content-security-policy'), pageSecurityPolicy);
    assert.equal(response?.headers.get('x-content-type-options'), 'nosniff');
  });

  it('give the console its own policy with the same other headers', async () => {
    const response = await fetch(`${stack.apiUrl}/console/`);
    await response.arrayBuffer();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), consoleSecurityPolicy());
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
  });
});
