/**
 * Evidence a tipster attaches to a tip: photos, videos and documents. The rules here are the
 * only statement of them: which files are taken, how large, how long an upload slot stays open,
 * where each copy of a file lives in the evidence bucket, and what officers see of it.
 *
 * A file never passes through a function. Intake opens one upload slot per declared file (a
 * record here and a presigned S3 POST bound to the slot's key); the browser posts the file
 * straight to the bucket; the bucket's notification starts the scan, which reads the magic bytes,
 * strips the metadata into a clean copy for officers, keeps the original for evidence handling,
 * or quarantines what cannot be trusted or cleaned.
 */

/** Limits on what one tip may carry. 25 MB is 25,000,000 bytes, as a citizen reads "MB". */
export const attachmentLimits = {
  maxFiles: 5,
  maxBytes: 25_000_000,
  /** File names longer than this are refused (in code points, after NFC). */
  maxFileNameLength: 200,
  /** How long an upload slot's presigned POST stays valid: a slow phone uploading five files. */
  uploadWindowSeconds: 60 * 60,
  /** How long an officer's link to a clean copy stays valid. */
  viewUrlSeconds: 5 * 60,
} as const;

/** What kind of evidence a file is. */
export type AttachmentKind = 'image' | 'video' | 'document';

/** The content types tinbao takes, with their kind and usual extensions (lower case, no dot). */
export const attachmentTypes = {
  'image/jpeg': { kind: 'image', extensions: ['jpg', 'jpeg'] },
  'image/png': { kind: 'image', extensions: ['png'] },
  'image/heic': { kind: 'image', extensions: ['heic', 'heif'] },
  'image/webp': { kind: 'image', extensions: ['webp'] },
  'video/mp4': { kind: 'video', extensions: ['mp4', 'm4v'] },
  'video/quicktime': { kind: 'video', extensions: ['mov', 'qt'] },
  'application/pdf': { kind: 'document', extensions: ['pdf'] },
} as const satisfies Record<string, { kind: AttachmentKind; extensions: readonly string[] }>;

/** A content type tinbao takes. */
export type AttachmentContentType = keyof typeof attachmentTypes;

/** The allowed content types, in the order the form lists them. */
export const attachmentContentTypes = Object.keys(attachmentTypes) as AttachmentContentType[];

/** Whether a string is one of the content types tinbao takes. */
export function isAttachmentContentType(value: string): value is AttachmentContentType {
  return Object.hasOwn(attachmentTypes, value);
}

/** The kind of an allowed content type. */
export function attachmentKind(type: AttachmentContentType): AttachmentKind {
  return attachmentTypes[type].kind;
}

/**
 * Where an attachment is in its life. `pending`: the slot waits for its upload, or the upload
 * waits for its scan. `clean`: officers may open the clean copy. `quarantined`: the file is kept
 * for evidence handling only, with the reason. `expired`: no upload came before the slot closed.
 */
export const attachmentStatuses = ['pending', 'clean', 'quarantined', 'expired'] as const;

/** An attachment's status as officers see it. */
export type AttachmentStatus = (typeof attachmentStatuses)[number];

/**
 * Why a file is quarantined. `typeMismatch`: its bytes are not the type it was declared as (a
 * script renamed .jpg). `notAllowed`: its bytes are of no type tinbao takes. `tooLarge`: it is
 * larger than the limit or than it was declared (checked after upload: an emulator may skip the
 * POST policy). `empty`: no bytes. `cannotClean`: its metadata cannot be removed safely (HEIC,
 * which the image library cannot decode, or a file the cleaner refused), so only evidence
 * handlers may open it.
 */
export const quarantineReasons = ['typeMismatch', 'notAllowed', 'tooLarge', 'empty', 'cannotClean'] as const;

/** Why a file is quarantined. */
export type QuarantineReason = (typeof quarantineReasons)[number];

/** A file as the tipster declared it when sending the tip. */
export interface AttachmentRequest {
  readonly fileName: string;
  readonly contentType: AttachmentContentType;
  /** Bytes. */
  readonly size: number;
}

/** An upload slot: one declared file of one tip, opened by intake. */
export interface AttachmentSlot extends AttachmentRequest {
  /** A ULID, unique across tips; the slot's key in the bucket carries the tip id and this. */
  readonly id: string;
  readonly tipId: string;
  readonly createdAt: string;
  /** The presigned POST expires then; an upload after it is refused. */
  readonly uploadBy: string;
}

/** A point read from a photo's EXIF GPS, kept only when it lies within the city. */
export interface PhotoLocation {
  readonly lat: number;
  readonly lon: number;
}

/** A stored attachment: its slot, and what the scan found once the file came. */
export interface Attachment extends AttachmentSlot {
  /** Stored status; `expired` is never stored, it is read off `uploadBy` (attachmentStatus). */
  readonly status: Exclude<AttachmentStatus, 'expired'>;
  /** The upload the slot took (S3's ETag of it): a second, different upload to the slot is refused. */
  readonly uploadETag?: string | undefined;
  /** The type the magic bytes say, when they say one. */
  readonly detectedType?: string | undefined;
  /** Bytes of the upload as stored. */
  readonly storedSize?: number | undefined;
  /** Bytes of the clean copy. */
  readonly cleanSize?: number | undefined;
  readonly quarantineReason?: QuarantineReason | undefined;
  readonly scannedAt?: string | undefined;
  /** Where the photo was taken, if its EXIF said so and the point lies within the city. */
  readonly photoLocation?: PhotoLocation | undefined;
  /** Uploads refused after the slot had taken its file (or after it closed). */
  readonly refusedUploads?: number | undefined;
}

/** An attachment's status at a moment: a pending slot past its window with no upload has expired. */
export function attachmentStatus(attachment: Pick<Attachment, 'status' | 'uploadBy' | 'uploadETag'>, now: Date): AttachmentStatus {
  if (attachment.status === 'pending' && attachment.uploadETag === undefined && now.getTime() > Date.parse(attachment.uploadBy)) return 'expired';
  return attachment.status;
}

/** The prefixes of the evidence bucket. Only `incoming/` notifies the scan. */
export const evidencePrefixes = {
  /** Where presigned POSTs put files; objects here expire after a day (abandoned or refused uploads). */
  incoming: 'incoming/',
  /** The file as the tipster sent it, encrypted with the evidence key: evidence handlers only. */
  original: 'originals/',
  /** The copy without metadata that officers open. */
  clean: 'clean/',
  /** Files that failed the scan, kept for evidence handlers. */
  quarantine: 'quarantine/',
} as const;

/** Which copy of an attachment a key names. */
export type EvidenceCopy = keyof typeof evidencePrefixes;

/** The bucket key of one copy of an attachment. */
export function evidenceKey(copy: EvidenceCopy, tipId: string, attachmentId: string): string {
  return `${evidencePrefixes[copy]}${tipId}/${attachmentId}`;
}

const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The tip and attachment an incoming key names; undefined for any other key. */
export function parseIncomingKey(key: string): { tipId: string; attachmentId: string } | undefined {
  if (!key.startsWith(evidencePrefixes.incoming)) return undefined;
  const parts = key.slice(evidencePrefixes.incoming.length).split('/');
  if (parts.length !== 2) return undefined;
  const [tipId, attachmentId] = parts as [string, string];
  return ulidPattern.test(tipId) && ulidPattern.test(attachmentId) ? { tipId, attachmentId } : undefined;
}

/** What officers see of an attachment in a tip's detail (never the bucket keys). */
export interface AttachmentView {
  readonly id: string;
  readonly fileName: string;
  /** The declared type; `detectedType` says what the bytes are, once scanned. */
  readonly type: AttachmentContentType;
  readonly kind: AttachmentKind;
  readonly detectedType: string | null;
  /** Bytes: the clean copy's once there is one, else the upload's, else the declared size. */
  readonly size: number;
  readonly status: AttachmentStatus;
  readonly quarantineReason: QuarantineReason | null;
  readonly refusedUploads: number;
  /** Officers may ask for a link to the clean copy. */
  readonly viewable: boolean;
}

/** An attachment as officers see it, picked field by field. */
export function attachmentView(attachment: Attachment, now: Date): AttachmentView {
  const status = attachmentStatus(attachment, now);
  return {
    id: attachment.id,
    fileName: attachment.fileName,
    type: attachment.contentType,
    kind: attachmentKind(attachment.contentType),
    detectedType: attachment.detectedType ?? null,
    size: attachment.cleanSize ?? attachment.storedSize ?? attachment.size,
    status,
    quarantineReason: attachment.quarantineReason ?? null,
    refusedUploads: attachment.refusedUploads ?? 0,
    viewable: status === 'clean',
  };
}
