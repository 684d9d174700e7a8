import type { TipEnvelope } from './tip/envelope.ts';
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
