import * as z from 'zod';
import type { InboundMedia } from '../attachments/media.ts';
import type { SmsProvider } from '../tip/envelope.ts';
import { tipTextLimits } from '../tip/submission.ts';
import { normalizePhoneNumber } from './phone.ts';

/** One SMS as any provider delivers it, with the sender's number in E.164. */
export interface InboundSms {
  readonly provider: SmsProvider;
  /** The provider's id for the message; retries of one message carry the same id. */
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly receivedAt: string;
  /** MMS media the provider holds for the message (Twilio's MediaUrl<n>), in order. */
  readonly media?: readonly InboundMedia[] | undefined;
}

/**
 * Text as the phone sent it, made storable: a lone surrogate (a broken UCS-2 concatenation)
 * becomes U+FFFD rather than losing the whole tip, then NFC.
 */
export function storableSmsText(text: string): string {
  return text.toWellFormed().normalize('NFC');
}

/** A zod message for a field that is missing (`required`) or of the wrong type. */
export const requiredText = (typeReason: 'notText') => ({
  error: (issue: { input: unknown }) => (issue.input === undefined || issue.input === null ? 'required' : typeReason),
});

/** A sender's number, in any form libphonenumber reads for Vietnam, as E.164. */
export const phoneNumber = z
  .string(requiredText('notText'))
  .transform((raw, context) => {
    const e164 = normalizePhoneNumber(raw);
    if (!e164) {
      context.addIssue({ code: 'custom', message: 'badPhone' });
      return z.NEVER;
    }
    return e164;
  });

/**
 * A concatenated SMS is at most a few thousand characters; the same limit as a web tip keeps
 * one rule for what a tip may hold.
 */
export const smsText = z
  .string(requiredText('notText'))
  .max(tipTextLimits.max * 2, { error: 'tooLong' })
  .transform(storableSmsText);

/** The JSON body a Vietnamese SMS gateway posts to /sms/inbound. */
export const gatewayInboundSchema = z.object({
  messageId: z.string(requiredText('notText')).trim().min(1, { error: 'required' }).max(200, { error: 'tooLong' }),
  from: phoneNumber,
  to: z.string(requiredText('notText')).trim().min(1, { error: 'required' }).max(32, { error: 'tooLong' }),
  text: smsText,
  receivedAt: z.iso.datetime({ offset: true, error: 'notDateTime' }),
});

/** Twilio's form fields for an inbound message (the ones tinbao reads). */
export const twilioInboundSchema = z.object({
  MessageSid: z.string(requiredText('notText')).min(1, { error: 'required' }).max(64, { error: 'tooLong' }),
  From: phoneNumber,
  To: z.string(requiredText('notText')).min(1, { error: 'required' }),
  Body: smsText.default(''),
});

/** Twilio sends at most ten media items with a message. */
const twilioMaxMedia = 10;

/**
 * The media of a Twilio message: `NumMedia`, then `MediaUrl<n>` and `MediaContentType<n>` for
 * each. Items without a URL are skipped; which ones become attachments is media.ts's to say.
 */
export function twilioMedia(fields: Readonly<Record<string, string>>): InboundMedia[] {
  const count = Math.min(Number.parseInt(fields.NumMedia ?? '0', 10) || 0, twilioMaxMedia);
  const media: InboundMedia[] = [];
  for (let index = 0; index < count; index += 1) {
    const url = fields[`MediaUrl${index}`];
    if (url) media.push({ url, contentType: fields[`MediaContentType${index}`] ?? '' });
  }
  return media;
}

/** The JSON AWS End User Messaging publishes to SNS for a two-way SMS. */
export const endUserMessagingInboundSchema = z.object({
  inboundMessageId: z.string().min(1),
  originationNumber: phoneNumber,
  destinationNumber: z.string().min(1),
  messageBody: smsText.default(''),
});
