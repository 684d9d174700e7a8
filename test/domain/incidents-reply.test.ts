/**
 * Every tipster of an incident answered (shared/usecases/officers/incidents.ts replyToIncident,
 * through replyToTipster): a reply on the primary is stored on each report as a public message,
 * in one transaction, each tipster is notified, and the answer says what became of each.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { linkReport } from '../../shared/usecases/officers/incidents.ts';
import { getTip, replyToTipster } from '../../shared/usecases/officers/tips.ts';
import { officers } from '../support/tip-fakes.ts';
import { incidentWorld, numberedTip } from '../support/duplicate-fakes.ts';

const primary = numberedTip(1);
const smsReport = numberedTip(2, { channel: 'sms', sender: { pseudonym: 'p-2', alias: 'SMS-2222', provider: 'gateway' } });
const webReport = numberedTip(3, { tipsterWroteAt: '2026-11-24T00:00:00.000Z' });

async function incident(options: Parameters<typeof incidentWorld>[0] = {}) {
  const w = incidentWorld(options);
  for (const tip of [primary, smsReport, webReport]) w.tips.put(tip);
  await linkReport(officers.unit, primary.id, smsReport.id, w);
  await linkReport(officers.unit, primary.id, webReport.id, w);
  return w;
}

const text = 'Cảm ơn bạn, công an phường đã đến kiểm tra.';

describe('a reply on an incident', () => {
  it('is a public message on the primary and on every report, written in one transaction, and reaches each tipster', async () => {
    const w = await incident();
    const writes = w.tips.calls.updateMany;
    // A report is in no queue: its incident's page says that its tipster waits for an answer.
    const awaiting = async () => (await getTip(officers.unit, primary.id, w)).reports.map((report) => [report.id, report.awaitingReply]);
    assert.deepEqual(await awaiting(), [[smsReport.id, false], [webReport.id, true]]);

    const reply = await replyToTipster(officers.unit, primary.id, { text }, w);

    assert.equal(w.tips.calls.updateMany, writes + 1);
    for (const tip of [primary, smsReport, webReport]) {
      const messages = w.tips.storedEvents(tip.id).filter((event) => event.type === 'OFFICER_MESSAGE');
      assert.equal(messages.length, 1, tip.id);
      assert.equal(messages[0]?.text, text);
      assert.equal(messages[0]?.public, true, 'the tipster reads it on the status page');
      assert.equal(messages[0]?.incidentId, tip.id === primary.id ? undefined : primary.id);
      assert.equal(w.tips.stored(tip.id).officerRepliedAt, '2026-11-25T03:00:00.000Z');
    }
    assert.deepEqual(
      w.notifier.sent.map((sent) => [sent.tipId, sent.channel, sent.text]).sort(),
      [
        [primary.id, 'web', text],
        [smsReport.id, 'sms', text],
        [webReport.id, 'web', text],
      ].sort(),
    );
    assert.equal(reply.delivered, false);
    assert.equal(reply.delivered === false && reply.reason, 'web_tip');
    assert.deepEqual(reply.reports, [
      { id: smsReport.id, trackingCode: smsReport.trackingCode, delivered: true },
      { id: webReport.id, trackingCode: webReport.trackingCode, delivered: false, reason: 'web_tip' },
    ]);
    assert.equal(reply.event.text, text);
    assert.deepEqual(await awaiting(), [[smsReport.id, false], [webReport.id, false]], 'answered');
  });

  it('is stored for everyone even when the SMS provider fails, and says so report by report', async () => {
    const w = await incident({ notifyFails: new Error('provider down') });
    const reply = await replyToTipster(officers.unit, primary.id, { text }, w);
    assert.deepEqual(
      reply.reports?.map((report) => [report.id, report.delivered, !report.delivered && report.reason]),
      [
        [smsReport.id, false, 'send_failed'],
        [webReport.id, false, 'send_failed'],
      ],
    );
    for (const tip of [primary, smsReport, webReport]) assert.equal(w.tips.storedEvents(tip.id).filter((event) => event.type === 'OFFICER_MESSAGE').length, 1);
  });

  it('on a report alone answers that report’s tipster only, as for any tip', async () => {
    const w = await incident();
    const reply = await replyToTipster(officers.unit, smsReport.id, { text }, w);
    assert.equal(reply.reports, undefined);
    assert.deepEqual(w.notifier.sent.map((sent) => sent.tipId), [smsReport.id]);
    assert.equal(w.tips.storedEvents(primary.id).filter((event) => event.type === 'OFFICER_MESSAGE').length, 0);
  });
});
