import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { TipEvent } from '../../shared/officers/model.ts';
import { getTip, listQueue } from '../../shared/usecases/officers/tips.ts';
import { exampleUnit, officers, otherUnit, storedTip, storedTipIn, tipWorld } from '../support/tip-fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';



const id = (n: number) => `01JTIP${String(n).padStart(20, '0')}`;

/** An SMS tip with everything an officer must never see in a list: a pseudonym, contact, sealed bits. */
const smsTip = storedTip({
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
    const w = tipWorld();
    w.tips.put(smsTip);
    const page = await listQueue(officers.unit, {}, w);
    assert.deepEqual(page, {
      items: [
        {
          id: id(1),
          trackingCode: 'TB-7Q4K-9XPD',
          registerNumber: '27154/2026/000001',
          queue: '27154',
          pack: 'hcmc-2025',
          unit: '27154',
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
          // A tip on its own is an incident of one report.
          reportCount: 1,
          tipsterWroteAt: null,
          awaitingReply: false,
          excerpt: `${'Đ'.repeat(140)}…`,
        },
      ],
      nextCursor: null,
    });
    const json = JSON.stringify(page);
    for (const secret of ['pseudonym-secret-hmac', '0909 123 456', '10.78', 'twilio']) assert.ok(!json.includes(secret), secret);
  });

  it('counts an excerpt in code points, so an emoji is never cut in half', async () => {
    const w = tipWorld();
    w.tips.put(storedTip({ text: `${'a'.repeat(139)}😀😀` }));
    const [item] = (await listQueue(officers.unit, {}, w)).items;
    assert.equal(item?.excerpt, `${'a'.repeat(139)}😀…`);
    w.tips.put(storedTip({ text: 'ngắn' }));
    assert.equal((await listQueue(officers.unit, {}, w)).items[0]?.excerpt, 'ngắn');
  });

  it('shows the holder and the days left, negative and overdue once the deadline has passed', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('ASSIGNED', officers.colleague, { dueAt: '2026-11-24T02:00:00.000Z' }));
    const [item] = (await listQueue(officers.unit, { status: 'ASSIGNED' }, w)).items;
    assert.deepEqual([item?.assignee, item?.daysLeft, item?.overdue], ['binh.tran', -1, true], 'due yesterday, in Vietnam');
  });

  it('lists high urgency first, then oldest, one store query per page, following the cursor', async () => {
    const w = tipWorld();
    const tips = [
      storedTip({ id: id(1), urgency: 'low', receivedAt: '2026-11-20T01:00:00.000Z' }),
      storedTip({ id: id(2), urgency: 'normal', receivedAt: '2026-11-21T01:00:00.000Z' }),
      storedTip({ id: id(3), urgency: 'high', receivedAt: '2026-11-22T01:00:00.000Z' }),
      storedTip({ id: id(4), urgency: 'normal', receivedAt: '2026-11-20T01:00:00.000Z' }),
      storedTip({ id: id(5), urgency: 'high', receivedAt: '2026-11-23T01:00:00.000Z' }),
      storedTipIn('ASSIGNED', officers.unit, { id: id(6) }),
      storedTip({ id: id(7), queue: otherUnit }),
    ];
    for (const tip of tips) w.tips.put(tip);
    const first = await listQueue(officers.unit, { limit: 2 }, w);
    assert.equal(w.tips.calls.queue, 1);
    assert.deepEqual(first.items.map((item) => item.id), [id(3), id(5)]);
    assert.ok(first.nextCursor);
    const second = await listQueue(officers.unit, { limit: '2', cursor: first.nextCursor }, w);
    assert.equal(w.tips.calls.queue, 2);
    assert.deepEqual(second.items.map((item) => item.id), [id(4), id(2)]);
    const third = await listQueue(officers.unit, { limit: 2, cursor: second.nextCursor }, w);
    assert.deepEqual(third.items.map((item) => item.id), [id(1)]);
    assert.equal(third.nextCursor, null);
    assert.equal(w.tips.calls.queue, 3);
    assert.equal(w.tips.calls.get, 0, 'rows come from the page, not one read per tip');
  });

  it('defaults to NEW, to 25 rows, and to the only unit of the officer', async () => {
    const w = tipWorld();
    for (let n = 1; n <= 30; n += 1) w.tips.put(storedTip({ id: id(n) }));
    w.tips.put(storedTipIn('ASSIGNED', officers.unit, { id: id(99) }));
    const page = await listQueue(officers.unit, undefined, w);
    assert.equal(page.items.length, 25);
    assert.ok(page.items.every((item) => item.status === 'NEW' && item.queue === exampleUnit));
    assert.equal((await listQueue(officers.unit, { status: 'ASSIGNED' }, w)).items[0]?.id, id(99));
  });

  it('needs a queue from an officer of several units, or of none', async () => {
    const w = tipWorld();
    const twoUnits = { ...officers.unit, units: [exampleUnit, otherUnit] };
    assert.deepEqual(issuesOf(await refusal(listQueue(twoUnits, {}, w))), [['queue', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(listQueue(officers.desk, {}, w))), [['queue', 'required', undefined]]);
    assert.equal((await listQueue(twoUnits, { queue: otherUnit }, w)).items.length, 0);
    assert.equal(w.tips.calls.queue, 1);
  });

  it('refuses bad input by field', async () => {
    const w = tipWorld();
    const check = async (input: Record<string, unknown>, expected: Array<[string, string, number | undefined]>) =>
      assert.deepEqual(issuesOf(await refusal(listQueue(officers.unit, input, w))), expected, JSON.stringify(input));
    await check({ limit: 0 }, [['limit', 'tooSmall', 1]]);
    await check({ limit: 101 }, [['limit', 'tooLarge', 100]]);
    await check({ limit: 2.5 }, [['limit', 'notWholeNumber', undefined]]);
    await check({ limit: 'many' }, [['limit', 'notNumber', undefined]]);
    await check({ status: 'OPEN' }, [['status', 'unknownStatus', undefined]]);
    await check({ queue: '123' }, [['queue', 'unknownQueue', undefined]]);
    await check({ queue: '770' }, [['queue', 'unknownQueue', undefined]]);
    await check({ cursor: 7 }, [['cursor', 'notText', undefined]]);
    assert.equal(w.tips.calls.queue, 0);
  });

  it('accepts the city desk queue in any case for the desk', async () => {
    const w = tipWorld();
    w.tips.put(storedTip({ queue: 'CITY' }));
    const page = await listQueue(officers.desk, { queue: 'city' }, w);
    assert.deepEqual(page.items.map((item) => [item.queue, item.pack, item.unit]), [['CITY', 'hcmc-2025', null]]);
  });
});

describe('getTip', () => {
  const events: TipEvent[] = [
    { id: 'e2', tipId: id(1), type: 'NOTE_ADDED', actor: 'an.nguyen', at: '2026-11-21T00:00:00.000Z', text: 'Nội bộ', public: false },
    { id: 'e1', tipId: id(1), type: 'CLASSIFIED', actor: 'system:classifier', at: '2026-11-20T03:00:01.000Z', after: { status: 'NEW', queue: exampleUnit }, public: false },
    { id: 'e3', tipId: id(1), type: 'OFFICER_MESSAGE', actor: 'an.nguyen', at: '2026-11-22T00:00:00.000Z', text: 'Cảm ơn bạn', public: true },
  ];

  it('shows the whole tip: text, contact given with consent, location, routing, extensions, and every event oldest first', async () => {
    const w = tipWorld();
    const extension = { by: 'hoa.vo', at: '2026-11-24T00:00:00.000Z', previousDueAt: '2026-12-10T03:00:00.000Z', dueAt: '2027-01-09T03:00:00.000Z', reason: 'Cần xác minh thêm' };
    w.tips.put({ ...smsTip, dueAt: extension.dueAt, deadlineExtensions: [extension], requestedUnit: exampleUnit }, events);
    const { tip, events: trail } = await getTip(officers.unit, id(1), w);
    assert.equal(tip.text, smsTip.text);
    assert.equal(tip.contact, '0909 123 456');
    assert.deepEqual([tip.lat, tip.lon], [10.78, 106.69]);
    assert.equal(tip.senderAlias, 'SMS-7F3K');
    assert.equal(tip.requestedUnit, exampleUnit);
    assert.deepEqual([tip.pack, tip.unit, tip.queue], ['hcmc-2025', exampleUnit, exampleUnit]);
    assert.deepEqual(tip.otherGeneration, smsTip.otherGeneration);
    assert.deepEqual(tip.otherGeneration, { pack: 'hcmc-2021', unit: '770', units: ['770'], method: 'text' });
    assert.deepEqual(tip.routing, smsTip.routing);
    assert.deepEqual(tip.deadlineExtensions, [extension]);
    assert.equal(tip.daysLeft, 45);
    assert.equal(tip.rejection, null);
    assert.equal(tip.version, 1);
    assert.deepEqual(trail.map((event) => [event.id, event.public]), [['e1', false], ['e2', false], ['e3', true]]);
    assert.deepEqual(trail[0], { id: 'e1', type: 'CLASSIFIED', actor: 'system:classifier', at: '2026-11-20T03:00:01.000Z', after: { status: 'NEW', queue: exampleUnit }, public: false });
    assert.ok(!JSON.stringify({ tip, trail }).includes('pseudonym-secret-hmac'), 'never the sender pseudonym');
  });

  it('leaves out contact and location when the tipster gave none', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const { tip } = await getTip(officers.desk, storedTip().id, w);
    assert.ok(!('contact' in tip) && !('lat' in tip) && !('lon' in tip));
    assert.equal(tip.senderAlias, null);
  });

  it('shows a rejection with the original of a duplicate', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('REJECTED', officers.colleague, { rejection: { reason: 'duplicate', duplicateOf: id(9), note: 'Trùng tin trước' } }));
    const { tip } = await getTip(officers.unit, storedTip().id, w);
    assert.deepEqual(tip.rejection, { reason: 'duplicate', duplicateOf: id(9), note: 'Trùng tin trước' });
  });

  it('never passes on fields it does not know, even if the store returns them', async () => {
    const w = tipWorld();
    w.tips.put({ ...storedTip(), sealedPhone: 'kms:sealed', secretHash: 'hash' } as never, [{ ...events[0]!, sealed: 'x' } as never]);
    const json = JSON.stringify(await getTip(officers.unit, storedTip().id, w));
    assert.ok(!json.includes('kms:sealed') && !json.includes('hash') && !json.includes('sealed'));
  });
});
