/**
 * Reads a short text for what it reports, without a GPS point: which units it names (in any
 * pack), its category and its urgency. The SMS path uses it to tell a follow-up from a new
 * report. It loads the city's lexicon and the cue lists but no polygons, so a function that
 * reads follow-ups does not carry the maps.
 */
import lexiconFile from '../jurisdictions/hcmc/lexicon.json' with { type: 'json' };
import type { Lexicon, PackId } from '../jurisdictions/pack.ts';
import { classifyCategory } from './category.ts';
import { CueLexicon } from './cues.ts';
import { FirstTokenIndex } from './phrase-trie.ts';
import { MentionFinder } from './place-mentions.ts';
import { decide, scoreMentions } from './place-scoring.ts';
import type { Category, Urgency } from './types.ts';
import { classifyUrgency } from './urgency.ts';
import { normalise } from './vietnamese-text.ts';

/** What a text reports on its own. */
export interface TextReading {
  /** The unit it names, or its shortlist when it names a place less surely; empty: no place. */
  readonly units: readonly string[];
  readonly category: Category;
  readonly urgency: Urgency;
}

/** Reads texts against the city's lexicon. */
export interface TextReader {
  read(text: string, pack: PackId): TextReading;
}

/** Builds a reader (tries and cue lists: tens of milliseconds, so once per process). */
export function createTextReader(): TextReader {
  const starts = new FirstTokenIndex();
  const finder = new MentionFinder((lexiconFile as Lexicon).entries, starts);
  const cues = new CueLexicon(starts);
  return {
    read(text, pack) {
      const normalised = normalise(text);
      const masks = starts.masks(normalised.tokens);
      const { mentions } = finder.find(normalised.tokens, masks);
      const decision = decide(pack, scoreMentions(mentions, normalised, pack));
      const matches = cues.match(normalised.tokens, masks);
      const category = classifyCategory(matches, normalised.tokens);
      return {
        units: decision.unit !== null ? [decision.unit] : decision.candidates.map((candidate) => candidate.unit),
        category,
        urgency: classifyUrgency(matches, category),
      };
    },
  };
}
