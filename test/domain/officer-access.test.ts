import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { DomainError, ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { officerFromClaims, type CaseTip, type Officer } from '../../shared/officers/model.ts';
import { canSeeQueue, queueCodes, visibleQueues } from '../../shared/usecases/officers/access.ts';
import {
  addNote,
  assignCase,
  changeStatus,
  claimCase,
  extendDeadline,
  getCase,
  listQueue,
  replyToTipster,
  transferCase,
} from '../../shared/usecases/officers/cases.ts';
import { caseTip, caseTipIn, caseWorld, officers } from '../support/case-fakes.ts';

type Role = keyof typeof officers;
type Outcome = 'ok' | 403 | 404;
type World = ReturnType<typeof caseWorld>;

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
  it('takes district groups, the desk and the supervisor role from the groups', () => {
    const officer = officerFromClaims({ sub: 's1', username: 'an', groups: ['district-770', 'district-760', 'supervisor', 'other-app-admin', 'district-77'] });
    assert.deepEqual(officer, { id: 's1', username: 'an', districts: ['770', '760'], cityDesk: false, supervisor: true });
  });
});

describe('who sees which queue', () => {
  it('gives a district officer their districts, the desk everything and an officer with no groups nothing', () => {
    assert.deepEqual(visibleQueues(officers.district), ['770']);
    assert.deepEqual(visibleQueues(officers.desk), queueCodes);
    assert.ok(queueCodes.includes('CITY') && queueCodes.length === 23, '22 units and the city desk');
    assert.deepEqual(visibleQueues(officers.noGroups), []);
  });

  it('lets a supervisor see only what their groups let them see', () => {
    assert.deepEqual(visibleQueues(officers.supervisor), ['770']);
    assert.equal(canSeeQueue(officers.supervisor, 'CITY'), false);
    assert.equal(canSeeQueue(officers.deskSupervisor, 'CITY'), true);
    assert.equal(canSeeQueue(officers.deskSupervisor, '760'), true);
  });

  it('keeps the city desk queue from district officers', () => {
    assert.equal(canSeeQueue(officers.district, 'CITY'), false);
    assert.equal(canSeeQueue(officers.desk, 'CITY'), true);
  });
});

/**
 * Every use case against every role, on a tip in queue 770 in the state the action needs.
 * The colleague holds the tip where someone must (changing its status).
 */
const matrix: Array<{
  name: string;
  tip: CaseTip;
  run: (officer: Officer, tip: CaseTip, w: World) => Promise<unknown>;
  expected: Record<Role, Outcome>;
}> = [
  {
    name: 'getCase',
    tip: caseTip(),
    run: (officer, tip, w) => getCase(officer, tip.id, w),
    expected: { district: 'ok', colleague: 'ok', otherDistrict: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'claimCase',
    tip: caseTip(),
    run: (officer, tip, w) => claimCase(officer, tip.id, w),
    expected: { district: 'ok', colleague: 'ok', otherDistrict: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'assignCase',
    tip: caseTip(),
    run: (officer, tip, w) => assignCase(officer, tip.id, { assignee: officers.colleague.username }, w),
    expected: { district: 403, colleague: 403, otherDistrict: 404, desk: 403, supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'transferCase',
    tip: caseTipIn('ASSIGNED'),
    run: (officer, tip, w) => transferCase(officer, tip.id, { to: '760', reason: 'Địa chỉ thuộc Quận 1' }, w),
    expected: { district: 'ok', colleague: 'ok', otherDistrict: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'changeStatus of a held tip',
    tip: caseTipIn('ASSIGNED'),
    run: (officer, tip, w) => changeStatus(officer, tip.id, { status: 'IN_PROGRESS' }, w),
    expected: { district: 403, colleague: 'ok', otherDistrict: 404, desk: 403, supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'changeStatus (rejecting) of a NEW tip',
    tip: caseTip(),
    run: (officer, tip, w) => changeStatus(officer, tip.id, { status: 'REJECTED', reason: 'spam' }, w),
    expected: { district: 'ok', colleague: 'ok', otherDistrict: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'addNote',
    tip: caseTipIn('IN_PROGRESS'),
    run: (officer, tip, w) => addNote(officer, tip.id, { text: 'Đã liên hệ tổ dân phố.' }, w),
    expected: { district: 'ok', colleague: 'ok', otherDistrict: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'replyToTipster',
    tip: caseTipIn('IN_PROGRESS'),
    run: (officer, tip, w) => replyToTipster(officer, tip.id, { text: 'Cảm ơn bạn, chúng tôi đang xác minh.' }, w),
    expected: { district: 'ok', colleague: 'ok', otherDistrict: 404, desk: 'ok', supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
  {
    name: 'extendDeadline',
    tip: caseTipIn('IN_PROGRESS'),
    run: (officer, tip, w) => extendDeadline(officer, tip.id, { days: 30, reason: 'Cần xác minh thêm' }, w),
    expected: { district: 403, colleague: 403, otherDistrict: 404, desk: 403, supervisor: 'ok', otherSupervisor: 404, deskSupervisor: 'ok', noGroups: 404 },
  },
];

describe('authorisation matrix: every use case × every role', () => {
  for (const { name, tip, run, expected } of matrix) {
    for (const role of Object.keys(expected) as Role[]) {
      it(`${name} by ${role}: ${expected[role]}`, async () => {
        const w = caseWorld();
        w.cases.put(tip);
        const eventsBefore = w.cases.storedEvents(tip.id).length;
        assert.equal(await outcomeOf(run(officers[role], tip, w)), expected[role]);
        if (expected[role] !== 'ok') {
          assert.equal(w.cases.stored(tip.id).version, tip.version, 'a refused call changes nothing');
          assert.equal(w.cases.storedEvents(tip.id).length, eventsBefore, 'a refused call records nothing');
          assert.equal(w.notifier.sent.length, 0);
        }
      });
    }
  }

  it('answers a tip the officer may not see exactly like a tip that does not exist', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    const hidden = await getCase(officers.otherDistrict, caseTip().id, w).catch((error: unknown) => error);
    const missing = await getCase(officers.otherDistrict, '01JTIP0000000000000000NONE', w).catch((error: unknown) => error);
    assert.ok(hidden instanceof NotFoundError && missing instanceof NotFoundError);
    assert.deepEqual([hidden.statusCode, hidden.code, hidden.message], [missing.statusCode, missing.code, missing.message]);
  });

  it('answers 404, not 403, for a role-restricted action on a tip the officer may not see', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    await assert.rejects(assignCase(officers.otherDistrict, caseTip().id, { assignee: 'x' }, w), NotFoundError);
    await assert.rejects(extendDeadline(officers.noGroups, caseTip().id, { days: 1, reason: 'xxxxx' }, w), NotFoundError);
  });

  it('hides a city desk tip from district officers and their supervisors, and shows it to the desk', async () => {
    const w = caseWorld();
    const tip = caseTip({ queue: 'CITY' });
    w.cases.put(tip);
    for (const role of ['district', 'otherDistrict', 'supervisor', 'noGroups'] as const) {
      await assert.rejects(getCase(officers[role], tip.id, w), NotFoundError, role);
    }
    assert.equal((await getCase(officers.desk, tip.id, w)).tip.queue, 'CITY');
    assert.equal((await extendDeadline(officers.deskSupervisor, tip.id, { days: 5, reason: 'Cần thêm thời gian' }, w)).deadlineExtensions.length, 1);
  });

  it('treats an empty or absurd tip id as not found', async () => {
    const w = caseWorld();
    await assert.rejects(getCase(officers.desk, '', w), NotFoundError);
    await assert.rejects(getCase(officers.desk, 'x'.repeat(500), w), NotFoundError);
    assert.equal(w.cases.calls.get, 0, 'no lookup for an id that cannot exist');
  });
});

describe('listQueue authorisation', () => {
  const cases: Array<[Role, Record<string, unknown>, Outcome | string]> = [
    ['district', { queue: '770' }, 'ok'],
    ['district', {}, 'ok'],
    ['otherDistrict', { queue: '770' }, 403],
    ['desk', { queue: '770' }, 'ok'],
    ['desk', { queue: 'CITY' }, 'ok'],
    ['desk', {}, '400 validation_failed'],
    ['supervisor', { queue: '770' }, 'ok'],
    ['supervisor', { queue: 'CITY' }, 403],
    ['otherSupervisor', { queue: '770' }, 403],
    ['deskSupervisor', { queue: '770' }, 'ok'],
    ['noGroups', { queue: '770' }, 403],
    ['noGroups', {}, '400 validation_failed'],
  ];
  for (const [role, input, expected] of cases) {
    it(`${role} listing ${JSON.stringify(input)}: ${expected}`, async () => {
      const w = caseWorld();
      w.cases.put(caseTip());
      assert.equal(await outcomeOf(listQueue(officers[role], input, w)), expected);
    });
  }
});
