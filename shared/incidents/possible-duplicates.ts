/**
 * The possible duplicates an officer sees on a tip (GET /tips/{id}): the suggestions still open,
 * of tips the officer may see, best first. A tip the officer may not see is left out without a
 * trace, as everywhere else (shared/usecases/officers/access.ts).
 */
import type { Officer } from '../officers/model.ts';
import type { TipRepository } from '../ports.ts';
import type { Tip } from '../tip/tip.ts';
import { canSeeTip } from '../usecases/officers/access.ts';
import type { DuplicateReason, DuplicateSuggestionStore } from './ports.ts';

/** One possible duplicate, as the officer sees it. */
export interface PossibleDuplicateView {
  readonly id: string;
  /** 0 … 1. */
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
}

/** What reading a tip's possible duplicates needs; without a store there are none to read. */
export interface PossibleDuplicateDependencies {
  readonly tips: Pick<TipRepository, 'getMany'>;
  readonly duplicates?: Pick<DuplicateSuggestionStore, 'list'> | undefined;
}

/** The incident a tip belongs to: its primary's id (a linked report's `incidentId`), or its own. */
function incidentOf(tip: Tip): string {
  return tip.incidentId ?? tip.id;
}

/** The tip's open suggestions of tips the officer may see and not already in its incident, best score first. */
export async function possibleDuplicates(officer: Officer, tip: Tip, deps: PossibleDuplicateDependencies): Promise<PossibleDuplicateView[]> {
  if (!deps.duplicates) return [];
  const open = (await deps.duplicates.list(tip.id)).filter((suggestion) => suggestion.state === 'suggested' && suggestion.otherId !== tip.id);
  if (open.length === 0) return [];
  const others = await deps.tips.getMany(open.map((suggestion) => suggestion.otherId));
  const views: PossibleDuplicateView[] = [];
  open.forEach((suggestion) => {
    const other = others.get(suggestion.otherId);
    if (!other || !canSeeTip(officer, other) || incidentOf(other) === incidentOf(tip)) return;
    views.push({ id: other.id, score: suggestion.score, reasons: [...suggestion.reasons] });
  });
  return views.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
