/**
 * Keeps the commanders' figures up to date from the stream of tip changes. A stream delivers each
 * change at least once and may replay or reorder them: each tip's ledger remembers the version
 * it last counted and what that version contributed, and a change is counted only from a newer
 * version, as the difference between what it contributes and what the ledger holds, written with
 * the ledger in one transaction. A replay, or an older version arriving late, changes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { statisticsDelta, tipFacts, type CountedTip } from '../statistics/facts.ts';
import type { StatisticsLedger } from '../statistics/ports.ts';
import type { Tip } from '../tip/tip.ts';

/** What recording did: counted this version, or found it (or a newer one) counted already. */
export type RecordOutcome = 'recorded' | 'unchanged';

/** How often a write is tried again after the ledger or the same counters changed under it. */
const maxAttempts = 8;

/**
 * Counts one version of a tip in the figures, once. Throws when the counters kept racing other
 * writes, so the stream delivers the change again.
 */
export async function recordTipStatistics(
  tip: Pick<Tip, 'id' | 'version'> & CountedTip,
  deps: { readonly statistics: StatisticsLedger },
  previous?: CountedTip,
): Promise<RecordOutcome> {
  const facts = tipFacts(tip);
  // A change that moves no figure (the register's number, a note's version bump) costs no read
  // and no write. Should the version before it never have been counted (its delivery failed for
  // good), the tip's next change that moves a figure counts it all, from the ledger.
  if (previous && isDeepStrictEqual(tipFacts(previous), facts)) return 'unchanged';
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const counted = await deps.statistics.entry(tip.id);
    if (counted && counted.version >= tip.version) return 'unchanged';
    const outcome = await deps.statistics.apply({
      tipId: tip.id,
      expectedVersion: counted?.version,
      entry: { version: tip.version, facts },
      changes: statisticsDelta(counted?.facts, facts),
    });
    if (outcome === 'applied') return 'recorded';
    // 'stale': another delivery moved the ledger; read it again. 'conflict': another tip's change
    // wrote the same counters at the same moment; nothing was written, so try again.
  }
  throw new Error(`The statistics of tip ${tip.id} version ${tip.version} kept racing other writes`);
}
