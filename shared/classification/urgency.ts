/**
 * Urgency: high = danger now (a crime in progress or just done, a weapon out, a wanted person
 * seen now, a fire or a life at risk); low = a past event, a nuisance or a vague report;
 * normal otherwise. Decided from the urgency signals of the cue phrases and the category.
 */
import type { CueMatches, UrgencySignal } from './cues.ts';
import type { Category, Urgency } from './types.ts';

/** Categories where a crime in progress or just done is a danger to someone now. */
const DANGEROUS: ReadonlySet<Category> = new Set(['robbery', 'violence', 'weapons', 'street_racing', 'drugs', 'fraud']);

/** Categories that are nuisances unless someone is threatened. */
const NUISANCE: ReadonlySet<Category> = new Set(['illegal_residence', 'public_disorder']);

export function classifyUrgency(matches: CueMatches, category: Category): Urgency {
  const count = new Map<UrgencySignal, number>();
  for (const { cue } of matches.urgency) for (const s of cue.signals) count.set(s, (count.get(s) ?? 0) + 1);
  const has = (s: UrgencySignal): boolean => (count.get(s) ?? 0) > 0;
  const ongoing = has('ongoing') || has('urgent');
  const now = ongoing || has('just');
  const habitual = has('habitual') && !has('urgent') && !has('just');

  if (has('emergency') && (category === 'other' || now)) return 'high';
  if (category === 'wanted_person') {
    // Seen now, not just known to live somewhere ("đang ở nhà mẹ, ban ngày đi làm rẫy").
    if (habitual) return 'normal';
    if (has('momentary') || (has('sighting') && now) || has('urgent')) return 'high';
    return 'normal';
  }
  if (category === 'weapons') {
    // A weapon out is a danger unless it is a habit or a workshop ("hay mang", "chế tạo súng").
    if (has('manufacture') || (habitual && !ongoing) || has('past')) return 'normal';
    if (has('recent') && !now) return 'normal';
    return 'high';
  }
  // Armed robbers or attackers with no sign the event is over ("bọn cướp cầm súng").
  if ((category === 'robbery' || category === 'violence') && has('threat') && !habitual && !has('past') && !has('recent')) return 'high';
  if (now && !habitual) {
    if (DANGEROUS.has(category) || has('threat')) return 'high';
    if (category === 'theft' && ongoing) return 'high';
  }
  if (NUISANCE.has(category) && !has('threat')) return 'low';
  if (category === 'other' && has('nuisance') && !now) return 'low';
  if (has('past') && !now && !has('recent') && (category === 'theft' || category === 'robbery' || category === 'other' || category === 'public_disorder')) return 'low';
  if (has('vague') && (category === 'theft' || category === 'other' || category === 'public_disorder')) return 'low';
  return 'normal';
}
