import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { categories } from '../../shared/classification/types.ts';
import { statisticsDelta, tipFacts } from '../../shared/statistics/facts.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { recordTipStatistics } from '../../shared/usecases/statistics.ts';
import { assignTip, changeStatus, claimTip, transferTip } from '../../shared/usecases/officers/tips.ts';
import { exampleUnit, officers, otherUnit, storedTip, tipWorld } from '../support/tip-fakes.ts';
import { countedTip, memoryStatistics, startOfWeek2026 } from '../support/statistics-world.ts';

const secondMs = 1000;
const dayMs = 24 * 60 * 60 * secondMs;
const iso = (ms: number) => new Date(ms).toISOString();

/** Received on Wednesday of 2026-W03, 10:00 in Vietnam. */
const receivedMs = startOfWeek2026(3) + 2 * dayMs + 10 * 60 * 60 * secondMs;
const received = iso(receivedMs);

describe('what a tip contributes', () => {
  it('counts an open tip in its week and queue, and among the open tips by deadline and receipt', () => {
    const facts = tipFacts(countedTip({ id: 't1', receivedAt: received, category: 'drugs' }));
    assert.deepEqual(facts, {
      pack: 'hcmc-2025',
      queue: exampleUnit,
      category: 'drugs',
      receivedAt: received,
      week: '2026-W03',
      claimSeconds: null,
      verification: null,
      open: { month: '2026-01', dueAt: receivedMs + 20 * dayMs, receivedAt: receivedMs },
    });
    assert.deepEqual(statisticsDelta(undefined, facts), [
      {
        bucket: { kind: 'open', pack: 'hcmc-2025', month: '2026-01', queue: exampleUnit },
        changes: { total: 1, [`due#${receivedMs + 20 * dayMs}`]: 1, [`received#${receivedMs}`]: 1 },
      },
      { bucket: { kind: 'week', pack: 'hcmc-2025', week: '2026-W03', queue: exampleUnit }, changes: { total: 1, 'tips#drugs': 1 } },
    ]);
  });

  it('takes whole seconds to the first claim, never fewer than none', () => {
    assert.equal(tipFacts(countedTip({ id: 't1', receivedAt: received, claimedAt: iso(receivedMs + 90_999) })).claimSeconds, 90);
    assert.equal(tipFacts(countedTip({ id: 't1', receivedAt: received, claimedAt: iso(receivedMs - 2_000) })).claimSeconds, 0);
  });

  it('calls a tip closed within exactly 20 days in time, and one a millisecond later late', () => {
    const closed = (closedMs: number, status: 'RESOLVED' | 'REJECTED') => tipFacts(countedTip({ id: 't1', receivedAt: received, status, closedAt: iso(closedMs) }));
    assert.equal(closed(receivedMs + 20 * dayMs, 'RESOLVED').verification, 'inTime');
    assert.equal(closed(receivedMs + 20 * dayMs + 1, 'REJECTED').verification, 'late');
    assert.equal(closed(receivedMs + 3 * dayMs, 'RESOLVED').open, null, 'a closed tip is no longer open');
  });

  it('leaves a closed tip without a closing time (closed before it was recorded) out of in time and late', () => {
    const facts = tipFacts(countedTip({ id: 't1', receivedAt: received, status: 'RESOLVED' }));
    assert.deepEqual([facts.verification, facts.open], [null, null]);
  });

  it('counts a report linked into an incident as received, and its claim, verification and openness on the incident only', () => {
    const facts = tipFacts(countedTip({ id: 't1', receivedAt: received, incidentId: 't0', claimedAt: iso(receivedMs + 60_000), status: 'RESOLVED', closedAt: iso(receivedMs + dayMs) }));
    assert.deepEqual([facts.claimSeconds, facts.verification, facts.open], [null, null, null]);
    assert.deepEqual(
      statisticsDelta(undefined, facts).map((change) => change.changes),
      [{ total: 1, 'tips#theft': 1 }],
    );
  });

  it('moves a transferred tip from one queue to the other, and a closed one out of the open tips', () => {
    const before = tipFacts(countedTip({ id: 't1', receivedAt: received, claimedAt: iso(receivedMs + 60_000), status: 'ASSIGNED' }));
    const transferred = tipFacts(countedTip({ id: 't1', receivedAt: received, claimedAt: iso(receivedMs + 60_000), queue: otherUnit }));
    assert.deepEqual(
      statisticsDelta(before, transferred).map(({ bucket, changes }) => [bucket.kind, bucket.queue, changes]),
      [
        ['open', otherUnit, { total: 1, [`due#${receivedMs + 20 * dayMs}`]: 1, [`received#${receivedMs}`]: 1 }],
        ['open', exampleUnit, { total: -1, [`due#${receivedMs + 20 * dayMs}`]: -1, [`received#${receivedMs}`]: -1 }],
        ['week', otherUnit, { total: 1, 'tips#theft': 1, 'claim#60': 1 }],
        ['week', exampleUnit, { total: -1, 'tips#theft': -1, 'claim#60': -1 }],
      ],
    );
    const resolved = tipFacts(countedTip({ id: 't1', receivedAt: received, claimedAt: iso(receivedMs + 60_000), queue: otherUnit, status: 'RESOLVED', closedAt: iso(receivedMs + dayMs) }));
    assert.deepEqual(
      statisticsDelta(transferred, resolved).map(({ bucket, changes }) => [bucket.kind, changes]),
      [
        ['open', { total: -1, [`due#${receivedMs + 20 * dayMs}`]: -1, [`received#${receivedMs}`]: -1 }],
        ['week', { inTime: 1 }],
      ],
    );
    assert.deepEqual(statisticsDelta(resolved, resolved), [], 'a change that changes no figure changes no counter');
  });
});

describe('recordTipStatistics', () => {
  it('counts a version once: a replay and an older version arriving late change nothing', async () => {
    const statistics = memoryStatistics();
    const v1 = countedTip({ id: 't1', receivedAt: received });
    const v2: Tip = { ...v1, version: 2, status: 'ASSIGNED', claimedAt: iso(receivedMs + 600_000) };
    assert.equal(await recordTipStatistics(v2, { statistics }), 'recorded');
    const counted = statistics.snapshot();
    assert.equal(await recordTipStatistics(v2, { statistics }), 'unchanged');
    assert.equal(await recordTipStatistics(v1, { statistics }), 'unchanged');
    assert.deepEqual(statistics.snapshot(), counted);
    assert.equal(statistics.ledgers.get('t1')?.version, 2);
  });

  it('tries again when another write raced it, and gives up (so the stream redelivers) when races go on', async () => {
    const statistics = memoryStatistics();
    statistics.conflictNext(3);
    assert.equal(await recordTipStatistics(countedTip({ id: 't1', receivedAt: received }), { statistics }), 'recorded');
    statistics.conflictNext(100);
    await assert.rejects(recordTipStatistics(countedTip({ id: 't2', receivedAt: received }), { statistics }), /kept racing/);
    assert.equal(statistics.ledgers.has('t2'), false);
  });

  it('reads the ledger again when another delivery moved it meanwhile', async () => {
    const statistics = memoryStatistics();
    const v1 = countedTip({ id: 't1', receivedAt: received });
    const v3: Tip = { ...v1, version: 3, queue: otherUnit, unit: otherUnit };
    // v2 is counted between this delivery's read of the ledger and its write.
    const racing = {
      ...statistics,
      entry: async (tipId: string) => {
        const entry = await statistics.entry(tipId);
        if (!statistics.ledgers.has(tipId)) await recordTipStatistics({ ...v1, version: 2, category: 'fraud' }, { statistics });
        return entry;
      },
    };
    assert.equal(await recordTipStatistics(v3, { statistics: racing }), 'recorded');
    const alone = memoryStatistics();
    await recordTipStatistics(v3, { statistics: alone });
    assert.deepEqual(statistics.snapshot(), alone.snapshot());
  });

  it('ends with the counters of the newest version delivered, whatever the order and the replays', async () => {
    const queues = [exampleUnit, otherUnit, 'CITY'];
    type Step = { kind: 'claim' | 'transfer' | 'extend' | 'close' | 'link' | 'recategorise'; pick: number; afterMs: number };
    const step = fc.record({
      kind: fc.constantFrom<Step['kind']>('claim', 'transfer', 'extend', 'close', 'link', 'recategorise'),
      pick: fc.nat({ max: 1000 }),
      afterMs: fc.integer({ min: 0, max: 40 * dayMs }),
    });
    /** A tip's versions, each made from the one before as the workflow would. */
    const historyOf = (receivedAt: number, steps: Step[]): Tip[] => {
      const versions = [countedTip({ id: 't1', receivedAt: iso(receivedAt) })];
      let now = receivedAt;
      for (const { kind, pick, afterMs } of steps) {
        const tip = versions.at(-1) as Tip;
        if (tip.status === 'RESOLVED' || tip.status === 'REJECTED') break;
        now += afterMs;
        const next: Partial<Tip> =
          kind === 'claim'
            ? { status: 'ASSIGNED', claimedAt: tip.claimedAt ?? iso(now) }
            : kind === 'transfer'
              ? { status: 'NEW', queue: queues[pick % queues.length] as string }
              : kind === 'extend'
                ? { dueAt: iso(Date.parse(tip.dueAt) + (1 + (pick % 60)) * dayMs) }
                : kind === 'close'
                  ? { status: pick % 2 === 0 ? 'RESOLVED' : 'REJECTED', closedAt: iso(now) }
                  : kind === 'link'
                    ? { incidentId: 'primary' }
                    : { category: categories[pick % categories.length] };
        versions.push({ ...tip, ...next, version: tip.version + 1 });
      }
      return versions;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: startOfWeek2026(1), max: startOfWeek2026(60) }),
        fc.array(step, { maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        async (receivedAt, steps, deliveries) => {
          const versions = historyOf(receivedAt, steps);
          const delivered = deliveries.map((index) => versions[index % versions.length] as Tip);
          const statistics = memoryStatistics();
          for (const tip of delivered) await recordTipStatistics(tip, { statistics });
          const newest = delivered.reduce((a, b) => (b.version > a.version ? b : a));
          const once = memoryStatistics();
          await recordTipStatistics(newest, { statistics: once });
          assert.deepEqual(statistics.snapshot(), once.snapshot());
          assert.equal(statistics.ledgers.get('t1')?.version, newest.version);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the workflow records when a tip was first claimed and when it was closed', () => {
  const tipId = storedTip().id;
  const now = '2026-11-25T03:00:00.000Z';

  it('sets claimedAt on the first claim and keeps it through a transfer and a second claim', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await claimTip(officers.unit, tipId, w);
    assert.equal(w.tips.stored(tipId).claimedAt, now);
    w.clock.advance(dayMs);
    await transferTip(officers.unit, tipId, { to: 'CITY', reason: 'Không thuộc địa bàn phường' }, w);
    assert.equal(w.tips.stored(tipId).claimedAt, now);
    await claimTip(officers.desk, tipId, w);
    assert.equal(w.tips.stored(tipId).claimedAt, now, 'the first claim stays');
  });

  it('sets claimedAt when a supervisor assigns a tip no one claimed, and keeps it on reassignment', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await assignTip(officers.supervisor, tipId, { assignee: 'binh.tran' }, w);
    assert.equal(w.tips.stored(tipId).claimedAt, now);
    w.clock.advance(dayMs);
    await assignTip(officers.supervisor, tipId, { assignee: 'an.nguyen' }, w);
    assert.equal(w.tips.stored(tipId).claimedAt, now);
  });

  it('sets closedAt when the tip is resolved or rejected, not on the way', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await claimTip(officers.unit, tipId, w);
    w.clock.advance(60_000);
    await changeStatus(officers.unit, tipId, { status: 'IN_PROGRESS' }, w);
    assert.equal(w.tips.stored(tipId).closedAt, undefined);
    w.clock.advance(60_000);
    await changeStatus(officers.unit, tipId, { status: 'RESOLVED' }, w);
    assert.equal(w.tips.stored(tipId).closedAt, '2026-11-25T03:02:00.000Z');

    const rejected = tipWorld();
    rejected.tips.put(storedTip());
    await changeStatus(officers.unit, tipId, { status: 'REJECTED', reason: 'spam' }, rejected);
    assert.equal(rejected.tips.stored(tipId).closedAt, now);
    assert.equal(rejected.tips.stored(tipId).claimedAt, undefined, 'a tip rejected unclaimed was never claimed');
  });
});
