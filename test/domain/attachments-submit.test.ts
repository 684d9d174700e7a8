/**
 * A web tip with files: intake opens one slot per file before the tip is queued, answers one
 * presigned POST per file, and tells the classifier the tip has files; the classifier takes the
 * point of a photo scanned before it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { evidenceKey, type Attachment } from '../../shared/attachments/attachment.ts';
import { createClassifier } from '../../shared/classification/engine.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { decodeEnvelope, encodeEnvelope } from '../../shared/tip/envelope.ts';
import { parseOrThrow, webSubmissionSchema } from '../../shared/tip/submission.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { classifyTip } from '../../shared/usecases/classify-tip.ts';
import { submitTip } from '../../shared/usecases/submit-tip.ts';
import { fakeUploadSigner, fixedClock, memoryAttachmentStore, memoryCodes, memoryQueue, sequentialIds } from '../support/fakes.ts';
import { memoryTips, otherUnit, testPack } from '../support/tip-fakes.ts';

const hasher = createSecretHasher('a pepper long enough for tests');
const text = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ';
const files = [
  { fileName: 'hem-45.jpg', contentType: 'image/jpeg', size: 1_200_000 },
  { fileName: 'clip.mov', contentType: '', size: 24_000_000 },
];

function world(options: { queueFails?: Error; signerFails?: Error; wired?: boolean } = {}) {
  const store = memoryAttachmentStore();
  const signer = fakeUploadSigner(options.signerFails ? { fail: options.signerFails } : {});
  return {
    queue: memoryQueue(options.queueFails ? { fail: options.queueFails } : {}),
    codes: memoryCodes(),
    hasher,
    clock: fixedClock('2026-11-25T03:00:00.000Z'),
    ids: sequentialIds(),
    retentionDays: 1825,
    store,
    signer,
    ...((options.wired ?? true) && { attachments: { store, signer } }),
  };
}

const submission = (input: Record<string, unknown>) => parseOrThrow(webSubmissionSchema(jurisdiction(testPack)), input);

describe('submitTip with files', () => {
  it('opens one slot per file for the tip, answers one upload each, and names the slots in the envelope', async () => {
    const w = world();
    const accepted = await submitTip(submission({ text, attachments: files }), 'web', w);
    const slots = [...w.store.records.values()];
    assert.deepEqual(
      slots.map(({ tipId, fileName, contentType, size, status, createdAt, uploadBy }) => ({ tipId, fileName, contentType, size, status, createdAt, uploadBy })),
      [
        { tipId: accepted.tipId, fileName: 'hem-45.jpg', contentType: 'image/jpeg', size: 1_200_000, status: 'pending', createdAt: '2026-11-25T03:00:00.000Z', uploadBy: '2026-11-25T04:00:00.000Z' },
        { tipId: accepted.tipId, fileName: 'clip.mov', contentType: 'video/quicktime', size: 24_000_000, status: 'pending', createdAt: '2026-11-25T03:00:00.000Z', uploadBy: '2026-11-25T04:00:00.000Z' },
      ],
    );
    assert.equal(new Set([accepted.tipId, ...slots.map((slot) => slot.id)]).size, 3, 'every id is its own');
    // The slots live as long as their tip.
    assert.equal(w.store.expiries.get(accepted.tipId)?.toISOString(), new Date(Date.parse('2026-11-25T03:00:00.000Z') + 1825 * 86_400_000).toISOString());

    assert.deepEqual(
      accepted.uploads?.map((upload) => ({ id: upload.id, key: upload.fields.key, expiresAt: upload.expiresAt })),
      slots.map((slot) => ({ id: slot.id, key: evidenceKey('incoming', accepted.tipId, slot.id), expiresAt: '2026-11-25T04:00:00.000Z' })),
    );
    const [envelope] = w.queue.sent;
    assert.deepEqual(envelope?.attachments, slots.map((slot) => slot.id));
    assert.deepEqual(decodeEnvelope(encodeEnvelope(envelope!)).attachments, envelope?.attachments, 'the ids survive the queue');
  });

  it('opens the slots before the tip is queued, so a scan always finds its slot', async () => {
    const w = world();
    let slotsWhenQueued = -1;
    const queue = { send: async () => void (slotsWhenQueued = w.store.records.size) };
    await submitTip(submission({ text, attachments: files }), 'web', { ...w, queue });
    assert.equal(slotsWhenQueued, 2);
  });

  it('answers no uploads and opens nothing for a tip without files', async () => {
    const w = world();
    const accepted = await submitTip(submission({ text }), 'web', w);
    assert.ok(!('uploads' in accepted));
    assert.equal(w.store.calls.open, 0);
    assert.ok(!('attachments' in w.queue.sent[0]!));
    const empty = await submitTip(submission({ text, attachments: [] }), 'web', w);
    assert.ok(!('uploads' in empty));
  });

  it('releases the code when the slots cannot be opened or signed, and queues nothing', async () => {
    const signing = world({ signerFails: new Error('signer down') });
    await assert.rejects(submitTip(submission({ text, attachments: files }), 'web', signing), /signer down/);
    assert.equal(signing.codes.records.size, 0);
    assert.equal(signing.queue.sent.length, 0);

    const storing = world();
    const store = { open: async () => Promise.reject(new Error('table down')) };
    await assert.rejects(submitTip(submission({ text, attachments: files }), 'web', { ...storing, attachments: { store, signer: storing.signer } }), /table down/);
    assert.equal(storing.codes.records.size, 0);
  });

  it('releases the code when the queue refuses a tip with files', async () => {
    const w = world({ queueFails: new Error('queue down') });
    await assert.rejects(submitTip(submission({ text, attachments: files }), 'web', w), /queue down/);
    assert.equal(w.codes.records.size, 0);
  });

  it('treats files without a store and signer as a wiring mistake, not a refusal', async () => {
    const w = world({ wired: false });
    await assert.rejects(submitTip(submission({ text, attachments: files }), 'web', w), (error: unknown) => error instanceof Error && error.constructor === Error && /no attachment store/.test(error.message));
    assert.equal(w.codes.records.size, 0);
  });
});

describe('classifyTip and a photo scanned first', () => {
  const classifier = createClassifier({ pack: testPack });
  const neutral = 'Có người lạ đáng ngờ ở đây, nhờ công an kiểm tra giúp';
  const [lon, lat] = jurisdiction(testPack).findUnit(otherUnit)!.label;

  async function classified(options: { scanned: Partial<Attachment>[]; declared?: boolean; lookup?: boolean }) {
    const w = world();
    const accepted = await submitTip(submission({ text: neutral, attachments: options.scanned.map((_, index) => ({ fileName: `${index}.jpg`, contentType: 'image/jpeg', size: 10 })) }), 'web', w);
    for (const [index, slot] of [...w.store.records.values()].entries()) {
      w.store.records.set(`${slot.tipId}/${slot.id}`, { ...slot, ...options.scanned[index] });
    }
    const envelope = options.declared === false ? { ...w.queue.sent[0]!, attachments: undefined } : w.queue.sent[0]!;
    const tips = memoryTips();
    const listed: string[] = [];
    const attachments = { get: async (tipId: string, attachmentId: string) => (listed.push(tipId), w.store.get(tipId, attachmentId)) };
    const result = await classifyTip(envelope, { classifier, tips, clock: w.clock, retentionDays: 1825, ...(options.lookup !== false && { attachments }) });
    return { routing: result.tip.routing, listed, tipId: accepted.tipId };
  }

  it('routes by the first clean photo with a point, weighed as a photo', async () => {
    const { routing } = await classified({
      scanned: [{ status: 'quarantined', quarantineReason: 'typeMismatch' }, { status: 'clean' }, { status: 'clean', photoLocation: { lat, lon } }, { status: 'clean', photoLocation: { lat: 10.8, lon: 106.7 } }],
    });
    assert.equal(routing.unit, otherUnit);
    assert.equal(routing.method, 'gps');
    assert.deepEqual(routing.evidence, { kind: 'point', lat, lon, source: 'photo' });
    assert.ok(routing.confidence >= 0.6 && routing.confidence < 0.97, String(routing.confidence));
  });

  it('routes as before while no photo is scanned, and reads nothing for a tip without files', async () => {
    assert.equal((await classified({ scanned: [{ status: 'pending' }] })).routing.unit, null);
    const undeclared = await classified({ scanned: [{ status: 'clean', photoLocation: { lat, lon } }], declared: false });
    assert.equal(undeclared.routing.unit, null);
    assert.deepEqual(undeclared.listed, []);
    assert.equal((await classified({ scanned: [{ status: 'clean', photoLocation: { lat, lon } }], lookup: false })).routing.unit, null);
  });
});
