/**
 * What officers see of attachments: the list in a tip's detail, and a short-lived link to a clean
 * copy, only for officers who may see the tip, only for clean files, and never without a trace.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { attachmentLimits } from '../../shared/attachments/attachment.ts';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { viewAttachment } from '../../shared/usecases/attachments.ts';
import { getTip } from '../../shared/usecases/officers/tips.ts';
import { withFakeGps } from '../support/fakes.ts';
import { flakyTips, officers, testPack } from '../support/tip-fakes.ts';
import { attachmentWorld, files } from './attachment-world.ts';

const declared = [
  { fileName: 'hem-45.jpg', contentType: 'image/jpeg', size: 1000 },
  { fileName: 'kich-ban.jpg', contentType: 'image/jpeg', size: 1000 },
  { fileName: 'clip.mp4', contentType: 'video/mp4', size: 1000 },
];

/** A tip in unit 27154 with a clean photo, a quarantined "photo" and a video never uploaded. */
async function world() {
  const w = await attachmentWorld(declared);
  w.storeTip();
  await w.scan(0, withFakeGps(files.jpeg, { lat: 10.77277, lon: 106.69516 }));
  await w.scan(1, files.script);
  const deps = { tips: w.tips, attachments: w.store, storage: w.storage, clock: w.clock, ids: w.ids };
  return { ...w, viewDeps: deps };
}

describe('viewAttachment', () => {
  it('audits the view, then gives a link to the clean copy that expires in minutes', async () => {
    const w = await world();
    const clean = w.slot(0);
    let eventsWhenLinked = -1;
    const storage = {
      viewUrl: async (...args: Parameters<typeof w.storage.viewUrl>) => {
        eventsWhenLinked = w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_VIEWED').length;
        return w.storage.viewUrl(...args);
      },
    };
    const link = await viewAttachment(officers.unit, w.tipId, clean.id, { ...w.viewDeps, storage });
    assert.equal(eventsWhenLinked, 1, 'the view is recorded before the link exists');
    assert.equal(link.url, `memory://clean/${w.tipId}/${clean.id}?name=hem-45.jpg`);
    assert.equal(link.expiresAt, new Date(w.clock.now().getTime() + attachmentLimits.viewUrlSeconds * 1000).toISOString());
    assert.deepEqual(link.attachment, {
      id: clean.id,
      fileName: 'hem-45.jpg',
      type: 'image/jpeg',
      kind: 'image',
      detectedType: 'image/jpeg',
      size: files.jpeg.length,
      status: 'clean',
      quarantineReason: null,
      refusedUploads: 0,
      viewable: true,
    });
    const viewed = w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_VIEWED');
    assert.deepEqual(
      viewed.map(({ actor, attachmentId, at, public: visible }) => ({ actor, attachmentId, at, visible })),
      [{ actor: officers.unit.username, attachmentId: clean.id, at: '2026-11-25T03:00:00.000Z', visible: false }],
    );
    await viewAttachment(officers.desk, w.tipId, clean.id, w.viewDeps);
    assert.equal(w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_VIEWED').length, 2, 'every view is audited');
  });

  it('gives another unit’s officer the same 404 as a tip that does not exist', async () => {
    const w = await world();
    const hidden = await viewAttachment(officers.otherUnit, w.tipId, w.slot(0).id, w.viewDeps).catch((error: unknown) => error);
    const missing = await viewAttachment(officers.otherUnit, '01JTIP0000000000000000NONE', w.slot(0).id, w.viewDeps).catch((error: unknown) => error);
    assert.ok(hidden instanceof NotFoundError && missing instanceof NotFoundError);
    assert.deepEqual([hidden.code, hidden.text], [missing.code, missing.text]);
    await assert.rejects(viewAttachment(officers.noGroups, w.tipId, w.slot(0).id, w.viewDeps), NotFoundError);
    assert.deepEqual(w.storage.views, []);
    assert.equal(w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_VIEWED').length, 0);
  });

  it('answers 404 for an attachment the tip does not have', async () => {
    const w = await world();
    // Another tip's clean file: its id does not open it under this tip.
    const foreign = { ...w.slot(0), id: '01JX0000000000000000000099', tipId: '01JTIP00000000000000000002' };
    await w.store.open([foreign], new Date('2031-11-25T03:00:00.000Z'));
    for (const id of ['01JZZZZZZZZZZZZZZZZZZZZZZZ', 'not-an-id', undefined, 42, foreign.id]) {
      const error = await viewAttachment(officers.unit, w.tipId, id, w.viewDeps).catch((caught: unknown) => caught);
      assert.ok(error instanceof NotFoundError, String(id));
      assert.equal(error.text.en, 'This tip has no attachment with this id.');
    }
  });

  it('refuses a file that is not clean with a 409 naming its status in both languages', async () => {
    const w = await world();
    const cases = [
      { id: w.slot(1).id, status: 'quarantined', vi: 'Bị cách ly', en: 'Quarantined' },
      { id: w.slot(2).id, status: 'pending', vi: 'Đang chờ tải lên hoặc kiểm tra', en: 'Waiting for upload or scan' },
    ];
    for (const { id, status, vi, en } of cases) {
      const error = await viewAttachment(officers.unit, w.tipId, id, w.viewDeps).catch((caught: unknown) => caught);
      assert.ok(error instanceof ConflictError, status);
      assert.equal(error.code, 'attachment_not_viewable');
      assert.deepEqual(error.details, { status });
      assert.equal(error.text.vi, `Chưa mở được tệp đính kèm này (tình trạng: ${vi}).`);
      assert.equal(error.text.en, `This attachment cannot be opened (status: ${en}).`);
    }
    w.clock.advance(attachmentLimits.uploadWindowSeconds * 1000 + 1);
    const expired = await viewAttachment(officers.unit, w.tipId, w.slot(2).id, w.viewDeps).catch((caught: unknown) => caught);
    assert.ok(expired instanceof ConflictError);
    assert.deepEqual(expired.details, { status: 'expired' });
    assert.deepEqual(w.storage.views, [], 'no link for any of them');
  });

  it('gives no link when the view cannot be recorded', async () => {
    const w = await world();
    const tips = { ...w.tips, get: w.tips.get, addEvent: async () => Promise.reject(new Error('table down')) };
    await assert.rejects(viewAttachment(officers.unit, w.tipId, w.slot(0).id, { ...w.viewDeps, tips }), /table down/);
    assert.deepEqual(w.storage.views, []);
  });

  it('records the view once after losing a race with another change of the tip', async () => {
    const w = await world();
    await viewAttachment(officers.unit, w.tipId, w.slot(0).id, { ...w.viewDeps, tips: flakyTips(w.tips, 1) });
    assert.equal(w.tips.storedEvents(w.tipId).filter((event) => event.type === 'ATTACHMENT_VIEWED').length, 1);
  });
});

describe('a tip’s detail', () => {
  it('lists its attachments in the order they were sent, with their status and nothing of the bucket', async () => {
    const w = await world();
    const detail = await getTip(officers.unit, w.tipId, { tips: w.tips, attachments: w.store, clock: w.clock, jurisdiction: jurisdiction(testPack) });
    assert.deepEqual(
      detail.attachments.map(({ fileName, status, quarantineReason, viewable, kind }) => ({ fileName, status, quarantineReason, viewable, kind })),
      [
        { fileName: 'hem-45.jpg', status: 'clean', quarantineReason: null, viewable: true, kind: 'image' },
        { fileName: 'kich-ban.jpg', status: 'quarantined', quarantineReason: 'notAllowed', viewable: false, kind: 'image' },
        { fileName: 'clip.mp4', status: 'pending', quarantineReason: null, viewable: false, kind: 'video' },
      ],
    );
    const json = JSON.stringify(detail);
    for (const secret of ['incoming/', 'originals/', 'clean/', 'quarantine/', 'uploadETag', '10.77277']) assert.ok(!json.includes(secret), secret);
    const quarantined = detail.events.find((event) => event.type === 'ATTACHMENT_QUARANTINED');
    assert.equal(quarantined?.attachmentId, w.slot(1).id);
    assert.equal(quarantined?.reason, 'notAllowed');
  });

  it('is empty for a tip without files', async () => {
    const w = await attachmentWorld([]);
    w.storeTip();
    const detail = await getTip(officers.unit, w.tipId, { tips: w.tips, attachments: w.store, clock: w.clock, jurisdiction: jurisdiction(testPack) });
    assert.deepEqual(detail.attachments, []);
  });
});
