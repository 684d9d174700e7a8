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
