/**
 * Duplicate suggestions in memory, with the rules of the table's adapter
 * (functions/adapters/dynamo-duplicates.ts): each pair is kept for both of its tips, a pair an
 * officer dismissed or linked keeps its state when suggested again, and setting the state of a
 * side never suggested leaves it absent.
 */
import type { DuplicateSuggestion, DuplicateSuggestionState, DuplicateSuggestionStore } from '../../shared/incidents/ports.ts';
import { verificationDueAt, type Tip } from '../../shared/tip/tip.ts';
import { exampleUnit, storedTip, tipWorld } from './tip-fakes.ts';

/** The in-memory store, with what a test looks at. */
export interface MemoryDuplicates extends DuplicateSuggestionStore {
  /** Suggestions by `tipId/otherId`. */
  readonly sides: Map<string, DuplicateSuggestion>;
  /** The state of one side, or undefined when it was never suggested. */
  stateOf(tipId: string, otherId: string): DuplicateSuggestionState | undefined;
  /** How often each method was called. */
  readonly calls: { suggest: number; list: number; setState: number };
}

const sideKey = (tipId: string, otherId: string) => `${tipId}/${otherId}`;

/** Lets every other pending promise run first, as a network round trip would. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));

export function memoryDuplicates(): MemoryDuplicates {
  const sides = new Map<string, DuplicateSuggestion>();
  const calls = { suggest: 0, list: 0, setState: 0 };
  return {
    sides,
    calls,
    stateOf: (tipId, otherId) => sides.get(sideKey(tipId, otherId))?.state,
    async suggest(suggestions) {
      calls.suggest += 1;
      await roundTrip();
      for (const suggestion of suggestions) {
        for (const side of [suggestion, { ...suggestion, tipId: suggestion.otherId, otherId: suggestion.tipId }]) {
          const key = sideKey(side.tipId, side.otherId);
          const existing = sides.get(key);
          if (existing && existing.state !== 'suggested') continue;
          sides.set(key, { ...side, reasons: [...side.reasons], state: 'suggested' });
        }
      }
    },
    async list(tipId) {
      calls.list += 1;
      await roundTrip();
      return [...sides.values()].filter((side) => side.tipId === tipId).map((side) => ({ ...side, reasons: [...side.reasons] }));
    },
    async setState(tipId, otherId, state) {
      calls.setState += 1;
      await roundTrip();
      for (const key of [sideKey(tipId, otherId), sideKey(otherId, tipId)]) {
        const existing = sides.get(key);
        if (existing) sides.set(key, { ...existing, state });
      }
    },
  };
}

/** A suggestion between two tips, as the classifier would make it. */
export function suggestion(tipId: string, otherId: string, overrides: Partial<Omit<DuplicateSuggestion, 'state'>> = {}): Omit<DuplicateSuggestion, 'state'> {
  return { tipId, otherId, score: 0.82, reasons: ['near_in_time', 'similar_wording'], at: '2026-11-20T04:00:00.000Z', ...overrides };
}

/** Everything the incident use cases need, in memory: the officers' world of tip-fakes.ts and the suggestions. */
export function incidentWorld(options: Parameters<typeof tipWorld>[0] = {}) {
  return { ...tipWorld(options), duplicates: memoryDuplicates() };
}

/**
 * One of several stored tips of the example unit: tip `n` has its own id, tracking code and
 * register number, received `n` hours after the first (so its deadline is `n` hours later).
 */
export function numberedTip(n: number, overrides: Partial<Tip> = {}): Tip {
  const receivedAt = new Date(Date.parse('2026-11-20T03:00:00.000Z') + n * 3_600_000);
  return storedTip({
    id: `01JTIP${String(n).padStart(20, '0')}`,
    trackingCode: `TB-${String(n).padStart(4, '0')}-TEST`,
    registerNumber: `${overrides.queue ?? exampleUnit}/2026/${String(n).padStart(6, '0')}`,
    receivedAt: receivedAt.toISOString(),
    classifiedAt: receivedAt.toISOString(),
    dueAt: verificationDueAt(receivedAt).toISOString(),
    ...overrides,
  });
}
