import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { signGatewayRequest, verifyGatewayRequest } from '../../shared/sms/webhook-signature.ts';

const secret = 'gateway secret';
const body = '{"messageId":"1","from":"0903123456","to":"8088","text":"Có trộm 😀","receivedAt":"2026-11-25T03:00:00Z"}';
const now = 1_795_000_000;

describe('gateway webhook signatures', () => {
  it('verify what was signed with the secret', () => {
    const signature = signGatewayRequest(secret, now, body);
    assert.match(signature, /^v1=[0-9a-f]{64}$/);
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now), signature }, body, now), undefined);
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now), signature }, body, now + 300), undefined, 'five minutes of skew is fine');
  });

  it('refuse a changed body, another secret, or a moved timestamp', () => {
    const signature = signGatewayRequest(secret, now, body);
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now), signature }, body.replace('trộm', 'trom'), now), 'bad_signature');
    assert.equal(verifyGatewayRequest('other secret', { timestamp: String(now), signature }, body, now), 'bad_signature');
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now + 1), signature }, body, now), 'bad_signature');
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now), signature: signature.slice(0, -1) }, body, now), 'bad_signature');
  });

  it('refuse a timestamp more than five minutes off, either way', () => {
    const old = signGatewayRequest(secret, now - 301, body);
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now - 301), signature: old }, body, now), 'stale_timestamp');
    const future = signGatewayRequest(secret, now + 301, body);
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now + 301), signature: future }, body, now), 'stale_timestamp');
  });

  it('name what is missing or malformed', () => {
    assert.equal(verifyGatewayRequest(secret, { timestamp: String(now), signature: undefined }, body, now), 'missing_signature');
    assert.equal(verifyGatewayRequest(secret, { timestamp: undefined, signature: 'v1=00' }, body, now), 'missing_timestamp');
    assert.equal(verifyGatewayRequest(secret, { timestamp: '2026-11-25T03:00:00Z', signature: 'v1=00' }, body, now), 'malformed_timestamp');
  });
});
