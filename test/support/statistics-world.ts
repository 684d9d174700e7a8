/**
 * The statistics tests' world. An in-memory statistics store for the domain tests: the same contract as the DynamoDB one
 * (functions/adapters/dynamo-statistics.ts), a ledger per tip and counters per bucket, with the
 * version condition, and buckets gone once their total is 0. It can be told to answer 'conflict'
 * a number of times, as DynamoDB does when two transactions touch the same counters at once. And
 * the figures as the rules define them, reckoned from the tips, for the domain and integration
 * tests to compare the counters' figures with.
 */
import { categories, type Category } from '../../shared/classification/types.ts';
import { bucketId, totalCounter, type StatisticsBucket } from '../../shared/statistics/facts.ts';
import type { Figures } from '../../shared/statistics/figures.ts';
import type { BucketCounters, LedgerEntry, StatisticsStore } from '../../shared/statistics/ports.ts';
import { cityDeskQueue } from '../../shared/jurisdictions/index.ts';
import type { Tip } from '../../shared/tip/tip.ts';

export interface MemoryStatistics extends StatisticsStore {
  readonly ledgers: Map<string, LedgerEntry>;
  readonly buckets: Map<string, { bucket: StatisticsBucket; counters: Map<string, number> }>;
  /** The next `count` applies answer 'conflict' and write nothing. */
  conflictNext(count: number): void;
  /** Every bucket's counters as plain objects, keyed by bucket id, for comparisons. */
  snapshot(): Record<string, Record<string, number>>;
}

export function memoryStatistics(): MemoryStatistics {
  const ledgers = new Map<string, LedgerEntry>();
  const buckets = new Map<string, { bucket: StatisticsBucket; counters: Map<string, number> }>();
  let conflicts = 0;
  const read = (entry: { bucket: StatisticsBucket; counters: Map<string, number> }): BucketCounters => ({ bucket: entry.bucket, counters: Object.fromEntries(entry.counters) });
  return {
    ledgers,
    buckets,
    conflictNext(count) {
      conflicts = count;
    },
    snapshot() {
      return Object.fromEntries([...buckets].map(([id, entry]) => [id, Object.fromEntries([...entry.counters].sort(([a], [b]) => a.localeCompare(b)))]));
    },
    async entry(tipId) {
      const entry = ledgers.get(tipId);
      return entry && structuredClone(entry);
    },
    async apply({ tipId, expectedVersion, entry, changes }) {
      if (conflicts > 0) {
        conflicts -= 1;
        return 'conflict';
      }
      const stored = ledgers.get(tipId);
      if (stored?.version !== expectedVersion || (stored !== undefined && stored.version >= entry.version)) return 'stale';
      ledgers.set(tipId, structuredClone(entry));
      for (const change of changes) {
        const id = bucketId(change.bucket);
        let bucket = buckets.get(id);
        if (!bucket) buckets.set(id, (bucket = { bucket: change.bucket, counters: new Map() }));
        for (const [counter, by] of Object.entries(change.changes)) {
          const count = (bucket.counters.get(counter) ?? 0) + by;
          if (count < 0) throw new Error(`counter ${counter} of ${id} fell below 0`);
          if (count === 0) bucket.counters.delete(counter);
          else bucket.counters.set(counter, count);
        }
        if ((bucket.counters.get(totalCounter) ?? 0) === 0) {
          if (bucket.counters.size > 0) throw new Error(`bucket ${id} has no tips but counts ${[...bucket.counters.keys()].join(', ')}`);
          buckets.delete(id);
        }
      }
      return 'applied';
    },
    async weeks({ pack, from, to, queue }) {
      return [...buckets.values()]
        .filter(({ bucket }) => bucket.kind === 'week' && bucket.pack === pack && bucket.week >= from && bucket.week <= to && (queue === undefined || bucket.queue === queue))
        .map(read);
    },
    async open({ pack, queue }) {
      return [...buckets.values()].filter(({ bucket }) => bucket.kind === 'open' && bucket.pack === pack && (queue === undefined || bucket.queue === queue)).map(read);
    },
  };
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * 2026-W01 begins on Monday 29 December 2025, 00:00 in Vietnam: 2025-12-28 17:00 UTC. The tests
 * place tips by this anchor, not by the code under test.
 */
export const week1Of2026 = Date.parse('2025-12-28T17:00:00.000Z');

/** The first instant of week `n` of 2026 (n may run past 53 into 2027). */
export const startOfWeek2026 = (n: number): number => week1Of2026 + (n - 1) * 7 * dayMs;

/** The label of week `n` of 2026 (2026 has 53 ISO weeks). */
export const week2026 = (n: number): string => (n <= 53 ? `2026-W${String(n).padStart(2, '0')}` : `2027-W${String(n - 53).padStart(2, '0')}`);

/** A tip as the stream brings it: only what the figures read matters here. */
export function countedTip(overrides: Partial<Tip> & Pick<Tip, 'id' | 'receivedAt'>): Tip {
  const queue = overrides.queue ?? '27154';
  return {
    trackingCode: 'TB-TEST-0001',
    channel: 'web',
    classifiedAt: overrides.receivedAt,
    dueAt: new Date(Date.parse(overrides.receivedAt) + 20 * dayMs).toISOString(),
    text: 'not read by the figures',
    language: 'vi',
    pack: 'hcmc-2025',
    unit: queue === cityDeskQueue ? null : queue,
    otherGeneration: null,
    category: 'theft',
    urgency: 'normal',
    routing: { pack: 'hcmc-2025', unit: queue === cityDeskQueue ? null : queue, confidence: 1, method: 'explicit', evidence: queue === cityDeskQueue ? null : { kind: 'code', code: queue }, candidates: [] },
    status: 'NEW',
    version: 1,
    queue,
    ...overrides,
  };
}

// ---- The figures as the rules define them, computed from the tips themselves ---------------

/** The median of a list of numbers, by sorting it. */
export const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const weekMs = 7 * dayMs;
const isClosed = (tip: Tip) => tip.status === 'RESOLVED' || tip.status === 'REJECTED';

/**
 * The figures of these tips (in their final state) for weeks `fromWeek` to `toWeek` of 2026, at
 * `now`, straight from the rules: the test's own reckoning, not the code under test's.
 */
export function expectedFigures(tips: readonly Tip[], fromWeek: number, toWeek: number, now: number): Figures {
  const start = startOfWeek2026(fromWeek);
  const end = startOfWeek2026(toWeek + 1);
  const inPeriod = tips.filter((tip) => Date.parse(tip.receivedAt) >= start && Date.parse(tip.receivedAt) < end);
  const worked = (list: readonly Tip[]) => list.filter((tip) => tip.incidentId === undefined);
  const byCategory = (list: readonly Tip[]) => {
    const counts: Partial<Record<Category, number>> = {};
    for (const category of categories) {
      const count = list.filter((tip) => tip.category === category).length;
      if (count > 0) counts[category] = count;
    }
    return counts;
  };
  const byWeek = Array.from({ length: toWeek - fromWeek + 1 }, (_, index) => {
    const week = fromWeek + index;
    const ofWeek = inPeriod.filter((tip) => Math.floor((Date.parse(tip.receivedAt) - week1Of2026) / weekMs) + 1 === week);
    return { week: week2026(week), total: ofWeek.length, byCategory: byCategory(ofWeek) };
  });
  const claims = worked(inPeriod)
    .filter((tip) => tip.claimedAt !== undefined)
    .map((tip) => Math.max(0, Math.floor((Date.parse(tip.claimedAt as string) - Date.parse(tip.receivedAt)) / 1000)));
  const closed = worked(inPeriod).filter((tip) => isClosed(tip) && tip.closedAt !== undefined);
  const inTime = closed.filter((tip) => Date.parse(tip.closedAt as string) - Date.parse(tip.receivedAt) <= 20 * dayMs).length;
  const late = closed.length - inTime;
  const openPast20Days = worked(inPeriod).filter((tip) => !isClosed(tip) && Date.parse(tip.receivedAt) + 20 * dayMs < now).length;
  const open = worked(tips).filter((tip) => !isClosed(tip));
  return {
    tips: { total: inPeriod.length, byCategory: byCategory(inPeriod), byWeek },
    firstClaim: { claimed: claims.length, medianSeconds: median(claims) },
    verification: { inTime, late, openPast20Days, shareWithin20Days: inTime + late + openPast20Days === 0 ? null : inTime / (inTime + late + openPast20Days) },
    open: { total: open.length, overdue: open.filter((tip) => Date.parse(tip.dueAt) < now).length },
  };
}

/** The figures of a view's entry, without its names and keys, to compare with the expected ones. */
export const figuresOf = ({ tips, firstClaim, verification, open }: Figures): Figures => ({ tips, firstClaim, verification, open });
