/**
 * What the attachment use cases need from the outside world. The adapters in functions/adapters/
 * implement them on DynamoDB and S3; test/support/fakes.ts implements them in memory.
 */
import type { Attachment, AttachmentContentType, AttachmentSlot, PhotoLocation, QuarantineReason } from './attachment.ts';

/** A presigned S3 POST: the browser posts `fields` and then the file (as `file`) to `url`. */
export interface UploadTicket {
  readonly id: string;
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** Makes presigned POSTs bound to one slot's key, content type and size range. */
export interface UploadSigner {
  presign(slot: AttachmentSlot): Promise<UploadTicket>;
}

/** What the scan records once it has looked at an upload. */
export type ScanResult =
  | { readonly status: 'clean'; readonly detectedType: string; readonly storedSize: number; readonly cleanSize: number; readonly photoLocation?: PhotoLocation | undefined }
  | { readonly status: 'quarantined'; readonly reason: QuarantineReason; readonly detectedType?: string | undefined; readonly storedSize: number };

/** Attachment records, beside their tip in the tips table. */
export interface AttachmentStore {
  /** Stores the slots of a new tip (before the tip is queued). */
  open(slots: readonly AttachmentSlot[], expiresAt: Date): Promise<void>;
  get(tipId: string, attachmentId: string): Promise<Attachment | undefined>;
  /** The tip's attachments, in the order they were declared. */
  list(tipId: string): Promise<Attachment[]>;
  /**
   * Binds the slot to this upload (its ETag), once. 'bound': the slot took it now; 'same': it had
   * taken this very upload before (a redelivered notification); 'taken': it holds another upload.
   */
  bind(tipId: string, attachmentId: string, eTag: string): Promise<'bound' | 'same' | 'taken'>;
  /** Records the scan of the slot's upload (idempotent for the same upload). */
  finish(tipId: string, attachmentId: string, eTag: string, result: ScanResult, at: Date): Promise<void>;
  /** Counts an upload the slot refused. */
  countRefused(tipId: string, attachmentId: string): Promise<void>;
}

/** An upload as the bucket holds it. */
export interface StoredUpload {
  readonly bytes: Uint8Array;
  readonly size: number;
}

/** The evidence bucket. */
export interface EvidenceStorage {
  /** The upload at the incoming key; 'missing' if gone, 'tooLarge' (without reading it) past `maxBytes`. */
  readIncoming(key: string, maxBytes: number): Promise<StoredUpload | 'missing' | 'tooLarge'>;
  /** Keeps the file as sent, encrypted with the evidence key (`originals/` or `quarantine/`). */
  keepOriginal(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Stores the clean copy officers open. */
  putClean(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  deleteIncoming(key: string): Promise<void>;
  /** A short-lived link to the clean copy, offered for download under the file's name. */
  viewUrl(key: string, fileName: string, contentType: AttachmentContentType): Promise<{ readonly url: string; readonly expiresAt: string }>;
}

/** What cleaning a file gave. */
export type CleanOutcome =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly photoLocation?: PhotoLocation | undefined }
  | { readonly ok: false };

/** Removes a file's metadata (sharp for images, the ISO-BMFF box rules for video, pdf-lib for PDF). */
export interface AttachmentCleaner {
  /** `type` is the detected type; the GPS, if any, is read before it is stripped. */
  clean(bytes: Uint8Array, type: AttachmentContentType): Promise<CleanOutcome>;
}

/** Reads a file's type from its magic bytes (never its name or declared type). */
export interface FileTypeDetector {
  detect(bytes: Uint8Array): Promise<string | undefined>;
}
