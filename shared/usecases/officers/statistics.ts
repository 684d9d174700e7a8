/**
 * `GET /stats`: the commanders' figures, for supervisors and the city desk. Read from the
 * counters the tip stream keeps (shared/usecases/statistics.ts): two queries, never a scan.
 *
 * Input (query string): `from` and `to`, ISO weeks (`2026-W03`) or days (`2026-01-14`, the week it
 * falls in), both included, in Vietnam's time; by default the last 12 weeks up to this one. At
 * most two years. `unit`: one queue (a unit's code, or CITY) instead of every queue the officer sees.
 *
 * Answer:
 * ```json
 * {
 *   "pack": "hcmc-2025", "from": "2026-W01", "to": "2026-W12", "generatedAt": "2026-03-20T03:00:00.000Z",
 *   "weeks": [{ "week": "2026-W01", "startsAt": "2025-12-28T17:00:00.000Z" }, …],
 *   "categories": ["drugs", "gambling", …],
 *   "overall": Figures,
 *   "units": [{ "queue": "26743", "name": "Phường Bến Thành", "nameEn": "Ben Thanh Ward", …Figures }, …]
 * }
 * Figures = {
 *   "tips": { "total": 40, "byCategory": { "drugs": 12, … }, "byWeek": [{ "week": "2026-W01", "total": 3, "byCategory": { "theft": 3 } }, …] },
 *   "firstClaim": { "claimed": 35, "medianSeconds": 1260 },
 *   "verification": { "inTime": 20, "late": 3, "openPast20Days": 2, "shareWithin20Days": 0.8 },
 *   "open": { "total": 15, "overdue": 2 }
 * }
 * ```
 * `tips`, `firstClaim` and `verification` are about the tips received in the period (in their
 * current queue and category; a category with none is absent from `byCategory`; `byWeek` has every
 * week of the period); `open` is now, whenever the tips were received. `units` lists the queues
 * with something to show (and the asked-for unit always), in the pack's order; `overall` is every
 * queue the officer sees together (its median is the median of all their claims).
 */
import * as z from 'zod';
import { categories, type Category } from '../../classification/types.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import { cityDesk, cityDeskQueue, type Jurisdiction } from '../../jurisdictions/index.ts';
import { errorText } from '../../messages.ts';
import type { Officer } from '../../officers/model.ts';
import type { Clock } from '../../ports.ts';
import { computeFigures, type Figures } from '../../statistics/figures.ts';
import type { StatisticsReader } from '../../statistics/ports.ts';
import { addWeeks, isoWeekOf, weekEnd, weekOfInput, weekRange, weeksFrom, weekStart, type IsoWeek } from '../../statistics/weeks.ts';
import { parseOrThrow } from '../../tip/submission.ts';
import { canSeeQueue, queueCodeSchema, requiredOr, visibleQueues } from './access.ts';

/** What getStatistics needs. */
export interface StatisticsDependencies {
  readonly statistics: StatisticsReader;
  readonly clock: Clock;
  readonly jurisdiction: Jurisdiction;
}

/** Weeks shown when no period is asked for: this one and the eleven before. */
export const defaultStatisticsWeeks = 12;

/** The longest period one request may ask for, in weeks (two years). */
export const maxStatisticsWeeks = 104;

/** One queue's figures, with its name. */
export interface UnitFigures extends Figures {
  readonly queue: string;
  readonly name: string;
  readonly nameEn: string;
}

/** The answer of GET /stats (see the module comment). */
export interface StatisticsView {
  readonly pack: string;
  readonly from: IsoWeek;
  readonly to: IsoWeek;
  readonly generatedAt: string;
  readonly weeks: ReadonlyArray<{ readonly week: IsoWeek; readonly startsAt: string }>;
  readonly categories: readonly Category[];
  readonly overall: Figures;
  readonly units: readonly UnitFigures[];
}

/** A week, or a day standing for the week it falls in. */
const weekInput = z
  .string({ error: requiredOr('notText') })
  .max(32, { error: 'invalid' })
  .transform((text, context) => {
    const week = weekOfInput(text.trim());
    if (week === undefined) {
      context.addIssue({ code: 'custom', message: 'invalid' });
      return z.NEVER;
    }
    return week;
  });

const statisticsSchemas = new Map<string, ReturnType<typeof buildStatisticsSchema>>();

function buildStatisticsSchema(jurisdiction: Jurisdiction) {
  return z.object({ from: weekInput.optional(), to: weekInput.optional(), unit: queueCodeSchema(jurisdiction).optional() });
}

function statisticsSchema(jurisdiction: Jurisdiction) {
  let schema = statisticsSchemas.get(jurisdiction.id);
  if (!schema) statisticsSchemas.set(jurisdiction.id, (schema = buildStatisticsSchema(jurisdiction)));
  return schema;
}

/** A queue's names: the unit's in the pack, or the city desk's. */
function queueNames(jurisdiction: Jurisdiction, queue: string): { name: string; nameEn: string } {
  if (queue === cityDeskQueue) return { name: cityDesk.name, nameEn: cityDesk.nameEn };
  const unit = jurisdiction.findUnit(queue);
  return unit ? { name: unit.name, nameEn: unit.nameEn } : { name: queue, nameEn: queue };
}

/**
 * The figures of the queues the officer sees (or of one of them), for supervisors and the city
 * desk; any other officer gets a 403. A unit they may not see is a 403 as well (queue codes are
 * public, so refusing one reveals nothing).
 */
export async function getStatistics(officer: Officer, input: unknown, deps: StatisticsDependencies): Promise<StatisticsView> {
  if (!officer.supervisor && !officer.cityDesk) throw new ForbiddenError(errorText('forbidden'));
  const request = parseOrThrow(statisticsSchema(deps.jurisdiction), input ?? {});
  if (request.unit !== undefined && !canSeeQueue(officer, request.unit)) throw new ForbiddenError(errorText('queueForbidden'));

  const now = deps.clock.now();
  const thisWeek = isoWeekOf(now);
  // A period asked to start in a future week ends there, not before it starts.
  const to = request.to ?? (request.from === undefined ? thisWeek : maxWeek(request.from, thisWeek));
  const from = request.from ?? addWeeks(to, -(defaultStatisticsWeeks - 1));
  const span = weeksFrom(from, to);
  // `from` after `to`, or a period longer than one request may ask for.
  if (span < 0 || span + 1 > maxStatisticsWeeks) throw new ValidationError([{ field: 'from', reason: 'invalid' }]);

  const pack = deps.jurisdiction.id;
  const [weekBuckets, openBuckets] = await Promise.all([
    deps.statistics.weeks({ pack, from, to, queue: request.unit }),
    deps.statistics.open({ pack, queue: request.unit }),
  ]);
  const queues = request.unit === undefined ? visibleQueues(officer, deps.jurisdiction) : [request.unit];
  const weeks = weekRange(from, to);
  const figures = computeFigures({ weeks: weekBuckets, open: openBuckets }, queues, { weeks, start: weekStart(from), end: weekEnd(to), now }, request.unit === undefined ? [] : [request.unit]);
  return {
    pack,
    from,
    to,
    generatedAt: now.toISOString(),
    weeks: weeks.map((week) => ({ week, startsAt: weekStart(week).toISOString() })),
    categories: [...categories],
    overall: figures.overall,
    units: figures.queues.map(({ queue, figures: unitFigures }) => ({ queue, ...queueNames(deps.jurisdiction, queue), ...unitFigures })),
  };
}

/** The later of two weeks (ISO weeks sort as text in time order). */
function maxWeek(a: IsoWeek, b: IsoWeek): IsoWeek {
  return a > b ? a : b;
}
