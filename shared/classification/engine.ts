/**
 * The routing engine: district (or the city desk), category and urgency for a tip.
 * Pure and synchronous; the jurisdiction pack is data compiled by tools/build-pack.ts.
 */
import type { JurisdictionPack } from '../jurisdictions/pack.ts';
import { hcmc2021Pack } from '../jurisdictions/hcmc-2021/pack.ts';
import { classifyCategory } from './category.ts';
import { CueLexicon } from './cues.ts';
import { DistrictResolver } from './district-resolver.ts';
import { FirstTokenIndex } from './phrase-trie.ts';
import type { ClassifierInput, TipClassification, TipClassifier } from './types.ts';
import { classifyUrgency } from './urgency.ts';
import { normalise } from './vietnamese-text.ts';

export { GPS_BORDER_MARGIN_METRES, ROUTING_CONFIDENCE_THRESHOLD } from './district-resolver.ts';

/** Builds a classifier for a jurisdiction pack (default: HCMC's 22 units of 2021–2025). */
export function createClassifier(pack: JurisdictionPack = hcmc2021Pack): TipClassifier & { readonly resolver: DistrictResolver } {
  // One first-token index for all five tries: each token of a tip is looked up once.
  const starts = new FirstTokenIndex();
  const resolver = new DistrictResolver(pack, starts);
  const cues = new CueLexicon(starts);
  return {
    resolver,
    classify(input: ClassifierInput): TipClassification {
      const text = normalise(input.text);
      const masks = starts.masks(text.tokens);
      const routing = resolver.resolve(text, input, masks);
      const matches = cues.match(text.tokens, masks);
      const category = classifyCategory(matches, text.tokens, input.category);
      return { routing, category, urgency: classifyUrgency(matches, category) };
    },
  };
}

/** The ready classifier for the active jurisdiction. */
export const classifier: TipClassifier = createClassifier();
