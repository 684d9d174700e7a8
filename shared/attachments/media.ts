/**
 * Media that arrives with a message instead of from a browser: MMS photos and videos (Twilio's
 * `MediaUrl<n>` fields). The provider holds the file; tinbao opens a slot for each one it takes,
 * and the scan fetches the file into the slot's incoming key, after which it is scanned exactly as
 * a browser's upload is.
 */
import { attachmentLimits, attachmentTypes, type AttachmentRequest } from './attachment.ts';
import { declaredContentType } from './declaration.ts';

/** One media item of an inbound message, as the provider names it. */
export interface InboundMedia {
  readonly url: string;
  readonly contentType: string;
}

/** A media item tinbao takes: the slot it asks for, and where the file is. */
export interface MediaAttachment {
  readonly request: AttachmentRequest;
  readonly url: string;
}

/**
 * Twilio serves a message's media from api.twilio.com (and redirects to its own storage). A URL
 * elsewhere in a signed webhook would be a forged or broken one, and fetching it would let a
 * webhook make the scan call any address: only Twilio's hosts, over HTTPS, or the given origins
 * (the local stack's fake provider).
 */
export function isProviderMediaUrl(raw: string, extraOrigins: readonly string[] = []): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (extraOrigins.includes(url.origin)) return true;
  return url.protocol === 'https:' && (url.hostname === 'twilio.com' || url.hostname.endsWith('.twilio.com')) && url.port === '';
}

/**
 * The media of a message that become attachments: of an allowed type (a media item of another
 * type, a vCard say, is left with the provider), at most as many as a web tip may carry, named
 * `mms-<n>` with the type's extension. The size is unknown until the file is fetched, so the slot
 * takes up to the limit; the scan checks what comes.
 */
export function mediaAttachments(media: readonly InboundMedia[], extraOrigins: readonly string[] = []): MediaAttachment[] {
  const taken: MediaAttachment[] = [];
  for (const item of media) {
    if (taken.length >= attachmentLimits.maxFiles) break;
    const contentType = declaredContentType(item.contentType, undefined);
    if (!contentType || !isProviderMediaUrl(item.url, extraOrigins)) continue;
    const extension = attachmentTypes[contentType].extensions[0];
    taken.push({ request: { fileName: `mms-${taken.length + 1}.${extension}`, contentType, size: attachmentLimits.maxBytes }, url: item.url });
  }
  return taken;
}

/** A request to fetch one media item into its slot (the scan does it, off the webhook's clock). */
export interface MediaFetch {
  readonly provider: 'twilio';
  readonly tipId: string;
  readonly attachmentId: string;
  readonly url: string;
  readonly contentType: string;
}

/** Hands media fetches to the scan (a message on its queue in the cloud and locally). */
export interface MediaFetcher {
  request(fetches: readonly MediaFetch[]): Promise<void>;
}
