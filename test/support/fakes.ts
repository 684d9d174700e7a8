import { createHash } from 'node:crypto';
import { attachmentLimits, evidenceKey, type Attachment, type AttachmentContentType, type AttachmentSlot } from '../../shared/attachments/attachment.ts';
import type { AttachmentCleaner, AttachmentStore, EvidenceStorage, FileTypeDetector, UploadSigner, UploadTicket } from '../../shared/attachments/ports.ts';
import type { Clock, IdGenerator, SmsSenderRecord, SmsSenderStore, TipConversation, TipQueue, TipsterMessage, TrackingCodeStore } from '../../shared/ports.ts';
import type { TipEnvelope } from '../../shared/tip/envelope.ts';
import type { TrackingRecord } from '../../shared/tip/tip.ts';

/** A clock that stands still until a test moves it. */
export function fixedClock(iso: string): Clock & { advance(ms: number): void } {
  let now = new Date(iso).getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** Ids 01…, 02…, predictable in assertions. */
export function sequentialIds(): IdGenerator {
  let next = 0;
  return { next: () => String((next += 1)).padStart(26, '0') };
}

/** A queue that keeps what it is sent, or refuses everything when told to fail. */
export function memoryQueue(options: { fail?: Error } = {}): TipQueue & { sent: TipEnvelope[] } {
  const sent: TipEnvelope[] = [];
  return {
    sent,
    async send(envelope) {
      if (options.fail) throw options.fail;
      sent.push(structuredClone(envelope));
    },
  };
}

/** Tracking codes in a Map, with the same reserve-once rule as the table's condition. */
export function memoryCodes(): TrackingCodeStore & { records: Map<string, TrackingRecord> } {
  const records = new Map<string, TrackingRecord>();
  return {
    records,
    async reserve(record) {
      if (records.has(record.trackingCode)) return false;
      records.set(record.trackingCode, record);
      return true;
    },
    async release(code) {
      records.delete(code);
    },
    async find(code) {
      return records.get(code);
    },
  };
}

/** SMS senders in a Map. */
export function memorySenders(): SmsSenderStore & { records: Map<string, SmsSenderRecord> } {
  const records = new Map<string, SmsSenderRecord>();
  return {
    records,
    async get(pseudonym) {
      return records.get(pseudonym);
    },
    async save(record) {
      records.set(record.pseudonym, structuredClone(record));
    },
  };
}

/** Follow-up messages per tip. */
export function memoryConversation(): TipConversation & { messages: Map<string, TipsterMessage[]> } {
  const messages = new Map<string, TipsterMessage[]>();
  return {
    messages,
    async addTipsterMessage(tipId, message) {
      messages.set(tipId, [...(messages.get(tipId) ?? []), message]);
    },
  };
}

/** Attachment records in memory, with what a test looks at. */
export interface MemoryAttachmentStore extends AttachmentStore {
  /** Records by `tipId/attachmentId`, in the order they were opened. */
  readonly records: Map<string, Attachment>;
  /** When each tip's records expire, as `open` was told. */
  readonly expiries: Map<string, Date>;
  /** How often each method was called. */
  readonly calls: { open: number; bind: number; finish: number; countRefused: number };
}

const recordKey = (tipId: string, attachmentId: string) => `${tipId}/${attachmentId}`;

/**
 * Attachment records in a Map, with the table's conditions: a slot is opened once (all of a tip's
 * or none), bound to one upload's ETag once, and finished only for the upload it is bound to.
 */
export function memoryAttachmentStore(): MemoryAttachmentStore {
  const records = new Map<string, Attachment>();
  const expiries = new Map<string, Date>();
  const calls = { open: 0, bind: 0, finish: 0, countRefused: 0 };
  const existing = (tipId: string, attachmentId: string): Attachment => {
    const record = records.get(recordKey(tipId, attachmentId));
    if (!record) throw new Error(`No attachment ${tipId}/${attachmentId}`);
    return record;
  };
  return {
    records,
    expiries,
    calls,
    async open(slots, expiresAt) {
      calls.open += 1;
      if (slots.some((slot) => records.has(recordKey(slot.tipId, slot.id)))) throw new Error('open: a slot exists already');
      for (const slot of slots) {
        records.set(recordKey(slot.tipId, slot.id), structuredClone({ ...slot, status: 'pending' as const }));
        expiries.set(slot.tipId, expiresAt);
      }
    },
    async get(tipId, attachmentId) {
      const record = records.get(recordKey(tipId, attachmentId));
      return record && structuredClone(record);
    },
    async list(tipId) {
      return [...records.values()].filter((record) => record.tipId === tipId).map((record) => structuredClone(record));
    },
    async bind(tipId, attachmentId, eTag) {
      calls.bind += 1;
      const record = existing(tipId, attachmentId);
      if (record.uploadETag === undefined) {
        records.set(recordKey(tipId, attachmentId), { ...record, uploadETag: eTag });
        return 'bound';
      }
      return record.uploadETag === eTag ? 'same' : 'taken';
    },
    async finish(tipId, attachmentId, eTag, result, at) {
      calls.finish += 1;
      const record = existing(tipId, attachmentId);
      if (record.uploadETag !== eTag) throw new Error(`finish: the slot is bound to ${String(record.uploadETag)}, not ${eTag}`);
      const scanned: Attachment =
        result.status === 'clean'
          ? { ...record, status: 'clean', detectedType: result.detectedType, storedSize: result.storedSize, cleanSize: result.cleanSize, photoLocation: result.photoLocation, quarantineReason: undefined, scannedAt: at.toISOString() }
          : { ...record, status: 'quarantined', quarantineReason: result.reason, detectedType: result.detectedType, storedSize: result.storedSize, scannedAt: at.toISOString() };
      records.set(recordKey(tipId, attachmentId), structuredClone(scanned));
    },
    async countRefused(tipId, attachmentId) {
      calls.countRefused += 1;
      const record = existing(tipId, attachmentId);
      records.set(recordKey(tipId, attachmentId), { ...record, refusedUploads: (record.refusedUploads ?? 0) + 1 });
    },
  };
}

/** One object of the fake bucket. */
export interface StoredObject {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** Written with the evidence key (originals and quarantine), so only evidence handlers may read it. */
  readonly evidenceKey: boolean;
}

/** The evidence bucket in a Map, with a way to put an upload as the browser would. */
export interface MemoryEvidenceStorage extends EvidenceStorage {
  readonly objects: Map<string, StoredObject>;
  /** The links handed out, in order. */
  readonly views: Array<{ key: string; fileName: string; contentType: string }>;
  /** Puts an upload under an incoming key and answers its ETag (the MD5 of its bytes, as S3's for a single-part upload). */
  upload(key: string, bytes: Uint8Array, contentType?: string): string;
}

/** S3's ETag of a single-part upload. */
export function eTagOf(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** The evidence bucket in memory; links are `memory://<key>` and expire with the clock. */
export function memoryEvidenceStorage(options: { clock?: Clock } = {}): MemoryEvidenceStorage {
  const objects = new Map<string, StoredObject>();
  const views: Array<{ key: string; fileName: string; contentType: string }> = [];
  const clock = options.clock ?? { now: () => new Date() };
  return {
    objects,
    views,
    upload(key, bytes, contentType = 'application/octet-stream') {
      objects.set(key, { bytes: bytes.slice(), contentType, evidenceKey: false });
      return eTagOf(bytes);
    },
    async readIncoming(key, maxBytes) {
      const object = objects.get(key);
      if (!object) return 'missing';
      if (object.bytes.length > maxBytes) return 'tooLarge';
      return { bytes: object.bytes.slice(), size: object.bytes.length };
    },
    async keepOriginal(key, bytes, contentType) {
      objects.set(key, { bytes: bytes.slice(), contentType, evidenceKey: true });
    },
    async putClean(key, bytes, contentType) {
      objects.set(key, { bytes: bytes.slice(), contentType, evidenceKey: false });
    },
    async deleteIncoming(key) {
      objects.delete(key);
    },
    async viewUrl(key, fileName, contentType) {
      if (!objects.has(key)) throw new Error(`viewUrl: no object ${key}`);
      views.push({ key, fileName, contentType });
      const expiresAt = new Date(clock.now().getTime() + attachmentLimits.viewUrlSeconds * 1000).toISOString();
      return { url: `memory://${key}?name=${encodeURIComponent(fileName)}`, expiresAt };
    },
  };
}

/** Signs presigned POSTs that name the slot's incoming key; fails every call when told to. */
export function fakeUploadSigner(options: { fail?: Error } = {}): UploadSigner & { signed: AttachmentSlot[] } {
  const signed: AttachmentSlot[] = [];
  return {
    signed,
    async presign(slot): Promise<UploadTicket> {
      if (options.fail) throw options.fail;
      signed.push(structuredClone(slot));
      return {
        id: slot.id,
        url: 'memory://evidence',
        fields: { key: evidenceKey('incoming', slot.tipId, slot.id), 'Content-Type': slot.contentType },
        expiresAt: slot.uploadBy,
      };
    },
  };
}

const ascii = (bytes: Uint8Array, start: number, length: number) => String.fromCharCode(...bytes.subarray(start, start + length));

/**
 * Reads a file's type from its first bytes, as file-type does for the formats tinbao takes:
 * JPEG, PNG, WebP, PDF, and the ISO-BMFF family by its `ftyp` brand (HEIC photos as image/heif,
 * as file-type names some of them).
 */
export function magicBytesDetector(): FileTypeDetector {
  return {
    async detect(bytes) {
      if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
      if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
      if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
      if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
      if (ascii(bytes, 4, 4) === 'ftyp') {
        const brand = ascii(bytes, 8, 4);
        if (brand === 'qt  ') return 'video/quicktime';
        if (['heic', 'heix', 'mif1'].includes(brand)) return 'image/heif';
        return 'video/mp4';
      }
      return undefined;
    },
  };
}

/** Where the fake camera writes its GPS: the marker and everything after it is the file's metadata. */
export const fakeGpsMarker = '\u0000EXIF-GPS:';

/** Appends fake EXIF GPS to a file's bytes, for fakeCleaner to read and strip. */
export function withFakeGps(bytes: Uint8Array, point: { lat: number; lon: number }): Uint8Array {
  const tail = new TextEncoder().encode(`${fakeGpsMarker}${point.lat},${point.lon}`);
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes);
  out.set(tail, bytes.length);
  return out;
}

/**
 * Cleans as the real cleaner promises: reads the GPS (the fake marker) before stripping it, and
 * refuses what it cannot clean safely (HEIC, as sharp without libheif; or any type it is told).
 */
export function fakeCleaner(options: { refuse?: readonly AttachmentContentType[]; throws?: Error } = {}): AttachmentCleaner & { cleaned: AttachmentContentType[] } {
  const refused = new Set(options.refuse ?? ['image/heic']);
  const cleaned: AttachmentContentType[] = [];
  return {
    cleaned,
    async clean(bytes, type) {
      if (options.throws) throw options.throws;
      if (refused.has(type)) return { ok: false };
      cleaned.push(type);
      const text = new TextDecoder('latin1').decode(bytes);
      const at = text.indexOf(fakeGpsMarker);
      if (at < 0) return { ok: true, bytes: bytes.slice() };
      const [lat, lon] = text.slice(at + fakeGpsMarker.length).split(',').map(Number);
      return { ok: true, bytes: bytes.slice(0, at), photoLocation: { lat: lat as number, lon: lon as number } };
    },
  };
}
