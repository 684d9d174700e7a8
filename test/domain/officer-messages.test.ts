import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { addNote, getCase, replyToTipster, transferCase } from '../../shared/usecases/officers/cases.ts';
import { caseTip, caseTipIn, caseWorld, flakyCases, officers } from '../support/case-fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';

const tipId = caseTip().id;



describe('addNote', () => {
  it('adds an internal note, NFC and trimmed, without changing the tip', async () => {
    const w = caseWorld();
    w.cases.put(caseTipIn('IN_PROGRESS'));
    // "ệ" typed as e + combining marks becomes the single NFC character.
    const view = await addNote(officers.district, tipId, { text: '  Đã gặp tổ trưởng tổ dân phố, xác nhận có tụ tập.\u0065\u0323\u0302  ' }, w);
    assert.deepEqual(view, {
      id: '00000000000000000000000001',
      type: 'NOTE_ADDED',
      actor: 'an.nguyen',
      at: '2026-11-25T03:00:00.000Z',
      text: 'Đã gặp tổ trưởng tổ dân phố, xác nhận có tụ tập.ệ',
      public: false,
    });
    assert.equal(w.cases.calls.addEvent, 1);
    assert.equal(w.cases.calls.update, 0);
    assert.equal(w.cases.stored(tipId).version, 1, 'a note changes nothing else on the tip');
    assert.equal(w.cases.storedEvents(tipId)[0]?.public, false);
  });

  it('may be added to a closed tip', async () => {
    const w = caseWorld();
    w.cases.put(caseTipIn('RESOLVED'));
    assert.equal((await addNote(officers.district, tipId, { text: 'Hồ sơ đã chuyển Đội điều tra.' }, w)).type, 'NOTE_ADDED');
  });

  it('refuses empty, too long and non-text notes', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    assert.deepEqual(issuesOf(await refusal(addNote(officers.district, tipId, { text: '   ' }, w))), [['text', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.district, tipId, { text: 'x'.repeat(5001) }, w))), [['text', 'tooLong', 5000]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.district, tipId, { text: 5 }, w))), [['text', 'notText', undefined]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.district, tipId, { text: 'a\ud800b' }, w))), [['text', 'invalidCharacter', undefined]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.district, tipId, 'text', w))), [['body', 'invalid', undefined]]);
    assert.equal((await addNote(officers.district, tipId, { text: '😀'.repeat(5000) }, w)).text?.length, 10000, '5000 emoji are 5000 characters');
  });

  it('tries again after a lost race, and gives up after three', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    await addNote(officers.district, tipId, { text: 'Lần thứ hai mới ghi được' }, { ...w, cases: flakyCases(w.cases, 2) });
    assert.equal(w.cases.storedEvents(tipId).length, 1);
    const error = await refusal(addNote(officers.district, tipId, { text: 'Không bao giờ ghi được' }, { ...w, cases: flakyCases(w.cases, 3) }));
    assert.ok(error instanceof ConflictError && error.code === 'concurrent_change');
    assert.equal(w.cases.storedEvents(tipId).length, 1);
  });

  it('does not write a note once the tip has moved out of the officer’s sight', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    const racing = {
      ...w,
      cases: Object.assign(Object.create(w.cases) as typeof w.cases, {
        async addEvent(tip: Parameters<typeof w.cases.addEvent>[0], event: Parameters<typeof w.cases.addEvent>[1]) {
          // Another officer transfers the tip to District 1 first.
          if (w.cases.stored(tipId).queue === '770') await transferCase(officers.desk, tipId, { to: '760', reason: 'Thuộc Quận 1' }, w);
          return w.cases.addEvent(tip, event);
        },
      }),
    };
    await assert.rejects(addNote(officers.district, tipId, { text: 'Ghi chú muộn' }, racing), NotFoundError);
    assert.deepEqual(w.cases.storedEvents(tipId).map((event) => event.type), ['TRANSFERRED']);
  });
});

describe('replyToTipster', () => {
  it('records a public message and hands it to the notifier', async () => {
    const w = caseWorld();
    w.cases.put(caseTipIn('IN_PROGRESS', officers.district, { channel: 'sms', sender: { pseudonym: 'p', alias: 'SMS-7F3K', provider: 'gateway' } }));
    const result = await replyToTipster(officers.district, tipId, { text: ' Cảm ơn bạn. Bạn có nhớ biển số xe không? ' }, w);
    assert.deepEqual(result, {
      event: {
        id: '00000000000000000000000001',
        type: 'OFFICER_MESSAGE',
        actor: 'an.nguyen',
        at: '2026-11-25T03:00:00.000Z',
        text: 'Cảm ơn bạn. Bạn có nhớ biển số xe không?',
        public: true,
      },
      delivered: true,
    });
    assert.deepEqual(w.notifier.sent, [{ tipId, channel: 'sms', text: 'Cảm ơn bạn. Bạn có nhớ biển số xe không?' }]);
    assert.equal(w.cases.storedEvents(tipId)[0]?.public, true);
  });

  it('keeps the message when the notifier fails, and says it was not delivered', async () => {
    const w = caseWorld({ notifyFails: new Error('SMS provider down') });
    w.cases.put(caseTipIn('IN_PROGRESS'));
    const result = await replyToTipster(officers.district, tipId, { text: 'Chúng tôi đã nhận tin.' }, w);
    assert.equal(result.delivered, false);
    assert.deepEqual(w.cases.storedEvents(tipId).map((event) => event.type), ['OFFICER_MESSAGE']);
    const { events } = await getCase(officers.district, tipId, w);
    assert.equal(events[0]?.text, 'Chúng tôi đã nhận tin.');
  });

  it('does not notify when the message could not be recorded', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    await refusal(replyToTipster(officers.district, tipId, { text: 'Không ghi được' }, { ...w, cases: flakyCases(w.cases, 3) }));
    assert.equal(w.notifier.sent.length, 0);
  });

  it('refuses an empty or over-long reply', async () => {
    const w = caseWorld();
    w.cases.put(caseTip());
    assert.deepEqual(issuesOf(await refusal(replyToTipster(officers.district, tipId, { text: '' }, w))), [['text', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(replyToTipster(officers.district, tipId, { text: 'x'.repeat(1001) }, w))), [['text', 'tooLong', 1000]]);
    assert.equal(w.notifier.sent.length, 0);
  });
});
