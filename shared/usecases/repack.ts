/**
 * Moves the open tips of one map to the units of another, for a deployment that changes maps
 * (the district map of 2021 to the ward map of 2025 today; the next change the same way).
 *
 * Each open tip is read again from its stored evidence, within what is already known of it:
 * - a tip in a unit's queue stays within the units that unit became (an officer may have put it
 *   there by hand); the text and point choose among them, and when they cannot, the tip goes to
 *   the city desk with those units as candidates;
 * - a tip at the city desk is re-read on the new map as a new tip would be.
 * A tip that resolves to one unit goes to that unit's queue, keeping its status, assignee,
 * register number and deadline; every move is written with its audit event under the version
 * condition. A tip already on the new map is skipped, so a second run changes nothing.
 */
import { ROUTING_CONFIDENCE_THRESHOLD } from '../classification/place-scoring.ts';
import type { RoutingCandidate, RoutingDecision, TipClassifier } from '../classification/types.ts';
import { jurisdiction } from '../jurisdictions/index.ts';
import type { PackId } from '../jurisdictions/pack.ts';
import { StaleTipError, type TipEvent } from '../officers/model.ts';
import type { Clock, IdGenerator, TipRepository } from '../ports.ts';
import { rerouted, type Tip, type TipStatus } from '../tip/tip.ts';

/** What repackOpenTips needs. */
export interface RepackDependencies {
  readonly tips: Pick<TipRepository, 'queue' | 'update'>;
  /** The classifier of the new map (its pack is the target). */
  readonly classifier: TipClassifier;
  /** Where each unit of the old map lies on the new one (shared/classification/crosswalk.ts). */
  readonly crosswalk: ReadonlyMap<string, readonly string[]>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** What a run did. */
export interface RepackReport {
  readonly from: PackId;
  readonly to: PackId;
  /** Open tips found on the old map. */
  readonly seen: number;
  /** Moved to one unit's queue. */
  readonly toUnit: number;
  /** Moved to the city desk with candidates. */
  readonly toDesk: number;
  /** Changed by someone else while the run read them: left for the next run. */
  readonly skipped: number;
}

const openStatuses: readonly TipStatus[] = ['NEW', 'ASSIGNED', 'IN_PROGRESS'];

/** Tips of one queue and status, page by page. */
async function* queueTips(tips: RepackDependencies['tips'], pack: PackId, queue: string, status: TipStatus): AsyncGenerator<Tip> {
  let cursor: string | undefined;
  do {
    const page = await tips.queue({ pack, queue, status, limit: 100, cursor });
    yield* page.tips;
    cursor = page.nextCursor;
  } while (cursor);
}

/** The tip's routing on the new map, within the units its old unit became (if it had one). */
export function reroute(tip: Tip, deps: Pick<RepackDependencies, 'classifier' | 'crosswalk'>): RoutingDecision {
  const fresh = deps.classifier.classify({ channel: tip.channel, text: tip.text, lat: tip.lat, lon: tip.lon }).routing;
  if (tip.unit === null) return fresh;
  const within = deps.crosswalk.get(tip.unit) ?? [];
  const pack = deps.classifier.pack;
  const evidence = { kind: 'code' as const, code: tip.unit };
  const candidate = (unit: string, confidence: number): RoutingCandidate => fresh.candidates.find((c) => c.unit === unit) ?? { unit, confidence, method: 'explicit', evidence };
  if (within.length === 1) {
    const only = within[0] as string;
    return { pack, unit: only, confidence: 1, method: 'explicit', evidence, candidates: [{ unit: only, confidence: 1, method: 'explicit', evidence }] };
  }
  if (fresh.unit !== null && within.includes(fresh.unit) && fresh.confidence >= ROUTING_CONFIDENCE_THRESHOLD) return fresh;
  // The old unit covers several new ones and the evidence does not settle which: the desk decides.
  const share = within.length > 0 ? Math.round((1 / within.length) * 1000) / 1000 : 0;
  const candidates = within.map((unit) => candidate(unit, share)).sort((a, b) => b.confidence - a.confidence || a.unit.localeCompare(b.unit));
  return { pack, unit: null, confidence: candidates[0]?.confidence ?? 0, method: 'none', evidence: null, candidates };
}

/** Moves every open tip of `from` to the units of the classifier's pack. */
export async function repackOpenTips(from: PackId, deps: RepackDependencies): Promise<RepackReport> {
  const to = deps.classifier.pack;
  const report = { from, to, seen: 0, toUnit: 0, toDesk: 0, skipped: 0 };
  if (from === to) return report;
  for (const queue of jurisdiction(from).queueCodes) {
    for (const status of openStatuses) {
      // Read the whole queue first: moved tips leave it, which would shift the pages under a cursor.
      const found: Tip[] = [];
      for await (const tip of queueTips(deps.tips, from, queue, status)) found.push(tip);
      for (const tip of found) {
        if (tip.pack !== from) continue;
        report.seen += 1;
        const routing = reroute(tip, deps);
        const unit = routing.unit;
        const after: Tip = {
          ...tip,
          ...rerouted(routing, { pack: from, unit: tip.unit, units: tip.unit === null ? [] : [tip.unit], method: 'explicit' }),
          version: tip.version + 1,
        };
        const event: TipEvent = {
          id: deps.ids.next(),
          tipId: tip.id,
          type: 'REPACKED',
          actor: 'system:repack',
          at: deps.clock.now().toISOString(),
          public: false,
          before: { pack: from, queue: tip.queue, unit: tip.unit },
          after: { pack: to, queue: after.queue, unit },
          reason: `${from} → ${to}: ${routing.method}`,
        };
        try {
          await deps.tips.update({ before: tip, after, event });
        } catch (error) {
          if (!(error instanceof StaleTipError)) throw error;
          report.skipped += 1;
          continue;
        }
        if (unit === null) report.toDesk += 1;
        else report.toUnit += 1;
      }
    }
  }
  return report;
}
