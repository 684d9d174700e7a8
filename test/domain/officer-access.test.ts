import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { DomainError, ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { officerFromClaims, type Officer } from '../../shared/officers/model.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { canSeeQueue, isQueueCode, visibleQueues } from '../../shared/usecases/officers/access.ts';
import {
  addNote,
  assignTip,
  changeStatus,
  claimTip,
  extendDeadline,
  getTip,
  listQueue,
  replyToTipster,
  transferTip,
} from '../../shared/usecases/officers/tips.ts';
import { exampleUnit, officer, officers, otherUnit, storedTip, storedTipIn, testPack, tipWorld } from '../support/tip-fakes.ts';

type Role = keyof typeof officers;
type Outcome = 'ok' | 403 | 404;
type World = ReturnType<typeof tipWorld>;

/** The deployment's pack: the map in force. */
const pack = jurisdiction(testPack);

async function outcomeOf(run: Promise<unknown>): Promise<Outcome | string> {
  try {
    await run;
    return 'ok';
  } catch (error) {
    if (error instanceof ForbiddenError) return 403;
    if (error instanceof NotFoundError) return 404;
    return error instanceof DomainError ? `${error.statusCode} ${error.code}` : String(error);
  }
}

describe('reading an officer from the identity provider', () => {
  it('takes unit groups, the desk and the supervisor role from the groups', () => {
    const groups = ['unit-27154', 'unit-26743', 'supervisor', 'other-app-admin', 'unit-', 'unit-27 154', `unit-${'1'.repeat(13)}`, 'district-770'];
    const read = officerFromClaims({ sub: 's1', username: 'an', groups });
    assert.deepEqual(read, { id: 's1', username: 'an', units: ['27154', '26743'], cityDesk: false, supervisor: true });
  });

  it('reads the desk from its group, and no longer reads the old district groups', () => {
    assert.deepEqual(officerFromClaims({ sub: 's2', username: 'dung', groups: ['city-desk', 'district-770'] }), {
      id: 's2',
      username: 'dung',
      units: [],
      cityDesk: true,
      supervisor: false,
    });
  });
});

describe('who sees which queue', () => {
  it('gives a unit officer their units, the desk everything and an officer with no groups nothing', () => {
    assert.deepEqual(visibleQueues(officers.unit, pack), [exampleUnit]);
    assert.deepEqual(visibleQueues(officers.desk, pack), pack.queueCodes);
    assert.ok(pack.queueCodes.includes('CITY') && pack.queueCodes.length === 169, '168 units and the city desk');
    assert.deepEqual(visibleQueues(officers.noGroups, pack), []);
  });

  it('lists the queues of the deployment\'s pack only', () => {
    const oldMap = jurisdiction('hcmc-2021');
    const oldDistrictOfficer = officer('cu.nguyen', ['unit-770']);
    assert.deepEqual(visibleQueues(oldDistrictOfficer, oldMap), ['770']);
    assert.deepEqual(visibleQueues(oldDistrictOfficer, pack), [], 'a code of the old map is no queue of the map in force');
    assert.deepEqual(visibleQueues(officers.desk, oldMap), oldMap.queueCodes);
    assert.ok(oldMap.queueCodes.includes('CITY') && oldMap.queueCodes.length === 23, '22 districts and the city desk');
    assert.equal(isQueueCode(pack, exampleUnit), true);
    assert.equal(isQueueCode(pack, 'CITY'), true);
    assert.equal(isQueueCode(pack, '770'), false);
    assert.equal(isQueueCode(oldMap, '770'), true);
    assert.equal(isQueueCode(oldMap, exampleUnit), false);
  });

  it('lets a supervisor see only what their groups let them see', () => {
    assert.deepEqual(visibleQueues(officers.supervisor, pack), [exampleUnit]);
    assert.equal(canSeeQueue(officers.supervisor, 'CITY'), false);
    assert.equal(canSeeQueue(officers.supervisor, otherUnit), false);
    assert.equal(canSeeQueue(officers.deskSupervisor, 'CITY'), true);
    assert.equal(canSeeQueue(officers.deskSupervisor, otherUnit), true);
  });

  it('keeps the city desk queue from unit officers', () => {
    assert.equal(canSeeQueue(officers.unit, 'CITY'), false);
    assert.equal(canSeeQueue(officers.desk, 'CITY'), true);
  });
});

/**
 * Every use case against every role, on a tip in the queue of Phường Bàn Cờ (27154) in the state
 * the action needs.
 * The colleague holds the tip where someone must (changing its status).
 */
const matrix: Array<{
  name: string;
  tip: Tip;
  run: (officer: Officer, tip: Tip, w: World) => Promise<unknown>;
  expected: Record<Role, Outcome>;
}> = [
  {
    name: 'getTip',
    tip: storedTip(),
    run: (officer, tip, w) => getTip(officer, tip.id, w),
    expected: { unit: 'ok', colleague: 'ok', otherUnit: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'claimTip',
    tip: storedTip(),
    run: (officer, tip, w) => claimTip(officer, tip.id, w),
    expected: { unit: 'ok', colleague: 'ok', otherUnit: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'assignTip',
    tip: storedTip(),
    run: (officer, tip, w) => assignTip(officer, tip.id, { assignee: officers.colleague.username }, w),
    expected: { unit: 403, colleague: 403, otherUnit: 404, desk: 403, supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'transferTip',
    tip: storedTipIn('ASSIGNED'),
    run: (officer, tip, w) => transferTip(officer, tip.id, { to: otherUnit, reason: 'Địa chỉ thuộc Phường Bến Thành' }, w),
    expected: { unit: 'ok', colleague: 'ok', otherUnit: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'changeStatus of a held tip',
    tip: storedTipIn('ASSIGNED'),
    run: (officer, tip, w) => changeStatus(officer, tip.id, { status: 'IN_PROGRESS' }, w),
    expected: { unit: 403, colleague: 'ok', otherUnit: 404, desk: 403, supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'changeStatus (rejecting) of a NEW tip',
    tip: storedTip(),
    run: (officer, tip, w) => changeStatus(officer, tip.id, { status: 'REJECTED', reason: 'spam' }, w),
    expected: { unit: 'ok', colleague: 'ok', otherUnit: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'addNote',
    tip: storedTipIn('IN_PROGRESS'),
    run: (officer, tip, w) => addNote(officer, tip.id, { text: 'Đã liên hệ tổ dân phố.' }, w),
    expected: { unit: 'ok', colleague: 'ok', otherUnit: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'replyToTipster',
    tip: storedTipIn('IN_PROGRESS'),
    run: (officer, tip, w) => replyToTipster(officer, tip.id, { text: 'Cảm ơn bạn, chúng tôi đang xác minh.' }, w),
    expected: { unit: 'ok', colleague: 'ok', otherUnit: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'extendDeadline',
    tip: storedTipIn('IN_PROGRESS'),
    run: (officer, tip, w) => extendDeadline(officer, tip.id, { days: 30, reason: 'Cần xác minh thêm' }, w),
    expected: { unit: 403, colleague: 403, otherUnit: 404, desk: 403, supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
];

describe('authorisation matrix: every use case × every role', () => {
  for (const { name, tip, run, expected } of matrix) {
    for (const role of Object.keys(expected) as Role[]) {
      it(`${name} by ${role}: ${expected[role]}`, async () => {
        const w = tipWorld();
        w.tips.put(tip);
        const eventsBefore = w.tips.storedEvents(tip.id).length;
        assert.equal(await outcomeOf(run(officers[role], tip, w)), expected[role]);
        if (expected[role] !== 'ok') {
          assert.equal(w.tips.stored(tip.id).version, tip.version, 'a refused call changes nothing');
          assert.equal(w.tips.storedEvents(tip.id).length, eventsBefore, 'a refused call records nothing');
          assert.equal(w.notifier.sent.length, 0);
        }
      });
    }
  }

  it('answers a tip the officer may not see exactly like a tip that does not exist', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const hidden = await getTip(officers.otherUnit, storedTip().id, w).catch((error: unknown) => error);
    const missing = await getTip(officers.otherUnit, '01JTIP0000000000000000NONE', w).catch((error: unknown) => error);
    assert.ok(hidden instanceof NotFoundError && missing instanceof NotFoundError);
    assert.deepEqual([hidden.statusCode, hidden.code, hidden.message], [missing.statusCode, missing.code, missing.message]);
  });

  it('answers 404, not 403, for a role-restricted action on a tip the officer may not see', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await assert.rejects(assignTip(officers.otherUnit, storedTip().id, { assignee: 'x' }, w), NotFoundError);
    await assert.rejects(extendDeadline(officers.noGroups, storedTip().id, { days: 1, reason: 'xxxxx' }, w), NotFoundError);
  });

  it('hides a city desk tip from unit officers and their supervisors, and shows it to the desk', async () => {
    const w = tipWorld();
    const tip = storedTip({ queue: 'CITY' });
    w.tips.put(tip);
    for (const role of ['unit', 'otherUnit', 'supervisor', 'noGroups'] as const) {
      await assert.rejects(getTip(officers[role], tip.id, w), NotFoundError, role);
    }
    assert.equal((await getTip(officers.desk, tip.id, w)).tip.queue, 'CITY');
    assert.equal((await extendDeadline(officers.deskSupervisor, tip.id, { days: 5, reason: 'Cần thêm thời gian' }, w)).deadlineExtensions.length, 1);
  });

  it('treats an empty or absurd tip id as not found', async () => {
    const w = tipWorld();
    await assert.rejects(getTip(officers.desk, '', w), NotFoundError);
    await assert.rejects(getTip(officers.desk, 'x'.repeat(500), w), NotFoundError);
    assert.equal(w.tips.calls.get, 0, 'no lookup for an id that cannot exist');
  });
});

describe('listQueue authorisation', () => {
  const cases: Array<[Role, Record<string, unknown>, Outcome | string]> = [
    ['unit', { queue: exampleUnit }, 'ok'],
    ['unit', {}, 'ok'],
    ['otherUnit', { queue: exampleUnit }, 403],
    ['desk', { queue: exampleUnit }, 'ok'],
    ['desk', { queue: 'CITY' }, 'ok'],
    ['desk', {}, '400 validation_failed'],
    ['supervisor', { queue: exampleUnit }, 'ok'],
    ['supervisor', { queue: 'CITY' }, 403],
    ['otherSupervisor', { queue: exampleUnit }, 403],
    ['deskSupervisor', { queue: exampleUnit }, 'ok'],
    ['noGroups', { queue: exampleUnit }, 403],
    ['noGroups', {}, '400 validation_failed'],
    ['desk', { queue: '770' }, '400 validation_failed'],
  ];
  for (const [role, input, expected] of cases) {
    it(`${role} listing ${JSON.stringify(input)}: ${expected}`, async () => {
      const w = tipWorld();
      w.tips.put(storedTip());
      assert.equal(await outcomeOf(listQueue(officers[role], input, w)), expected);
    });
  }
});
