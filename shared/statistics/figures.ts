/**
 * The commanders' figures, computed from the counters alone (facts.ts says what each counter
 * counts): tips per queue, week and category; the median time to first claim, exact from its
 * distribution; tips verified within the legal 20 days, late, or open past them; open tips
 * overdue now. Pure: the store's counters and the time in, the figures out.
 */
import { categories, type Category } from '../classification/types.ts';
import { counterNames, counterPrefixes, verificationDeadlineMs } from './facts.ts';
import type { BucketCounters } from './ports.ts';
import type { IsoWeek } from './weeks.ts';

/** Tips of one week: all of them and by category (a category with none is absent). */
export interface WeekTips {
  readonly week: IsoWeek;
  readonly total: number;
  readonly byCategory: Partial<Record<Category, number>>;
}

/** The figures of one queue, or of all the queues shown together. */
export interface Figures {
  /** Tips received in the period (counted in their current queue and category). */
  readonly tips: {
    readonly total: number;
    readonly byCategory: Partial<Record<Category, number>>;
    /** One entry per week of the period, in order, weeks without tips included. */
    readonly byWeek: readonly WeekTips[];
  };
  /** Of the tips received in the period: how many were claimed, and the median seconds from receipt to the first claim (null with none). */
  readonly firstClaim: { readonly claimed: number; readonly medianSeconds: number | null };
  /**
   * Of the tips received in the period: closed within 20 days of receipt, closed later, and still
   * open more than 20 days after receipt; the share verified in time is inTime / (inTime + late +
   * openPast20Days), null when that is 0.
   */
  readonly verification: { readonly inTime: number; readonly late: number; readonly openPast20Days: number; readonly shareWithin20Days: number | null };
  /** Open tips now, whenever received, and those of them past their deadline (extensions included). */
  readonly open: { readonly total: number; readonly overdue: number };
}

/** What to compute: the period's weeks and its bounds, and the time the open tips are judged at. */
export interface FiguresPeriod {
  readonly weeks: readonly IsoWeek[];
  /** The first instant of the period (its first week's Monday, 00:00 in Vietnam). */
  readonly start: Date;
  /** The first instant after the period. */
  readonly end: Date;
  readonly now: Date;
}

/** The counters of one queue, merged from its buckets. */
interface QueueCounters {
  readonly weeks: Map<IsoWeek, Map<Category, number>>;
  /** Seconds to first claim → tips. */
  readonly claims: Map<number, number>;
  inTime: number;
  late: number;
  openPast20Days: number;
  open: number;
  overdue: number;
}

const emptyCounters = (): QueueCounters => ({ weeks: new Map(), claims: new Map(), inTime: 0, late: 0, openPast20Days: 0, open: 0, overdue: 0 });

const addTo = <Key>(map: Map<Key, number>, key: Key, count: number) => map.set(key, (map.get(key) ?? 0) + count);

const sumOf = (counts: Iterable<number>): number => {
  let total = 0;
  for (const count of counts) total += count;
  return total;
};

/** Looked up once per counter of every bucket read, so a set rather than the list. */
const categorySet: ReadonlySet<string> = new Set(categories);
const isCategory = (value: string): value is Category => categorySet.has(value);

/** The number after a counter's prefix, if the name is that counter's. */
function valueAfter(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const value = Number(name.slice(prefix.length));
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Merges the buckets of each queue into its counters, keeping only what falls in the period. */
function mergeByQueue(weekBuckets: readonly BucketCounters[], openBuckets: readonly BucketCounters[], period: FiguresPeriod): Map<string, QueueCounters> {
  const byQueue = new Map<string, QueueCounters>();
  const of = (queue: string) => {
    let counters = byQueue.get(queue);
    if (!counters) byQueue.set(queue, (counters = emptyCounters()));
    return counters;
  };
  const weeksInPeriod = new Set(period.weeks);
  const start = period.start.getTime();
  const end = period.end.getTime();
  const now = period.now.getTime();

  for (const { bucket, counters } of weekBuckets) {
    if (bucket.kind !== 'week' || !weeksInPeriod.has(bucket.week)) continue;
    const queue = of(bucket.queue);
    let weekTips = queue.weeks.get(bucket.week);
    if (!weekTips) queue.weeks.set(bucket.week, (weekTips = new Map()));
    for (const [name, count] of Object.entries(counters)) {
      if (!(count > 0)) continue;
      // `total` is not read: the week's tips are the sum of its categories.
      if (name.startsWith(counterPrefixes.tips)) {
        const category = name.slice(counterPrefixes.tips.length);
        if (isCategory(category)) addTo(weekTips, category, count);
      } else if (name.startsWith(counterPrefixes.claim)) {
        const seconds = valueAfter(name, counterPrefixes.claim);
        if (seconds !== undefined) addTo(queue.claims, seconds, count);
      } else if (name === counterNames.inTime) queue.inTime += count;
      else if (name === counterNames.late) queue.late += count;
    }
  }

  for (const { bucket, counters } of openBuckets) {
    if (bucket.kind !== 'open') continue;
    const queue = of(bucket.queue);
    for (const [name, count] of Object.entries(counters)) {
      if (!(count > 0)) continue;
      const dueAt = valueAfter(name, counterPrefixes.due);
      if (dueAt !== undefined) {
        queue.open += count;
        if (dueAt < now) queue.overdue += count;
        continue;
      }
      const receivedAt = valueAfter(name, counterPrefixes.received);
      if (receivedAt !== undefined && receivedAt >= start && receivedAt < end && receivedAt + verificationDeadlineMs < now) queue.openPast20Days += count;
    }
  }
  return byQueue;
}

/**
 * The median of a distribution (value → how many times it occurs): the middle value, or the mean
 * of the two middle values for an even count; null for an empty distribution.
 */
export function medianOf(distribution: ReadonlyMap<number, number>): number | null {
  const entries = [...distribution].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = sumOf(entries.map(([, count]) => count));
  if (total === 0) return null;
  /** The value at a 0-based rank of the sorted values. */
  const at = (rank: number): number => {
    let seen = 0;
    for (const [value, count] of entries) {
      seen += count;
      if (rank < seen) return value;
    }
    throw new RangeError(`rank ${rank} beyond ${total}`);
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/** inTime / (inTime + late + openPast20Days), or null when nothing counts. */
export function shareWithin20Days(inTime: number, late: number, openPast20Days: number): number | null {
  const all = inTime + late + openPast20Days;
  return all === 0 ? null : inTime / all;
}

function figuresOf(counters: readonly QueueCounters[], weeks: readonly IsoWeek[]): Figures {
  const byCategory = new Map<Category, number>();
  const byWeek = weeks.map((week): WeekTips => {
    const ofWeek = new Map<Category, number>();
    for (const queue of counters) {
      for (const [category, count] of queue.weeks.get(week) ?? []) {
        addTo(ofWeek, category, count);
        addTo(byCategory, category, count);
      }
    }
    return { week, total: sumOf(ofWeek.values()), byCategory: inCategoryOrder(ofWeek) };
  });
  const claims = new Map<number, number>();
  for (const queue of counters) for (const [seconds, count] of queue.claims) addTo(claims, seconds, count);
  const sum = (pick: (queue: QueueCounters) => number) => sumOf(counters.map(pick));
  const inTime = sum((queue) => queue.inTime);
  const late = sum((queue) => queue.late);
  const openPast20Days = sum((queue) => queue.openPast20Days);
  return {
    tips: { total: sumOf(byCategory.values()), byCategory: inCategoryOrder(byCategory), byWeek },
    firstClaim: { claimed: sumOf(claims.values()), medianSeconds: medianOf(claims) },
    verification: { inTime, late, openPast20Days, shareWithin20Days: shareWithin20Days(inTime, late, openPast20Days) },
    open: { total: sum((queue) => queue.open), overdue: sum((queue) => queue.overdue) },
  };
}

/** The categories with a count, in the form's order. */
function inCategoryOrder(counts: ReadonlyMap<Category, number>): Partial<Record<Category, number>> {
  return Object.fromEntries(categories.filter((category) => (counts.get(category) ?? 0) > 0).map((category) => [category, counts.get(category)]));
}

/** Whether a queue has anything to show: a tip in the period, or an open tip. */
function hasFigures(figures: Figures): boolean {
  return figures.tips.total > 0 || figures.open.total > 0 || figures.verification.openPast20Days > 0;
}

/**
 * The figures of each queue asked for that has something to show (and of each queue in
 * `alwaysShown` even with nothing), in the order of `queues`, and of all of them together.
 * Buckets of other queues, or outside the period, are left out.
 */
export function computeFigures(
  buckets: { readonly weeks: readonly BucketCounters[]; readonly open: readonly BucketCounters[] },
  queues: readonly string[],
  period: FiguresPeriod,
  alwaysShown: readonly string[] = [],
): { readonly overall: Figures; readonly queues: ReadonlyArray<{ readonly queue: string; readonly figures: Figures }> } {
  const byQueue = mergeByQueue(buckets.weeks, buckets.open, period);
  const asked = queues.map((queue) => ({ queue, counters: byQueue.get(queue) ?? emptyCounters() }));
  const shown = asked
    .map(({ queue, counters }) => ({ queue, figures: figuresOf([counters], period.weeks) }))
    .filter(({ queue, figures }) => hasFigures(figures) || alwaysShown.includes(queue));
  return { overall: figuresOf(asked.map(({ counters }) => counters), period.weeks), queues: shown };
}
