/**
 * The routing engine: unit (or the city desk), the unit on the other generation's map,
 * category and urgency for a tip. Pure and synchronous; the packs are data compiled by
 * tools/build-pack.ts. One engine per pack is built on first use and kept.
 */
import { defaultPackId, jurisdiction } from '../jurisdictions/index.ts';
import type { PackId } from '../jurisdictions/pack.ts';
import { classifyCategory } from './category.ts';
import { CueLexicon } from './cues.ts';
import { lexicon, packBoundaries } from './packs.ts';
import { FirstTokenIndex } from './phrase-trie.ts';
import { PlaceResolver, resolverPack, type ResolverPack } from './place-resolver.ts';
import type { ClassifierInput, TipClassification, TipClassifier } from './types.ts';
import { classifyUrgency } from './urgency.ts';
import { normalise } from './vietnamese-text.ts';

export { ROUTING_CONFIDENCE_THRESHOLD } from './place-scoring.ts';

/** A classifier with its resolver exposed (for the tools and tests that look inside). */
export type Classifier = TipClassifier & { readonly resolver: PlaceResolver };

const resolverPacks = new Map<PackId, ResolverPack>();

/** A pack's unit codes and GPS index, built once per process. */
function runtimePack(id: PackId): ResolverPack {
  let pack = resolverPacks.get(id);
  if (!pack) {
    const units = jurisdiction(id);
    const boundaries = packBoundaries(id);
    pack = resolverPack(id, units.unitCodes, boundaries.boundaries, boundaries.borderMarginMetres);
    resolverPacks.set(id, pack);
  }
  return pack;
}

/** Builds a classifier that routes to the units of `pack` (default: the map in force). */
export function createClassifier(options: { readonly pack?: PackId } = {}): Classifier {
  const id = options.pack ?? defaultPackId;
  const active = runtimePack(id);
  const otherId = jurisdiction(id).otherGeneration;
  const other = otherId ? runtimePack(otherId) : null;
  // One first-token index for every trie: each token of a tip is looked up once.
  const starts = new FirstTokenIndex();
  const resolver = new PlaceResolver(lexicon.entries, active, other, starts);
  const cues = new CueLexicon(starts);
  return {
    pack: id,
    resolver,
    classify(input: ClassifierInput): TipClassification {
      const text = normalise(input.text);
      const masks = starts.masks(text.tokens);
      const { routing, otherGeneration } = resolver.resolve(text, input, masks);
      const matches = cues.match(text.tokens, masks);
      const category = classifyCategory(matches, text.tokens, input.category);
      return { routing, otherGeneration, category, urgency: classifyUrgency(matches, category) };
    },
  };
}

const classifiers = new Map<PackId, Classifier>();

/** The classifier of a pack, built on first use and kept for the life of the process. */
export function classifierFor(pack: PackId = defaultPackId): Classifier {
  let classifier = classifiers.get(pack);
  if (!classifier) {
    classifier = createClassifier({ pack });
    classifiers.set(pack, classifier);
  }
  return classifier;
}
