/**
 * Where the commanders' figures are kept: counters in buckets (facts.ts), changed from a stream
 * of tip changes through a per-tip ledger, and read back without reading a single tip.
 */
import type { BucketChange, StatisticsBucket, TipFacts } from './facts.ts';
import type { IsoWeek } from './weeks.ts';

/** What the ledger holds for one tip: the last version counted, and what it contributed. */
export interface LedgerEntry {
  readonly version: number;
  readonly facts: TipFacts;
}

/** Writes the counters, once per tip version. */
export interface StatisticsLedger {
  /** What has been counted for the tip, if anything (a consistent read). */
  entry(tipId: string): Promise<LedgerEntry | undefined>;
  /**
   * Applies the changes and sets the tip's ledger to `entry`, all in one transaction, only if the
   * ledger still holds the version `expectedVersion` (undefined: no ledger yet) and that is
   * below `entry.version`. 'stale' when the ledger moved meanwhile (nothing was written);
   * 'conflict' when another write to the same counters raced it (nothing was written; try again).
   */
  apply(update: { readonly tipId: string; readonly expectedVersion: number | undefined; readonly entry: LedgerEntry; readonly changes: readonly BucketChange[] }): Promise<'applied' | 'stale' | 'conflict'>;
}

/** One bucket's counters as stored: counter name → count. */
export interface BucketCounters {
  readonly bucket: StatisticsBucket;
  readonly counters: Readonly<Record<string, number>>;
}

/** Reads the counters for the figures: a few queries, never a scan. */
export interface StatisticsReader {
  /** The week buckets of a pack for the weeks from `from` to `to` (both included), of every queue or of one. */
  weeks(query: { readonly pack: string; readonly from: IsoWeek; readonly to: IsoWeek; readonly queue?: string | undefined }): Promise<BucketCounters[]>;
  /** The open buckets of a pack, of every queue or of one. */
  open(query: { readonly pack: string; readonly queue?: string | undefined }): Promise<BucketCounters[]>;
}

/** Both sides, as one store implements them. */
export interface StatisticsStore extends StatisticsLedger, StatisticsReader {}
