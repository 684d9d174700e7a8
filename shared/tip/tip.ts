import type { Category, RoutingDecision, Urgency } from '../classification/types.ts';
import type { Language } from '../i18n.ts';
import type { Channel, TipFlag, TipSender } from './envelope.ts';

/** Where a tip is in its life. RECEIVED is public-only: queued, not yet classified. */
export const tipStatuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED'] as const;

/** The status of a stored tip. */
export type TipStatus = (typeof tipStatuses)[number];

/** Days the police have to verify a tip after receiving it (Criminal Procedure Code, Art. 147). */
export const verificationDeadlineDays = 20;

const dayMs = 24 * 60 * 60 * 1000;

/** When a tip received at this instant must be verified by. */
export function verificationDueAt(receivedAt: Date): Date {
  return new Date(receivedAt.getTime() + verificationDeadlineDays * dayMs);
}

/** A classified tip as stored and shown to officers. */
export interface Tip {
  readonly id: string;
  readonly trackingCode: string;
  readonly channel: Channel;
  readonly receivedAt: string;
  readonly classifiedAt: string;
  readonly dueAt: string;
  readonly text: string;
  readonly language: Language;
  readonly contact?: string | undefined;
  readonly lat?: number | undefined;
  readonly lon?: number | undefined;
  /** The district the tipster picked, if any; routing may still have overruled an invalid one. */
  readonly requestedDistrict?: string | undefined;
  readonly requestedCategory?: Category | undefined;
  /** The unit's code, or null for the city duty desk. */
  readonly district: string | null;
  readonly category: Category;
  readonly urgency: Urgency;
  readonly routing: RoutingDecision;
  readonly status: TipStatus;
  /** For SMS tips: the sender's pseudonym and alias, never the number. */
  readonly sender?: TipSender | undefined;
  readonly flags?: readonly TipFlag[] | undefined;
  /** The unit's intake register entry, e.g. `760/2026/000123`, given when the tip is stored. */
  readonly registerNumber?: string | undefined;
}

/** Statuses after which a tip takes no more follow-up messages. */
export const closedTipStatuses: readonly TipStatus[] = ['RESOLVED', 'REJECTED'];

/** What the tracking-code record keeps: enough to find the tip and check its secret, no more. */
export interface TrackingRecord {
  readonly trackingCode: string;
  readonly tipId: string;
  readonly secretHash: string;
  readonly receivedAt: string;
  /** For SMS tips: only this sender may ask for the status by SMS. */
  readonly senderPseudonym?: string | undefined;
}
