/**
 * The crime category of a tip, from weighted cue phrases (see cues.ts). Each category sums the
 * weights of its distinct cues; two composite rules then settle what single words cannot:
 * force plus taking property is robbery ("kề dao lấy tiền", "trói bảo vệ, lấy thép"), not
 * weapons or theft. A tip with no cue is "other". A category the tipster picked wins.
 */
import type { CueMatches } from './cues.ts';
import type { Category } from './types.ts';
import { categories } from './types.ts';
import type { Token } from './vietnamese-text.ts';

/** Force plus taking property makes robbery this much more likely. */
const ROBBERY_COMPOSITE = 5;

/** Ties go to the category listed first: the more dangerous or more specific one. */
const PRIORITY: readonly Category[] = [
  'wanted_person',
  'robbery',
  'weapons',
  'violence',
  'drugs',
  'street_racing',
  'loan_sharking',
  'prostitution',
  'gambling',
  'fraud',
  'theft',
  'illegal_residence',
  'public_disorder',
  'other',
];

const WEAPON_WORDS = new Set(['dao', 'sung', 'ma', 'kiem', 'gay', 'hung']);

/** Scores per category (for tests and the desk), and the winner. */
export function scoreCategories(matches: CueMatches, tokens: readonly Token[]): Map<Category, number> {
  const scores = new Map<Category, number>();
  const seen = new Set<string>();
  let force = false;
  let taking = false;
  for (const { cue, end } of matches.urgency) {
    if (cue.signals.includes('force')) force = true;
    if (cue.signals.includes('taking')) {
      // "lấy dao ra" is drawing a knife, not taking property.
      const next = tokens[end]?.text;
      const after = tokens[end + 1]?.text;
      if (!(next && WEAPON_WORDS.has(next)) && !(after && WEAPON_WORDS.has(after))) taking = true;
    }
  }
  for (const { cue, start, end } of matches.category) {
    if (cue.category === 'weapons') force = true;
    if (!cue.category || cue.weight === 0) continue;
    const key = tokens
      .slice(start, end)
      .map((t) => t.text)
      .join(' ');
    // A phrase repeated adds little: the first mention counts, the others a tenth.
    const weight = seen.has(key) ? cue.weight * 0.1 : cue.weight;
    seen.add(key);
    scores.set(cue.category, (scores.get(cue.category) ?? 0) + weight);
  }
  if (force && taking) scores.set('robbery', (scores.get('robbery') ?? 0) + ROBBERY_COMPOSITE);
  return scores;
}

/** The category of a tip: the tipster's choice if given, else the best-scoring one. */
export function classifyCategory(matches: CueMatches, tokens: readonly Token[], chosen?: Category): Category {
  if (chosen !== undefined && (categories as readonly string[]).includes(chosen)) return chosen;
  const scores = scoreCategories(matches, tokens);
  let best: Category = 'other';
  let bestScore = 0;
  for (const category of PRIORITY) {
    const score = scores.get(category) ?? 0;
    if (score > bestScore) {
      best = category;
      bestScore = score;
    }
  }
  return best;
}
