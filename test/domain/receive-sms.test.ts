import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';
import { explicitOnlyClassifier } from '../../shared/classification/explicit-only.ts';
import type { InboundSms } from '../../shared/sms/inbound.ts';
import { classifyTip } from '../../shared/usecases/classify-tip.ts';
import { receiveSms } from '../../shared/usecases/receive-sms.ts';
import { exampleUnit, smsWorld, testPack } from '../support/tip-fakes.ts';

const phone = '+84903123456';

const world = smsWorld;

let messageCounter = 0;
function sms(text: string, from = phone): InboundSms {
  messageCounter += 1;
  return { provider: 'gateway', messageId: `m${messageCounter}`, from, to: '8088', text, receivedAt: '2026-11-25T03:00:00.000Z' };
}

describe('receiveSms', () => {
  it('opens a tip, strips the TG keyword, and acknowledges with code and secret', async () => {
    const w = world();
    const outcome = await receiveSms(sms('TG: co nguoi ban ma tuy o hem 12'), w);
    assert.equal(outcome.kind, 'tip');
    assert.equal(w.queue.sent[0]?.submission.text, 'co nguoi ban ma tuy o hem 12');
    assert.equal(w.queue.sent[0]?.channel, 'sms');
    assert.match(String(outcome.reply), /TB-[0-9A-Z]{4}-[0-9A-Z]{4}.*[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    const sender = w.queue.sent[0]?.sender;
    assert.equal(sender?.provider, 'gateway');
    assert.ok(sender && !JSON.stringify(sender).includes('903123456'), 'the envelope carries no number');
  });

  it('joins messages within the window to the open tip, and opens a new one after it', async () => {
    const w = world();
    const first = await receiveSms(sms('co nguoi ban ma tuy o hem 12'), w);
    w.clock.advance(29 * 60_000);
    const second = await receiveSms(sms('them: hai nguoi di xe SH'), w);
    assert.equal(second.kind, 'follow_up');
    assert.ok(first.kind === 'tip' && second.kind === 'follow_up' && second.tipId === first.tipId);
    assert.equal(w.conversation.messages.get(first.tipId)?.[0]?.text, 'them: hai nguoi di xe SH');
    w.clock.advance(29 * 60_000);
    assert.equal((await receiveSms(sms('them nua: bien so 59X1'), w)).kind, 'follow_up', 'the window runs from the last message');
    w.clock.advance(31 * 60_000);
    assert.equal((await receiveSms(sms('mot vu khac o cho Ben Thanh'), w)).kind, 'tip');
    assert.equal(w.queue.sent.length, 2);
  });

  it('opens a new tip for a new crime at another place, ranked on its own, and says so with the new code', async () => {
    const w = world();
    const classifier = createClassifier({ pack: 'hcmc-2025' });
    const first = await receiveSms(sms('co song bac o hem 12 duong Tran Hung Dao phuong Cho Quan'), w);
    await classifyTip(w.queue.sent[0]!, { ...w, classifier });
    w.clock.advance(60_000);
    const stabbing = await receiveSms(sms('KHAN CAP: vua co vu dam nguoi o cho Ba Chieu Binh Thanh, nguoi bi thuong nang'), w);
    assert.ok(first.kind === 'tip' && stabbing.kind === 'tip', 'a tip of its own');
    assert.notEqual(stabbing.trackingCode, first.trackingCode);
    assert.equal(stabbing.newMatter, 'new_place');
    assert.match(String(stabbing.reply), new RegExp(`MOI.*${stabbing.trackingCode}`));
    await classifyTip(w.queue.sent[1]!, { ...w, classifier });
    const stored = w.tips.tips.get(stabbing.tipId);
    assert.deepEqual([stored?.category, stored?.urgency], ['violence', 'high']);
    assert.equal(w.tips.tips.get(first.tipId)?.urgency, 'normal', 'the gambling tip is untouched');
  });

  it('opens a new tip for another kind of crime at the same place', async () => {
    const w = world();
    await receiveSms(sms('co song bac o hem 12 duong Tran Hung Dao phuong Cho Quan'), w);
    await classifyTip(w.queue.sent[0]!, { ...w, classifier: createClassifier({ pack: 'hcmc-2025' }) });
    const robbery = await receiveSms(sms('vua xay ra cuop giat dien thoai o day, 2 thanh nien chay xe SH'), w);
    assert.ok(robbery.kind === 'tip');
    assert.equal(robbery.newMatter, 'new_crime');
  });

  it('adds more about the same thing to the tip, raises its urgency when the danger is now, and marks that the tipster wrote', async () => {
    const w = world();
    const first = await receiveSms(sms('co nguoi ban ma tuy o hem 45 Le Van Sy phuong Ban Co'), w);
    await classifyTip(w.queue.sent[0]!, { ...w, classifier: createClassifier({ pack: 'hcmc-2025' }) });
    assert.ok(first.kind === 'tip');
    assert.equal(w.tips.tips.get(first.tipId)?.urgency, 'normal');
    w.clock.advance(60_000);
    const more = await receiveSms(sms('bon no dang giao ma tuy ngay bay gio'), w);
    assert.equal(more.kind, 'follow_up');
    const tip = w.tips.tips.get(first.tipId);
    assert.deepEqual([tip?.urgency, tip?.tipsterWroteAt], ['high', '2026-11-25T03:01:00.000Z']);
    const event = w.tips.storedEvents(first.tipId).find((e) => e.type === 'TIPSTER_MESSAGE');
    assert.deepEqual([event?.text, event?.before?.urgency, event?.after?.urgency, event?.channel], ['bon no dang giao ma tuy ngay bay gio', 'normal', 'high', 'sms']);
    w.clock.advance(60_000);
    assert.equal((await receiveSms(sms('them: nguoi ban mac ao xanh'), w)).kind, 'follow_up');
    assert.equal(w.tips.tips.get(first.tipId)?.urgency, 'high', 'a calmer follow-up never lowers it');
  });

  it('takes a place named after a tip that had none as a clarification', async () => {
    const w = world();
    const first = await receiveSms(sms('co nguoi ban ma tuy trong hem nha toi'), w);
    await classifyTip(w.queue.sent[0]!, { ...w, classifier: createClassifier({ pack: 'hcmc-2025' }) });
    assert.equal(w.tips.tips.get((first as { tipId: string }).tipId)?.unit, null);
    assert.equal((await receiveSms(sms('o phuong Ban Co, hem 45 Le Van Sy'), w)).kind, 'follow_up');
  });

  it('never joins a closed tip', async () => {
    const w = world();
    const first = await receiveSms(sms('co nguoi ban ma tuy o hem 12'), w);
    await classifyTip(w.queue.sent[0]!, { ...w, classifier: explicitOnlyClassifier(testPack) });
    assert.ok(first.kind === 'tip');
    const stored = w.tips.tips.get(first.tipId)!;
    w.tips.tips.set(first.tipId, { ...stored, status: 'RESOLVED' });
    w.clock.advance(60_000);
    assert.equal((await receiveSms(sms('them thong tin'), w)).kind, 'tip');
  });

  it('keeps but flags tips over the hourly limit, with a polite reply', async () => {
    // A one-minute window, so that messages two minutes apart are new tips, not follow-ups.
    const w = { ...world(), settings: { followUpWindowMinutes: 1, rateLimitPerHour: 3 } };
    const outcomes = [];
    for (let index = 0; index < 5; index += 1) {
      outcomes.push(await receiveSms(sms(`tin bao so ${index} o quan ${index + 1}`), w));
      w.clock.advance(2 * 60_000);
    }
    assert.equal(w.queue.sent.length, 5, 'every tip is kept');
    assert.ok(outcomes.every((outcome) => outcome.kind === 'tip'));
    assert.deepEqual(outcomes.map((outcome) => outcome.kind === 'tip' && outcome.flagged), [false, false, false, true, true]);
    assert.deepEqual(w.queue.sent.map((envelope) => envelope.flags ?? []), [[], [], [], ['rate_limited'], ['rate_limited']]);
    w.clock.advance(60 * 60_000);
    const later = await receiveSms(sms('mot tin bao sau mot gio'), w);
    assert.ok(later.kind === 'tip' && !later.flagged, 'the limit is per hour');
    const flaggedOutcome = outcomes.find((outcome) => outcome.kind === 'tip' && outcome.flagged);
    assert.ok(flaggedOutcome?.reply && !/ma bi mat/.test(flaggedOutcome.reply), 'the polite reply is not an acknowledgement');
  });

  it('answers TT only to the number that sent the tip', async () => {
    const w = world();
    const tip = await receiveSms(sms('co nguoi ban ma tuy o hem 12 quan 3'), w);
    assert.ok(tip.kind === 'tip');
    const mine = await receiveSms(sms(`TT ${tip.trackingCode}`), w);
    const theirs = await receiveSms(sms(`TT ${tip.trackingCode}`, '+84909999999'), w);
    assert.match(String(mine.reply), /dang phan loai/);
    assert.doesNotMatch(String(theirs.reply), /dang phan loai/);
    assert.equal(theirs.kind, 'status');
  });

  it('names the unit holding the tip once it is routed, on the map of its pack', async () => {
    const w = world();
    const tip = await receiveSms(sms('co nguoi ban ma tuy o hem 45 Le Van Sy'), w);
    assert.ok(tip.kind === 'tip');
    await classifyTip(w.queue.sent[0]!, { ...w, classifier: explicitOnlyClassifier(testPack) });
    const atDesk = await receiveSms(sms(`TT ${tip.trackingCode}`), w);
    assert.match(String(atDesk.reply), /dang cho xu ly\. Don vi: Truc ban Cong an Thanh pho Ho Chi Minh\./);
    const stored = w.tips.stored(tip.tipId);
    w.tips.tips.set(tip.tipId, { ...stored, pack: testPack, unit: exampleUnit, queue: exampleUnit, status: 'ASSIGNED' });
    const inUnit = await receiveSms(sms(`TT ${tip.trackingCode}`), w);
    assert.match(String(inUnit.reply), /da giao can bo\. Don vi: Phuong Ban Co\./);
    w.tips.tips.set(tip.tipId, { ...stored, pack: 'hcmc-2021', unit: '770', queue: '770', status: 'ASSIGNED' });
    const onOldMap = await receiveSms(sms(`TT ${tip.trackingCode}`), w);
    assert.match(String(onOldMap.reply), /da giao can bo\. Don vi: Quan 3\./);
  });

  it('after HUY answers only a new report (with its code, the one way to follow it up), and resumes after BAT', async () => {
    const w = world();
    const stop = await receiveSms(sms('STOP'), w);
    assert.equal(stop.kind, 'stop');
    assert.ok(stop.reply);
    const tip = await receiveSms(sms('co danh bac o quan 8'), w);
    assert.equal(tip.kind, 'tip', 'an opted-out sender can still report');
    assert.ok(tip.kind === 'tip' && String(tip.reply).includes(tip.trackingCode), 'the new report is answered with its code');
    assert.equal((await receiveSms(sms('nguoi danh bac mac ao xanh'), w)).reply, null, 'a follow-up is not confirmed after HUY');
    assert.equal((await receiveSms(sms(`TT ${tip.kind === 'tip' ? tip.trackingCode : ''}`), w)).reply, null, 'nor a status question');
    assert.equal((await receiveSms(sms('huỷ'), w)).reply, null, 'a second HUY is not confirmed again');
    const start = await receiveSms(sms('BAT'), w);
    assert.ok(start.reply);
    assert.ok((await receiveSms(sms(`TT ${tip.kind === 'tip' ? tip.trackingCode : ''}`), w)).reply);
  });

  it('asks for what, where and when instead of opening a tip for a greeting, a test or a word', async () => {
    for (const text of ['hi', 'alo', 'Alô alô', 'test', 'TG test', 'xin chào', 'ok', 'cướp!', '???', 'Chào anh chị ạ', 'hello, hello?']) {
      const w = world();
      const outcome = await receiveSms(sms(text), w);
      assert.equal(outcome.kind, 'too_short', text);
      assert.match(String(outcome.reply), /chuyen gi, o dau, khi nao/);
      assert.equal(w.queue.sent.length, 0, `${text}: no tip, so no register number`);
    }
  });

  it('still takes a terse tip that says what and where, with or without diacritics', async () => {
    for (const text of ['cuop o cho ben thanh', 'Ma túy hẻm 45 LVS', 'danh nhau p Ban Co']) {
      const w = world();
      assert.equal((await receiveSms(sms(text), w)).kind, 'tip', text);
    }
  });

  it('lets a short message join the open tip as a follow-up', async () => {
    const w = world();
    await receiveSms(sms('Có người bán ma túy trong hẻm 45 Lê Văn Sỹ'), w);
    assert.equal((await receiveSms(sms('ok cảm ơn'), w)).kind, 'follow_up');
  });

  it('answers an empty tip with how to write one', async () => {
    const w = world();
    const outcome = await receiveSms(sms('TG   '), w);
    assert.equal(outcome.kind, 'empty');
    assert.equal(w.queue.sent.length, 0);
  });
});
