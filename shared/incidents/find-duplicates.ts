/**
 * The duplicate search, run by the classifier when it stores a tip (shared/usecases/classify-tip.ts):
 * the tip is recorded in the recent-tips index, then compared with the recent tips of the queues
 * it may share an incident with (its own, the city desk's, and those of its routing candidates),
 * and its best matches among the tips still open are written as suggestions for both tips.
 *
 * Running it again for the same tip writes the same items: the record and the suggestions are
 * keyed by the tips, the score is the same both ways round, a suggestion's time is the later
 * classification of its pair, and a pair an officer decided about keeps its state.
 *
 * The tip is recorded before it looks for others: two reports classified at the same moment
 * each write their record, then read, so at least one of them finds the other.
 */
import { cityDeskQueue } from '../jurisdictions/index.ts';
import type { TipRepository } from '../ports.ts';
import { closedTipStatuses, type Tip } from '../tip/tip.ts';
import { shortlistUnits, type IncidentFeatures, type IncidentReader, type IncidentSource } from './features.ts';
import type { DuplicateSuggestion, DuplicateSuggestionStore } from './ports.ts';
import type { RecentTipIndex } from './recent-tips.ts';
import { compareReports, duplicateWindowHours, type DuplicateMatch } from './rule.ts';

/**
 * At most this many suggestions are written for a new tip, best first: what an officer weighs at
 * a glance. Each costs two writes (one on each tip), and a burst of near-identical reports (a
 * load test, a viral rumour) would otherwise pay that many times over.
 */
export const maxSuggestions = 3;

/** A recent-tips record outlives the window by this much, so a late delivery still finds its peers. */
export const recentMarginHours = 24;

const hourMs = 60 * 60 * 1000;

/** What the search needs. */
export interface DuplicateSearchDependencies {
  readonly reader: IncidentReader;
  readonly recent: RecentTipIndex;
  readonly suggestions: Pick<DuplicateSuggestionStore, 'suggest'>;
  /** To check that the best candidates are still open before suggesting them. */
  readonly tips: Pick<TipRepository, 'getMany'>;
}

/** What one search did, for the log: counts only. */
export interface DuplicateSearchOutcome {
  /** Recent tips read and compared. */
  readonly compared: number;
  /** Of them, those that look like the same incident. */
  readonly matched: number;
  /** Suggestions written (each for both tips). */
  readonly suggested: number;
}

/** When a tip's recent-tips record expires. */
export function recentRecordExpiry(receivedAt: string): Date {
  return new Date(Date.parse(receivedAt) + (duplicateWindowHours + recentMarginHours) * hourMs);
}

/**
 * The queues a tip may share an incident with: its own, the city desk's (tips not yet routed),
 * and those of its routing shortlist (the desk's candidates, or the neighbour across a border).
 */
export function searchQueues(tip: Pick<IncidentSource, 'queue' | 'routing'>): string[] {
  return [...new Set([tip.queue, cityDeskQueue, ...shortlistUnits(tip.routing)])];
}

function isOpen(tip: Tip | undefined): tip is Tip {
  return tip !== undefined && !closedTipStatuses.includes(tip.status);
}

/**
 * Records the tip in the recent-tips index, finds the recent open tips that look like reports of
 * the same incident, and suggests the best of them. `expiresAt`: the tip's own expiry, which its
 * suggestions share.
 */
export async function suggestDuplicates(tip: IncidentSource, expiresAt: Date, deps: DuplicateSearchDependencies): Promise<DuplicateSearchOutcome> {
  const features = deps.reader.read(tip);
  await deps.recent.record(features, recentRecordExpiry(tip.receivedAt));
  const received = Date.parse(tip.receivedAt);
  const windowMs = duplicateWindowHours * hourMs;
  const recent = await deps.recent.around({
    pack: tip.pack,
    queues: searchQueues(tip),
    from: new Date(received - windowMs).toISOString(),
    to: new Date(received + windowMs).toISOString(),
  });
  const seen = new Set([tip.id]);
  const matches: Array<{ other: IncidentFeatures; match: DuplicateMatch }> = [];
  for (const other of recent) {
    if (seen.has(other.tipId)) continue;
    seen.add(other.tipId);
    const match = compareReports(features, other);
    if (match) matches.push({ other, match });
  }
  matches.sort((a, b) => b.match.score - a.match.score || a.other.tipId.localeCompare(b.other.tipId));

  const chosen: Array<Omit<DuplicateSuggestion, 'state'>> = [];
  // Only open tips are suggested: read the best few in one request, then the next few if some were closed.
  for (let start = 0; start < matches.length && chosen.length < maxSuggestions; start += maxSuggestions) {
    const batch = matches.slice(start, start + maxSuggestions);
    const others = await deps.tips.getMany(batch.map(({ other }) => other.tipId));
    batch.forEach(({ other, match }) => {
      if (chosen.length >= maxSuggestions || !isOpen(others.get(other.tipId))) return;
      chosen.push({
        tipId: tip.id,
        otherId: other.tipId,
        score: match.score,
        reasons: match.reasons,
        at: features.classifiedAt > other.classifiedAt ? features.classifiedAt : other.classifiedAt,
      });
    });
  }
  if (chosen.length > 0) await deps.suggestions.suggest(chosen, expiresAt);
  return { compared: seen.size - 1, matched: matches.length, suggested: chosen.length };
}
