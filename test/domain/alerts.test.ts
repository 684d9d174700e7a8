/**
 * Urgent alerts, the domain (shared/alerts, shared/usecases/alert-urgent-tip.ts and the console's
 * feed), with the in-memory ledger and publisher: which changes alert, what an alert says and
 * never says, once per tip and urgency however often a change comes, and who sees which alert.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { alertClaimStaleSeconds, alertFor, alertMessage, alertsOn, consoleTipUrl } from '../../shared/alerts/alert.ts';
import { AlertInFlightError } from '../../shared/alerts/ports.ts';
import { cityDesk, cityDeskQueue } from '../../shared/jurisdictions/index.ts';
import { urgencies } from '../../shared/classification/types.ts';
import { tipStatuses } from '../../shared/tip/tip.ts';
import { alertUrgentTip } from '../../shared/usecases/alert-urgent-tip.ts';
import { listAlerts } from '../../shared/usecases/officers/alerts.ts';
import { ValidationError } from '../../shared/errors.ts';
import { memoryAlertLedger, recordingPublisher } from '../support/alert-fakes.ts';
import { fixedClock } from '../support/fakes.ts';
import { officers, storedTip } from '../support/tip-fakes.ts';

const consoleUrl = 'https://console.example.vn/console/';
const urgent = storedTip({ urgency: 'high', text: 'Cướp giật vừa xảy ra, nạn nhân bị đâm, 0903123456 gọi lại', contact: '0903123456', sender: { pseudonym: 'p-123', alias: 'SMS-7', provider: 'gateway' } });

function world(options: { fail?: Error } = {}) {
  const clock = fixedClock('2026-12-01T08:00:00.000Z');
  return { ledger: memoryAlertLedger(), publisher: recordingPublisher(options), clock, consoleUrl };
}

describe('which changes alert', () => {
  it('alerts a tip stored at high urgency, or raised to it, and nothing else', () => {
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...urgencies), { nil: undefined }), fc.constantFrom(...urgencies), fc.constantFrom(...tipStatuses), (before, after, status) => {
        const expected = after === 'high' && before !== 'high' && status !== 'RESOLVED' && status !== 'REJECTED';
        assert.equal(alertsOn(before === undefined ? undefined : { urgency: before }, { urgency: after, status }), expected);
      }),
    );
  });
});

describe('what an alert says', () => {
  it('names the code, category, unit, time and the console link, in Vietnamese first and English', () => {
    const message = alertMessage(alertFor(urgent, new Date('2026-12-01T08:00:05Z')), consoleUrl);
    assert.match(message.subject, /^\[KHẨN\] Tin báo TB-7Q4K-9XPD: Ma túy – /u);
    const [vi, en, link] = message.text.split('\n');
    assert.match(vi ?? '', /^TIN BÁO KHẨN TB-7Q4K-9XPD: Ma túy, .+, nhận lúc 10:00 20\/11\.$/u, 'the time in Ho Chi Minh City');
    assert.match(en ?? '', /^Urgent tip TB-7Q4K-9XPD: Drugs, .+, received 10:00 20\/11\.$/u);
    assert.equal(link, `${consoleUrl}#/tip/${urgent.id}`);
    assert.deepEqual(message.attributes, { queue: urgent.queue, pack: urgent.pack, urgency: 'high', category: 'drugs' });
  });

  it('carries nothing of the tip text or of the tipster, whatever they are', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, contact) => {
        // Markers no alert could hold by chance: only the tip's own text and contact have them.
        const tip = { ...urgent, text: `QZXTEXT${text}`, contact: `QZXCONTACT${contact}`, sender: { pseudonym: 'QZXPSEUDONYM', alias: 'QZXALIAS' } };
        const alert = alertFor(tip, new Date());
        assert.deepEqual(Object.keys(alert).sort(), ['category', 'pack', 'queue', 'receivedAt', 'sentAt', 'tipId', 'trackingCode', 'urgency']);
        assert.ok(!JSON.stringify(alertMessage(alert, consoleUrl)).includes('QZX'));
      }),
    );
  });

  it("names the city desk for a tip it holds, and the console's tip address without a stale fragment", () => {
    const desk = storedTip({ urgency: 'high', queue: cityDeskQueue });
    const message = alertMessage(alertFor(desk, new Date()), consoleUrl);
    assert.equal(message.attributes.queue, cityDeskQueue);
    assert.ok(message.subject.endsWith(cityDesk.name) && message.text.includes(cityDesk.nameEn));
    assert.equal(consoleTipUrl('https://x.vn/console/#/queue', 'T1'), 'https://x.vn/console/#/tip/T1');
  });
});

describe('once per tip and urgency', () => {
  it('sends once however often the same change comes, and lists it in the feed', async () => {
    const deps = world();
    assert.equal(await alertUrgentTip({ after: urgent }, deps), 'sent');
    assert.equal(await alertUrgentTip({ after: urgent }, deps), 'already_sent');
    assert.equal(await alertUrgentTip({ before: { ...urgent, urgency: 'normal' }, after: urgent }, deps), 'already_sent');
    assert.equal(deps.publisher.published.length, 1);
    assert.equal(deps.ledger.feed.length, 1);
  });

  it('sends nothing for a change that does not make the tip urgent', async () => {
    const deps = world();
    assert.equal(await alertUrgentTip({ before: urgent, after: { ...urgent, status: 'ASSIGNED', version: 2 } }, deps), 'none');
    assert.equal(await alertUrgentTip({ after: { ...urgent, urgency: 'normal' } }, deps), 'none');
    assert.equal(deps.publisher.published.length, 0);
  });

  it('gives the claim back when publishing fails, so the retry sends it', async () => {
    const failing = world({ fail: new Error('SNS down') });
    await assert.rejects(alertUrgentTip({ after: urgent }, failing), /SNS down/);
    const retry = { ...failing, publisher: recordingPublisher() };
    assert.equal(await alertUrgentTip({ after: urgent }, retry), 'sent');
    assert.equal(retry.publisher.published.length, 1);
  });

  it('makes a delivery that meets another one sending wait, and takes over a claim left by one that died', async () => {
    const deps = world();
    await deps.ledger.begin(alertFor(urgent, deps.clock.now()), deps.clock.now());
    await assert.rejects(alertUrgentTip({ after: urgent }, deps), AlertInFlightError);
    deps.clock.advance(alertClaimStaleSeconds * 1000 + 1);
    assert.equal(await alertUrgentTip({ after: urgent }, deps), 'sent');
    assert.equal(deps.publisher.published.length, 1);
  });
});

describe("the console's feed", () => {
  it('shows an officer the alerts of their queues only, the desk every one, newest first', async () => {
    const deps = world();
    const other = storedTip({ id: '01JTIP00000000000000000002', trackingCode: 'TB-2222-3333', urgency: 'high', queue: cityDeskQueue });
    await alertUrgentTip({ after: urgent }, deps);
    deps.clock.advance(1000);
    await alertUrgentTip({ after: other }, deps);
    const feed = { alerts: deps.ledger, clock: deps.clock, jurisdiction: { id: urgent.pack } };
    const codes = async (officer: (typeof officers)[keyof typeof officers]) => (await listAlerts(officer, {}, feed)).alerts.map((alert) => alert.trackingCode);
    assert.deepEqual(await codes(officers.desk), ['TB-2222-3333', 'TB-7Q4K-9XPD']);
    assert.deepEqual(await codes(officers.unit), ['TB-7Q4K-9XPD']);
    const named = (await listAlerts(officers.unit, {}, feed)).alerts[0];
    assert.ok(named?.unitName && named.unitNameEn);
  });

  it("refuses a 'since' that is not a time, naming the field", async () => {
    const deps = world();
    await assert.rejects(listAlerts(officers.desk, { since: 'yesterday' }, { alerts: deps.ledger, clock: deps.clock, jurisdiction: { id: urgent.pack } }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.issues[0]?.field, 'since');
      return true;
    });
  });
});
