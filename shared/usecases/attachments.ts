/**
 * Evidence attachments after intake: the scan of each upload (shared/attachments/attachment.ts
 * states the rules) and an officer's view of a clean copy.
 *
 * The scan runs once per S3 notification, which may come twice or late: every step is safe to
 * repeat. A slot takes one upload, bound by its ETag; a second file posted to the same slot, or
 * one posted after the slot closed, is deleted and counted, and the first file stays.
 */
import {
  attachmentLimits,
  attachmentStatus,
  attachmentView,
  evidenceKey,
  evidencePrefixes,
  isAttachmentContentType,
  parseIncomingKey,
  type Attachment,
  type AttachmentView,
  type QuarantineReason,
} from '../attachments/attachment.ts';
import { contentTypeAliases } from '../attachments/declaration.ts';
import { photoLocationWithinCity } from '../attachments/photo-location.ts';
import type { AttachmentCleaner, AttachmentStore, EvidenceStorage, FileTypeDetector, ScanResult, StoredUpload } from '../attachments/ports.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { jurisdiction as packJurisdiction } from '../jurisdictions/index.ts';
import { attachmentStatusNames } from '../labels.ts';
import type { Officer, TipEvent } from '../officers/model.ts';
import { errorText } from '../messages.ts';
import type { Clock, IdGenerator, TipRepository } from '../ports.ts';
import { noteScanOnTip, type ScannedAttachment, type TipStepDependencies } from './attachment-tip.ts';
import { appendEvent, loadVisibleTip } from './officers/access.ts';

export { TipNotYetStoredError, photoMayMove } from './attachment-tip.ts';
export { photoLocationWithinCity } from '../attachments/photo-location.ts';

/** One object S3 says was created, as its notification names it. */
export interface IncomingUpload {
  /** The object's key, URL-decoded. */
  readonly key: string;
  /** S3's ETag, without quotes. */
  readonly eTag: string;
  readonly size: number;
  /** When S3 stored it (the notification's eventTime). */
  readonly eventTime: string;
}

/** What scanUpload needs. */
export interface ScanDependencies extends TipStepDependencies {
  readonly store: AttachmentStore;
  readonly storage: EvidenceStorage;
  readonly detector: FileTypeDetector;
  readonly cleaner: AttachmentCleaner;
}

/**
 * What became of one notification. `clean`/`quarantined`: the upload was scanned now. `done`: it
 * had been scanned before (a redelivery); only the tip step ran. `refused`: the upload was not
 * the slot's (no slot, closed, or taken by another file) and is deleted. `ignored`: nothing to do.
 */
export interface ScanOutcome {
  readonly outcome: 'clean' | 'quarantined' | 'refused' | 'ignored' | 'done';
  readonly tipId?: string;
  readonly attachmentId?: string;
  /** For quarantined, the quarantine reason; for refused and ignored, why (`noSlot`, `slotClosed`, `slotTaken`, `unknownKey`, `missing`). */
  readonly reason?: string;
}


/** The type the bytes say, as tinbao names it (undefined when they say none). */
export function normaliseDetectedType(detected: string | undefined): string | undefined {
  if (detected === undefined) return undefined;
  const essence = detected.toLowerCase();
  // The same aliases as a declared type's: HEIF and HEIC photos are one type here.
  return contentTypeAliases[essence] ?? essence;
}

/** Scans one upload of the evidence bucket: see the steps below. */
export async function scanUpload(upload: IncomingUpload, deps: ScanDependencies): Promise<ScanOutcome> {
  const named = parseIncomingKey(upload.key);
  if (!named) {
    // Nothing a slot's presigned POST could have written: remove it if it would otherwise linger in incoming/.
    if (upload.key.startsWith(evidencePrefixes.incoming)) await deps.storage.deleteIncoming(upload.key);
    return { outcome: 'ignored', reason: 'unknownKey' };
  }
  const { tipId, attachmentId } = named;
  const refuse = async (reason: string, count: boolean): Promise<ScanOutcome> => {
    await deps.storage.deleteIncoming(upload.key);
    if (count) await deps.store.countRefused(tipId, attachmentId);
    return { outcome: 'refused', tipId, attachmentId, reason };
  };
  const alreadyDone = async (attachment: ScannedAttachment): Promise<ScanOutcome> => {
    await noteScanOnTip(attachment, deps);
    return { outcome: 'done', tipId, attachmentId };
  };

  const slot = await deps.store.get(tipId, attachmentId);
  if (!slot) return refuse('noSlot', false);
  // The presigned POST has expired by then, but an emulator or a clock skew may let one through.
  // An unreadable time counts as late. A redelivery of the slot's own upload is never late.
  const inTime = Date.parse(upload.eventTime) <= Date.parse(slot.uploadBy);
  if (!inTime && slot.uploadETag !== upload.eTag) return refuse('slotClosed', true);

  const binding = await deps.store.bind(tipId, attachmentId, upload.eTag);
  if (binding === 'taken') return refuse('slotTaken', true);
  if (binding === 'same' && slot.status !== 'pending') {
    // Scanned before, and the incoming copy outlived it (the scan stopped before deleting it).
    await deps.storage.deleteIncoming(upload.key);
    return alreadyDone(slot);
  }

  const read = await deps.storage.readIncoming(upload.key, Math.min(slot.size, attachmentLimits.maxBytes));
  if (read === 'missing') {
    // Gone: scanned and deleted by an earlier delivery, or expired unscanned.
    const current = await deps.store.get(tipId, attachmentId);
    if (current && current.status !== 'pending' && current.uploadETag === upload.eTag) return alreadyDone(current);
    return { outcome: 'ignored', tipId, attachmentId, reason: 'missing' };
  }
  const result = read === 'tooLarge' ? tooLarge(upload.size) : await examine(read, slot, deps);
  await deps.store.finish(tipId, attachmentId, upload.eTag, result, deps.clock.now());
  await deps.storage.deleteIncoming(upload.key);
  await noteScanOnTip(scanned(slot, result), deps);
  return result.status === 'clean' ? { outcome: 'clean', tipId, attachmentId } : { outcome: 'quarantined', tipId, attachmentId, reason: result.reason };
}

/** Larger than the slot allows: not even read, so nothing is kept. */
function tooLarge(size: number): ScanResult {
  return { status: 'quarantined', reason: 'tooLarge', storedSize: size };
}

function scanned(slot: Attachment, result: ScanResult): ScannedAttachment {
  return result.status === 'clean'
    ? { id: slot.id, tipId: slot.tipId, status: 'clean', photoLocation: result.photoLocation }
    : { id: slot.id, tipId: slot.tipId, status: 'quarantined', quarantineReason: result.reason };
}

/**
 * Reads what the bytes are and makes the copies: a file that is not what it was declared as, of
 * no type tinbao takes, or that cannot be cleaned is kept in quarantine for evidence handlers;
 * a clean one is kept as sent (originals/, under the evidence key) and without its metadata
 * (clean/, for officers), with the photo's point if it lies within the city.
 */
async function examine(upload: StoredUpload, slot: Attachment, deps: ScanDependencies): Promise<ScanResult> {
  const storedSize = upload.bytes.length;
  if (storedSize === 0) return { status: 'quarantined', reason: 'empty', storedSize };
  // The storage checked the size on the way in; the bytes in hand are what counts.
  if (storedSize > Math.min(slot.size, attachmentLimits.maxBytes)) return tooLarge(storedSize);
  const quarantine = async (reason: QuarantineReason, detectedType: string | undefined): Promise<ScanResult> => {
    await deps.storage.keepOriginal(evidenceKey('quarantine', slot.tipId, slot.id), upload.bytes, detectedType ?? 'application/octet-stream');
    return { status: 'quarantined', reason, detectedType, storedSize };
  };
  const detected = normaliseDetectedType(await deps.detector.detect(upload.bytes));
  if (detected === undefined || !isAttachmentContentType(detected)) return quarantine('notAllowed', detected);
  if (detected !== slot.contentType) return quarantine('typeMismatch', detected);
  // A file that makes the cleaner throw is one it cannot clean safely; the scan must not retry it forever.
  const cleaned = await deps.cleaner.clean(upload.bytes, detected).catch(() => ({ ok: false as const }));
  if (!cleaned.ok) return quarantine('cannotClean', detected);
  await deps.storage.keepOriginal(evidenceKey('original', slot.tipId, slot.id), upload.bytes, detected);
  await deps.storage.putClean(evidenceKey('clean', slot.tipId, slot.id), cleaned.bytes, detected);
  const point = cleaned.photoLocation;
  const photoLocation = photoLocationWithinCity(point, packJurisdiction(deps.jurisdiction)) ? { lat: point.lat, lon: point.lon } : undefined;
  return { status: 'clean', detectedType: detected, storedSize, cleanSize: cleaned.bytes.length, ...(photoLocation && { photoLocation }) };
}

// ---- Officers ------------------------------------------------------------------------------

/** What viewAttachment needs. */
export interface ViewAttachmentDependencies {
  readonly tips: Pick<TipRepository, 'get' | 'addEvent'>;
  readonly attachments: Pick<AttachmentStore, 'get'>;
  readonly storage: Pick<EvidenceStorage, 'viewUrl'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** A short-lived link to an attachment's clean copy. */
export interface AttachmentLink {
  readonly url: string;
  readonly expiresAt: string;
  readonly attachment: AttachmentView;
}

const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A link to the clean copy of one of a tip's attachments, for an officer who may see the tip
 * (anyone else gets the same 404 as for a missing tip). Only a clean copy is offered: a pending,
 * expired or quarantined file is a 409 that names its status. The view is audited before the
 * link is handed out, so no one opens a file without a trace.
 */
export async function viewAttachment(officer: Officer, tipId: unknown, attachmentId: unknown, deps: ViewAttachmentDependencies): Promise<AttachmentLink> {
  const tip = await loadVisibleTip(officer, tipId, deps.tips);
  const attachment = typeof attachmentId === 'string' && ulidPattern.test(attachmentId) ? await deps.attachments.get(tip.id, attachmentId) : undefined;
  if (!attachment || attachment.tipId !== tip.id) throw new NotFoundError(errorText('attachmentNotFound'));
  const now = deps.clock.now();
  const status = attachmentStatus(attachment, now);
  if (status !== 'clean') {
    throw new ConflictError('attachment_not_viewable', errorText('attachmentNotViewable', { status: attachmentStatusNames[status] }), { status });
  }
  const event: TipEvent = {
    id: deps.ids.next(),
    tipId: tip.id,
    type: 'ATTACHMENT_VIEWED',
    actor: officer.username,
    at: now.toISOString(),
    public: false,
    attachmentId: attachment.id,
  };
  await appendEvent(deps.tips, tip, event, () => loadVisibleTip(officer, tip.id, deps.tips));
  const link = await deps.storage.viewUrl(evidenceKey('clean', tip.id, attachment.id), attachment.fileName, attachment.contentType);
  return { url: link.url, expiresAt: link.expiresAt, attachment: attachmentView(attachment, now) };
}
