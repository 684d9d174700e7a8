import type { IncomingMessage, ServerResponse } from 'node:http';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { randomUUID } from 'node:crypto';
import { escapeHtml } from '../../functions/http/pages.ts';
import { readBodyUpTo } from './http-body.ts';
import { languageFromAcceptHeader, type Language } from '../../shared/i18n.ts';
import { normalizePhoneNumber } from '../../shared/sms/phone.ts';
import { gatewaySignatureHeaders, verifyGatewayRequest } from '../../shared/sms/webhook-signature.ts';
import { observeSms, type SensitiveObserver } from './sensitive-values.ts';

/** One message as the phone sees it: sent by the phone (in) or received by it (out). */
export interface PhoneMessage {
  readonly phone: string;
  readonly direction: 'from-phone' | 'to-phone';
  readonly provider: string;
  readonly text: string;
  readonly at: string;
}

/** The local stand-in for every SMS provider: it records what tinbao sends and shows each phone's conversation. */
export interface FakeSmsProvider {
  readonly messages: readonly PhoneMessage[];
  /** Notes a message a phone sent, as the provider would see it before calling tinbao. */
  recordFromPhone(provider: string, phone: string, text: string): void;
  /**
   * Holds a file as Twilio holds an MMS's media, and gives the path it is served at
   * (`/_local/sms/media/<id>` on the local-only server), for a test or tool to put in MediaUrl0.
   */
  holdMedia(bytes: Uint8Array, contentType: string): string;
  /** Serves the fake provider's routes under /_local/sms; false when the request is not for it. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
}

async function readText(request: IncomingMessage): Promise<string> {
  const body = await readBodyUpTo(request, 1024 * 1024);
  if (body === 'too-large') throw new Error('The fake SMS provider takes bodies up to 1 MiB');
  return body.toString('utf8');
}

function json(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** The page's words; the local stack's pages speak both languages like the real ones. */
export const fakePhonesText = {
  vi: {
    title: 'Nhà mạng SMS giả lập – tinbao chạy trên máy',
    heading: 'Nhà mạng SMS giả lập',
    intro: 'Những gì mỗi điện thoại đã gửi tới tinbao và nhận từ tinbao, chỉ trong hệ thống chạy trên máy.',
    empty: 'Chưa có tin nhắn nào.',
    fromPhone: 'điện thoại gửi',
    toPhone: 'gửi tới điện thoại',
  },
  en: {
    title: 'Fake SMS provider – tinbao local',
    heading: 'Fake SMS provider',
    intro: 'What each phone sent to tinbao and received from it, in the local stack only.',
    empty: 'No messages yet.',
    fromPhone: 'sent by the phone',
    toPhone: 'sent to the phone',
  },
} as const satisfies Record<Language, Record<string, string>>;

function conversationPage(messages: readonly PhoneMessage[], language: Language): string {
  const t = fakePhonesText[language];
  const phones = [...new Set(messages.map((message) => message.phone))];
  const sections = phones
    .map((phone) => {
      const bubbles = messages
        .filter((message) => message.phone === phone)
        .map(
          (message) =>
            `<div class="bubble ${message.direction}"><div>${escapeHtml(message.text)}</div><small>${escapeHtml(message.direction === 'from-phone' ? t.fromPhone : t.toPhone)} · ${escapeHtml(message.provider)} · ${escapeHtml(message.at)}</small></div>`,
        )
        .join('');
      return `<section><h2>${escapeHtml(phone)}</h2>${bubbles}</section>`;
    })
    .join('');
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(t.title)}</title><style>
body{font:16px/1.4 system-ui,sans-serif;margin:0;background:#eee}main{max-width:28rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:12px;padding:.5rem 1rem 1rem;margin-bottom:1rem}h2{font-size:1rem}
.bubble{max-width:80%;padding:.5rem .75rem;border-radius:14px;margin:.4rem 0;white-space:pre-wrap;word-wrap:break-word}
.from-phone{background:#0b84ff;color:#fff;margin-left:auto}.to-phone{background:#e5e5ea;color:#000}small{opacity:.7;font-size:.75rem}
</style></head><body><main><h1>${escapeHtml(t.heading)}</h1><p>${escapeHtml(t.intro)}</p>${sections || `<p>${escapeHtml(t.empty)}</p>`}</main></body></html>`;
}

/**
 * Creates the fake provider. Replies arrive at POST /_local/sms/outbound, signed like a gateway
 * call (a bad signature is refused, as a real gateway would); POST /_local/sms/aws-inbound plays
 * a phone texting the AWS End User Messaging number, publishing to the inbound SNS topic.
 */
export function createFakeSmsProvider(options: {
  gatewaySecret: string;
  sns: SNSClient;
  smsInboundTopicArn: string;
  destinationNumber: string;
  /** Told of every phone number, every phone's words and every secret a reply hands out (tests prove no log holds them). */
  observeSensitive?: SensitiveObserver | undefined;
}): FakeSmsProvider {
  const messages: PhoneMessage[] = [];
  const media = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const record = (message: Omit<PhoneMessage, 'at'>) => {
    if (options.observeSensitive) observeSms(message.direction, message.phone, message.text, options.observeSensitive);
    messages.push({ ...message, at: new Date().toISOString() });
  };
  return {
    messages,
    recordFromPhone(provider, phone, text) {
      // Group by the number as tinbao will see it, whatever format the phone used.
      record({ phone: normalizePhoneNumber(phone) ?? phone, direction: 'from-phone', provider, text });
    },
    holdMedia(bytes, contentType) {
      const id = randomUUID();
      media.set(id, { bytes, contentType });
      return `/_local/sms/media/${id}`;
    },
    async handle(request, response, url) {
      if (!url.pathname.startsWith('/_local/sms')) return false;
      if (request.method === 'GET' && url.pathname.startsWith('/_local/sms/media/')) {
        // As Twilio serves a message's media: the file with its type, 404 once it is gone.
        const held = media.get(url.pathname.slice('/_local/sms/media/'.length));
        if (!held) json(response, 404, { message: 'Not Found' });
        else response.writeHead(200, { 'content-type': held.contentType, 'content-length': String(held.bytes.byteLength) }).end(held.bytes);
        return true;
      }
      if (request.method === 'GET' && url.pathname === '/_local/sms') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }).end(conversationPage(messages, languageFromAcceptHeader(url.searchParams.get('lang') ?? request.headers['accept-language'])));
        return true;
      }
      if (request.method === 'GET' && url.pathname === '/_local/sms/messages') {
        const phone = url.searchParams.get('phone');
        json(response, 200, phone ? messages.filter((message) => message.phone === phone) : messages);
        return true;
      }
      if (request.method === 'POST' && url.pathname === '/_local/sms/outbound') {
        const raw = await readText(request);
        const problem = verifyGatewayRequest(
          options.gatewaySecret,
          { timestamp: request.headers[gatewaySignatureHeaders.timestamp] as string | undefined, signature: request.headers[gatewaySignatureHeaders.signature] as string | undefined },
          raw,
          Math.floor(Date.now() / 1000),
        );
        if (problem) {
          json(response, 401, { error: problem });
          return true;
        }
        const { to, text } = JSON.parse(raw) as { to: string; text: string };
        record({ phone: to, direction: 'to-phone', provider: 'outbound', text });
        json(response, 202, { status: 'queued' });
        return true;
      }
      if (request.method === 'POST' && url.pathname === '/_local/sms/aws-inbound') {
        const { from, text, messageId } = JSON.parse(await readText(request)) as { from: string; text: string; messageId?: string };
        const inboundMessageId = messageId ?? randomUUID();
        record({ phone: normalizePhoneNumber(from) ?? from, direction: 'from-phone', provider: 'aws', text });
        // The message End User Messaging publishes for a two-way SMS.
        const message = JSON.stringify({
          originationNumber: from,
          destinationNumber: options.destinationNumber,
          messageKeyword: 'KEYWORD_UNKNOWN',
          messageBody: text,
          inboundMessageId,
          previousPublishedMessageId: null,
        });
        await options.sns.send(new PublishCommand({ TopicArn: options.smsInboundTopicArn, Message: message }));
        json(response, 202, { inboundMessageId });
        return true;
      }
      json(response, 404, { message: 'Not Found' });
      return true;
    },
  };
}
