import * as z from 'zod';
import { NotFoundError } from '../errors.ts';
import { holderOf } from '../jurisdictions/index.ts';
import type { Language } from '../i18n.ts';
import type { TipRepository, TrackingCodeStore } from '../ports.ts';
import { parseOrThrow } from '../tip/submission.ts';
import type { TipStatus } from '../tip/tip.ts';
import { canonicalTipSecret, parseTrackingCode, type SecretHasher } from '../tip/tracking-code.ts';
import { errorText } from '../messages.ts';

/** A status request: the tracking code and the secret, both as the tipster typed them. */
export const statusRequestSchema = z.object({
  code: z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : 'notText') })
    .refine((code) => parseTrackingCode(code) !== undefined, { error: 'badTrackingCode' }),
  secret: z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : 'notText') })
    .refine((secret) => canonicalTipSecret(secret) !== undefined, { error: 'badSecret' }),
  language: z.enum(['vi', 'en']).optional(),
});

/** What the tipster may learn: the status and which unit holds the tip. Nothing else. */
export interface TipStatusView {
  readonly trackingCode: string;
  /** RECEIVED until the classifier has stored the tip. */
  readonly status: TipStatus | 'RECEIVED';
  /** The unit holding the tip; null while it is still being routed. */
  readonly unit: { readonly code: string; readonly name: string } | null;
}

/** What getTipStatus needs from the outside world. */
export interface GetTipStatusDependencies {
  readonly codes: TrackingCodeStore;
  readonly tips: Pick<TipRepository, 'get'>;
  readonly hasher: SecretHasher;
}

/** A hash no secret produces, compared against when the code is unknown, so both failures cost the same. */
const unknownCodeHash = 'x'.repeat(43);

/**
 * The status of a tip for the person holding its code and secret. A wrong code and a wrong
 * secret fail the same way and take the same work, so neither reveals that a code exists.
 */
export async function getTipStatus(input: unknown, dependencies: GetTipStatusDependencies, language: Language = 'vi'): Promise<TipStatusView> {
  const request = parseOrThrow(statusRequestSchema, input);
  const trackingCode = parseTrackingCode(request.code) ?? '';
  const record = await dependencies.codes.find(trackingCode);
  const secretMatches = dependencies.hasher.matches(request.secret, record?.secretHash ?? unknownCodeHash);
  if (!record || !secretMatches) throw new NotFoundError(errorText('codeAndSecretMismatch'));

  const tip = await dependencies.tips.get(record.tipId);
  if (!tip) return { trackingCode, status: 'RECEIVED', unit: null };
  const holder = holderOf(tip);
  const english = (request.language ?? language) === 'en';
  return { trackingCode, status: tip.status, unit: { code: holder.code, name: english ? holder.nameEn : holder.name } };
}
