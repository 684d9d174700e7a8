/**
 * Linking reports into one incident and dismissing suggestions (shared/usecases/officers/incidents.ts),
 * on the in-memory tips table and suggestion store: who may, what is written (in one
 * transaction, with an audit event on each tip), how incidents merge, and what is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { StaleTipError } from '../../shared/officers/model.ts';
import { maxChangesPerTransaction } from '../../shared/ports.ts';
import { dismissDuplicate, linkReport, maxReportsPerIncident } from '../../shared/usecases/officers/incidents.ts';
import { getTip, listQueue } from '../../shared/usecases/officers/tips.ts';
import { flakyTips, officers, otherUnit, storedTipIn } from '../support/tip-fakes.ts';
import { incidentWorld, numberedTip, suggestion } from '../support/duplicate-fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';

const [a, b, c, d] = [numberedTip(1), numberedTip(2), numberedTip(3), numberedTip(4)];

function conflictCode(error: unknown): string {
  assert.ok(error instanceof ConflictError, `expected a ConflictError, got ${String(error)}`);
  return error.code;
}

describe('linkReport', () => {
  it('makes the tip an incident whose report the other tip becomes, in one transaction with REPORT_LINKED on both', async () => {
    const w = incidentWorld();
    w.tips.put(a);
    w.tips.put(b);
    await w.duplicates.suggest([suggestion(a.id, b.id)], new Date('2031-01-01'));

    const view = await linkReport(officers.unit, a.id, b.id, w);

    assert.equal(view.id, a.id);
    assert.equal(view.reportCount, 2);
    assert.equal(w.tips.calls.updateMany, 1, 'one transaction');
    assert.equal(w.tips.calls.update, 0);
    const primary = w.tips.stored(a.id);
    const report = w.tips.stored(b.id);
    assert.deepEqual(primary.reports, [b.id]);
    assert.equal(primary.version, 2);
    assert.equal(report.incidentId, a.id);
    assert.equal(report.version, 2);
    // The report keeps its own words, code and number; it takes the incident's workflow.
    assert.equal(report.trackingCode, b.trackingCode);
    assert.equal(report.registerNumber, b.registerNumber);
    assert.equal(report.text, b.text);
    const [primaryEvent] = w.tips.storedEvents(a.id);
    const [reportEvent] = w.tips.storedEvents(b.id);
    assert.equal(primaryEvent?.type, 'REPORT_LINKED');
    assert.deepEqual(primaryEvent?.reportIds, [b.id]);
    assert.equal(primaryEvent?.actor, 'an.nguyen');
    assert.equal(reportEvent?.type, 'REPORT_LINKED');
    assert.equal(reportEvent?.incidentId, a.id);
    assert.equal(reportEvent?.id, primaryEvent?.id, 'one action, one event id on each tip it touched');
    assert.equal(w.duplicates.stateOf(a.id, b.id), 'linked');
    assert.equal(w.duplicates.stateOf(b.id, a.id), 'linked');
  });

  it('shows the incident once in its queue, with its number of reports; the report names its incident', async () => {
    const w = incidentWorld();
    for (const tip of [a, b, c]) w.tips.put(tip);
    await linkReport(officers.unit, a.id, b.id, w);

    const page = await listQueue(officers.unit, { queue: a.queue, status: 'NEW' }, w);
    assert.deepEqual(
      page.items.map((row) => [row.id, row.reportCount]),
      [
        [a.id, 2],
        [c.id, 1],
      ],
    );
    const incident = await getTip(officers.unit, a.id, w);
    assert.deepEqual(incident.reports, [{ id: b.id, trackingCode: b.trackingCode, registerNumber: b.registerNumber, channel: 'web', receivedAt: b.receivedAt, awaitingReply: false }]);
    assert.equal(incident.incident, null);
    assert.equal(incident.tip.incidentId, null);
    const report = await getTip(officers.unit, b.id, w);
    assert.equal(report.tip.incidentId, a.id);
    assert.deepEqual(report.incident, { id: a.id, trackingCode: a.trackingCode, registerNumber: a.registerNumber, reportCount: 2 });
    assert.deepEqual(report.reports, []);
    assert.deepEqual(report.tip.allowedActions, [], 'a report offers no workflow action of its own');
    assert.deepEqual(report.tip.allowedStatusChanges, []);
    assert.ok(report.events.some((event) => event.type === 'REPORT_LINKED' && event.incidentId === a.id));
  });

  it('links into the incident of a tip that is itself a report', async () => {
    const w = incidentWorld();
    for (const tip of [a, b, c]) w.tips.put(tip);
    await linkReport(officers.unit, a.id, b.id, w);
    await linkReport(officers.unit, b.id, c.id, w);
    assert.deepEqual(w.tips.stored(a.id).reports, [b.id, c.id]);
    assert.equal(w.tips.stored(c.id).incidentId, a.id);
    assert.equal(w.tips.stored(b.id).reports, undefined);
  });

  it('merges an incident linked into another: its reports move too, and their suggestions are marked linked', async () => {
    const w = incidentWorld();
    for (const tip of [a, b, c, d]) w.tips.put(tip);
    await w.duplicates.suggest([suggestion(c.id, d.id), suggestion(a.id, d.id), suggestion(b.id, c.id)], new Date('2031-01-01'));
    await linkReport(officers.unit, c.id, d.id, w);
    await linkReport(officers.unit, a.id, b.id, w);

    await linkReport(officers.unit, a.id, c.id, w);

    assert.deepEqual(w.tips.stored(a.id).reports, [b.id, c.id, d.id]);
    assert.equal(w.tips.stored(c.id).reports, undefined, 'the merged incident is one report among others now');
    for (const report of [b, c, d]) assert.equal(w.tips.stored(report.id).incidentId, a.id);
    // Every pair inside the incident is linked: none is suggested any more.
    for (const [x, y] of [[a, d], [b, c], [c, d]] as const) assert.equal(w.duplicates.stateOf(x.id, y.id), 'linked', `${x.id} ~ ${y.id}`);
    const linked = w.tips.storedEvents(d.id);
    assert.deepEqual(linked.map((event) => [event.type, event.incidentId]), [['REPORT_LINKED', c.id], ['REPORT_LINKED', a.id]]);
    const merged = linked.at(-1);
    assert.equal(merged?.incidentId, a.id, 'the moved report records the incident it joined');
  });

  it('changes nothing when the tip is already a report of the incident, whichever way round', async () => {
    const w = incidentWorld();
    for (const tip of [a, b, c]) w.tips.put(tip);
    await linkReport(officers.unit, a.id, b.id, w);
    await linkReport(officers.unit, a.id, c.id, w);
    const before = structuredClone([...w.tips.tips.values()]);
    const eventsBefore = [...w.tips.eventLog.values()].flat().length;

    for (const [id, otherId] of [[a, b], [b, a], [b, c], [c, a]] as const) {
      const view = await linkReport(officers.unit, id.id, otherId.id, w);
      assert.equal(view.id, id.id);
    }
    assert.deepEqual([...w.tips.tips.values()], before);
    assert.equal([...w.tips.eventLog.values()].flat().length, eventsBefore);
  });

  it('never lengthens a deadline: the incident takes the earliest, and reports already linked follow it', async () => {
    const w = incidentWorld();
    // d was received first of all: its deadline is the earliest.
    const early = numberedTip(0, { id: '01JTIPEARLY000000000000000' });
    for (const tip of [a, b, early]) w.tips.put(tip);
    await linkReport(officers.unit, a.id, b.id, w);
    assert.equal(w.tips.stored(b.id).dueAt, a.dueAt, 'a later report takes the earlier deadline of its incident');

    await linkReport(officers.unit, a.id, early.id, w);

    for (const tip of [a, b, early]) assert.equal(w.tips.stored(tip.id).dueAt, early.dueAt, tip.id);
    const [, moved] = w.tips.storedEvents(b.id);
    assert.deepEqual([moved?.type, moved?.before, moved?.after], ['REPORT_LINKED', { dueAt: a.dueAt }, { dueAt: early.dueAt }]);
  });

  it('brings a report the incident’s workflow: status, holder and queue', async () => {
    const w = incidentWorld();
    const held = { ...a, status: 'ASSIGNED' as const, assignee: { id: officers.colleague.id, username: officers.colleague.username }, claimedAt: '2026-11-21T00:00:00.000Z' };
    w.tips.put(held);
    w.tips.put(b);
    await linkReport(officers.unit, a.id, b.id, w);
    const report = w.tips.stored(b.id);
    assert.equal(report.status, 'ASSIGNED');
    assert.deepEqual(report.assignee, held.assignee);
    assert.equal(report.claimedAt, held.claimedAt);
    const [event] = w.tips.storedEvents(b.id);
    assert.deepEqual(event?.before, { status: 'NEW', pack: b.pack, queue: b.queue, unit: b.unit, assignee: null, dueAt: b.dueAt });
    assert.deepEqual(event?.after, { status: 'ASSIGNED', pack: a.pack, queue: a.queue, unit: a.unit, assignee: 'binh.tran', dueAt: a.dueAt });
  });

  it('answers 404 when the officer may not see either tip, or the other does not exist, and writes nothing', async () => {
    const w = incidentWorld();
    const elsewhere = numberedTip(5, { queue: otherUnit, unit: otherUnit });
    w.tips.put(a);
    w.tips.put(elsewhere);
    for (const [id, otherId] of [[a.id, elsewhere.id], [elsewhere.id, a.id], [a.id, 'no-such-tip'], [a.id, undefined], [a.id, 42]] as const) {
      assert.ok((await refusal(linkReport(officers.unit, id, otherId, w))) instanceof NotFoundError, `${id} ← ${String(otherId)}`);
    }
    assert.equal(w.tips.calls.updateMany, 0);
    // The desk sees both queues, so it may link across units: the report moves into the incident's queue.
    await linkReport(officers.desk, a.id, elsewhere.id, w);
    assert.equal(w.tips.stored(elsewhere.id).queue, a.queue);
  });

  it('refuses a tip linked to itself (400), a closed tip (409 closed) and an incident past its size (409 incident_full)', async () => {
    const w = incidentWorld();
    w.tips.put(a);
    assert.deepEqual(issuesOf(await refusal(linkReport(officers.unit, a.id, a.id, w))), [['otherId', 'invalid', undefined]]);

    const closed = storedTipIn('RESOLVED', officers.colleague, { id: '01JTIPCLOSED00000000000000', trackingCode: 'TB-CLOS-ED00' });
    w.tips.put(closed);
    assert.equal(conflictCode(await refusal(linkReport(officers.unit, a.id, closed.id, w))), 'closed');
    assert.equal(conflictCode(await refusal(linkReport(officers.unit, closed.id, a.id, w))), 'closed');
    assert.equal(w.tips.stored(a.id).version, 1);
  });

  it('takes up to maxReportsPerIncident reports in one transaction of at most maxChangesPerTransaction changes, and refuses one more', async () => {
    assert.equal(maxReportsPerIncident, maxChangesPerTransaction - 1);
    const w = incidentWorld();
    const primary = numberedTip(100);
    const reports = Array.from({ length: maxReportsPerIncident - 1 }, (_, index) => numberedTip(101 + index, { incidentId: primary.id }));
    w.tips.put({ ...primary, reports: reports.map((report) => report.id) });
    for (const report of reports) w.tips.put(report);
    // The last report was received first: its earlier deadline moves every report, so every tip is written.
    const last = numberedTip(1);
    const oneTooMany = numberedTip(2);
    w.tips.put(last);
    w.tips.put(oneTooMany);

    await linkReport(officers.unit, primary.id, last.id, w);
    assert.equal(w.tips.stored(primary.id).reports?.length, maxReportsPerIncident);
    assert.ok(reports.every((report) => w.tips.stored(report.id).dueAt === last.dueAt));

    const error = await refusal(linkReport(officers.unit, primary.id, oneTooMany.id, w));
    assert.equal(conflictCode(error), 'incident_full');
    assert.deepEqual((error as ConflictError).details, { max: maxReportsPerIncident });
    assert.equal(w.tips.stored(oneTooMany.id).incidentId, undefined);
  });

  it('plans again from fresh reads when another writer changed a tip first', async () => {
    const w = incidentWorld();
    w.tips.put(a);
    w.tips.put(b);
    const tips = flakyTips(w.tips, 2);
    await linkReport(officers.unit, a.id, b.id, { ...w, tips });
    assert.deepEqual(w.tips.stored(a.id).reports, [b.id]);
    assert.equal(w.tips.storedEvents(a.id).length, 1, 'the lost attempts wrote nothing');
  });

  it('gives 409 concurrent_change after three lost races, with nothing written', async () => {
    const w = incidentWorld();
    w.tips.put(a);
    w.tips.put(b);
    assert.equal(conflictCode(await refusal(linkReport(officers.unit, a.id, b.id, { ...w, tips: flakyTips(w.tips, 3) }))), 'concurrent_change');
    assert.equal(w.tips.stored(a.id).reports, undefined);
  });

  it('ends in one incident when two officers link the same pair at once, each way round', async () => {
    const w = incidentWorld();
    w.tips.put(a);
    w.tips.put(b);
    await Promise.all([linkReport(officers.unit, a.id, b.id, w), linkReport(officers.colleague, b.id, a.id, w)]);
    const primaries = [a, b].map((tip) => w.tips.stored(tip.id)).filter((tip) => tip.reports !== undefined);
    assert.equal(primaries.length, 1);
    const [primary] = primaries;
    const other = primary!.id === a.id ? b : a;
    assert.deepEqual(primary!.reports, [other.id]);
    assert.equal(w.tips.stored(other.id).incidentId, primary!.id);
  });
});

describe('the in-memory updateMany', () => {
  it('writes all changes or none: one stale tip refuses the whole transaction', async () => {
    const w = incidentWorld();
    w.tips.put(a);
    w.tips.put({ ...b, version: 3 });
    const event = (tipId: string) => ({ id: 'e1', tipId, type: 'NOTE_ADDED' as const, actor: 'x', at: '2026-11-25T03:00:00.000Z', public: false });
    const changes = [
      { before: a, after: { ...a, status: 'ASSIGNED' as const, version: 2 }, event: event(a.id) },
      { before: b, after: { ...b, status: 'ASSIGNED' as const, version: 2 }, event: event(b.id) },
    ];
    await assert.rejects(w.tips.updateMany(changes), StaleTipError);
    assert.equal(w.tips.stored(a.id).status, 'NEW');
    assert.equal(w.tips.storedEvents(a.id).length, 0);
  });
});

describe('dismissDuplicate', () => {
  it('dismisses the suggestion for both tips and audits DUPLICATE_DISMISSED on the tip acted on only', async () => {
    const w = incidentWorld();
    w.tips.put(a);
    w.tips.put(b);
    await w.duplicates.suggest([suggestion(a.id, b.id)], new Date('2031-01-01'));

    const view = await dismissDuplicate(officers.unit, a.id, b.id, w);

    assert.equal(view.id, a.id);
    assert.equal(w.duplicates.stateOf(a.id, b.id), 'dismissed');
    assert.equal(w.duplicates.stateOf(b.id, a.id), 'dismissed');
    const events = w.tips.storedEvents(a.id);
    assert.deepEqual(
      events.map((event) => [event.type, event.otherTipId, event.actor, event.public]),
      [['DUPLICATE_DISMISSED', b.id, 'an.nguyen', false]],
    );
    assert.equal(w.tips.storedEvents(b.id).length, 0);
    assert.equal(w.tips.stored(a.id).version, 1, 'the tip itself does not change');
    // The classifier suggesting the pair again does not bring it back.
    await w.duplicates.suggest([suggestion(b.id, a.id)], new Date('2031-01-01'));
    assert.equal(w.duplicates.stateOf(a.id, b.id), 'dismissed');
  });

  it('changes nothing the second time, and refuses a pair never suggested (404), an unseen tip (404) and a linked pair (409)', async () => {
    const w = incidentWorld();
    const elsewhere = numberedTip(5, { queue: otherUnit, unit: otherUnit });
    for (const tip of [a, b, c, elsewhere]) w.tips.put(tip);
    await w.duplicates.suggest([suggestion(a.id, b.id), suggestion(a.id, elsewhere.id), suggestion(a.id, c.id)], new Date('2031-01-01'));
    await dismissDuplicate(officers.unit, a.id, b.id, w);
    await dismissDuplicate(officers.unit, b.id, a.id, w);
    assert.equal(w.tips.storedEvents(a.id).length + w.tips.storedEvents(b.id).length, 1);

    assert.ok((await refusal(dismissDuplicate(officers.unit, b.id, c.id, w))) instanceof NotFoundError, 'never suggested');
    assert.ok((await refusal(dismissDuplicate(officers.unit, a.id, elsewhere.id, w))) instanceof NotFoundError, 'not visible');
    await linkReport(officers.unit, a.id, c.id, w);
    assert.equal(conflictCode(await refusal(dismissDuplicate(officers.unit, a.id, c.id, w))), 'already_linked');
  });
});
