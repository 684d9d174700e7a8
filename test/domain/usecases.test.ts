import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { explicitOnlyClassifier } from '../../shared/classification/explicit-only.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { jurisdiction, type Jurisdiction } from '../../shared/jurisdictions/index.ts';
import { parseOrThrow, webSubmissionSchema } from '../../shared/tip/submission.ts';
import { createSecretHasher, type TrackingCode } from '../../shared/tip/tracking-code.ts';
import { classifyTip } from '../../shared/usecases/classify-tip.ts';
import { getTipStatus } from '../../shared/usecases/get-tip-status.ts';
import { submitTip } from '../../shared/usecases/submit-tip.ts';
import { fixedClock, memoryCodes, memoryQueue, sequentialIds } from '../support/fakes.ts';
import { exampleUnit, memoryTips, otherUnit, testPack } from '../support/tip-fakes.ts';

const hasher = createSecretHasher('a pepper long enough for tests');
const text = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ';

/** The map in force, which the tips of these tests are routed on unless a test says otherwise. */
const inForce = jurisdiction(testPack);

/** A web submission, validated for the pack as the intake function validates it. */
function submission(input: Record<string, unknown>, pack: Jurisdiction = inForce) {
  return parseOrThrow(webSubmissionSchema(pack), input);
}

function world(options: { queueFails?: Error; pack?: Jurisdiction } = {}) {
  return {
    queue: memoryQueue(options.queueFails ? { fail: options.queueFails } : {}),
    codes: memoryCodes(),
    tips: memoryTips(),
    hasher,
    clock: fixedClock('2026-11-25T03:00:00.000Z'),
    ids: sequentialIds(),
    retentionDays: 1825,
    classifier: explicitOnlyClassifier((options.pack ?? inForce).id),
  };
}

describe('submitTip', () => {
  it('queues the tip and returns a code and secret whose hash alone is kept', async () => {
    const w = world();
    const accepted = await submitTip(submission({ text, unit: exampleUnit }), 'web', w);
    assert.equal(w.queue.sent.length, 1);
    const [envelope] = w.queue.sent;
    assert.equal(envelope?.trackingCode, accepted.trackingCode);
    assert.equal(envelope?.v, 2);
    assert.deepEqual(envelope?.submission, { text, unit: exampleUnit, language: 'vi' });
    assert.equal(envelope?.receivedAt, '2026-11-25T03:00:00.000Z');
    const record = w.codes.records.get(accepted.trackingCode);
    assert.equal(record?.tipId, accepted.tipId);
    assert.ok(record && hasher.matches(accepted.secret, record.secretHash));
    assert.ok(!JSON.stringify([...w.codes.records.values()]).includes(accepted.secret), 'the secret itself is never stored');
  });

  it('picks another code when the first is taken', async () => {
    const w = world();
    const codes = ['TB-0000-0000', 'TB-0000-0000', 'TB-1111-1111'] as TrackingCode[];
    const first = await submitTip(submission({ text }), 'web', { ...w, newTrackingCode: () => codes.shift()! });
    const second = await submitTip(submission({ text }), 'web', { ...w, newTrackingCode: () => codes.shift()! });
    assert.equal(first.trackingCode, 'TB-0000-0000');
    assert.equal(second.trackingCode, 'TB-1111-1111');
    assert.equal(w.codes.records.size, 2);
  });

  it('gives up after repeated clashes instead of looping', async () => {
    const w = world();
    await w.codes.reserve({ trackingCode: 'TB-0000-0000', tipId: 'x', secretHash: 'x', receivedAt: 'x' }, new Date());
    await assert.rejects(
      submitTip(submission({ text }), 'web', { ...w, newTrackingCode: () => 'TB-0000-0000' as TrackingCode }),
      /No free tracking code/,
    );
    assert.equal(w.queue.sent.length, 0);
  });

  it('releases the code when the queue refuses the tip, and fails loudly', async () => {
    const w = world({ queueFails: new Error('queue down') });
    await assert.rejects(submitTip(submission({ text }), 'web', w), /queue down/);
    assert.equal(w.codes.records.size, 0);
  });

  it('passes contact details on only with consent', async () => {
    const w = world();
    await submitTip(submission({ text, contactOptIn: true, contact: 'a@b.vn' }), 'web', w);
    assert.equal(w.queue.sent[0]?.submission.contact, 'a@b.vn');
  });
});

describe('classifyTip', () => {
  async function queued(input: Record<string, unknown>, pack: Jurisdiction = inForce) {
    const w = world({ pack });
    await submitTip(submission({ text, ...input }, pack), 'web', w);
    return { w, envelope: w.queue.sent[0]! };
  }

  it('routes an explicit unit, starts the tip as NEW and sets the 20-day deadline', async () => {
    const { w, envelope } = await queued({ unit: exampleUnit, category: 'drugs' });
    w.clock.advance(1500);
    const { tip, outcome } = await classifyTip(envelope, w);
    assert.equal(outcome, 'created');
    assert.equal(tip.pack, 'hcmc-2025');
    assert.equal(tip.unit, exampleUnit);
    assert.equal(tip.requestedUnit, exampleUnit);
    assert.equal(tip.routing.pack, 'hcmc-2025');
    assert.equal(tip.routing.unit, exampleUnit);
    assert.equal(tip.routing.method, 'explicit');
    assert.equal(tip.category, 'drugs');
    assert.equal(tip.status, 'NEW');
    assert.equal(tip.receivedAt, '2026-11-25T03:00:00.000Z');
    assert.equal(tip.classifiedAt, '2026-11-25T03:00:01.500Z');
    assert.equal(tip.dueAt, '2026-12-15T03:00:00.000Z');
  });

  it('stores the tip in the queue of its unit with the first number of its register', async () => {
    const { w, envelope } = await queued({ unit: exampleUnit });
    const { tip } = await classifyTip(envelope, w);
    const stored = w.tips.stored(tip.id);
    assert.equal(stored.queue, exampleUnit);
    assert.equal(stored.version, 1);
    assert.equal(stored.registerNumber, `${exampleUnit}/2026/000001`);
  });

  it('routes a code of the old map on a deployment of the old pack', async () => {
    const { w, envelope } = await queued({ unit: '770' }, jurisdiction('hcmc-2021'));
    const { tip } = await classifyTip(envelope, w);
    assert.equal(tip.pack, 'hcmc-2021');
    assert.equal(tip.unit, '770');
    assert.equal(tip.routing.method, 'explicit');
  });

  it('sends a tip without a unit to the city desk', async () => {
    const { w, envelope } = await queued({});
    const { tip } = await classifyTip(envelope, w);
    assert.equal(tip.pack, 'hcmc-2025');
    assert.equal(tip.unit, null);
    assert.equal(tip.routing.method, 'none');
    assert.equal(tip.category, 'other');
    assert.equal(w.tips.stored(tip.id).queue, 'CITY');
  });

  it('stores a tip once when its message arrives twice', async () => {
    const { w, envelope } = await queued({ unit: otherUnit });
    assert.equal((await classifyTip(envelope, w)).outcome, 'created');
    assert.equal((await classifyTip(envelope, w)).outcome, 'duplicate');
    assert.equal(w.tips.tips.size, 1);
  });
});

describe('getTipStatus', () => {
  async function classified(input: Record<string, unknown>, pack: Jurisdiction = inForce) {
    const w = world({ pack });
    const accepted = await submitTip(submission({ text, ...input }, pack), 'web', w);
    return { w, accepted, classify: () => classifyTip(w.queue.sent[0]!, w) };
  }

  it('says RECEIVED before classification and names the unit after it', async () => {
    const { w, accepted, classify } = await classified({ unit: exampleUnit });
    const before = await getTipStatus({ code: accepted.trackingCode, secret: accepted.secret }, w);
    assert.deepEqual(before, { trackingCode: accepted.trackingCode, status: 'RECEIVED', unit: null });
    await classify();
    const after = await getTipStatus({ code: accepted.trackingCode.toLowerCase(), secret: accepted.secret }, w);
    assert.deepEqual(after, { trackingCode: accepted.trackingCode, status: 'NEW', unit: { code: exampleUnit, name: 'Phường Bàn Cờ' } });
    const english = await getTipStatus({ code: accepted.trackingCode, secret: accepted.secret, language: 'en' }, w);
    assert.equal(english.unit?.name, 'Ban Co Ward');
  });

  it('names the unit on the map of the tip\'s pack', async () => {
    const { w, accepted, classify } = await classified({ unit: '770' }, jurisdiction('hcmc-2021'));
    await classify();
    const view = await getTipStatus({ code: accepted.trackingCode, secret: accepted.secret }, w);
    assert.deepEqual(view.unit, { code: '770', name: 'Quận 3' });
    const english = await getTipStatus({ code: accepted.trackingCode, secret: accepted.secret, language: 'en' }, w);
    assert.equal(english.unit?.name, 'District 3');
  });

  it('names the city duty desk for an unrouted tip', async () => {
    const { w, accepted, classify } = await classified({});
    await classify();
    const view = await getTipStatus({ code: accepted.trackingCode, secret: accepted.secret }, w);
    assert.equal(view.unit?.code, 'CITY');
    assert.match(view.unit?.name ?? '', /Trực ban/);
  });

  it('fails the same way for a wrong code and a wrong secret', async () => {
    const { w, accepted, classify } = await classified({ unit: exampleUnit });
    await classify();
    const wrongSecret = getTipStatus({ code: accepted.trackingCode, secret: '0000-0000-0000-0000' }, w);
    const wrongCode = getTipStatus({ code: 'TB-0000-0000', secret: accepted.secret }, w);
    const [secretError, codeError] = await Promise.all([wrongSecret.catch((e: unknown) => e), wrongCode.catch((e: unknown) => e)]);
    assert.ok(secretError instanceof NotFoundError && codeError instanceof NotFoundError);
    assert.equal(secretError.message, codeError.message);
  });

  it('refuses a malformed code or secret with a field reason', async () => {
    const { w } = await classified({});
    await assert.rejects(getTipStatus({ code: 'TB-123', secret: 'abc' }, w), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(error.issues.map((issue) => [issue.field, issue.reason]), [['code', 'badTrackingCode'], ['secret', 'badSecret']]);
      return true;
    });
  });
});
