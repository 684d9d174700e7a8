import { jurisdiction } from '../jurisdictions/index.ts';
import type { PackId } from '../jurisdictions/pack.ts';
import { decide, explicitDecision } from './place-scoring.ts';
import type { TipClassifier } from './types.ts';

/**
 * A classifier that never guesses: a unit the tipster picked routes the tip; anything else goes
 * to the city duty desk. For tests of the pipeline that must not depend on the engine.
 */
export function explicitOnlyClassifier(pack: PackId): TipClassifier {
  const units = jurisdiction(pack);
  return {
    pack,
    classify(input) {
      const unit = input.unit === undefined ? undefined : units.findUnit(input.unit);
      return {
        routing: unit ? explicitDecision(pack, unit.code) : decide(pack, []),
        otherGeneration: null,
        category: input.category ?? 'other',
        urgency: 'normal',
      };
    },
  };
}
