import { findUnit } from '../jurisdictions/index.ts';
import type { TipClassifier } from './types.ts';

/**
 * The skeleton's classifier: a valid district the tipster picked routes the tip; anything else
 * goes to the city duty desk. Kept as the fallback that never guesses.
 */
export const explicitOnlyClassifier: TipClassifier = {
  classify(input) {
    const unit = input.district === undefined ? undefined : findUnit(input.district);
    return {
      routing: unit
        ? { district: unit.code, confidence: 1, method: 'explicit', evidence: { kind: 'code', code: unit.code }, runnerUp: null, candidates: [] }
        : { district: null, confidence: 0, method: 'none', evidence: null, runnerUp: null, candidates: [] },
      category: input.category ?? 'other',
      urgency: 'normal',
    };
  },
};
