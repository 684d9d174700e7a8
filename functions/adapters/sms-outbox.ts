import { SendTextMessageCommand, type PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { gatewaySignatureHeadersFor } from '../../shared/sms/webhook-signature.ts';

/** Sends a text to a tipster's phone through one provider. */
export interface SmsOutbox {
  send(message: { to: string; text: string; inReplyTo: string }): Promise<void>;
}

/**
 * The SMS gateway's outbound API: a JSON POST signed like the inbound webhook, so the gateway
 * can tell tinbao's requests from anyone else's. Locally this is the fake provider.
 */
export function createGatewayOutbox(outboundUrl: string, secret: string): SmsOutbox {
  return {
    async send({ to, text, inReplyTo }) {
      const body = JSON.stringify({ to, text, inReplyTo });
      const response = await fetch(outboundUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...gatewaySignatureHeadersFor(secret, body) },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
    },
  };
}

/** AWS End User Messaging: SendTextMessage from the configured number or pool. */
export function createEndUserMessagingOutbox(client: PinpointSMSVoiceV2Client, originationIdentity: string): SmsOutbox {
  return {
    async send({ to, text }) {
      await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: to, OriginationIdentity: originationIdentity, MessageBody: text, MessageType: 'TRANSACTIONAL' }));
    },
  };
}

/** Twilio's Messages API, for replies that are not answers to a webhook (officers' messages). */
export function createTwilioOutbox(accountSid: string, authToken: string, from: string): SmsOutbox {
  return {
    async send({ to, text }) {
      const response = await fetch(`https://api.twilio.com/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: to, From: from, Body: text }).toString(),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new Error(`Twilio answered ${response.status}`);
    },
  };
}

/** Where replies can go, per provider; what is not configured cannot be reached. */
export interface ReplyOutboxSettings {
  /** Local stack only: its fake provider plays every provider's outbound API. */
  readonly fakeOutboundUrl?: string | undefined;
  readonly gatewayOutboundUrl?: string | undefined;
  readonly gatewaySecret?: string | undefined;
  readonly originationIdentity?: string | undefined;
  readonly twilio?: { readonly accountSid: string; readonly authToken: string; readonly from: string } | undefined;
}

/**
 * The outbox that reaches a sender through the provider they texted, and no other: a reply from
 * another number would confuse the tipster and could reveal them. Undefined when that provider
 * has no outbound settings.
 */
export function createReplyOutbox(provider: 'gateway' | 'twilio' | 'aws', settings: ReplyOutboxSettings, endUserMessaging: () => PinpointSMSVoiceV2Client): SmsOutbox | undefined {
  if (settings.fakeOutboundUrl && settings.gatewaySecret) return createGatewayOutbox(settings.fakeOutboundUrl, settings.gatewaySecret);
  switch (provider) {
    case 'gateway':
      return settings.gatewayOutboundUrl && settings.gatewaySecret ? createGatewayOutbox(settings.gatewayOutboundUrl, settings.gatewaySecret) : undefined;
    case 'aws':
      return settings.originationIdentity ? createEndUserMessagingOutbox(endUserMessaging(), settings.originationIdentity) : undefined;
    case 'twilio':
      return settings.twilio ? createTwilioOutbox(settings.twilio.accountSid, settings.twilio.authToken, settings.twilio.from) : undefined;
  }
}
