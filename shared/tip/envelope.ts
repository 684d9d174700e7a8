import * as z from 'zod';
import { attachmentLimits } from '../attachments/attachment.ts';
import { categories } from '../classification/types.ts';
import { languages } from '../i18n.ts';

/** Channels a tip can arrive by. */
export const channels = ['web', 'sms'] as const;

/** A channel a tip arrived by. */
export type Channel = (typeof channels)[number];

/** SMS providers tinbao receives from. */
export const smsProviders = ['gateway', 'twilio', 'aws'] as const;

/** An SMS provider. */
export type SmsProvider = (typeof smsProviders)[number];

/**
 * Marks an officer should see on a tip: a sender over the hourly limit; an attached file that
 * failed the scan (only evidence handlers may open it).
 */
export const tipFlags = ['rate_limited', 'attachment_quarantined'] as const;

/** A mark on a tip. */
export type TipFlag = (typeof tipFlags)[number];

/**
 * Who sent an SMS tip, without the number: a keyed pseudonym for threading and limits, and the
 * alias officers see. The number itself is sealed in the sender's record, for replies only.
 */
export const tipSenderSchema = z.object({
  pseudonym: z.string().min(1),
  alias: z.string().regex(/^SMS-[0-9A-HJKMNP-TV-Z]{4}$/),
  provider: z.enum(smsProviders),
});

/** The sender of an SMS tip. */
export type TipSender = z.output<typeof tipSenderSchema>;

const submissionFields = {
  text: z.string(),
  lat: z.number().optional(),
  lon: z.number().optional(),
  category: z.enum(categories).optional(),
  contact: z.string().optional(),
  language: z.enum(languages),
};

const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');

const envelopeFields = {
  tipId: ulid,
  trackingCode: z.string().regex(/^TB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/),
  receivedAt: z.iso.datetime(),
  channel: z.enum(channels),
  sender: tipSenderSchema.optional(),
  flags: z.array(z.enum(tipFlags)).optional(),
  /** The upload slots opened with the tip: the classifier looks for a scanned photo's point only when there are some. */
  attachments: z.array(ulid).max(attachmentLimits.maxFiles).optional(),
};

/**
 * Version 2 of the message intake puts on the queue: the tipster's chosen `unit`. Consumers read
 * `v` first, so a later version can be rolled out while older messages are still in flight;
 * version 1 (which called the chosen unit `district`) is still read, as version 2.
 */
export const tipEnvelopeSchema = z.union([
  z.object({ v: z.literal(2), ...envelopeFields, submission: z.object({ ...submissionFields, unit: z.string().optional() }) }),
  z
    .object({ v: z.literal(1), ...envelopeFields, submission: z.object({ ...submissionFields, district: z.string().optional() }) })
    .transform(({ submission: { district, ...submission }, ...rest }) => ({
      ...rest,
      v: 2 as const,
      submission: { ...submission, ...(district !== undefined && { unit: district }) },
    })),
]);

/** A tip on its way from intake to the classifier. */
export type TipEnvelope = z.output<typeof tipEnvelopeSchema>;

/**
 * Serialises an envelope as pure ASCII JSON. Every character outside printable ASCII is
 * written as a \\uXXXX escape, so text with U+0000, U+FFFF or emoji survives both real SQS
 * (which refuses the first two) and emulators (which refuse the last) and parses back exactly.
 */
export function encodeEnvelope(envelope: TipEnvelope): string {
  return JSON.stringify(envelope).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Parses and validates a queue message body; throws when it is not a tip envelope. */
export function decodeEnvelope(body: string): TipEnvelope {
  return tipEnvelopeSchema.parse(JSON.parse(body));
}
