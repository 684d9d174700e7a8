/**
 * What one version of a tip contributes to the commanders' figures (its "facts"), and how the
 * counters move when a tip changes: the change is the new version's contributions minus those
 * the ledger counted for the tip before, so a transfer moves a tip from one unit's counters to
 * another's, a claim adds its time to the distribution once, a closing takes the tip out of the
 * open counters and into "in time" or "late".
 *
 * Counters live in buckets:
 *  - a week bucket per pack, ISO week of receipt (Vietnam time) and current queue: `total`
 *    (tips), `tips#<category>`, `claim#<seconds>` (time from receipt to first claim, a count per
 *    whole second, so a median is exact), `inTime` and `late` (closed within the legal 20 days of
 *    receipt, or after);
 *  - an open bucket per pack, current queue and month of receipt: `total` (open tips),
 *    `due#<epoch ms>` and `received#<epoch ms>` (a count per instant, so "overdue now" and "open
 *    past its 20 days" are exact at any time without reading a tip).
 * Every bucket's `total` counts the tips in it, so a bucket whose total is 0 holds nothing.
 * Pure: no storage, no clock.
 */
import type { Category } from '../classification/types.ts';
import { closedTipStatuses, verificationDeadlineDays, type Tip } from '../tip/tip.ts';
import { isoWeekOf, monthOf, type IsoWeek } from './weeks.ts';

const dayMs = 24 * 60 * 60 * 1000;

/** The legal time to verify a tip, in milliseconds (20 days, Criminal Procedure Code Art. 147). */
export const verificationDeadlineMs = verificationDeadlineDays * dayMs;

/** Whether a closed tip was verified within the legal 20 days of its receipt. */
export type Verification = 'inTime' | 'late';

/** What one version of a tip contributes to the figures. Stored in the tip's ledger, so it is plain data. */
export interface TipFacts {
  readonly pack: string;
  readonly queue: string;
  readonly category: Category;
  readonly receivedAt: string;
  /** The ISO week of receipt, in Vietnam time. */
  readonly week: IsoWeek;
  /** Whole seconds from receipt to the first claim or assignment; null while never claimed. */
  readonly claimSeconds: number | null;
  /** For a closed tip (with its closing time known): in time or late. */
  readonly verification: Verification | null;
  /** For an open tip: the month of receipt (its bucket) and its deadline and receipt, in epoch ms. */
  readonly open: { readonly month: string; readonly dueAt: number; readonly receivedAt: number } | null;
}

/** The tip fields the facts are made of. */
export type CountedTip = Pick<Tip, 'pack' | 'queue' | 'category' | 'status' | 'receivedAt' | 'dueAt' | 'claimedAt' | 'closedAt' | 'incidentId'>;

/**
 * What this version of the tip contributes. A report linked into an incident counts as a tip
 * received, and nothing more: the incident's primary tip is claimed, worked and closed for it,
 * so its claim, its verification and its being open are counted once, on the primary.
 */
export function tipFacts(tip: CountedTip): TipFacts {
  const received = new Date(tip.receivedAt).getTime();
  const linked = tip.incidentId !== undefined;
  // RESOLVED or REJECTED: verified, one way or the other.
  const closed = closedTipStatuses.includes(tip.status);
  const closedAt = closed && !linked && tip.closedAt !== undefined ? new Date(tip.closedAt).getTime() : undefined;
  const claimedAt = tip.claimedAt === undefined || linked ? undefined : new Date(tip.claimedAt).getTime();
  return {
    pack: tip.pack,
    queue: tip.queue,
    category: tip.category,
    receivedAt: tip.receivedAt,
    week: isoWeekOf(received),
    // A clock a little behind the classifier's must not make a negative time.
    claimSeconds: claimedAt === undefined ? null : Math.max(0, Math.floor((claimedAt - received) / 1000)),
    verification: closedAt === undefined ? null : closedAt - received <= verificationDeadlineMs ? 'inTime' : 'late',
    open: closed || linked ? null : { month: monthOf(received), dueAt: new Date(tip.dueAt).getTime(), receivedAt: received },
  };
}

/** Where counters are kept: a pack's week of one queue, or a pack's open tips of one queue and month of receipt. */
export type StatisticsBucket =
  | { readonly kind: 'week'; readonly pack: string; readonly week: IsoWeek; readonly queue: string }
  | { readonly kind: 'open'; readonly pack: string; readonly month: string; readonly queue: string };

/** The counter of every bucket that counts the tips in it. */
export const totalCounter = 'total';

/** The prefixes of the counters kept per value (a category, a second, an instant). */
export const counterPrefixes = { tips: 'tips#', claim: 'claim#', due: 'due#', received: 'received#' } as const;

/** Counter names: one place for their spelling, read back by figures.ts. */
export const counterNames = {
  tips: (category: Category) => `${counterPrefixes.tips}${category}`,
  claim: (seconds: number) => `${counterPrefixes.claim}${seconds}`,
  inTime: 'inTime',
  late: 'late',
  due: (epochMs: number) => `${counterPrefixes.due}${epochMs}`,
  received: (epochMs: number) => `${counterPrefixes.received}${epochMs}`,
} as const;

/** One bucket's counters changing together, by whole amounts. */
export interface BucketChange {
  readonly bucket: StatisticsBucket;
  /** Counter name → amount to add (never 0). */
  readonly changes: Readonly<Record<string, number>>;
}

/** A stable text key of a bucket, to group the changes of one bucket. */
export function bucketId(bucket: StatisticsBucket): string {
  return bucket.kind === 'week' ? `week|${bucket.pack}|${bucket.week}|${bucket.queue}` : `open|${bucket.pack}|${bucket.month}|${bucket.queue}`;
}

/** The counters one version of a tip adds: each 1. */
function contributions(facts: TipFacts): Array<{ bucket: StatisticsBucket; counters: string[] }> {
  const week: StatisticsBucket = { kind: 'week', pack: facts.pack, week: facts.week, queue: facts.queue };
  const weekCounters = [totalCounter, counterNames.tips(facts.category)];
  if (facts.claimSeconds !== null) weekCounters.push(counterNames.claim(facts.claimSeconds));
  if (facts.verification !== null) weekCounters.push(counterNames[facts.verification]);
  const buckets: Array<{ bucket: StatisticsBucket; counters: string[] }> = [{ bucket: week, counters: weekCounters }];
  if (facts.open !== null) {
    buckets.push({
      bucket: { kind: 'open', pack: facts.pack, month: facts.open.month, queue: facts.queue },
      counters: [totalCounter, counterNames.due(facts.open.dueAt), counterNames.received(facts.open.receivedAt)],
    });
  }
  return buckets;
}

/**
 * How the counters change when the ledger's facts for a tip (none for a tip not yet counted)
 * become these: the new contributions minus the old, per bucket, without zero changes or
 * buckets left with none. Buckets come in a stable order (by their key).
 */
export function statisticsDelta(before: TipFacts | undefined, after: TipFacts): BucketChange[] {
  const byBucket = new Map<string, { bucket: StatisticsBucket; changes: Map<string, number> }>();
  const count = (facts: TipFacts, sign: 1 | -1) => {
    for (const { bucket, counters } of contributions(facts)) {
      const id = bucketId(bucket);
      let entry = byBucket.get(id);
      if (!entry) byBucket.set(id, (entry = { bucket, changes: new Map() }));
      for (const counter of counters) entry.changes.set(counter, (entry.changes.get(counter) ?? 0) + sign);
    }
  };
  if (before) count(before, -1);
  count(after, 1);
  return [...byBucket.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { bucket, changes }]) => ({ bucket, changes: Object.fromEntries([...changes].filter(([, by]) => by !== 0)) }))
    .filter((change) => Object.keys(change.changes).length > 0);
}
