import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { addNote, getTip, replyToTipster, transferTip } from '../../shared/usecases/officers/tips.ts';
import { exampleUnit, flakyTips, officers, otherUnit, storedTip, storedTipIn, tipWorld } from '../support/tip-fakes.ts';
import { issuesOf, refusal } from '../support/refusals.ts';

const tipId = storedTip().id;



describe('addNote', () => {
  it('adds an internal note, NFC and trimmed, without changing the tip', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('IN_PROGRESS'));
    // "ệ" typed as e + combining marks becomes the single NFC character.
    const view = await addNote(officers.unit, tipId, { text: '  Đã gặp tổ trưởng tổ dân phố, xác nhận có tụ tập.\u0065\u0323\u0302  ' }, w);
    assert.deepEqual(view, {
      id: '00000000000000000000000001',
      type: 'NOTE_ADDED',
      actor: 'an.nguyen',
      at: '2026-11-25T03:00:00.000Z',
      text: 'Đã gặp tổ trưởng tổ dân phố, xác nhận có tụ tập.ệ',
      public: false,
    });
    assert.equal(w.tips.calls.addEvent, 1);
    assert.equal(w.tips.calls.update, 0);
    assert.equal(w.tips.stored(tipId).version, 1, 'a note changes nothing else on the tip');
    assert.equal(w.tips.storedEvents(tipId)[0]?.public, false);
  });

  it('may be added to a closed tip', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('RESOLVED'));
    assert.equal((await addNote(officers.unit, tipId, { text: 'Hồ sơ đã chuyển Đội điều tra.' }, w)).type, 'NOTE_ADDED');
  });

  it('refuses empty, too long and non-text notes', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    assert.deepEqual(issuesOf(await refusal(addNote(officers.unit, tipId, { text: '   ' }, w))), [['text', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.unit, tipId, { text: 'x'.repeat(5001) }, w))), [['text', 'tooLong', 5000]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.unit, tipId, { text: 5 }, w))), [['text', 'notText', undefined]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.unit, tipId, { text: 'a\ud800b' }, w))), [['text', 'invalidCharacter', undefined]]);
    assert.deepEqual(issuesOf(await refusal(addNote(officers.unit, tipId, 'text', w))), [['body', 'invalid', undefined]]);
    assert.equal((await addNote(officers.unit, tipId, { text: '😀'.repeat(5000) }, w)).text?.length, 10000, '5000 emoji are 5000 characters');
  });

  it('tries again after a lost race, and gives up after three', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await addNote(officers.unit, tipId, { text: 'Lần thứ hai mới ghi được' }, { ...w, tips: flakyTips(w.tips, 2) });
    assert.equal(w.tips.storedEvents(tipId).length, 1);
    const error = await refusal(addNote(officers.unit, tipId, { text: 'Không bao giờ ghi được' }, { ...w, tips: flakyTips(w.tips, 3) }));
    assert.ok(error instanceof ConflictError && error.code === 'concurrent_change');
    assert.equal(w.tips.storedEvents(tipId).length, 1);
  });

  it('does not write a note once the tip has moved out of the officer’s sight', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    const racing = {
      ...w,
      tips: Object.assign(Object.create(w.tips) as typeof w.tips, {
        async addEvent(tip: Parameters<typeof w.tips.addEvent>[0], event: Parameters<typeof w.tips.addEvent>[1]) {
          // Another officer transfers the tip to Phường Bến Thành first.
          if (w.tips.stored(tipId).queue === exampleUnit) await transferTip(officers.desk, tipId, { to: otherUnit, reason: 'Thuộc Phường Bến Thành' }, w);
          return w.tips.addEvent(tip, event);
        },
      }),
    };
    await assert.rejects(addNote(officers.unit, tipId, { text: 'Ghi chú muộn' }, racing), NotFoundError);
    assert.deepEqual(w.tips.storedEvents(tipId).map((event) => event.type), ['TRANSFERRED']);
  });
});

describe('replyToTipster', () => {
  it('records a public message and hands it to the notifier', async () => {
    const w = tipWorld();
    w.tips.put(storedTipIn('IN_PROGRESS', officers.unit, { channel: 'sms', sender: { pseudonym: 'p', alias: 'SMS-7F3K', provider: 'gateway' } }));
    const result = await replyToTipster(officers.unit, tipId, { text: ' Cảm ơn bạn. Bạn có nhớ biển số xe không? ' }, w);
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
    assert.equal(w.tips.storedEvents(tipId)[0]?.public, true);
  });

  it('keeps the message when the notifier fails, and says it was not delivered', async () => {
    const w = tipWorld({ notifyFails: new Error('SMS provider down') });
    w.tips.put(storedTipIn('IN_PROGRESS'));
    const result = await replyToTipster(officers.unit, tipId, { text: 'Chúng tôi đã nhận tin.' }, w);
    assert.deepEqual([result.delivered, !result.delivered && result.reason], [false, 'send_failed']);
    assert.deepEqual(w.tips.storedEvents(tipId).map((event) => event.type), ['OFFICER_MESSAGE']);
    const { events } = await getTip(officers.unit, tipId, w);
    assert.equal(events[0]?.text, 'Chúng tôi đã nhận tin.');
  });

  it('does not notify when the message could not be recorded', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    await refusal(replyToTipster(officers.unit, tipId, { text: 'Không ghi được' }, { ...w, tips: flakyTips(w.tips, 3) }));
    assert.equal(w.notifier.sent.length, 0);
  });

  it('refuses an empty or over-long reply', async () => {
    const w = tipWorld();
    w.tips.put(storedTip());
    assert.deepEqual(issuesOf(await refusal(replyToTipster(officers.unit, tipId, { text: '' }, w))), [['text', 'required', undefined]]);
    assert.deepEqual(issuesOf(await refusal(replyToTipster(officers.unit, tipId, { text: 'x'.repeat(1001) }, w))), [['text', 'tooLong', 1000]]);
    assert.equal(w.notifier.sent.length, 0);
  });
});
