import type { QueuePage, TipEvent } from './officers/model.ts';
import type { Channel, SmsProvider, TipEnvelope } from './tip/envelope.ts';
import type { NewTip, Tip, TipStatus, TrackingRecord } from './tip/tip.ts';

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

/** A change of a stored tip: the tip before and after it, and the audit event that records it. */
export interface TipChange {
  readonly before: Tip;
  readonly after: Tip;
  readonly event: TipEvent;
}

/**
 * The most tip changes one `updateMany` writes: each is two items (the tip and its event), and a
 * DynamoDB transaction takes at most 100 items.
 */
export const maxChangesPerTransaction = 50;

/**
 * Stored tips, their audit trails and their queues. The classifier creates tips; officers read
 * queues and tips and change them; each use case takes the methods it needs (`Pick<…>`).
 */
export interface TipRepository {
  /**
   * Stores a newly classified tip in its queue, then gives it its register number and first audit
   * event (tip/register.ts), once: a second call for the same tip id stores nothing, numbers the
   * tip if the first call stopped before, and reports 'duplicate'. Resolves once it is numbered.
   */
  create(tip: NewTip, expiresAt: Date): Promise<'created' | 'duplicate'>;
  get(tipId: string): Promise<Tip | undefined>;
  /**
   * Several tips in one read (one request per 100 ids, strongly consistent, as `get`): the stored
   * ones by id, the others left out.
   */
  getMany(tipIds: readonly string[]): Promise<Map<string, Tip>>;
  /** The tip's events, oldest first. */
  events(tipId: string): Promise<TipEvent[]>;
  /** One page of one queue and status of a pack, high urgency first, then oldest; one query per page. */
  queue(query: { readonly pack: string; readonly queue: string; readonly status: TipStatus; readonly limit: number; readonly cursor?: string | undefined }): Promise<QueuePage>;
  /**
   * Writes the changed tip and its audit event in one transaction, only if the stored tip still
   * has `before.version`; otherwise throws StaleTipError.
   */
  update(change: TipChange): Promise<void>;
  /**
   * Writes several changes (each of another tip) and their events in ONE transaction, only if
   * every stored tip still has its `before.version`; otherwise writes nothing and throws
   * StaleTipError naming a tip that changed. At most `maxChangesPerTransaction` changes.
   */
  updateMany(changes: readonly TipChange[]): Promise<void>;
  /** Adds an event that changes nothing else on the tip (a note, a message), in the same way. */
  addEvent(tip: Tip, event: TipEvent): Promise<void>;
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
