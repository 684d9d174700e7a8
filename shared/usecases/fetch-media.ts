/**
 * Fetches an MMS media item into the upload slot opened for it. The file then lands in the slot's
 * incoming key as a browser's upload would, the bucket notifies the scan, and it is scanned,
 * cleaned or quarantined like any upload: this step only moves bytes, and trusts none of them.
 */
import { attachmentLimits, evidenceKey } from '../attachments/attachment.ts';
import { isProviderMediaUrl, type MediaFetch } from '../attachments/media.ts';
import type { AttachmentStore } from '../attachments/ports.ts';

/** Downloads a provider's media, reading at most `maxBytes` ('tooLarge' past them, 'gone' if the provider no longer has it). */
export interface MediaSource {
  download(fetch: MediaFetch, maxBytes: number): Promise<{ readonly bytes: Uint8Array } | 'tooLarge' | 'gone'>;
}

/** Puts a fetched file where a browser's presigned POST would have put it. */
export interface IncomingWriter {
  putIncoming(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
}

export interface FetchMediaDependencies {
  readonly store: Pick<AttachmentStore, 'get'>;
  readonly source: MediaSource;
  readonly storage: IncomingWriter;
  /** Origins besides the provider's own that media may come from (the local fake provider). */
  readonly extraOrigins?: readonly string[];
}

/** What became of one fetch. */
export type FetchMediaOutcome = 'fetched' | 'noSlot' | 'alreadyUploaded' | 'refusedUrl' | 'gone' | 'tooLarge';

/**
 * Fetches the media into its slot unless the slot is gone or already holds an upload (a
 * redelivered request). A file larger than the limit is not stored at all; one the provider no
 * longer has leaves the slot to expire, which officers see.
 */
export async function fetchMedia(request: MediaFetch, deps: FetchMediaDependencies): Promise<FetchMediaOutcome> {
  const slot = await deps.store.get(request.tipId, request.attachmentId);
  if (!slot) return 'noSlot';
  if (slot.uploadETag !== undefined || slot.status !== 'pending') return 'alreadyUploaded';
  if (!isProviderMediaUrl(request.url, deps.extraOrigins)) return 'refusedUrl';
  const downloaded = await deps.source.download(request, Math.min(slot.size, attachmentLimits.maxBytes));
  if (downloaded === 'tooLarge' || downloaded === 'gone') return downloaded;
  await deps.storage.putIncoming(evidenceKey('incoming', request.tipId, request.attachmentId), downloaded.bytes, slot.contentType);
  return 'fetched';
}
