import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { StaleTipError } from '../../shared/officers/model.ts';
import { tipStatuses, type Tip, type TipStatus } from '../../shared/tip/tip.ts';
import { assignTip, changeStatus, claimTip, getTip, listQueue, transferTip } from '../../shared/usecases/officers/tips.ts';
import { InvalidTransitionError, allowedStatusChanges, extendDeadline, routingCandidateReason, statusChanges } from '../../shared/usecases/officers/workflow.ts';
import { exampleUnit, flakyTips, memoryTips, officers, otherUnit, storedTip, storedTipIn, tipWorld } from '../support/tip-fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';

const tipId = storedTip().id;



function conflictCode(error: unknown): string {
  assert.ok(error instanceof ConflictError, `expected a ConflictError, got ${String(error)}`);
  assert.equal(error.statusCode, 409);
  return error.code;
}

describe('the in-memory tip store', () => {
  it('refuses a write based on a version that is no longer stored', async () => {
    const tips = memoryTips();
    const tip = storedTip();
    tips.put(tip);
    const event = { id: 'e1', tipId, type: 'NOTE_ADDED', actor: 'x', at: '2026-11-25T03:00:00.000Z', public: false } as const;
    await tips.update({ before: tip, after: { ...tip, status: 'ASSIGNED', version: 2 }, event });
    await assert.rejects(tips.update({ before: tip, after: { ...tip, status: 'REJECTED', version: 2 }, event }), StaleTipError);
    await assert.rejects(tips.addEvent(tip, event), StaleTipError);
    assert.equal(tips.stored(tipId).status, 'ASSIGNED');
  });

  it('insists that every change increments the version by exactly one', async () => {
    const tips = memoryTips();
    const tip = storedTip();
    tips.put(tip);
    const event = { id: 'e1', tipId, type: 'NOTE_ADDED', actor: 'x', at: '2026-11-25T03:00:00.000Z', public: false } as const;
    await assert.rejects(tips.update({ before: tip, after: { ...tip, version: 3 }, event }), /version must go from 1 to 2/);
  });
});

describe('claimTip', () => {
  it('makes a NEW tip ASSIGNED to the officer, with a CLAIMED event', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const view = await claimTip(officers.unit, tipId, w);
    assert.equal(view.status, 'ASSIGNED');
    assert.equal(view.assignee, 'an.nguyen');
    assert.equal(view.version, 2);
    const stored = w.tips.stored(tipId);
    assert.deepEqual(stored.assignee, { id: 'sub-an.nguyen', username: 'an.nguyen' });
    assert.equal(stored.version, 2);
    assert.deepEqual(w.tips.storedEvents(tipId), [
      {
        id: '00000000000000000000000001',
        tipId,
        type: 'CLAIMED',
        actor: 'an.nguyen',
        at: '2026-11-25T03:00:00.000Z',
        before: { status: 'NEW', assignee: null },
        after: { status: 'ASSIGNED', assignee: 'an.nguyen' },
        public: false,
      },
    ]);
  });

  it('refuses a tip someone holds with already_claimed, and a closed one with closed', async () => {
    for (const [status, code] of [['ASSIGNED', 'already_claimed'], ['IN_PROGRESS', 'already_claimed'], ['RESOLVED', 'closed'], ['REJECTED', 'closed']] as const) {
      const w = tipWorld();
      w.tips.put(storedTipIn(status));
      assert.equal(conflictCode(await refusal(claimTip(officers.unit, tipId, w))), code, status);
      assert.equal(w.tips.stored(tipId).version, 1);
    }
  });

  it('gives exactly one of 50 simultaneous claims the tip; the other 49 get already_claimed', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const claimants = Array.from({ length: 50 }, (_, index) => ({ ...officers.unit, id: `sub-${index}`, username: `officer-${index}` }));
    const results = await Promise.allSettled(claimants.map((claimant) => claimTip(claimant, tipId, w)));
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result) => result.status === 'rejected');
    assert.equal(winners.length, 1);
    assert.equal(losers.length, 49);
    for (const loser of losers) assert.equal(conflictCode(loser.reason), 'already_claimed');
    const stored = w.tips.stored(tipId);
    assert.equal(stored.version, 2);
    assert.equal(stored.assignee?.username, winners[0]?.value.assignee);
    assert.equal(w.tips.storedEvents(tipId).filter((event) => event.type === 'CLAIMED').length, 1);
    assert.equal(w.tips.calls.update, 50, 'all 50 read the tip as NEW and raced to write it');
  });

  it('turns a lost race into already_claimed when the winner holds the tip', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    // The other writer claims the tip between our read and our write.
    const racing = {
      ...w,
      tips: Object.assign(Object.create(w.tips) as typeof w.tips, {
        async update(change: Parameters<typeof w.tips.update>[0]) {
          w.tips.put({ ...storedTipIn('ASSIGNED'), version: 2 });
          return w.tips.update(change);
        },
      }),
    };
    assert.equal(conflictCode(await refusal(claimTip(officers.unit, tipId, racing))), 'already_claimed');
    assert.equal(w.tips.stored(tipId).assignee?.username, 'binh.tran');
  });

  it('tries again when the tip changed but is still unclaimed', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const view = await claimTip(officers.unit, tipId, { ...w, tips: flakyTips(w.tips, 1) });
    assert.equal(view.assignee, 'an.nguyen');
    assert.equal(w.tips.stored(tipId).version, 2);
  });
});

describe('assignTip', () => {
  it('lets a supervisor give a NEW tip to an officer of the unit, recording before and after', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const view = await assignTip(officers.supervisor, tipId, { assignee: ' binh.tran ' }, w);
    assert.equal(view.status, 'ASSIGNED');
    assert.equal(view.assignee, 'binh.tran');
    const [event] = w.tips.storedEvents(tipId);
    assert.equal(event?.type, 'ASSIGNED');
    assert.equal(event?.actor, 'hoa.vo');
    assert.deepEqual([event?.before, event?.after], [
      { status: 'NEW', assignee: null },
      { status: 'ASSIGNED', assignee: 'binh.tran' },
    ]);
  });

  it('reassigns an ASSIGNED tip, recording who held it before', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('ASSIGNED', officers.colleague));
    await assignTip(officers.supervisor, tipId, { assignee: 'an.nguyen' }, w);
    assert.equal(w.tips.stored(tipId).assignee?.id, 'sub-an.nguyen');
    const [event] = w.tips.storedEvents(tipId);
    assert.deepEqual([event?.before?.assignee, event?.after?.assignee], ['binh.tran', 'an.nguyen']);
  });

  it('may give a tip to a desk officer, who sees every queue', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    assert.equal((await assignTip(officers.supervisor, tipId, { assignee: 'dung.pham' }, w)).assignee, 'dung.pham');
  });

  it('changes nothing when the tip already has that assignee', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('ASSIGNED', officers.colleague));
    const view = await assignTip(officers.supervisor, tipId, { assignee: 'binh.tran' }, w);
    assert.equal(view.version, 1);
    assert.equal(w.tips.calls.update, 0);
  });

  it('refuses an unknown officer and one who may not see the tip, naming the assignee field', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    assert.deepEqual(issuesOf(await refusal(assignTip(officers.supervisor, tipId, { assignee: 'nobody' }, w))), [['assignee', 'unknownOfficer', undefined]]);
    assert.deepEqual(issuesOf(await refusal(assignTip(officers.supervisor, tipId, { assignee: 'chi.le' }, w))), [['assignee', 'officerCannotSee', undefined]]);
    assert.deepEqual(issuesOf(await refusal(assignTip(officers.supervisor, tipId, { assignee: 'minh.ho' }, w))), [['assignee', 'officerCannotSee', undefined]]);
    assert.deepEqual(issuesOf(await refusal(assignTip(officers.supervisor, tipId, {}, w))), [['assignee', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(assignTip(officers.supervisor, tipId, { assignee: 42 }, w))), [['assignee', 'notText', undefined]]);
    assert.equal(w.tips.stored(tipId).version, 1);
  });

  it('refuses a tip in progress and a closed one with 409', async () => {
    for (const [status, code] of [['IN_PROGRESS', 'in_progress'], ['RESOLVED', 'closed'], ['REJECTED', 'closed']] as const) {
      const w = tipWorld();
      w.tips.put(storedTipIn(status));
      assert.equal(conflictCode(await refusal(assignTip(officers.supervisor, tipId, { assignee: 'an.nguyen' }, w))), code, status);
    }
  });

  it('refuses an officer who is not a supervisor with 403', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await assert.rejects(assignTip(officers.desk, tipId, { assignee: 'an.nguyen' }, w), ForbiddenError);
  });

  it('turns a lost race into a 409 concurrent_change', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    assert.equal(conflictCode(await refusal(assignTip(officers.supervisor, tipId, { assignee: 'an.nguyen' }, { ...w, tips: flakyTips(w.tips, 1) }))), 'concurrent_change');
  });
});

describe('transferTip', () => {
  it('moves the tip to the other unit as NEW with no assignee, and records the reason', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('IN_PROGRESS', officers.unit));
    const view = await transferTip(officers.unit, tipId, { to: otherUnit, reason: '  Địa chỉ ở Phường Bến Thành, không phải Phường Bàn Cờ  ' }, w);
    assert.deepEqual([view.queue, view.pack, view.unit, view.status, view.assignee], [otherUnit, 'hcmc-2025', otherUnit, 'NEW', null]);
    const stored = w.tips.stored(tipId);
    assert.equal(stored.assignee, undefined);
    assert.equal(stored.version, 2);
    assert.deepEqual([stored.queue, stored.pack, stored.unit], [otherUnit, 'hcmc-2025', otherUnit]);
    const [event] = w.tips.storedEvents(tipId);
    assert.equal(event?.type, 'TRANSFERRED');
    assert.equal(event?.reason, 'Địa chỉ ở Phường Bến Thành, không phải Phường Bàn Cờ');
    assert.deepEqual(event?.before, { queue: exampleUnit, unit: exampleUnit, status: 'IN_PROGRESS', assignee: 'an.nguyen' });
    assert.deepEqual(event?.after, { queue: otherUnit, unit: otherUnit, status: 'NEW', assignee: null });

    // It now sits in Phường Bến Thành's NEW queue, and Phường Bàn Cờ no longer sees it.
    assert.deepEqual((await listQueue(officers.otherUnit, {}, w)).items.map((item) => item.id), [tipId]);
    assert.deepEqual((await listQueue(officers.unit, { status: 'IN_PROGRESS' }, w)).items, []);
    await assert.rejects(getTip(officers.unit, tipId, w), NotFoundError);
  });

  it('sends a tip to the city desk with no unit, and the desk back to a unit', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const toDesk = await transferTip(officers.unit, tipId, { to: 'city', reason: 'Không rõ địa bàn' }, w);
    assert.deepEqual([toDesk.queue, toDesk.pack, toDesk.unit], ['CITY', 'hcmc-2025', null]);
    const [toDeskEvent] = w.tips.storedEvents(tipId);
    assert.deepEqual(toDeskEvent?.after, { queue: 'CITY', unit: null, status: 'NEW', assignee: null });
    const back = await transferTip(officers.desk, tipId, { to: '26824', reason: 'Phường Thủ Đức theo mô tả' }, w);
    assert.deepEqual([back.queue, back.pack, back.unit, back.version], ['26824', 'hcmc-2025', '26824', 3]);
    const backEvent = w.tips.storedEvents(tipId)[1];
    assert.deepEqual([backEvent?.before, backEvent?.after], [
      { queue: 'CITY', unit: null, status: 'NEW', assignee: null },
      { queue: '26824', unit: '26824', status: 'NEW', assignee: null },
    ]);
  });

  it('refuses an unknown target, the current queue and a short reason, naming the fields', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    assert.deepEqual(issuesOf(await refusal(transferTip(officers.unit, tipId, { to: '999', reason: 'Lý do đủ dài' }, w))), [['to', 'unknownQueue', undefined]]);
    assert.deepEqual(issuesOf(await refusal(transferTip(officers.unit, tipId, { to: '760', reason: 'Lý do đủ dài' }, w))), [['to', 'unknownQueue', undefined]]);
    assert.deepEqual(issuesOf(await refusal(transferTip(officers.unit, tipId, { to: exampleUnit, reason: 'Lý do đủ dài' }, w))), [['to', 'sameQueue', undefined]]);
    assert.deepEqual(issuesOf(await refusal(transferTip(officers.unit, tipId, { to: otherUnit, reason: 'abc' }, w))), [['reason', 'tooShort', 5]]);
    assert.deepEqual(issuesOf(await refusal(transferTip(officers.unit, tipId, { to: otherUnit, reason: 'x'.repeat(501) }, w))), [['reason', 'tooLong', 500]]);
    assert.deepEqual(issuesOf(await refusal(transferTip(officers.unit, tipId, {}, w))), [['to', 'required', undefined], ['reason', 'required', undefined]]);
    assert.equal(w.tips.stored(tipId).version, 1);
  });

  it("sends a desk tip to one of its routing candidates in one click, the suggestion as the audited reason", async () => {
    const w = tipWorld();
    const candidates = [exampleUnit, otherUnit].map((unit, index) => ({ unit, confidence: 0.4 - index * 0.1, method: 'text' as const, evidence: { kind: 'text' as const, span: 'chợ Bình Tây', start: 0, end: 12 } }));
    w.tips.put(storedTip({ queue: 'CITY', unit: null, routing: { pack: 'hcmc-2025', unit: null, confidence: 0.4, method: 'none', evidence: null, candidates } }));
    const moved = await transferTip(officers.desk, tipId, { to: otherUnit, suggested: true }, w);
    assert.deepEqual([moved.queue, moved.unit, moved.status], [otherUnit, otherUnit, 'NEW']);
    const event = w.tips.storedEvents(tipId).at(-1);
    assert.deepEqual([event?.type, event?.reason, event?.actor], ['TRANSFERRED', routingCandidateReason, officers.desk.username]);
  });

  it('refuses a one-click transfer to a unit the routing did not suggest', async () => {
    const w = tipWorld();
    const onlyExample = [{ unit: exampleUnit, confidence: 0.4, method: 'text' as const, evidence: null }];
    w.tips.put(storedTip({ queue: 'CITY', unit: null, routing: { pack: 'hcmc-2025', unit: null, confidence: 0.4, method: 'none', evidence: null, candidates: onlyExample } }));
    assert.deepEqual(issuesOf(await refusal(transferTip(officers.desk, tipId, { to: otherUnit, suggested: true }, w))), [['to', 'notACandidate', undefined]]);
    assert.equal(w.tips.stored(tipId).queue, 'CITY');
  });

  it('transfers between the units of the deployment\'s pack only', async () => {
    const w = { ...tipWorld(), jurisdiction: jurisdiction('hcmc-2021') };
    w.tips.put(storedTip({ pack: 'hcmc-2021', queue: '770', unit: '770' }));
    const desk = officers.desk;
    assert.deepEqual(issuesOf(await refusal(transferTip(desk, tipId, { to: otherUnit, reason: 'Lý do đủ dài' }, w))), [['to', 'unknownQueue', undefined]]);
    const view = await transferTip(desk, tipId, { to: '760', reason: 'Địa chỉ ở Quận 1' }, w);
    assert.deepEqual([view.queue, view.pack, view.unit], ['760', 'hcmc-2021', '760']);
  });

  it('refuses a closed tip with 409 closed', async () => {
    for (const status of ['RESOLVED', 'REJECTED'] as const) {
      const w = tipWorld();
      w.tips.put(storedTipIn(status));
      assert.equal(conflictCode(await refusal(transferTip(officers.unit, tipId, { to: otherUnit, reason: 'Lý do đủ dài' }, w))), 'closed');
    }
  });
});

describe('the state machine', () => {
  it('allows exactly these status changes', () => {
    assert.deepEqual(statusChanges, {
      NEW: ['REJECTED'],
      ASSIGNED: ['IN_PROGRESS', 'REJECTED'],
      IN_PROGRESS: ['RESOLVED', 'REJECTED'],
      RESOLVED: [],
      REJECTED: [],
    });
  });

  const inputFor = (status: TipStatus) => (status === 'REJECTED' ? { status, reason: 'false' } : { status });

  for (const from of tipStatuses) {
    for (const to of tipStatuses) {
      const allowed = allowedStatusChanges(from).includes(to);
      it(`${from} → ${to}: ${allowed ? 'allowed' : '409 with the allowed list'}`, async () => {
        const w = tipWorld();
        // The holder moves a held tip; a NEW tip has no holder, so an officer of the unit moves it.
        w.tips.put(storedTipIn(from, officers.colleague));
        const run = changeStatus(from === 'NEW' ? officers.unit : officers.colleague, tipId, inputFor(to), w);
        if (allowed) {
          const view = await run;
          assert.equal(view.status, to);
          assert.equal(w.tips.stored(tipId).version, 2);
          const [event] = w.tips.storedEvents(tipId);
          assert.deepEqual([event?.type, event?.before, event?.after], ['STATUS_CHANGED', { status: from }, { status: to }]);
        } else {
          const error = await refusal(run);
          assert.ok(error instanceof InvalidTransitionError);
          assert.equal(conflictCode(error), 'invalid_transition');
          assert.deepEqual(error.details, { from, to, allowed: [...statusChanges[from]] });
          assert.equal(w.tips.stored(tipId).version, 1);
          assert.equal(w.tips.storedEvents(tipId).length, 0);
        }
      });
    }
  }

  // The console offers what the tip view says it takes: the view must agree with the use cases.
  const worldWith = (status: TipStatus) => {
    const w = tipWorld();
    w.tips.put(storedTipIn(status, officers.colleague));
    return w;
  };
  const actionRuns = {
    claim: (w: ReturnType<typeof tipWorld>) => claimTip(officers.unit, tipId, w),
    assign: (w: ReturnType<typeof tipWorld>) => assignTip(officers.supervisor, tipId, { assignee: officers.unit.username }, w),
    transfer: (w: ReturnType<typeof tipWorld>) => transferTip(officers.supervisor, tipId, { to: otherUnit, reason: 'Địa bàn của đơn vị khác' }, w),
    extendDeadline: (w: ReturnType<typeof tipWorld>) => extendDeadline(officers.supervisor, tipId, { days: 5, reason: 'Cần thêm thời gian' }, w),
  } as const;
  for (const status of tipStatuses) {
    it(`a ${status} tip's view lists exactly the actions the use cases take`, async () => {
      const listed = (await getTip(officers.supervisor, tipId, worldWith(status))).tip.allowedActions;
      for (const [action, run] of Object.entries(actionRuns)) {
        const accepted = await run(worldWith(status)).then(() => true, (error: unknown) => (error instanceof ConflictError ? false : Promise.reject(error)));
        assert.equal(listed.includes(action as (typeof listed)[number]), accepted, `${action} on a ${status} tip`);
      }
    });
  }

  it('walks a tip from NEW to RESOLVED through claim, with one version per change', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await claimTip(officers.unit, tipId, w);
    await changeStatus(officers.unit, tipId, { status: 'IN_PROGRESS' }, w);
    w.clock.advance(60_000);
    const resolved = await changeStatus(officers.unit, tipId, { status: 'RESOLVED', reason: '  Đã bắt quả tang hai đối tượng  ' }, w);
    assert.equal(resolved.status, 'RESOLVED');
    assert.equal(resolved.assignee, 'an.nguyen', 'the holder stays on record');
    assert.equal(resolved.version, 4);
    const events = (await getTip(officers.unit, tipId, w)).events;
    assert.deepEqual(events.map((event) => event.type), ['CLAIMED', 'STATUS_CHANGED', 'STATUS_CHANGED']);
    assert.equal(events[2]?.reason, 'Đã bắt quả tang hai đối tượng');
    assert.equal(events[2]?.at, '2026-11-25T03:01:00.000Z');
    assert.deepEqual(events.map((event) => event.id), ['00000000000000000000000001', '00000000000000000000000002', '00000000000000000000000003']);
  });

  it('lets only the holder or a supervisor move a held tip', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('IN_PROGRESS', officers.colleague));
    await assert.rejects(changeStatus(officers.unit, tipId, { status: 'RESOLVED' }, w), ForbiddenError);
    await assert.rejects(changeStatus(officers.desk, tipId, { status: 'RESOLVED' }, w), ForbiddenError);
    assert.equal((await changeStatus(officers.supervisor, tipId, { status: 'RESOLVED' }, w)).status, 'RESOLVED');
  });

  it('refuses an unknown or missing status by field', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('ASSIGNED', officers.colleague));
    assert.deepEqual(issuesOf(await refusal(changeStatus(officers.colleague, tipId, { status: 'DONE' }, w))), [['status', 'unknownStatus', undefined]]);
    assert.deepEqual(issuesOf(await refusal(changeStatus(officers.colleague, tipId, {}, w))), [['status', 'required', undefined]]);
  });
});

describe('rejecting a tip', () => {
  function rejectWorld(): ReturnType<typeof tipWorld> {
    const w = tipWorld();
    w.tips.put(storedTipIn('ASSIGNED', officers.colleague));
    return w;
  }
  const reject = (w: ReturnType<typeof tipWorld>, input: Record<string, unknown>) => changeStatus(officers.colleague, tipId, { status: 'REJECTED', ...input }, w);

  it('records the reason and an optional note on the tip and the event', async () => {
    const w = rejectWorld();
    const view = await reject(w, { reason: 'false', note: '  Đã kiểm tra, không có ai ở địa chỉ này.  ' });
    assert.deepEqual(view.rejection, { reason: 'false', note: 'Đã kiểm tra, không có ai ở địa chỉ này.' });
    const [event] = w.tips.storedEvents(tipId);
    assert.deepEqual([event?.reason, event?.text, event?.public], ['false', 'Đã kiểm tra, không có ai ở địa chỉ này.', false]);
  });

  it('needs the original for a duplicate: another tip the officer may see', async () => {
    const w = rejectWorld();
    const original = storedTip({ id: '01JTIP00000000000000000002' });
    const hidden = storedTip({ id: '01JTIP00000000000000000003', queue: otherUnit });
    w.tips.put(original);
    w.tips.put(hidden);
    assert.deepEqual(issuesOf(await refusal(reject(w, { reason: 'duplicate' }))), [['duplicateOf', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(reject(w, { reason: 'duplicate', duplicateOf: hidden.id }))), [['duplicateOf', 'unknownTip', undefined]]);
    assert.deepEqual(issuesOf(await refusal(reject(w, { reason: 'duplicate', duplicateOf: '01JTIP0000000000000000NONE' }))), [['duplicateOf', 'unknownTip', undefined]]);
    assert.deepEqual(issuesOf(await refusal(reject(w, { reason: 'duplicate', duplicateOf: tipId }))), [['duplicateOf', 'invalid', undefined]]);
    const view = await reject(w, { reason: 'duplicate', duplicateOf: original.id });
    assert.deepEqual(view.rejection, { reason: 'duplicate', duplicateOf: original.id });
  });

  it('refuses a missing or unknown reason and fields that do not apply', async () => {
    const w = rejectWorld();
    assert.deepEqual(issuesOf(await refusal(reject(w, {}))), [['reason', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(reject(w, { reason: 'boring' }))), [['reason', 'unknownRejectionReason', undefined]]);
    assert.deepEqual(issuesOf(await refusal(reject(w, { reason: 'spam', duplicateOf: '01JTIP00000000000000000002' }))), [['duplicateOf', 'notApplicable', undefined]]);
    assert.deepEqual(issuesOf(await refusal(changeStatus(officers.colleague, tipId, { status: 'IN_PROGRESS', note: 'x' }, w))), [['note', 'notApplicable', undefined]]);
    assert.deepEqual(issuesOf(await refusal(changeStatus(officers.colleague, tipId, { status: 'IN_PROGRESS', reason: 'x'.repeat(501) }, w))), [['reason', 'tooLong', 500]]);
    assert.equal(w.tips.stored(tipId).version, 1);
  });

  it('lets any officer of the unit reject a NEW tip nobody holds', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const view = await changeStatus(officers.desk, tipId, { status: 'REJECTED', reason: 'spam' }, w);
    assert.equal(view.status, 'REJECTED');
    assert.equal(view.assignee, null);
  });

  it('turns a lost race into a 409 concurrent_change and writes nothing', async () => {
    const w = rejectWorld();
    const error = await refusal(reject({ ...w, tips: flakyTips(w.tips, 1) }, { reason: 'spam' }));
    assert.equal(conflictCode(error), 'concurrent_change');
    assert.equal(w.tips.stored(tipId).status, 'ASSIGNED');
  });
});

describe('a refused change leaves the tip as it was', () => {
  it('keeps the stored tip byte for byte', async () => {
    const w = tipWorld();
    const tip: Tip = storedTipIn('RESOLVED');
    w.tips.put(tip);
    const before = JSON.stringify(w.tips.stored(tipId));
    await refusal(changeStatus(officers.colleague, tipId, { status: 'REJECTED', reason: 'spam' }, w));
    await refusal(transferTip(officers.colleague, tipId, { to: otherUnit, reason: 'Lý do đủ dài' }, w));
    await refusal(claimTip(officers.colleague, tipId, w));
    assert.equal(JSON.stringify(w.tips.stored(tipId)), before);
  });
});
