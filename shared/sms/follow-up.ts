/**
 * Whether a message sent soon after a tip is more about the same thing or a new report. A
 * stabbing reported a minute after a gambling den must not become a line on the gambling tip:
 * it would keep that tip's unit and urgency, and no officer of the right unit would see it. A
 * wrongly split follow-up costs an officer a look at two tips; a buried report can cost a life.
 */
import type { TextReading } from '../classification/text-reader.ts';
import { urgencies, type Category, type Urgency } from '../classification/types.ts';
import type { Tip } from '../tip/tip.ts';

/** Why a message opened a tip of its own. */
export type NewMatterReason = 'new_place' | 'new_crime';

/** The verdict on a message within the follow-up window. */
export type FollowUpVerdict = { readonly kind: 'same' } | { readonly kind: 'new'; readonly reason: NewMatterReason };

/**
 * Categories that describe a detail of another crime as often as a crime of their own ("bọn nó
 * có dao" about a robbery): on their own they never split a follow-up off.
 */
const detailCategories: ReadonlySet<Category> = new Set(['weapons', 'other']);

/** The units a tip may be about: its unit, or the candidates it was sent to the desk with. */
function unitsOf(tip: Pick<Tip, 'unit' | 'routing'>): string[] {
  if (tip.unit !== null) return [tip.unit];
  return tip.routing.candidates.map((candidate) => candidate.unit);
}

/**
 * A message is a new report when it names a place none of whose units the tip could be about
 * (a tip with no place yet takes any place as a clarification), or a crime of another kind.
 */
export function judgeFollowUp(tip: Pick<Tip, 'unit' | 'routing' | 'category'>, reading: TextReading): FollowUpVerdict {
  const known = unitsOf(tip);
  if (reading.units.length > 0 && known.length > 0 && !reading.units.some((unit) => known.includes(unit))) return { kind: 'new', reason: 'new_place' };
  if (!detailCategories.has(reading.category) && !detailCategories.has(tip.category) && reading.category !== tip.category) return { kind: 'new', reason: 'new_crime' };
  return { kind: 'same' };
}

/** The more urgent of two urgencies: a follow-up may raise a tip's urgency, never lower it. */
export function raisedUrgency(current: Urgency, reported: Urgency): Urgency {
  return urgencies.indexOf(reported) < urgencies.indexOf(current) ? reported : current;
}
