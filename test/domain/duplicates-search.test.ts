/**
 * The duplicate search as the classifier runs it (shared/incidents/find-duplicates.ts through
 * shared/usecases/classify-tip.ts), with the real routing engine and in-memory stores: which
 * reports it offers, what it reads, that it runs twice to the same result, and what an officer
 * then sees on a tip (shared/incidents/possible-duplicates.ts through getTip).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { classifierFor } from '../../shared/classification/engine.ts';
import { createIncidentReader, type IncidentFeatures } from '../../shared/incidents/features.ts';
import { maxSuggestions, recentMarginHours, type DuplicateSearchDependencies } from '../../shared/incidents/find-duplicates.ts';
import type { RecentTipIndex, RecentTipsQuery } from '../../shared/incidents/recent-tips.ts';
import { duplicateWindowHours } from '../../shared/incidents/rule.ts';
import type { TipEnvelope } from '../../shared/tip/envelope.ts';
import { retainedUntil } from '../../shared/tip/retention.ts';
import { classifyTip } from '../../shared/usecases/classify-tip.ts';
import { getTip } from '../../shared/usecases/officers/tips.ts';
import { memoryDuplicates, type MemoryDuplicates } from '../support/duplicate-fakes.ts';
import { fixedClock } from '../support/fakes.ts';
import { memoryTips, officers, storedTip, tipWorld, type MemoryTips } from '../support/tip-fakes.ts';

const retentionDays = 1825;
const evening = Date.parse('2026-11-24T14:00:00.000Z');

/** The recent-tips index in memory, with every call it took, in order. */
function memoryRecentTips(): RecentTipIndex & { readonly records: Map<string, IncidentFeatures & { expiresAt: Date }>; readonly log: Array<{ call: 'record'; tipId: string } | { call: 'around'; query: RecentTipsQuery }> } {
  const records = new Map<string, IncidentFeatures & { expiresAt: Date }>();
  const log: Array<{ call: 'record'; tipId: string } | { call: 'around'; query: RecentTipsQuery }> = [];
  return {
    records,
    log,
    async record(features, expiresAt) {
      log.push({ call: 'record', tipId: features.tipId });
      records.set(`${features.pack}#${features.queue}#${features.receivedAt}#${features.tipId}`, { ...structuredClone(features), expiresAt });
    },
    async around(query) {
      log.push({ call: 'around', query });
      return [...records.values()].filter((record) => record.pack === query.pack && query.queues.includes(record.queue) && record.receivedAt >= query.from && record.receivedAt <= query.to);
    },
  };
}

/** A classifier's world: the real engine on the map in force, tips, the recent-tips index and suggestions in memory. */
function world() {
  const classifier = classifierFor('hcmc-2025');
  const tips: MemoryTips = memoryTips();
  const recent = memoryRecentTips();
  const suggestions: MemoryDuplicates = memoryDuplicates();
  const expiries: Date[] = [];
  const duplicates: DuplicateSearchDependencies = {
    reader: createIncidentReader(classifier.resolver.finder),
    recent,
    suggestions: { suggest: (pairs, expiresAt) => (expiries.push(expiresAt), suggestions.suggest(pairs, expiresAt)) },
    tips,
  };
  const clock = fixedClock('2026-11-24T14:00:00.000Z');
  return { classifier, tips, recent, suggestions, expiries, clock, retentionDays, duplicates };
}

let sequence = 0;
/** A queued tip received `minutes` after 21:00, as intake puts it on the queue. */
function envelope(text: string, minutes: number, point?: { lat: number; lon: number }): TipEnvelope {
  sequence += 1;
  return {
    v: 2,
    tipId: `01JDVP${String(sequence).padStart(20, '0')}`,
    trackingCode: `TB-${String(sequence).padStart(4, '0')}-TEST`,
    receivedAt: new Date(evening + minutes * 60_000).toISOString(),
    channel: point ? 'web' : 'sms',
    submission: { text, language: 'vi', ...point },
  };
}

/** The ids of the tips suggested beside this one, whatever their state. */
async function suggestedBeside(suggestions: MemoryDuplicates, tipId: string): Promise<string[]> {
  return (await suggestions.list(tipId)).map((suggestion) => suggestion.otherId).sort();
}

const race = [
  envelope('Có nhóm thanh niên đua xe, nẹt pô ầm ĩ trên đường Lê Văn Sỹ, rất nguy hiểm cho người đi đường', 0, { lat: 10.7893, lon: 106.6787 }),
  envelope('dang co dua xe tren duong le van sy, bop coi no po om som ca khu', 6),
  envelope('mn oi tu nay toi gio tui no dua xe le van sy lang lach nguy hiem qua', 25),
];

describe('the duplicate search when a tip is classified', () => {
  it('offers three reports of one street race (a web report with its point, two SMS without diacritics) as duplicates of each other, in any order', async () => {
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const w = world();
      for (const index of order) await classifyTip(race[index]!, w);
      const [web, first, second] = race.map((tip) => tip.tipId) as [string, string, string];
      assert.deepEqual(await suggestedBeside(w.suggestions, web), [first, second].sort(), `order ${order}`);
      assert.deepEqual(await suggestedBeside(w.suggestions, first), [web, second].sort());
      assert.deepEqual(await suggestedBeside(w.suggestions, second), [web, first].sort());
      const there = (await w.suggestions.list(web)).find((suggestion) => suggestion.otherId === first);
      const back = (await w.suggestions.list(first)).find((suggestion) => suggestion.otherId === web);
      assert.deepEqual([there?.score, there?.reasons, there?.at], [back?.score, back?.reasons, back?.at], 'one pair, the same from both tips');
      assert.ok(w.tips.stored(web).queue !== w.tips.stored(first).queue, 'the web report sits in its ward, the SMS at the desk');
    }
  });

  it('does not offer two thefts on the same street at two house numbers, the same hour', async () => {
    const w = world();
    const first = envelope('Bị trộm xe máy Wave trước nhà số 120 Lê Văn Sỹ, kẻ trộm mặc áo đen', 40);
    const other = envelope('Vừa bị móc túi mất điện thoại trong quán cà phê ở hẻm 480 Lê Văn Sỹ', 55);
    await classifyTip(first, w);
    const classified = await classifyTip(other, w);
    assert.equal(w.tips.stored(first.tipId).category, w.tips.stored(other.tipId).category, 'both are thefts');
    assert.deepEqual(classified.duplicates, { compared: 1, matched: 0, suggested: 0 });
    assert.equal(w.suggestions.sides.size, 0);
  });

  it('records the tip first, then reads its own queue, the desk and its candidates, over the window only', async () => {
    const w = world();
    const web = race[0]!;
    await classifyTip(web, w);
    const [recorded, read] = w.recent.log;
    assert.deepEqual(recorded, { call: 'record', tipId: web.tipId });
    assert.equal(read?.call, 'around');
    const query = (read as { query: RecentTipsQuery }).query;
    const stored = w.tips.stored(web.tipId);
    assert.deepEqual(query.queues, [...new Set([stored.queue, 'CITY', ...stored.routing.candidates.map((candidate) => candidate.unit)])]);
    const hours = (iso: string) => (Date.parse(iso) - Date.parse(web.receivedAt)) / 3_600_000;
    assert.deepEqual([hours(query.from), hours(query.to)], [-duplicateWindowHours, duplicateWindowHours]);
    const record = [...w.recent.records.values()][0];
    assert.equal(record?.expiresAt.getTime(), Date.parse(web.receivedAt) + (duplicateWindowHours + recentMarginHours) * 3_600_000, 'the record outlives the window by the margin only');
  });

  it("gives the suggestions the tip's own expiry", async () => {
    const w = world();
    await classifyTip(race[0]!, w);
    await classifyTip(race[1]!, w);
    assert.deepEqual(w.expiries, [retainedUntil(race[1]!.receivedAt, retentionDays)]);
  });

  it('does not offer a tip closed meanwhile', async () => {
    const w = world();
    await classifyTip(race[0]!, w);
    const closed = w.tips.stored(race[0]!.tipId);
    w.tips.put({ ...closed, status: 'RESOLVED', version: closed.version + 1 });
    const second = await classifyTip(race[1]!, w);
    assert.equal(second.duplicates?.matched, 1);
    assert.equal(second.duplicates?.suggested, 0);
    assert.deepEqual(await suggestedBeside(w.suggestions, race[1]!.tipId), []);
  });

  it('writes the same items when the message is delivered again, and leaves a dismissed pair dismissed', async () => {
    const w = world();
    for (const tip of race) await classifyTip(tip, w);
    const before = structuredClone([...w.suggestions.sides.entries()]);
    w.clock.advance(60_000);
    const again = await classifyTip(race[2]!, w);
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.duplicates?.suggested, 2, 'the search ran again');
    assert.deepEqual([...w.suggestions.sides.entries()], before);
    assert.equal(w.recent.records.size, 3, 'one record per tip');

    await w.suggestions.setState(race[2]!.tipId, race[0]!.tipId, 'dismissed');
    await classifyTip(race[2]!, w);
    assert.equal(w.suggestions.stateOf(race[0]!.tipId, race[2]!.tipId), 'dismissed');
    assert.equal(w.suggestions.stateOf(race[2]!.tipId, race[0]!.tipId), 'dismissed');
  });

  it('writes what a first delivery never got to write, and nothing for a tip closed since', async () => {
    const w = world();
    await classifyTip(race[0]!, w);
    // The first delivery of the second report stored it, then stopped before its search.
    await classifyTip(race[1]!, { ...w, duplicates: undefined });
    assert.equal(w.suggestions.sides.size, 0);
    assert.equal((await classifyTip(race[1]!, w)).outcome, 'duplicate');
    assert.deepEqual(await suggestedBeside(w.suggestions, race[1]!.tipId), [race[0]!.tipId]);

    const third = w.tips.stored(race[0]!.tipId);
    await classifyTip(race[2]!, { ...w, duplicates: undefined });
    w.tips.put({ ...w.tips.stored(race[2]!.tipId), status: 'REJECTED', version: third.version + 1 });
    const rerun = await classifyTip(race[2]!, w);
    assert.equal(rerun.duplicates, undefined, 'a closed tip is not searched for');
    assert.deepEqual(await suggestedBeside(w.suggestions, race[2]!.tipId), []);
  });

  it(`offers at most ${maxSuggestions} tips, the best first`, async () => {
    const w = world();
    const reports = Array.from({ length: maxSuggestions + 3 }, (_, index) => envelope(`dang co dua xe tren duong le van sy, bop coi no po om som ${index}`, index * 30));
    for (const report of reports) await classifyTip(report, w);
    const last = reports.at(-1)!;
    const suggested = await w.suggestions.list(last.tipId);
    assert.equal(suggested.length, maxSuggestions);
    const closest = reports.slice(-1 - maxSuggestions, -1).map((report) => report.tipId).sort();
    assert.deepEqual(suggested.map((suggestion) => suggestion.otherId).sort(), closest, 'the closest in time score best');
  });

  it('reads nothing of queues the tip cannot share an incident with', async () => {
    const w = world();
    // A fight at the far end of the city, routed to its ward by its point.
    await classifyTip(envelope('Hai nhóm thanh niên đánh nhau bằng hung khí trước quán nhậu', 0, { lat: 10.8700, lon: 106.8000 }), w);
    const classified = await classifyTip(race[0]!, w);
    assert.equal(classified.duplicates?.compared, 0);
  });
});

describe('possible duplicates on a tip', () => {
  const unitTip = storedTip({ id: '01JTIP00000000000000000001' });
  const other = (n: number, overrides: Parameters<typeof storedTip>[0] = {}) => storedTip({ id: `01JTIP0000000000000000000${n}`, trackingCode: `TB-000${n}-TEST`, ...overrides });

  function detailWorld() {
    const w = { ...tipWorld(), duplicates: memoryDuplicates() };
    w.tips.put(unitTip);
    w.tips.put(other(2));
    w.tips.put(other(3, { queue: 'CITY' }));
    w.tips.put(other(4));
    w.tips.put(other(5));
    return w;
  }

  it('lists the open suggestions of tips the officer may see, best first, with their score and reasons', async () => {
    const w = detailWorld();
    await w.duplicates.suggest(
      [
        { tipId: unitTip.id, otherId: other(2).id, score: 0.61, reasons: ['near_in_time', 'near_in_place'], at: '2026-11-20T03:10:00.000Z' },
        { tipId: unitTip.id, otherId: other(3).id, score: 0.9, reasons: ['same_point'], at: '2026-11-20T03:10:00.000Z' },
        { tipId: unitTip.id, otherId: other(4).id, score: 0.75, reasons: ['similar_wording'], at: '2026-11-20T03:10:00.000Z' },
        { tipId: unitTip.id, otherId: other(5).id, score: 0.8, reasons: ['similar_wording'], at: '2026-11-20T03:10:00.000Z' },
      ],
      new Date('2031-11-20T03:00:00.000Z'),
    );
    await w.duplicates.setState(unitTip.id, other(5).id, 'dismissed');
    const forUnit = await getTip(officers.unit, unitTip.id, w);
    assert.deepEqual(forUnit.possibleDuplicates, [
      { id: other(4).id, score: 0.75, reasons: ['similar_wording'] },
      { id: other(2).id, score: 0.61, reasons: ['near_in_time', 'near_in_place'] },
    ]);
    const forDesk = await getTip(officers.desk, unitTip.id, w);
    assert.deepEqual(
      forDesk.possibleDuplicates.map((duplicate) => duplicate.id),
      [other(3).id, other(4).id, other(2).id],
      'the desk also sees the tip at the desk',
    );
    const fromTheOtherSide = await getTip(officers.desk, other(3).id, w);
    assert.deepEqual(fromTheOtherSide.possibleDuplicates, [{ id: unitTip.id, score: 0.9, reasons: ['same_point'] }]);
  });

  it('leaves out a tip already linked into the same incident', async () => {
    const w = detailWorld();
    w.tips.put(other(2, { incidentId: unitTip.id }));
    w.tips.put({ ...unitTip, reports: [other(2).id] });
    await w.duplicates.suggest(
      [
        { tipId: unitTip.id, otherId: other(2).id, score: 0.7, reasons: ['similar_wording'], at: '2026-11-20T03:10:00.000Z' },
        { tipId: other(2).id, otherId: other(4).id, score: 0.6, reasons: ['similar_wording'], at: '2026-11-20T03:10:00.000Z' },
      ],
      new Date('2031-11-20T03:00:00.000Z'),
    );
    assert.deepEqual((await getTip(officers.unit, unitTip.id, w)).possibleDuplicates, []);
    assert.deepEqual((await getTip(officers.unit, other(2).id, w)).possibleDuplicates, [{ id: other(4).id, score: 0.6, reasons: ['similar_wording'] }]);
  });

  it('lists none without a store, and leaves out a tip that is gone', async () => {
    const w = detailWorld();
    assert.deepEqual((await getTip(officers.unit, unitTip.id, { ...w, duplicates: undefined })).possibleDuplicates, []);
    await w.duplicates.suggest([{ tipId: unitTip.id, otherId: '01JTIP0000000000000000GONE', score: 0.7, reasons: ['similar_wording'], at: '2026-11-20T03:10:00.000Z' }], new Date('2031-11-20T03:00:00.000Z'));
    assert.deepEqual((await getTip(officers.unit, unitTip.id, w)).possibleDuplicates, []);
  });
});
