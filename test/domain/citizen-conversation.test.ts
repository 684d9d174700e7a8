import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { explicitOnlyClassifier } from '../../shared/classification/explicit-only.ts';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '../../shared/errors.ts';
import { parseOrThrow, webSubmissionSchema } from '../../shared/tip/submission.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { classifyTip } from '../../shared/usecases/classify-tip.ts';
import { addNote, changeStatus, claimTip, getTip, listQueue, replyToTipster } from '../../shared/usecases/officers/tips.ts';
import {
  addTipsterMessage,
  conversationLimitWindowSeconds,
  failedGuessesPerClientPerHour,
  failedGuessesPerCodePerHour,
  getTipConversation,
  tipsterMessagesPerHour,
} from '../../shared/usecases/officers/citizen.ts';
import { submitTip } from '../../shared/usecases/submit-tip.ts';
import { exampleUnit, officers, testPack, tipWorld } from '../support/tip-fakes.ts';
import { memoryCodes, memoryQueue } from '../support/fakes.ts';
import { refusal } from '../support/refusals.ts';

const hasher = createSecretHasher('a pepper long enough for tests');

/** The whole path: a citizen submits, the classifier stores the tip, officers and tipster talk. */
async function world(options: { classify?: boolean } = {}) {
  const base = tipWorld();
  const w = {
    ...base,
    codes: memoryCodes(),
    queue: memoryQueue(),
    hasher,
    classifier: explicitOnlyClassifier(testPack),
    retentionDays: 1825,
  };
  // `attachments` of the officers' world is their store of records; a tip without files needs no slots.
  const accepted = await submitTip(parseOrThrow(webSubmissionSchema(base.jurisdiction), { text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: exampleUnit }), 'web', { ...w, attachments: undefined });
  if (options.classify ?? true) await classifyTip(w.queue.sent[0]!, w);
  const proof = { code: accepted.trackingCode, secret: accepted.secret };
  return { w, accepted, proof, tipId: accepted.tipId };
}


describe('getTipConversation', () => {
  it('says what the status page says, and shows replies and tipster messages oldest first, never notes', async () => {
    const { w, proof, tipId } = await world();
    await claimTip(officers.unit, tipId, w);
    w.clock.advance(60_000);
    await addNote(officers.unit, tipId, { text: 'Nội bộ: đối tượng có tiền án' }, w);
    w.clock.advance(60_000);
    await replyToTipster(officers.unit, tipId, { text: 'Cảm ơn bạn. Người bán thường đứng ở đâu?' }, w);
    w.clock.advance(60_000);
    await addTipsterMessage({ ...proof, text: 'Đầu hẻm, cạnh quán nước.' }, w);

    const view = await getTipConversation(proof, w);
    assert.deepEqual(view, {
      trackingCode: proof.code,
      status: 'ASSIGNED',
      unit: { code: '27154', name: 'Phường Bàn Cờ' },
      messages: [
        { from: 'officer', text: 'Cảm ơn bạn. Người bán thường đứng ở đâu?', at: '2026-11-25T03:02:00.000Z' },
        { from: 'tipster', text: 'Đầu hẻm, cạnh quán nước.', at: '2026-11-25T03:03:00.000Z' },
      ],
    });
    const json = JSON.stringify(view);
    assert.ok(!json.includes('Nội bộ') && !json.includes('an.nguyen'), 'no notes, no officer names');
  });

  it('speaks English when asked, like the status page', async () => {
    const { w, proof } = await world();
    assert.equal((await getTipConversation({ ...proof, language: 'en' }, w)).unit?.name, 'Ban Co Ward');
    assert.equal((await getTipConversation(proof, w, 'en')).unit?.name, 'Ban Co Ward');
  });

  it('shows RECEIVED and no messages before the tip is classified', async () => {
    const { w, proof } = await world({ classify: false });
    assert.deepEqual(await getTipConversation(proof, w), { trackingCode: proof.code, status: 'RECEIVED', unit: null, messages: [] });
  });

  it('shows tipster messages the SMS path stored without a public flag', async () => {
    const { w, proof, tipId } = await world();
    w.tips.eventLog.get(tipId)?.push({ id: 'sms1', tipId, type: 'TIPSTER_MESSAGE', actor: 'tipster', at: '2026-11-25T04:00:00.000Z', text: 'Thêm: xe máy màu đỏ' } as never);
    assert.deepEqual((await getTipConversation(proof, w)).messages, [{ from: 'tipster', text: 'Thêm: xe máy màu đỏ', at: '2026-11-25T04:00:00.000Z' }]);
  });

  it('fails the same way for a wrong code and a wrong secret', async () => {
    const { w, proof } = await world();
    const wrongSecret = await refusal(getTipConversation({ ...proof, secret: '0000-0000-0000-0000' }, w));
    const wrongCode = await refusal(getTipConversation({ ...proof, code: 'TB-0000-0000' }, w));
    assert.ok(wrongSecret instanceof NotFoundError && wrongCode instanceof NotFoundError);
    assert.equal(wrongSecret.message, wrongCode.message);
    assert.equal(w.tips.calls.events, 0, 'nothing is read for a wrong secret');
  });

  it('refuses a malformed code or secret by field, without counting it', async () => {
    const { w } = await world();
    const error = await refusal(getTipConversation({ code: 'TB-1', secret: 'x' }, w));
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.issues.map((issue) => issue.field), ['code', 'secret']);
    assert.equal(w.limiter.counts.size, 0);
  });
});

describe('addTipsterMessage', () => {
  it('adds a public web message the officers see in the audit trail', async () => {
    const { w, proof, tipId } = await world();
    const view = await addTipsterMessage({ ...proof, code: proof.code.toLowerCase(), text: '  Tối nay họ lại đến.  ' }, w);
    assert.deepEqual(view.messages, [{ from: 'tipster', text: 'Tối nay họ lại đến.', at: '2026-11-25T03:00:00.000Z' }]);
    const stored = w.tips.storedEvents(tipId).find((event) => event.type === 'TIPSTER_MESSAGE');
    assert.deepEqual({ ...stored }, {
      id: '00000000000000000000000002',
      tipId,
      type: 'TIPSTER_MESSAGE',
      actor: 'tipster',
      at: '2026-11-25T03:00:00.000Z',
      text: 'Tối nay họ lại đến.',
      public: true,
      channel: 'web',
    });
    const tip = w.tips.stored(tipId);
    assert.deepEqual([tip.version, tip.tipsterWroteAt, tip.urgency, tip.status], [2, '2026-11-25T03:00:00.000Z', 'normal', 'NEW'], 'the tip only records that the tipster wrote');
    const { events } = await getTip(officers.unit, tipId, w);
    assert.deepEqual(events.map((event) => [event.type, event.actor, event.public]), [['CLASSIFIED', 'system:classifier', false], ['TIPSTER_MESSAGE', 'tipster', true]]);
  });

  it('raises the urgency of the tip when the message says the danger is now, and says so in the trail', async () => {
    const { w, proof, tipId } = await world();
    await addTipsterMessage({ ...proof, text: 'Khẩn cấp: họ đang bán ma túy ngay bây giờ' }, w);
    assert.equal(w.tips.stored(tipId).urgency, 'high');
    const event = w.tips.storedEvents(tipId).find((e) => e.type === 'TIPSTER_MESSAGE');
    assert.deepEqual([event?.before?.urgency, event?.after?.urgency, event?.reason], ['normal', 'high', 'urgency_raised']);
  });

  it("marks the tip as waiting for an answer in the officers' queue until an officer replies", async () => {
    const { w, proof, tipId } = await world();
    const row = async () => (await listQueue(officers.unit, {}, w)).items.find((item) => item.id === tipId);
    assert.equal((await row())?.awaitingReply, false);
    w.clock.advance(60_000);
    await addTipsterMessage({ ...proof, text: 'Họ vừa quay lại' }, w);
    assert.equal((await row())?.awaitingReply, true);
    w.clock.advance(60_000);
    await replyToTipster(officers.unit, tipId, { text: 'Đã nhận, cảm ơn bạn.' }, w);
    assert.equal((await row())?.awaitingReply, false);
  });

  it('refuses a wrong secret with the same 404 as the status page, writing nothing', async () => {
    const { w, proof, tipId } = await world();
    const error = await refusal(addTipsterMessage({ ...proof, secret: '0000-0000-0000-0000', text: 'Xin chào' }, w));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.message, 'No tip matches this code and secret.');
    assert.equal(w.tips.storedEvents(tipId).length, 1);
  });

  it('refuses with 409 not_ready while the tip is still being routed', async () => {
    const { w, proof } = await world({ classify: false });
    const error = await refusal(addTipsterMessage({ ...proof, text: 'Xin chào' }, w));
    assert.ok(error instanceof ConflictError);
    assert.equal(error.code, 'not_ready');
  });

  it('refuses with 409 closed once the tip is resolved or rejected', async () => {
    const { w, proof, tipId } = await world();
    await changeStatus(officers.unit, tipId, { status: 'REJECTED', reason: 'false' }, w);
    const error = await refusal(addTipsterMessage({ ...proof, text: 'Còn một chi tiết nữa' }, w));
    assert.ok(error instanceof ConflictError);
    assert.equal(error.code, 'closed');
  });

  it('refuses an empty or over-long message by field', async () => {
    const { w, proof } = await world();
    const empty = await refusal(addTipsterMessage({ ...proof, text: '  ' }, w));
    assert.ok(empty instanceof ValidationError);
    assert.deepEqual(empty.issues, [{ field: 'text', reason: 'required' }]);
    const long = await refusal(addTipsterMessage({ ...proof, text: 'x'.repeat(2001) }, w));
    assert.ok(long instanceof ValidationError);
    assert.deepEqual(long.issues, [{ field: 'text', reason: 'tooLong', limit: 2000 }]);
  });
});

describe('slowing down guesses, never the right secret', () => {
  const wrong = '0000-0000-0000-0000';

  it(`answers wrong secrets 404, then 429 past ${failedGuessesPerCodePerHour} an hour on the code, while the right secret keeps working`, async () => {
    const { w, proof } = await world();
    for (let index = 0; index < failedGuessesPerCodePerHour; index += 1) {
      await assert.rejects(getTipConversation({ ...proof, secret: wrong }, w), NotFoundError);
    }
    const slowed = await refusal(getTipConversation({ ...proof, secret: wrong }, w));
    assert.ok(slowed instanceof TooManyRequestsError);
    assert.deepEqual([slowed.statusCode, slowed.code, slowed.retryAfterSeconds], [429, 'too_many_requests', 3600]);
    assert.equal((await getTipConversation(proof, w)).status, 'NEW', "someone else's guesses never lock the tipster out");
    assert.equal((await addTipsterMessage({ ...proof, text: 'Vẫn gửi được' }, w)).messages.at(-1)?.text, 'Vẫn gửi được');
    w.clock.advance(conversationLimitWindowSeconds * 1000);
    await assert.rejects(getTipConversation({ ...proof, secret: wrong }, w), NotFoundError);
  });

  it(`slows down one client past ${failedGuessesPerClientPerHour} wrong guesses an hour across codes, and no one else`, async () => {
    const { w, proof } = await world();
    const guesser = { client: 'guesser' };
    for (let index = 0; index < failedGuessesPerClientPerHour; index += 1) {
      await assert.rejects(getTipConversation({ code: 'TB-0000-0000', secret: wrong }, w, 'vi', guesser), (error) => error instanceof NotFoundError || error instanceof TooManyRequestsError);
    }
    await assert.rejects(getTipConversation({ ...proof, secret: wrong }, w, 'vi', guesser), TooManyRequestsError);
    await assert.rejects(getTipConversation({ ...proof, secret: '1111-1111-1111-1111' }, w, 'vi', { client: 'someone else' }), NotFoundError);
    assert.equal((await getTipConversation(proof, w, 'vi', guesser)).status, 'NEW', 'the right secret works even from the guessing client');
  });

  it('never limits lookups with the right secret', async () => {
    const { w, proof } = await world();
    for (let index = 0; index < 100; index += 1) await getTipConversation({ ...proof, code: index % 2 ? proof.code.toLowerCase() : proof.code }, w);
    assert.equal((await getTipConversation(proof, w)).status, 'NEW');
  });

  it('counts wrong guesses on the code however it is typed', async () => {
    const { w, proof } = await world();
    for (let index = 0; index < failedGuessesPerCodePerHour; index += 1) {
      await assert.rejects(getTipConversation({ code: index % 2 ? proof.code.toLowerCase() : proof.code.replaceAll('-', ' '), secret: wrong }, w), NotFoundError);
    }
    await assert.rejects(getTipConversation({ code: proof.code.toLowerCase(), secret: wrong }, w), TooManyRequestsError);
  });

  it(`allows ${tipsterMessagesPerHour} messages an hour and refuses the next before storing it`, async () => {
    const { w, proof, tipId } = await world();
    for (let index = 0; index < tipsterMessagesPerHour; index += 1) await addTipsterMessage({ ...proof, text: `Tin nhắn ${index + 1}` }, w);
    await assert.rejects(addTipsterMessage({ ...proof, text: 'Tin nhắn 11' }, w), TooManyRequestsError);
    assert.equal(w.tips.storedEvents(tipId).filter((event) => event.type === 'TIPSTER_MESSAGE').length, 10);
    assert.equal((await getTipConversation(proof, w)).messages.length, 10, 'lookups still work');
    w.clock.advance(conversationLimitWindowSeconds * 1000);
    assert.equal((await addTipsterMessage({ ...proof, text: 'Một giờ sau' }, w)).messages.at(-1)?.text, 'Một giờ sau');
  });

  it('answers a stored message with the conversation that holds it, however many lookups came before', async () => {
    const { w, proof, tipId } = await world();
    for (let index = 0; index < 40; index += 1) await getTipConversation(proof, w);
    const view = await addTipsterMessage({ ...proof, text: 'Thêm chi tiết' }, w);
    assert.deepEqual(view.messages.map((m) => [m.from, m.text]), [['tipster', 'Thêm chi tiết']]);
    assert.equal(w.tips.storedEvents(tipId).filter((event) => event.type === 'TIPSTER_MESSAGE').length, 1);
  });
});
