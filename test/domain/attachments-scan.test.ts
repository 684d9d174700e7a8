/**
 * The scan of each upload, branch by branch, with in-memory ports: clean files get an original
 * and a clean copy, files that are not what they claim are quarantined and flagged on the tip,
 * a slot takes one file once and only in time, and a redelivered notification changes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { attachmentStatus, attachmentView, evidenceKey } from '../../shared/attachments/attachment.ts';
import { scanUpload, TipNotYetStoredError } from '../../shared/usecases/attachments.ts';
import { eTagOf, fakeCleaner, withFakeGps } from '../support/fakes.ts';
import { attachmentWorld, files } from './attachment-world.ts';

const jpeg = { fileName: 'hem-45.jpg', contentType: 'image/jpeg', size: 1000 };
const pdf = { fileName: 'bien-ban.pdf', contentType: 'application/pdf', size: 1000 };
const png = { fileName: 'so-do.png', contentType: 'image/png', size: 1000 };

describe('scanning a clean upload', () => {
  it('keeps the original under the evidence key, stores the clean copy, records the scan and drops the upload', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    const bytes = withFakeGps(files.jpeg, { lat: 48.85, lon: 2.35 });
    const notification = w.upload(0, bytes);
    const outcome = await scanUpload(notification, w.deps);
    const slot = w.slot(0);
    assert.deepEqual(outcome, { outcome: 'clean', tipId: w.tipId, attachmentId: slot.id });

    const original = w.storage.objects.get(evidenceKey('original', w.tipId, slot.id));
    const clean = w.storage.objects.get(evidenceKey('clean', w.tipId, slot.id));
    assert.deepEqual(original, { bytes, contentType: 'image/jpeg', evidenceKey: true });
    assert.deepEqual(clean, { bytes: files.jpeg, contentType: 'image/jpeg', evidenceKey: false });
    assert.ok(!w.storage.objects.has(notification.key), 'the upload is gone from incoming/');

    assert.equal(slot.status, 'clean');
    assert.equal(slot.uploadETag, eTagOf(bytes));
    assert.equal(slot.detectedType, 'image/jpeg');
    assert.equal(slot.storedSize, bytes.length);
    assert.equal(slot.cleanSize, files.jpeg.length);
    assert.equal(slot.scannedAt, '2026-11-25T03:00:00.000Z');
    // A photo taken in Paris says nothing about where in the city the tip belongs.
    assert.equal(slot.photoLocation, undefined);
    assert.equal(w.tips.stored(w.tipId).version, 1, 'a clean file without a point changes nothing on the tip');
    assert.equal(attachmentView(slot, w.clock.now()).viewable, true);
  });

  it('takes PDFs and PNGs as they are declared', async () => {
    const w = await attachmentWorld([pdf, png]);
    w.storeTip();
    assert.equal((await w.scan(0, files.pdf)).outcome, 'clean');
    assert.equal((await w.scan(1, files.png)).outcome, 'clean');
    assert.deepEqual([w.slot(0).detectedType, w.slot(1).detectedType], ['application/pdf', 'image/png']);
  });

  it('needs no tip to record a clean file without a point (the classifier may still be working)', async () => {
    const w = await attachmentWorld([jpeg]);
    assert.equal((await w.scan(0, files.jpeg)).outcome, 'clean');
    assert.equal(w.slot(0).status, 'clean');
  });
});

describe('quarantine', () => {
  it('quarantines a script renamed .jpg, keeps it for evidence handlers only, and flags the tip once', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    const outcome = await w.scan(0, files.script);
    const slot = w.slot(0);
    assert.deepEqual(outcome, { outcome: 'quarantined', tipId: w.tipId, attachmentId: slot.id, reason: 'notAllowed' });
    assert.deepEqual(w.storage.objects.get(evidenceKey('quarantine', w.tipId, slot.id)), { bytes: files.script, contentType: 'application/octet-stream', evidenceKey: true });
    assert.ok(!w.storage.objects.has(evidenceKey('clean', w.tipId, slot.id)), 'officers get no copy');
    assert.equal(slot.quarantineReason, 'notAllowed');
    assert.equal(attachmentView(slot, w.clock.now()).viewable, false);

    const tip = w.tips.stored(w.tipId);
    assert.deepEqual(tip.flags, ['attachment_quarantined']);
    const events = w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_QUARANTINED');
    assert.deepEqual(
      events.map(({ attachmentId, reason, actor, public: visible }) => ({ attachmentId, reason, actor, visible })),
      [{ attachmentId: slot.id, reason: 'notAllowed', actor: 'system:scan', visible: false }],
    );
  });

  it('quarantines a file whose bytes are another allowed type than declared', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    assert.equal((await w.scan(0, files.png)).reason, 'typeMismatch');
    assert.equal(w.slot(0).detectedType, 'image/png');
    assert.equal(w.storage.objects.get(evidenceKey('quarantine', w.tipId, w.slot(0).id))?.contentType, 'image/png');
  });

  it('reads HEIF as HEIC, and quarantines what cannot be cleaned safely', async () => {
    const w = await attachmentWorld([{ fileName: 'IMG_0042.HEIC', contentType: 'image/heic', size: 1000 }]);
    w.storeTip();
    assert.equal((await w.scan(0, files.heic)).reason, 'cannotClean');
    assert.equal(w.slot(0).detectedType, 'image/heic');
    assert.ok(w.storage.objects.get(evidenceKey('quarantine', w.tipId, w.slot(0).id))?.evidenceKey);
  });

  it('quarantines a file that makes the cleaner fail, instead of retrying it forever', async () => {
    const w = await attachmentWorld([pdf], { cleaner: fakeCleaner({ throws: new Error('corrupt xref table') }) });
    w.storeTip();
    assert.equal((await w.scan(0, files.pdf)).reason, 'cannotClean');
  });

  it('quarantines an empty upload without keeping anything', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    assert.equal((await w.scan(0, new Uint8Array())).reason, 'empty');
    assert.deepEqual([...w.storage.objects.keys()], []);
  });

  it('checks the size again after upload: larger than declared is quarantined unread and not kept', async () => {
    const w = await attachmentWorld([{ ...jpeg, size: 20 }]);
    w.storeTip();
    const big = new Uint8Array(21).fill(0xff);
    const outcome = await w.scan(0, big);
    assert.equal(outcome.reason, 'tooLarge');
    assert.equal(w.slot(0).storedSize, 21);
    assert.deepEqual([...w.storage.objects.keys()], [], 'neither kept nor left in incoming/');
  });

  it('flags the tip once, with one event per quarantined file', async () => {
    const w = await attachmentWorld([jpeg, jpeg, pdf]);
    w.storeTip({ flags: ['rate_limited'] });
    await w.scan(0, files.script);
    await w.scan(1, files.pdf);
    await w.scan(2, files.pdf);
    const tip = w.tips.stored(w.tipId);
    assert.deepEqual(tip.flags, ['rate_limited', 'attachment_quarantined']);
    assert.deepEqual(tip.quarantinedAttachments, [w.slot(0).id, w.slot(1).id]);
    assert.deepEqual(
      w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_QUARANTINED').map((event) => [event.attachmentId, event.reason]),
      [
        [w.slot(0).id, 'notAllowed'],
        [w.slot(1).id, 'typeMismatch'],
      ],
    );
  });

  it('asks for a retry while the tip is not stored, then notes the quarantine on the retry', async () => {
    const w = await attachmentWorld([jpeg]);
    const notification = w.upload(0, files.script);
    await assert.rejects(scanUpload(notification, w.deps), TipNotYetStoredError);
    assert.equal(w.slot(0).status, 'quarantined', 'the record is finished before the tip step');
    w.storeTip();
    assert.deepEqual(await scanUpload(notification, w.deps), { outcome: 'done', tipId: w.tipId, attachmentId: w.slot(0).id });
    assert.deepEqual(w.tips.stored(w.tipId).flags, ['attachment_quarantined']);
    assert.equal(w.store.calls.finish, 1, 'the retry goes straight to the tip step');
  });
});

describe('one file per slot, in time', () => {
  it('handles a redelivered notification idempotently: same record, same copies, one event', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    const notification = w.upload(0, files.script);
    await scanUpload(notification, w.deps);
    const record = w.slot(0);
    const objects = new Map(w.storage.objects);
    const version = w.tips.stored(w.tipId).version;
    assert.deepEqual((await scanUpload(notification, w.deps)).outcome, 'done');
    assert.deepEqual(w.slot(0), record);
    assert.deepEqual(w.storage.objects, objects);
    assert.equal(w.tips.stored(w.tipId).version, version);
    assert.equal(w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_QUARANTINED').length, 1);
  });

  it('finishes a scan that stopped before deleting the upload, without scanning again', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    const notification = w.upload(0, files.jpeg);
    await scanUpload(notification, w.deps);
    // The scan stopped after recording, before the delete: the same upload is still in incoming/.
    w.storage.upload(notification.key, files.jpeg);
    const cleanedBefore = (w.deps.cleaner as ReturnType<typeof fakeCleaner>).cleaned.length;
    assert.equal((await scanUpload(notification, w.deps)).outcome, 'done');
    assert.ok(!w.storage.objects.has(notification.key));
    assert.equal((w.deps.cleaner as ReturnType<typeof fakeCleaner>).cleaned.length, cleanedBefore);
  });

  it('carries on a scan that stopped after binding the upload', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    const notification = w.upload(0, files.jpeg);
    assert.equal(await w.store.bind(w.tipId, w.slot(0).id, notification.eTag), 'bound');
    assert.equal((await scanUpload(notification, w.deps)).outcome, 'clean');
  });

  it('refuses a second file posted to a slot that took one, and keeps the first', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    await w.scan(0, files.jpeg);
    const first = w.slot(0);
    const second = w.upload(0, withFakeGps(files.jpeg, { lat: 10.77, lon: 106.69 }));
    assert.deepEqual(await scanUpload(second, w.deps), { outcome: 'refused', tipId: w.tipId, attachmentId: first.id, reason: 'slotTaken' });
    assert.ok(!w.storage.objects.has(second.key), 'the second file is deleted');
    assert.deepEqual(w.storage.objects.get(evidenceKey('clean', w.tipId, first.id))?.bytes, files.jpeg);
    assert.deepEqual({ ...w.slot(0), refusedUploads: undefined }, { ...first, refusedUploads: undefined });
    assert.equal(w.slot(0).refusedUploads, 1);
  });

  it('refuses an upload after the slot closed, and the slot shows as expired', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    const late = new Date(Date.parse(w.slot(0).uploadBy) + 1000);
    assert.deepEqual(await w.scan(0, files.jpeg, late), { outcome: 'refused', tipId: w.tipId, attachmentId: w.slot(0).id, reason: 'slotClosed' });
    assert.deepEqual([...w.storage.objects.keys()], []);
    assert.equal(w.slot(0).refusedUploads, 1);
    assert.equal(w.slot(0).uploadETag, undefined);
    assert.equal(attachmentStatus(w.slot(0), late), 'expired');
  });

  it('takes an upload at the last moment of the window', async () => {
    const w = await attachmentWorld([jpeg]);
    w.storeTip();
    assert.equal((await w.scan(0, files.jpeg, new Date(w.slot(0).uploadBy))).outcome, 'clean');
  });

  it('refuses an upload whose slot does not exist, without counting it anywhere', async () => {
    const w = await attachmentWorld([jpeg]);
    const key = evidenceKey('incoming', w.tipId, '01JZZZZZZZZZZZZZZZZZZZZZZZ');
    const eTag = w.storage.upload(key, files.jpeg);
    const outcome = await scanUpload({ key, eTag, size: files.jpeg.length, eventTime: w.clock.now().toISOString() }, w.deps);
    assert.equal(outcome.reason, 'noSlot');
    assert.ok(!w.storage.objects.has(key));
    assert.equal(w.store.calls.countRefused, 0);
  });

  it('ignores keys no slot could have written, deleting them only from incoming/', async () => {
    const w = await attachmentWorld([jpeg]);
    for (const key of ['incoming/not-a-tip/x', `incoming/${w.tipId}`, `incoming/${w.tipId}/${w.slot(0).id}/extra`, `clean/${w.tipId}/${w.slot(0).id}`]) {
      const eTag = w.storage.upload(key, files.jpeg);
      assert.deepEqual(await scanUpload({ key, eTag, size: 1, eventTime: w.clock.now().toISOString() }, w.deps), { outcome: 'ignored', reason: 'unknownKey' }, key);
      assert.equal(w.storage.objects.has(key), !key.startsWith('incoming/'), key);
    }
    assert.equal(w.store.calls.bind, 0);
  });

  it('ignores a notification whose upload is gone before it was scanned', async () => {
    const w = await attachmentWorld([jpeg]);
    const notification = w.upload(0, files.jpeg);
    await w.storage.deleteIncoming(notification.key);
    assert.equal((await scanUpload(notification, w.deps)).reason, 'missing');
    assert.equal(w.slot(0).status, 'pending');
  });
});
