import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { TipEvent } from '../../shared/officers/model.ts';
import { getCase, listQueue } from '../../shared/usecases/officers/cases.ts';
import { caseTip, caseTipIn, caseWorld, officers } from '../support/case-fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';



const id = (n: number) => `01JTIP${String(n).padStart(20, '0')}`;

/** An SMS tip with everything an officer must never see in a list: a pseudonym, contact, sealed bits. */
const smsTip = caseTip({
  id: id(1),
  channel: 'sms',
  text: 'Đ'.repeat(150),
  contact: '0909 123 456',
  lat: 10.78,
  lon: 106.69,
  sender: { pseudonym: 'pseudonym-secret-hmac', alias: 'SMS-7F3K', provider: 'twilio' },
  flags: ['rate_limited'],
  urgency: 'high',
});

describe('listQueue', () => {
  it('shows each row with its deadline, holder, alias and an excerpt, and nothing private', async () => {
    const w = caseWorld();
    w.cases.put(smsTip);
    const page = await listQueue(officers.district, {}, w);
    assert.deepEqual(page, {
      items: [
        {
          id: id(1),
          trackingCode: 'TB-7Q4K-9XPD',
          registerNumber: '770/2026/000001',
          queue: '770',
          district: '770',
          category: 'drugs',
          urgency: 'high',
          status: 'NEW',
          channel: 'sms',
          receivedAt: '2026-11-20T03:00:00.000Z',
          dueAt: '2026-12-10T03:00:00.000Z',
          daysLeft: 15,
          overdue: false,
          assignee: null,
          senderAlias: 'SMS-7F3K',
          flags: ['rate_limited'],
          excerpt: `${'Đ'.repeat(140)}…`,
        },
      ],
      nextCursor: null,
    });
    const json = JSON.stringify(page);
    for (const secret of ['pseudonym-secret-hmac', '0909 123 456', '10.78', 'twilio']) assert.ok(!json.includes(secret), secret);
  });

  it('counts an excerpt in code points, so an emoji is never cut in half', async () => {
    const w = caseWorld();
    w.cases.put(caseTip({ text: `${'a'.repeat(139)}😀😀` }));
    const [item] = (await listQueue(officers.district, {}, w)).items;
    assert.equal(item?.excerpt, `${'a'.repeat(139)}😀…`);
    w.cases.put(caseTip({ text: 'ngắn' }));
    assert.equal((await listQueue(officers.district, {}, w)).items[0]?.excerpt, 'ngắn');
  });

  it('shows the holder and the days left, negative and overdue once the deadline has passed', async () => {
    const w = caseWorld();
    w.cases.put(caseTipIn('ASSIGNED', officers.colleague, { dueAt: '2026-11-24T02:00:00.000Z' }));
    const [item] = (await listQueue(officers.district, { status: 'ASSIGNED' }, w)).items;
    assert.deepEqual([item?.assignee, item?.daysLeft, item?.overdue], ['binh.tran', -2, true]);
  });

  it('lists high urgency first, then oldest, one store query per page, following the cursor', async () => {
    const w = caseWorld();
    const tips = [
      caseTip({ id: id(1), urgency: 'low', receivedAt: '2026-11-20T01:00:00.000Z' }),
      caseTip({ id: id(2), urgency: 'normal', receivedAt: '2026-11-21T01:00:00.000Z' }),
      caseTip({ id: id(3), urgency: 'high', receivedAt: '2026-11-22T01:00:00.000Z' }),
      caseTip({ id: id(4), urgency: 'normal', receivedAt: '2026-11-20T01:00:00.000Z' }),
      caseTip({ id: id(5), urgency: 'high', receivedAt: '2026-11-23T01:00:00.000Z' }),
      caseTipIn('ASSIGNED', officers.district, { id: id(6) }),
      caseTip({ id: id(7), queue: '760' }),
    ];
    for (const tip of tips) w.cases.put(tip);
    const first = await listQueue(officers.district, { limit: 2 }, w);
    assert.equal(w.cases.calls.queue, 1);
    assert.deepEqual(first.items.map((item) => item.id), [id(3), id(5)]);
    assert.ok(first.nextCursor);
    const second = await listQueue(officers.district, { limit: '2', cursor: first.nextCursor }, w);
    assert.equal(w.cases.calls.queue, 2);
    assert.deepEqual(second.items.map((item) => item.id), [id(4), id(2)]);
    const third = await listQueue(officers.district, { limit: 2, cursor: second.nextCursor }, w);
    assert.deepEqual(third.items.map((item) => item.id), [id(1)]);
    assert.equal(third.nextCursor, null);
    assert.equal(w.cases.calls.queue, 3);
    assert.equal(w.cases.calls.get, 0, 'rows come from the page, not one read per tip');
  });

  it('defaults to NEW, to 25 rows, and to the only district of the officer', async () => {
    const w = caseWorld();
    for (let n = 1; n <= 30; n += 1) w.cases.put(caseTip({ id: id(n) }));
    w.cases.put(caseTipIn('ASSIGNED', officers.district, { id: id(99) }));
    const page = await listQueue(officers.district, undefined, w);
    assert.equal(page.items.length, 25);
    assert.ok(page.items.every((item) => item.status === 'NEW' && item.queue === '770'));
    assert.equal((await listQueue(officers.district, { status: 'ASSIGNED' }, w)).items[0]?.id, id(99));
  });

  it('needs a queue from an officer of several districts, or of none', async () => {
    const w = caseWorld();
    const twoDistricts = { ...officers.district, districts: ['770', '760'] };
    assert.deepEqual(issuesOf(await refusal(listQueue(twoDistricts, {}, w))), [['queue', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(listQueue(officers.desk, {}, w))), [['queue', 'required', undefined]]);
    assert.equal((await listQueue(twoDistricts, { queue: '760' }, w)).items.length, 0);
    assert.equal(w.cases.calls.queue, 1);
  });

  it('refuses bad input by field', async () => {
    const w = caseWorld();
    const check = async (input: Record<string, unknown>, expected: Array<[string, string, number | undefined]>) =>
      assert.deepEqual(issuesOf(await refusal(listQueue(officers.district, input, w))), expected, JSON.stringify(input));
    await check({ limit: 0 }, [['limit', 'tooSmall', 1]]);
    await check({ limit: 101 }, [['limit', 'tooLarge', 100]]);
    await check({ limit: 2.5 }, [['limit', 'notWholeNumber', undefined]]);
    await check({ limit: 'many' }, [['limit', 'notNumber', undefined]]);
    await check({ status: 'OPEN' }, [['status', 'unknownStatus', undefined]]);
    await check({ queue: '123' }, [['queue', 'unknownQueue', undefined]]);
    await check({ cursor: 7 }, [['cursor', 'notText', undefined]]);
    assert.equal(w.cases.calls.queue, 0);
  });

  it('accepts the city desk queue in any case for the desk', async () => {
    const w = caseWorld();
    w.cases.put(caseTip({ queue: 'CITY' }));
    const page = await listQueue(officers.desk, { queue: 'city' }, w);
    assert.deepEqual(page.items.map((item) => [item.queue, item.district]), [['CITY', null]]);
  });
});

describe('getCase', () => {
  const events: TipEvent[] = [
    { id: 'e2', tipId: id(1), type: 'NOTE_ADDED', actor: 'an.nguyen', at: '2026-11-21T00:00:00.000Z', text: 'Nội bộ', public: false },
    { id: 'e1', tipId: id(1), type: 'CLASSIFIED', actor: 'system:classifier', at: '2026-11-20T03:00:01.000Z', after: { status: 'NEW', queue: '770' }, public: false },
    { id: 'e3', tipId: id(1), type: 'OFFICER_MESSAGE', actor: 'an.nguyen', at: '2026-11-22T00:00:00.000Z', text: 'Cảm ơn bạn', public: true },
  ];

  it('shows the whole tip: text, contact given with consent, location, routing, extensions, and every event oldest first', async () => {
    const w = caseWorld();
    const extension = { by: 'hoa.vo', at: '2026-11-24T00:00:00.000Z', previousDueAt: '2026-12-10T03:00:00.000Z', dueAt: '2027-01-09T03:00:00.000Z', reason: 'Cần xác minh thêm' };
    w.cases.put({ ...smsTip, dueAt: extension.dueAt, deadlineExtensions: [extension], requestedDistrict: '770' }, events);
    const { tip, events: trail } = await getCase(officers.district, id(1), w);
    assert.equal(tip.text, smsTip.text);
    assert.equal(tip.contact, '0909 123 456');
    assert.deepEqual([tip.lat, tip.lon], [10.78, 106.69]);
    assert.equal(tip.senderAlias, 'SMS-7F3K');
    assert.equal(tip.requestedDistrict, '770');
    assert.deepEqual(tip.routing, smsTip.routing);
    assert.deepEqual(tip.deadlineExtensions, [extension]);
    assert.equal(tip.daysLeft, 45);
    assert.equal(tip.rejection, null);
    assert.equal(tip.version, 1);
    assert.deepEqual(trail.map((event) => [event.id, event.public]), [['e1', false], ['e2', false], ['e3', true]]);
    assert.deepEqual(trail[0], { id: 'e1', type: 'CLASSIFIED', actor: 'system:classifier', at: '2026-11-20T03:00:01.000Z', after: { status: 'NEW', queue: '770' }, public: false });
    assert.ok(!JSON.stringify({ tip, trail }).includes('pseudonym-secret-hmac'), 'never the sender pseudonym');
  });

  it('leaves out contact and location when the tipster gave none', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    const { tip } = await getCase(officers.desk, caseTip().id, w);
    assert.ok(!('contact' in tip) && !('lat' in tip) && !('lon' in tip));
    assert.equal(tip.senderAlias, null);
  });

  it('shows a rejection with the original of a duplicate', async () => {
    const w = caseWorld();
    w.cases.put(caseTipIn('REJECTED', officers.colleague, { rejection: { reason: 'duplicate', duplicateOf: id(9), note: 'Trùng tin trước' } }));
    const { tip } = await getCase(officers.district, caseTip().id, w);
    assert.deepEqual(tip.rejection, { reason: 'duplicate', duplicateOf: id(9), note: 'Trùng tin trước' });
  });

  it('never passes on fields it does not know, even if the store returns them', async () => {
    const w = caseWorld();
    w.cases.put({ ...caseTip(), sealedPhone: 'kms:sealed', secretHash: 'hash' } as never, [{ ...events[0]!, sealed: 'x' } as never]);
    const json = JSON.stringify(await getCase(officers.district, caseTip().id, w));
    assert.ok(!json.includes('kms:sealed') && !json.includes('hash') && !json.includes('sealed'));
  });
});
