/**
 * Moving open tips from the old map to the new one (npm run repack): on an in-memory store
 * seeded with open and closed tips of the old pack.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { unitCrosswalk } from '../../shared/classification/crosswalk.ts';
import { createClassifier } from '../../shared/classification/engine.ts';
import { lexicon } from '../../shared/classification/packs.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { repackOpenTips } from '../../shared/usecases/repack.ts';
import { fixedClock, sequentialIds } from '../support/fakes.ts';
import { memoryTips, officers, storedTip } from '../support/tip-fakes.ts';

const oldMap = 'hcmc-2021';
const newMap = 'hcmc-2025';

/** A tip as the old map stored it: in a district's queue (or the desk's), with its register number. */
function oldTip(id: string, queue: string, text: string, overrides: Partial<Tip> = {}): Tip {
  const unit = queue === 'CITY' ? null : queue;
  return storedTip({
    id: `01JREPACK${id.padStart(17, '0')}`,
    text,
    pack: oldMap,
    queue,
    unit,
    otherGeneration: null,
    routing: { pack: oldMap, unit, confidence: 0.9, method: 'text', evidence: null, candidates: [] },
    registerNumber: `${queue}/2026/${id.padStart(6, '0')}`,
    ...overrides,
  });
}

function seeded() {
  const tips = memoryTips();
  const put = (tip: Tip) => {
    tips.put(tip);
    return tip.id;
  };
  const ids = {
    // Quận 3's Phường 5 became Phường Bàn Cờ: within Quận 3's three new units, the text decides.
    ward: put(oldTip('1', '770', 'Có người bán ma túy trong hẻm ở phường 5, quận 3')),
    // Quận 3 named alone: three new units, nothing to choose with: the city desk, with the three.
    vague: put(oldTip('2', '770', 'Có người bán ma túy trong hẻm, tối nào cũng có')),
    // Assigned work stays with its officer and status; the point decides within Quận 1.
    assigned: put(oldTip('3', '760', 'Có móc túi ở chợ', { status: 'ASSIGNED', assignee: { id: officers.unit.id, username: officers.unit.username }, lat: 10.7725, lon: 106.698 })),
    // At the desk on the old map, read again as a new tip: it names a ward of today.
    desk: put(oldTip('4', 'CITY', 'Có sòng bạc ở phường Xóm Chiếu')),
    // An officer moved this one to Quận 5 by hand though its text names nothing: it stays within Quận 5.
    moved: put(oldTip('5', '774', 'Có người lạ đáng ngờ', { status: 'IN_PROGRESS', assignee: { id: officers.colleague.id, username: officers.colleague.username } })),
    // Closed tips keep their old map.
    resolved: put(oldTip('6', '770', 'Có trộm ở phường 5, quận 3', { status: 'RESOLVED' })),
    rejected: put(oldTip('7', 'CITY', 'spam', { status: 'REJECTED', rejection: { reason: 'spam' } })),
  };
  return { tips, ids };
}

const deps = (tips: ReturnType<typeof memoryTips>) => ({
  tips,
  classifier: createClassifier({ pack: newMap }),
  crosswalk: unitCrosswalk(lexicon.entries, oldMap, newMap),
  clock: fixedClock('2026-12-01T02:00:00.000Z'),
  ids: sequentialIds(),
});

describe('repack', () => {
  it('moves each open tip to the one unit its evidence names, or to the desk with its candidates', async () => {
    const { tips, ids } = seeded();
    const report = await repackOpenTips(oldMap, deps(tips));
    assert.deepEqual(report, { from: oldMap, to: newMap, seen: 5, toUnit: 3, toDesk: 2, skipped: 0 });

    const ward = tips.stored(ids.ward);
    assert.deepEqual([ward.pack, ward.unit, ward.queue, ward.status], [newMap, '27154', '27154', 'NEW']);
    const vague = tips.stored(ids.vague);
    assert.deepEqual([vague.pack, vague.unit, vague.queue], [newMap, null, 'CITY']);
    assert.deepEqual(vague.routing.candidates.map((c) => c.unit).sort(), ['27139', '27142', '27154'], "Quận 3's three units");
    const assigned = tips.stored(ids.assigned);
    assert.deepEqual([assigned.unit, assigned.status, assigned.assignee?.username], ['26743', 'ASSIGNED', officers.unit.username]);
    assert.equal(tips.stored(ids.desk).unit, '27259');
    const moved = tips.stored(ids.moved);
    assert.equal(moved.unit, null, 'Quận 5 became three units and nothing chooses among them');
    assert.deepEqual(moved.routing.candidates.map((c) => c.unit).sort(), ['27301', '27316', '27343']);
    assert.equal(moved.status, 'IN_PROGRESS');
  });

  it('keeps register numbers, deadlines and closed tips, and records every move', async () => {
    const { tips, ids } = seeded();
    const before = new Map([...tips.tips.values()].map((tip) => [tip.id, structuredClone(tip)]));
    await repackOpenTips(oldMap, deps(tips));
    for (const [id, old] of before) {
      const now = tips.stored(id);
      assert.equal(now.registerNumber, old.registerNumber);
      assert.equal(now.dueAt, old.dueAt);
      assert.equal(now.trackingCode, old.trackingCode);
    }
    for (const id of [ids.resolved, ids.rejected]) assert.deepEqual(tips.stored(id), before.get(id), 'a closed tip is left as it was');
    const [event] = tips.storedEvents(ids.ward);
    assert.equal(event?.type, 'REPACKED');
    assert.equal(event?.actor, 'system:repack');
    assert.deepEqual(event?.before, { pack: oldMap, queue: '770', unit: '770' });
    assert.deepEqual(event?.after, { pack: newMap, queue: '27154', unit: '27154' });
    assert.deepEqual(tips.stored(ids.ward).otherGeneration?.units, ['770'], 'the old unit is kept as the other generation');
    assert.equal(tips.storedEvents(ids.resolved).length, 0);
  });

  it('changes nothing when run a second time', async () => {
    const { tips } = seeded();
    await repackOpenTips(oldMap, deps(tips));
    const after = structuredClone([...tips.tips.values()]);
    const events = [...tips.eventLog.values()].flat().length;
    const again = await repackOpenTips(oldMap, deps(tips));
    assert.deepEqual(again, { from: oldMap, to: newMap, seen: 0, toUnit: 0, toDesk: 0, skipped: 0 });
    assert.deepEqual([...tips.tips.values()], after);
    assert.equal([...tips.eventLog.values()].flat().length, events);
  });
});
