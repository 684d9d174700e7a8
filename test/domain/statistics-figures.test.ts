import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { categories } from '../../shared/classification/types.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import type { Officer } from '../../shared/officers/model.ts';
import { medianOf, shareWithin20Days } from '../../shared/statistics/figures.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { getStatistics, type StatisticsView } from '../../shared/usecases/officers/statistics.ts';
import { recordTipStatistics } from '../../shared/usecases/statistics.ts';
import { fixedClock } from '../support/fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';
import { exampleUnit, officers, otherUnit } from '../support/tip-fakes.ts';
import { countedTip, expectedFigures, figuresOf, median, memoryStatistics, startOfWeek2026, week2026, type MemoryStatistics } from '../support/statistics-world.ts';

const dayMs = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const pack = jurisdiction('hcmc-2025');
const queues = [exampleUnit, otherUnit, 'CITY'];

/** Thursday of 2026-W16, 09:00 in Vietnam. */
const nowMs = startOfWeek2026(16) + 3 * dayMs + 9 * 60 * 60 * 1000;

function world(statistics: MemoryStatistics = memoryStatistics(), now = nowMs) {
  return { statistics, clock: fixedClock(iso(now)), jurisdiction: pack };
}

/** Counts a tip's versions as a stream would bring them: the first, the last, a replay of each, the first again late. */
async function seed(statistics: MemoryStatistics, final: Tip): Promise<void> {
  const first = countedTip({ id: final.id, receivedAt: final.receivedAt, queue: queues[(queues.indexOf(final.queue) + 1) % queues.length] as string });
  for (const version of final.version > 1 ? [first, final, first, final] : [final, final]) await recordTipStatistics(version, { statistics });
}

// ---- Random tips in their final state ------------------------------------------------------

const finalTip = fc
  .record({
    queue: fc.constantFrom(...queues),
    category: fc.constantFrom(...categories.slice(0, 5)),
    receivedAt: fc.integer({ min: startOfWeek2026(1), max: nowMs - 60_000 }),
    status: fc.constantFrom('NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED'),
    claimAfter: fc.option(fc.integer({ min: 0, max: 3 * dayMs }), { nil: undefined }),
    closeAfter: fc.integer({ min: 60_000, max: 40 * dayMs }),
    extendDays: fc.constantFrom(0, 0, 10, 30),
    linked: fc.boolean(),
  })
  .map((draw) => ({ ...draw, linked: draw.linked && draw.receivedAt % 5 === 0 }));

type Draw = typeof finalTip extends fc.Arbitrary<infer Value> ? Value : never;

function tipsFrom(draws: ReadonlyArray<Draw>): Tip[] {
  return draws.map((draw, index) => {
    const held = draw.status !== 'NEW';
    const claimedAt = held || draw.claimAfter !== undefined ? iso(draw.receivedAt + (draw.claimAfter ?? 0)) : undefined;
    return countedTip({
      id: `t${index}`,
      queue: draw.queue,
      category: draw.category,
      receivedAt: iso(draw.receivedAt),
      dueAt: iso(draw.receivedAt + (20 + draw.extendDays) * dayMs),
      status: draw.status,
      version: 4,
      ...(claimedAt !== undefined && { claimedAt }),
      ...((draw.status === 'RESOLVED' || draw.status === 'REJECTED') && { closedAt: iso(Math.min(nowMs, draw.receivedAt + draw.closeAfter)) }),
      ...(draw.linked && { incidentId: 'primary' }),
    });
  });
}

describe('getStatistics', () => {
  it('matches the figures computed from the tips themselves, per unit and together', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(finalTip, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 14 }), fc.integer({ min: 0, max: 8 }), async (draws, fromWeek, span) => {
        const tips = tipsFrom(draws);
        const statistics = memoryStatistics();
        for (const tip of tips) await seed(statistics, tip);
        const toWeek = Math.min(16, fromWeek + span);
        const view = await getStatistics(officers.desk, { from: week2026(fromWeek), to: week2026(toWeek) }, world(statistics));
        assert.deepEqual([view.from, view.to, view.weeks.length], [week2026(fromWeek), week2026(toWeek), toWeek - fromWeek + 1]);
        assert.deepEqual(figuresOf(view.overall), expectedFigures(tips, fromWeek, toWeek, nowMs));
        for (const queue of queues) {
          const expected = expectedFigures(tips.filter((tip) => tip.queue === queue), fromWeek, toWeek, nowMs);
          const unit = view.units.find((shown) => shown.queue === queue);
          if (expected.tips.total === 0 && expected.open.total === 0 && expected.verification.openPast20Days === 0) assert.equal(unit, undefined, `${queue} has nothing to show`);
          else assert.deepEqual(unit && figuresOf(unit), expected, queue);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('shows one unit when asked, and only the units a supervisor sees', async () => {
    const tips = tipsFrom([
      { queue: exampleUnit, category: 'drugs', receivedAt: startOfWeek2026(10) + dayMs, status: 'NEW', claimAfter: undefined, closeAfter: dayMs, extendDays: 0, linked: false },
      { queue: otherUnit, category: 'theft', receivedAt: startOfWeek2026(11) + dayMs, status: 'RESOLVED', claimAfter: 600_000, closeAfter: 2 * dayMs, extendDays: 0, linked: false },
    ]);
    const statistics = memoryStatistics();
    for (const tip of tips) await seed(statistics, tip);

    const one = await getStatistics(officers.desk, { unit: ` ${otherUnit} ` }, world(statistics));
    assert.deepEqual(one.units.map((unit) => [unit.queue, unit.name, unit.nameEn]), [[otherUnit, 'Phường Bến Thành', 'Ben Thanh Ward']]);
    assert.deepEqual(figuresOf(one.overall), figuresOf(one.units[0] as StatisticsView['units'][number]));
    assert.equal(one.overall.verification.shareWithin20Days, 1);

    const empty = await getStatistics(officers.desk, { unit: 'city' }, world(statistics));
    assert.deepEqual(empty.units.map((unit) => [unit.queue, unit.name, unit.tips.total]), [['CITY', 'Trực ban Công an Thành phố Hồ Chí Minh', 0]], 'an asked-for unit shows even with nothing');

    const supervisor = await getStatistics(officers.supervisor, {}, world(statistics));
    assert.deepEqual(supervisor.units.map((unit) => unit.queue), [exampleUnit]);
    assert.equal(supervisor.overall.tips.total, 1);
    assert.deepEqual(supervisor.overall.tips.byCategory, { drugs: 1 });
  });

  it('shows the last 12 weeks up to this one unless asked, and takes days for weeks', async () => {
    const view = await getStatistics(officers.desk, {}, world());
    assert.deepEqual([view.from, view.to, view.weeks.length], [week2026(5), week2026(16), 12]);
    assert.deepEqual(view.weeks[0], { week: '2026-W05', startsAt: iso(startOfWeek2026(5)) });
    assert.deepEqual(view.categories, categories);
    assert.deepEqual(view.overall.verification, { inTime: 0, late: 0, openPast20Days: 0, shareWithin20Days: null });
    assert.equal(view.overall.firstClaim.medianSeconds, null);

    const byDays = await getStatistics(officers.deskSupervisor, { from: '2026-01-05', to: '2026-02-01' }, world());
    assert.deepEqual([byDays.from, byDays.to], ['2026-W02', '2026-W05']);
    const onlyFrom = await getStatistics(officers.desk, { from: '2026-W14' }, world());
    assert.deepEqual([onlyFrom.from, onlyFrom.to], ['2026-W14', '2026-W16']);
    const onlyTo = await getStatistics(officers.desk, { to: '2026-W12' }, world());
    assert.deepEqual([onlyTo.from, onlyTo.to], ['2026-W01', '2026-W12']);
    const acrossYears = await getStatistics(officers.desk, { from: '2025-W50', to: '2026-W02' }, world());
    assert.deepEqual(acrossYears.weeks.map((week) => week.week), ['2025-W50', '2025-W51', '2025-W52', '2026-W01', '2026-W02']);
  });

  it('is for supervisors and the city desk only', async () => {
    for (const officer of [officers.unit, officers.otherUnit, officers.noGroups] as Officer[]) {
      const error = await refusal(getStatistics(officer, {}, world()));
      assert.ok(error instanceof ForbiddenError, officer.username);
      assert.match(error.text.vi, /quyền/);
    }
    const elsewhere = await refusal(getStatistics(officers.supervisor, { unit: otherUnit }, world()));
    assert.ok(elsewhere instanceof ForbiddenError, 'a unit the supervisor does not see');
  });

  it('names each bad field: a period that is not a week or a day, runs backwards or is too long, an unknown unit', async () => {
    const refused = async (input: unknown) => issuesOf(await refusal(getStatistics(officers.desk, input, world())));
    assert.deepEqual(await refused({ from: '2026-W54' }), [['from', 'invalid', undefined]]);
    assert.deepEqual(await refused({ to: 'last week' }), [['to', 'invalid', undefined]]);
    assert.deepEqual(await refused({ from: 7 }), [['from', 'notText', undefined]]);
    assert.deepEqual(await refused({ from: '2026-W10', to: '2026-W09' }), [['from', 'invalid', undefined]]);
    assert.deepEqual(await refused({ from: '2023-W01', to: '2026-W10' }), [['from', 'invalid', undefined]]);
    assert.deepEqual(await refused({ unit: '99999' }), [['unit', 'unknownQueue', undefined]]);
  });
});

describe('figures from distributions', () => {
  it('takes the exact median of a distribution, as of the values listed one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 500 }), { maxLength: 60 }), (values) => {
        const distribution = new Map<number, number>();
        for (const value of values) distribution.set(value, (distribution.get(value) ?? 0) + 1);
        assert.equal(medianOf(distribution), median(values));
      }),
    );
  });

  it('gives the share verified within 20 days, or none when nothing counts', () => {
    assert.equal(shareWithin20Days(3, 1, 0), 0.75);
    assert.equal(shareWithin20Days(0, 1, 1), 0);
    assert.equal(shareWithin20Days(0, 0, 0), null);
  });
});
