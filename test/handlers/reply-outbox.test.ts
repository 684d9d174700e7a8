import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { createReplyOutbox } from '../../functions/adapters/sms-outbox.ts';

// A reply must come through the provider the tipster texted; a provider without outbound settings
// gets no outbox rather than another provider's.
const client = () => new PinpointSMSVoiceV2Client({ region: 'ap-southeast-1' });
const twilio = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'token', from: '+15005550006' };

describe('reply outboxes', () => {
  it('reach each provider only through its own settings', () => {
    const nothing = {};
    for (const provider of ['gateway', 'twilio', 'aws'] as const) assert.equal(createReplyOutbox(provider, nothing, client), undefined, provider);
    const gatewayOnly = { gatewayOutboundUrl: 'https://gateway.example.vn/send', gatewaySecret: 'secret' };
    assert.ok(createReplyOutbox('gateway', gatewayOnly, client));
    assert.equal(createReplyOutbox('twilio', gatewayOnly, client), undefined, 'a Twilio tipster never hears from the gateway');
    assert.equal(createReplyOutbox('aws', gatewayOnly, client), undefined, 'nor an AWS one');
    assert.ok(createReplyOutbox('twilio', { twilio }, client));
    assert.ok(createReplyOutbox('aws', { originationIdentity: 'arn:aws:sms-voice:ap-southeast-1:123456789012:phone-number/phone-1' }, client));
  });

  it('send everything to the local fake provider when one is configured', () => {
    const local = { fakeOutboundUrl: 'http://127.0.0.1:3000/_local/sms/outbound', gatewaySecret: 'secret' };
    for (const provider of ['gateway', 'twilio', 'aws'] as const) assert.ok(createReplyOutbox(provider, local, client), provider);
  });
});
