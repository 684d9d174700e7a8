/**
 * eSMS short-code SMS, as eSMS documents it ("Kết nối đầu số ngắn", docs/decisions/0020):
 *
 * - Inbound: when a citizen texts the short code, eSMS calls the partner with an HTTP GET whose
 *   query string holds `sender` (international form, 84…), `content`, `serviceNumber`,
 *   `keyword`, `sign`, `cpid`, `smsid` (unique per message, for duplicates) and `receiverTime`
 *   (yyyyMMddHHmmss).
 * - `sign` is MD5 over the UTF-8 of cpid + smsid + content + receiverTime + the private key. The
 *   page's prose says MD5 and its sample code encodes the digest in base64; both encodings of the
 *   one digest are accepted.
 * - The answer is XML, `<ClientResponse><Message>…</Message><Smsid>…</Smsid><Receiver>…</Receiver></ClientResponse>`,
 *   and its message is what eSMS texts back.
 *
 * The query string holds the tip's text and the citizen's number: nothing here logs or echoes it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { phoneNumber, requiredText, smsText } from './inbound.ts';

/** The query parameters eSMS sends, by name. */
export const esmsParameters = ['sender', 'content', 'serviceNumber', 'keyword', 'sign', 'cpid', 'smsid', 'receiverTime'] as const;

/** The fields the signature covers, in the order they are joined. */
export interface EsmsSignedFields {
  readonly cpid: string;
  readonly smsid: string;
  readonly content: string;
  readonly receiverTime: string;
}

/** The MD5 digest eSMS signs an inbound message with. */
function esmsDigest(privateKey: string, fields: EsmsSignedFields): Buffer {
  return createHash('md5').update(`${fields.cpid}${fields.smsid}${fields.content}${fields.receiverTime}${privateKey}`, 'utf8').digest();
}

/** The `sign` of an inbound message, as eSMS's sample code computes it (base64 of the MD5 digest). */
export function signEsmsMessage(privateKey: string, fields: EsmsSignedFields): string {
  return esmsDigest(privateKey, fields).toString('base64');
}

/** Why an inbound eSMS request was refused before it was read. */
export type EsmsSignatureProblem = 'missing_signature' | 'bad_signature' | 'unknown_cpid';

/** Compares in constant time for strings of one length; a different length is simply unequal. */
function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks an inbound request's `sign` against the private key, and that it is for our CP id;
 * returns the problem, or undefined when the request is eSMS's. Both encodings of the digest
 * (base64 and hex, either case) are compared, each in constant time.
 */
export function verifyEsmsRequest(
  secrets: { readonly privateKey: string; readonly cpid: string },
  parameters: Readonly<Partial<Record<(typeof esmsParameters)[number], string>>>,
): EsmsSignatureProblem | undefined {
  const sign = parameters.sign?.trim();
  if (!sign) return 'missing_signature';
  const digest = esmsDigest(secrets.privateKey, {
    cpid: parameters.cpid ?? '',
    smsid: parameters.smsid ?? '',
    content: parameters.content ?? '',
    receiverTime: parameters.receiverTime ?? '',
  });
  const base64 = sameText(sign, digest.toString('base64'));
  const hex = sameText(sign.toLowerCase(), digest.toString('hex'));
  if (!base64 && !hex) return 'bad_signature';
  // Signed, but for another CP of the same key: not a message for this deployment.
  return sameText(parameters.cpid ?? '', secrets.cpid) ? undefined : 'unknown_cpid';
}

/** eSMS's time of receipt, `yyyyMMddHHmmss` in Vietnam's time (UTC+7, no daylight saving), as an ISO instant. */
export function esmsReceivedAt(receiverTime: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(receiverTime);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const instant = new Date(Date.UTC(year, month - 1, day, hour - 7, minute, second));
  // Date.UTC rolls an impossible date over (31 February): such a time is not eSMS's.
  const local = new Date(instant.getTime() + 7 * 60 * 60 * 1000);
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day || local.getUTCHours() !== hour || local.getUTCMinutes() !== minute) return undefined;
  return instant.toISOString();
}

/** eSMS writes the sender internationally without `+` (84903123456). */
const esmsSender = z
  .string(requiredText('notText'))
  .transform((raw) => (/^84\d{8,10}$/.test(raw.trim()) ? `+${raw.trim()}` : raw))
  .pipe(phoneNumber);

/** An inbound eSMS message's query parameters, once its signature holds. */
export const esmsInboundSchema = z.object({
  sender: esmsSender,
  content: smsText,
  serviceNumber: z.string(requiredText('notText')).trim().min(1, { error: 'required' }).max(32, { error: 'tooLong' }),
  keyword: z.string().max(64, { error: 'tooLong' }).optional(),
  smsid: z.string(requiredText('notText')).trim().min(1, { error: 'required' }).max(200, { error: 'tooLong' }),
  receiverTime: z.string(requiredText('notText')).transform((raw, context) => {
    const at = esmsReceivedAt(raw.trim());
    if (!at) {
      context.addIssue({ code: 'custom', message: 'notDateTime' });
      return z.NEVER;
    }
    return at;
  }),
});

/** An inbound eSMS message as read. */
export type EsmsInbound = z.output<typeof esmsInboundSchema>;

/** Characters XML 1.0 cannot hold at all (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF; lone surrogates). */
const notXmlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/gu;

function xmlText(text: string): string {
  return text
    .toWellFormed()
    .replace(notXmlCharacters, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * The answer eSMS texts back: `message` to `receiver` (the sender as eSMS wrote it), for the
 * message `smsid`. No message (a number that opted out) is an empty `<Message/>`: nothing is sent.
 */
export function esmsReplyXml(reply: { readonly message: string | null; readonly smsid: string; readonly receiver: string }): string {
  return `<ClientResponse><Message>${xmlText(reply.message ?? '')}</Message><Smsid>${xmlText(reply.smsid)}</Smsid><Receiver>${xmlText(reply.receiver)}</Receiver></ClientResponse>`;
}
