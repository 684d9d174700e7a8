import type { Channel, SmsProvider, TipEnvelope } from './tip/envelope.ts';
import type { Tip, TrackingRecord } from './tip/tip.ts';

/** The time, injected so tests can fix it. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Makes ids for new tips (ULIDs: sortable by time, unique without coordination). */
export interface IdGenerator {
  next(): string;
}

/** The queue between intake and classification. */
export interface TipQueue {
  /** Resolves once the queue has durably accepted the tip. */
  send(envelope: TipEnvelope): Promise<void>;
}

/** Tracking codes and the hashes of their secrets. */
export interface TrackingCodeStore {
  /** Stores the record unless the code is taken; false means pick another code. */
  reserve(record: TrackingRecord, expiresAt: Date): Promise<boolean>;
  /** Removes a reservation whose tip never reached the queue. */
  release(trackingCode: string): Promise<void>;
  find(trackingCode: string): Promise<TrackingRecord | undefined>;
}

/** Classified tips. */
export interface TipRepository {
  /**
   * Stores a newly classified tip with its first audit event, once: a second call for the
   * same tip id changes nothing and reports 'duplicate'.
   */
  create(tip: Tip, expiresAt: Date): Promise<'created' | 'duplicate'>;
  get(tipId: string): Promise<Tip | undefined>;
}

/** What tinbao keeps about one SMS sender, keyed by the pseudonym of the number. */
export interface SmsSenderRecord {
  readonly pseudonym: string;
  readonly alias: string;
  /** The number, encrypted so that only reply paths can read it. */
  readonly sealedPhone: string;
  readonly provider: SmsProvider;
  /** The sender sent HUY or STOP: tinbao sends them nothing more until they send BAT. */
  readonly optedOut: boolean;
  /** The tip the sender's last message belonged to, and when that message came. */
  readonly lastTip: { readonly tipId: string; readonly trackingCode: string; readonly at: string } | null;
  /** When the sender opened new tips in the last hour, for the rate limit. */
  readonly recentTipTimes: readonly string[];
}

/** SMS senders by pseudonym. */
export interface SmsSenderStore {
  get(pseudonym: string): Promise<SmsSenderRecord | undefined>;
  save(record: SmsSenderRecord, expiresAt: Date): Promise<void>;
}

/** A message the tipster added to a tip after sending it. */
export interface TipsterMessage {
  readonly messageId: string;
  readonly text: string;
  readonly at: string;
  readonly channel: Channel;
}

/** The conversation on a tip between tipster and officers. */
export interface TipConversation {
  addTipsterMessage(tipId: string, message: TipsterMessage, expiresAt: Date): Promise<void>;
}

/** Seals a phone number so that only the reply path can open it (KMS in the cloud). */
export interface PhoneVault {
  seal(e164: string): Promise<string>;
}
