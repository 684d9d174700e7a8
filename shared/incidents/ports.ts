/**
 * Reports of one incident: the suggestions that two tips may be about the same thing, as the
 * classifier finds them (shared/incidents/), and what officers decide about them (link or dismiss).
 */

/** Why two tips look like one incident. */
export const duplicateReasons = ['near_in_time', 'near_in_place', 'same_point', 'similar_wording'] as const;

/** A reason two tips look like one incident. */
export type DuplicateReason = (typeof duplicateReasons)[number];

/** What became of a suggestion: still open, dismissed by an officer, or linked into one incident. */
export type DuplicateSuggestionState = 'suggested' | 'dismissed' | 'linked';

/** One suggestion, as seen from one of its two tips. */
export interface DuplicateSuggestion {
  readonly tipId: string;
  readonly otherId: string;
  /** 0…1: how alike the two reports are. */
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
  readonly state: DuplicateSuggestionState;
  /** When the suggestion was made (the later tip's classification). */
  readonly at: string;
}

/** Suggestions, kept for both tips of each pair. */
export interface DuplicateSuggestionStore {
  /** Records each suggestion for both of its tips; a pair already dismissed or linked keeps its state. */
  suggest(suggestions: readonly Omit<DuplicateSuggestion, 'state'>[], expiresAt: Date): Promise<void>;
  /** The tip's suggestions, in any state. */
  list(tipId: string): Promise<DuplicateSuggestion[]>;
  /** Sets the state of the pair, for both of its tips. */
  setState(tipId: string, otherId: string, state: DuplicateSuggestionState): Promise<void>;
}
