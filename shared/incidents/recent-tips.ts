/**
 * The recent-tips index: one small record per classified tip, kept a little longer than the
 * duplicate window, by pack and queue, in the order the tips were received. A new tip reads the
 * few queues it may share an incident with over the window only, so the search costs what the
 * recent tips of those queues cost, however many tips the table holds.
 */
import type { IncidentFeatures } from './features.ts';

/** Which recent tips to read: some queues of a pack, received between two instants (inclusive). */
export interface RecentTipsQuery {
  readonly pack: string;
  readonly queues: readonly string[];
  /** ISO 8601 instants. */
  readonly from: string;
  readonly to: string;
}

/** The index of recent tips. */
export interface RecentTipIndex {
  /** Records a tip's features (again: the same record), until `expiresAt`. */
  record(features: IncidentFeatures, expiresAt: Date): Promise<void>;
  /** The tips recorded in these queues received in the range, in no particular order. */
  around(query: RecentTipsQuery): Promise<IncidentFeatures[]>;
}
