/**
 * An incident worked as one (shared/usecases/officers/access.ts commitChange, shared/tip/tip.ts
 * asReportOf): each workflow change of the primary tip is made on every linked report in the
 * same transaction, with an audit event on each; a report takes no workflow action of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConflictError } from '../../shared/errors.ts';
import { LinkedReportError } from '../../shared/usecases/officers/access.ts';
import { linkReport } from '../../shared/usecases/officers/incidents.ts';
import { addNote, assignTip, changeStatus, claimTip, extendDeadline, listQueue, transferTip } from '../../shared/usecases/officers/tips.ts';
import { asReportOf } from '../../shared/tip/tip.ts';
import { flakyTips, officers, otherUnit } from '../support/tip-fakes.ts';
import { incidentWorld, numberedTip } from '../support/duplicate-fakes.ts';
import { refusal } from '../support/refusals.ts';

const primary = numberedTip(1);
const reportA = numberedTip(2, { channel: 'sms' });
const reportB = numberedTip(3);
const all = [primary, reportA, reportB];
const reports = [reportA, reportB];

/** A world with one incident of three reports, linked by an officer of the unit. */
async function incident() {
  const w = incidentWorld();
  for (const tip of all) w.tips.put(tip);
  await linkReport(officers.unit, primary.id, reportA.id, w);
  await linkReport(officers.unit, primary.id, reportB.id, w);
  return w;
}

/** The events of a type on a tip. */
const eventsOf = (w: Awaited<ReturnType<typeof incident>>, tipId: string, type: string) => w.tips.storedEvents(tipId).filter((event) => event.type === type);

describe('a change of the primary is made on every report', () => {
  it('claim: one claim, every report ASSIGNED to the same officer, a CLAIMED event on each, in one transaction', async () => {
    const w = await incident();
    const writes = w.tips.calls.updateMany;
    const view = await claimTip(officers.unit, primary.id, w);
    assert.equal(view.status, 'ASSIGNED');
    assert.equal(w.tips.calls.updateMany, writes + 1);
    for (const tip of all) {
      const stored = w.tips.stored(tip.id);
      assert.equal(stored.status, 'ASSIGNED', tip.id);
      assert.deepEqual(stored.assignee, { id: officers.unit.id, username: officers.unit.username });
      assert.equal(stored.claimedAt, '2026-11-25T03:00:00.000Z');
      const [claimed, ...more] = eventsOf(w, tip.id, 'CLAIMED');
      assert.equal(more.length, 0);
      assert.deepEqual(claimed?.after, { status: 'ASSIGNED', assignee: 'an.nguyen' });
      assert.equal(claimed?.incidentId, tip.id === primary.id ? undefined : primary.id, 'a report’s event names the incident it was made through');
    }
    // Each report keeps its own words, code and number.
    assert.equal(w.tips.stored(reportA.id).trackingCode, reportA.trackingCode);
    assert.equal(w.tips.stored(reportA.id).text, reportA.text);
    assert.equal(w.tips.stored(reportA.id).channel, 'sms');
  });

  it('assign, status and deadline: every report follows, with the rejection, the extension and when it closed', async () => {
    const w = await incident();
    await assignTip(officers.supervisor, primary.id, { assignee: officers.colleague.username }, w);
    await changeStatus(officers.colleague, primary.id, { status: 'IN_PROGRESS' }, w);
    await extendDeadline(officers.supervisor, primary.id, { days: 10, reason: 'Cần thêm thời gian xác minh' }, w);
    await changeStatus(officers.supervisor, primary.id, { status: 'REJECTED', reason: 'false', note: 'Không có vụ việc' }, w);
    const incidentTip = w.tips.stored(primary.id);
    for (const report of reports) {
      const stored = w.tips.stored(report.id);
      assert.equal(stored.status, 'REJECTED');
      assert.deepEqual(stored.assignee, incidentTip.assignee);
      assert.equal(stored.dueAt, incidentTip.dueAt);
      assert.deepEqual(stored.deadlineExtensions, incidentTip.deadlineExtensions);
      assert.deepEqual(stored.rejection, { reason: 'false', note: 'Không có vụ việc' });
      assert.equal(stored.closedAt, incidentTip.closedAt);
      assert.deepEqual(
        w.tips.storedEvents(report.id).map((event) => event.type),
        ['REPORT_LINKED', 'ASSIGNED', 'STATUS_CHANGED', 'DEADLINE_EXTENDED', 'STATUS_CHANGED'],
      );
      assert.equal(stored.version, 2 + 4, 'each tip counts its own versions: linked once, then four changes');
    }
  });

  it('transfer: the reports move with their incident, and still only the incident is in the queue', async () => {
    const w = await incident();
    await transferTip(officers.unit, primary.id, { to: otherUnit, reason: 'Địa điểm thuộc đơn vị khác' }, w);
    for (const tip of all) assert.equal(w.tips.stored(tip.id).queue, otherUnit, tip.id);
    const page = await listQueue(officers.otherUnit, { queue: otherUnit, status: 'NEW' }, w);
    assert.deepEqual(page.items.map((row) => [row.id, row.reportCount]), [[primary.id, 3]]);
    for (const report of reports) assert.equal(eventsOf(w, report.id, 'TRANSFERRED')[0]?.reason, 'Địa điểm thuộc đơn vị khác');
  });

  it('tries the claim again when a report changed meanwhile, and writes every tip once', async () => {
    const w = await incident();
    await claimTip(officers.unit, primary.id, { ...w, tips: flakyTips(w.tips, 1) });
    for (const tip of all) assert.equal(eventsOf(w, tip.id, 'CLAIMED').length, 1);
  });

  it('writes nothing when one report changed since it was read: the transaction is all or none', async () => {
    const w = await incident();
    // A tipster's follow-up lands on a report between the officer's read and the write.
    const tips = Object.assign(Object.create(w.tips) as typeof w.tips, {
      updateMany: async (changes: Parameters<typeof w.tips.updateMany>[0]) => {
        const report = w.tips.stored(reportB.id);
        w.tips.tips.set(reportB.id, { ...report, version: report.version + 1, tipsterWroteAt: '2026-11-25T02:59:00.000Z' });
        return w.tips.updateMany(changes);
      },
    });
    const error = await refusal(changeStatus(officers.unit, primary.id, { status: 'REJECTED', reason: 'spam' }, { ...w, tips }));
    assert.ok(error instanceof ConflictError && error.code === 'concurrent_change');
    for (const tip of all) assert.notEqual(w.tips.stored(tip.id).status, 'REJECTED', tip.id);
  });
});

describe('a linked report', () => {
  it('refuses every workflow action with 409 linked_report naming its incident, and writes nothing', async () => {
    const w = await incident();
    const attempts = [
      claimTip(officers.unit, reportA.id, w),
      assignTip(officers.supervisor, reportA.id, { assignee: officers.colleague.username }, w),
      transferTip(officers.unit, reportA.id, { to: otherUnit, reason: 'Địa điểm thuộc đơn vị khác' }, w),
      changeStatus(officers.unit, reportA.id, { status: 'REJECTED', reason: 'spam' }, w),
      extendDeadline(officers.supervisor, reportA.id, { days: 5, reason: 'Cần thêm thời gian' }, w),
    ];
    const version = w.tips.stored(reportA.id).version;
    for (const error of await Promise.all(attempts.map(refusal))) {
      assert.ok(error instanceof LinkedReportError, String(error));
      assert.equal(error.statusCode, 409);
      assert.equal(error.code, 'linked_report');
      assert.deepEqual(error.details, { incidentId: primary.id });
      assert.match(error.text.vi, new RegExp(primary.id));
    }
    assert.equal(w.tips.stored(reportA.id).version, version);
  });

  it('still takes an internal note of its own (notes are not workflow)', async () => {
    const w = await incident();
    const note = await addNote(officers.unit, reportA.id, { text: 'Người báo này ở gần hiện trường' }, w);
    assert.equal(note.type, 'NOTE_ADDED');
    assert.equal(eventsOf(w, reportA.id, 'NOTE_ADDED').length, 1);
    assert.equal(eventsOf(w, primary.id, 'NOTE_ADDED').length, 0);
  });
});

describe('asReportOf', () => {
  it('takes the primary’s workflow and keeps the report’s own identity and first claim', () => {
    const workedPrimary = { ...primary, status: 'IN_PROGRESS' as const, assignee: { id: 'x', username: 'x' }, claimedAt: '2026-11-22T00:00:00.000Z', reports: [reportA.id] };
    const claimedReport = { ...reportA, claimedAt: '2026-11-21T00:00:00.000Z', version: 7 };
    const after = asReportOf(workedPrimary, claimedReport);
    assert.equal(after.status, 'IN_PROGRESS');
    assert.deepEqual(after.assignee, { id: 'x', username: 'x' });
    assert.equal(after.claimedAt, '2026-11-21T00:00:00.000Z');
    assert.equal(after.incidentId, primary.id);
    assert.equal(after.reports, undefined);
    assert.equal(after.version, 8);
    for (const field of ['id', 'trackingCode', 'text', 'registerNumber', 'channel', 'receivedAt', 'routing'] as const) assert.deepEqual(after[field], claimedReport[field], field);
  });
});
