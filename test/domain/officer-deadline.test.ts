import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConflictError, ForbiddenError } from '../../shared/errors.ts';
import { maxDeadlineExtensions, maxExtensionMonths } from '../../shared/officers/model.ts';
import { extendDeadline, getTip } from '../../shared/usecases/officers/tips.ts';
import { addCalendarMonths, daysLeft, isOverdue, maxExtensionDays } from '../../shared/usecases/officers/deadline.ts';
import { flakyTips, officers, storedTip, storedTipIn, tipWorld } from '../support/tip-fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const tipId = storedTip().id;



describe('days left and overdue', () => {
  const due = new Date('2026-12-10T03:00:00.000Z');
  const at = (offsetMs: number) => new Date(due.getTime() + offsetMs);

  it('counts days left as a person does: calendar days in Vietnam, 20 for a tip received a minute ago', () => {
    assert.equal(daysLeft(due, at(-20 * day)), 20);
    assert.equal(daysLeft(due, at(-20 * day + 60_000)), 20, 'received a minute ago: 20 days, not 19');
    assert.equal(daysLeft(due, at(-19.5 * day)), 20, '22:00 on the day it came: still 20');
    assert.equal(daysLeft(due, at(-19 * day - 10 * hour + 60_000)), 19, 'a minute after midnight in Vietnam: a day less');
    assert.equal(daysLeft(due.toISOString(), at(-day)), 1);
    assert.equal(daysLeft(due, at(-1)), 0, 'due today');
  });

  it('goes negative from the day after the deadline', () => {
    assert.equal(daysLeft(due, due), 0);
    assert.equal(daysLeft(due, at(hour)), 0, 'later on the day it was due: overdue, but still that day');
    assert.equal(daysLeft(due, at(day)), -1);
    assert.equal(daysLeft(due, at(2 * day)), -2);
  });

  it('is overdue only after the deadline', () => {
    assert.equal(isOverdue(due, at(-1)), false);
    assert.equal(isOverdue(due, due), false);
    assert.equal(isOverdue(due, at(1)), true);
    assert.equal(isOverdue(due.toISOString(), at(hour)), true);
  });
});

describe('calendar months in Vietnam time', () => {
  it('adds months on the same day and time, falling back to the last day of a short month', () => {
    assert.equal(addCalendarMonths('2026-12-15T03:00:00.000Z', 2).toISOString(), '2027-02-15T03:00:00.000Z');
    assert.equal(addCalendarMonths('2027-01-31T03:00:00.000Z', 1).toISOString(), '2027-02-28T03:00:00.000Z');
    assert.equal(addCalendarMonths('2027-12-31T03:00:00.000Z', 2).toISOString(), '2028-02-29T03:00:00.000Z');
  });

  it('counts the day as it is in Ho Chi Minh City, not in UTC', () => {
    // 31 December 18:00 UTC is already 1 January 01:00 in Vietnam: two months on is 1 March.
    assert.equal(addCalendarMonths('2026-12-31T18:00:00.000Z', 2).toISOString(), '2027-02-28T18:00:00.000Z');
  });

  it('allows between 59 and 62 days for two months, depending on the months', () => {
    assert.equal(maxExtensionMonths, 2);
    assert.equal(maxExtensionDays('2026-12-15T03:00:00.000Z', 2), 62);
    assert.equal(maxExtensionDays('2026-07-15T03:00:00.000Z', 2), 62);
    assert.equal(maxExtensionDays('2027-01-15T03:00:00.000Z', 2), 59);
    assert.equal(maxExtensionDays('2028-01-15T03:00:00.000Z', 2), 60);
    assert.equal(maxExtensionDays('2026-12-31T03:00:00.000Z', 2), 59);
  });
});

describe('extendDeadline', () => {
  it('moves the deadline, records who, when, why and from what, and logs the change', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('IN_PROGRESS'));
    const view = await extendDeadline(officers.supervisor, tipId, { days: 30, reason: '  Chờ kết quả giám định  ' }, w);
    assert.equal(view.dueAt, '2027-01-09T03:00:00.000Z');
    assert.equal(view.daysLeft, 45);
    assert.deepEqual(view.deadlineExtensions, [
      { by: 'hoa.vo', at: '2026-11-25T03:00:00.000Z', previousDueAt: '2026-12-10T03:00:00.000Z', dueAt: '2027-01-09T03:00:00.000Z', reason: 'Chờ kết quả giám định' },
    ]);
    assert.equal(view.version, 2);
    const [event] = w.tips.storedEvents(tipId);
    assert.deepEqual(
      [event?.type, event?.actor, event?.before, event?.after, event?.reason, event?.public],
      ['DEADLINE_EXTENDED', 'hoa.vo', { dueAt: '2026-12-10T03:00:00.000Z' }, { dueAt: '2027-01-09T03:00:00.000Z' }, 'Chờ kết quả giám định', false],
    );
  });

  it(`allows ${maxDeadlineExtensions} extensions and refuses the third with 409`, async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await extendDeadline(officers.supervisor, tipId, { days: 10, reason: 'Lần gia hạn thứ nhất' }, w);
    await extendDeadline(officers.supervisor, tipId, { days: 10, reason: 'Lần gia hạn thứ hai' }, w);
    const error = await refusal(extendDeadline(officers.supervisor, tipId, { days: 1, reason: 'Lần gia hạn thứ ba' }, w));
    assert.ok(error instanceof ConflictError);
    assert.equal(error.code, 'extension_limit');
    assert.deepEqual(error.details, { max: 2 });
    const { tip } = await getTip(officers.supervisor, tipId, w);
    assert.equal(tip.deadlineExtensions.length, 2);
    assert.equal(tip.dueAt, '2026-12-30T03:00:00.000Z');
    assert.equal(tip.deadlineExtensions[1]?.previousDueAt, '2026-12-20T03:00:00.000Z');
  });

  it('refuses more than two calendar months from the current deadline', async () => {
    const w = tipWorld();
    // Due 15 January 2027: two months on is 15 March, 59 days.
    w.tips.put(storedTip({ dueAt: '2027-01-15T03:00:00.000Z' }));
    assert.deepEqual(issuesOf(await refusal(extendDeadline(officers.supervisor, tipId, { days: 60, reason: 'Quá hai tháng' }, w))), [['days', 'tooLarge', 59]]);
    assert.deepEqual(issuesOf(await refusal(extendDeadline(officers.supervisor, tipId, { days: 63, reason: 'Quá hai tháng' }, w))), [['days', 'tooLarge', 62]]);
    assert.equal(w.tips.stored(tipId).version, 1);
    const view = await extendDeadline(officers.supervisor, tipId, { days: 59, reason: 'Đúng hai tháng' }, w);
    assert.equal(view.dueAt, '2027-03-15T03:00:00.000Z');
  });

  it('allows the full 62 days when the two months are long ones', async () => {
    const w = tipWorld();
    w.tips.put(storedTip({ dueAt: '2026-12-15T03:00:00.000Z' }));
    assert.equal((await extendDeadline(officers.supervisor, tipId, { days: 62, reason: 'Hai tháng dài' }, w)).dueAt, '2027-02-15T03:00:00.000Z');
  });

  it('refuses bad days and reasons by field', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const check = async (input: Record<string, unknown>, expected: Array<[string, string, number | undefined]>) =>
      assert.deepEqual(issuesOf(await refusal(extendDeadline(officers.supervisor, tipId, input, w))), expected, JSON.stringify(input));
    await check({ days: 0, reason: 'Lý do đủ dài' }, [['days', 'tooSmall', 1]]);
    await check({ days: 1.5, reason: 'Lý do đủ dài' }, [['days', 'notWholeNumber', undefined]]);
    await check({ reason: 'Lý do đủ dài' }, [['days', 'required', undefined]]);
    await check({ days: 5 }, [['reason', 'required', undefined]]);
    await check({ days: 5, reason: 'ngắn' }, [['reason', 'tooShort', 5]]);
    assert.equal((await extendDeadline(officers.supervisor, tipId, { days: '5', reason: 'Số dạng chuỗi' }, w)).deadlineExtensions.length, 1);
  });

  it('refuses a closed tip with 409 closed', async () => {
    for (const status of ['RESOLVED', 'REJECTED'] as const) {
      const w = tipWorld();
      w.tips.put(storedTipIn(status));
      const error = await refusal(extendDeadline(officers.supervisor, tipId, { days: 5, reason: 'Lý do đủ dài' }, w));
      assert.ok(error instanceof ConflictError && error.code === 'closed', status);
    }
  });

  it('is for supervisors only', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('IN_PROGRESS', officers.unit));
    await assert.rejects(extendDeadline(officers.unit, tipId, { days: 5, reason: 'Lý do đủ dài' }, w), ForbiddenError);
  });

  it('turns a lost race into a 409 and extends nothing', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const error = await refusal(extendDeadline(officers.supervisor, tipId, { days: 5, reason: 'Lý do đủ dài' }, { ...w, tips: flakyTips(w.tips, 1) }));
    assert.ok(error instanceof ConflictError && error.code === 'concurrent_change');
    assert.equal(w.tips.stored(tipId).deadlineExtensions, undefined);
  });
});
