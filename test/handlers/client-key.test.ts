import assert from 'node:assert/strict';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, it } from 'vitest';
import { clientAddress, createClientKeys } from '../../functions/adapters/client-key.ts';

const event = (sourceIp: string, forwardedFor?: string): APIGatewayProxyEventV2 =>
  ({ headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor }, requestContext: { http: { sourceIp } } }) as unknown as APIGatewayProxyEventV2;

describe('the client behind a request', () => {
  it('is the peer when nothing is forwarded', () => {
    assert.equal(clientAddress(event('198.51.100.4')), '198.51.100.4');
  });

  it("is the viewer CloudFront appended, not the edge server nor what the viewer wrote itself", () => {
    assert.equal(clientAddress(event('130.176.0.1', '10.0.0.1, 203.0.113.9')), '203.0.113.9');
    assert.equal(clientAddress(event('130.176.0.1', '203.0.113.9, 130.176.0.1')), '203.0.113.9');
  });

  it('is kept only as a short keyed hash, the same for the same address and key', () => {
    const keys = createClientKeys('a pepper long enough for tests');
    const key = keys(event('203.0.113.9'));
    assert.match(key, /^[A-Za-z0-9_-]{16}$/);
    assert.equal(keys(event('130.176.0.1', '203.0.113.9')), key);
    assert.notEqual(createClientKeys('another pepper, long enough')(event('203.0.113.9')), key);
    assert.ok(!key.includes('203'));
  });
});
