import type { MediaFetch } from '../../shared/attachments/media.ts';
import type { MediaSource } from '../../shared/usecases/fetch-media.ts';

/** How long one media download may take: a 25 MB file from Twilio's storage, with room to spare. */
const downloadTimeoutMs = 30_000;

/**
 * Downloads MMS media from the provider. Twilio answers its media URL with a redirect to its
 * storage; with the account's credentials (when the deployment names the account) the request
 * carries HTTP basic auth, which fetch drops when the redirect leaves Twilio's origin. The body
 * is read in chunks and abandoned past the limit, so an oversized file is never held whole.
 */
export function createMediaSource(twilio: { readonly accountSid: string; readonly authToken: string } | undefined): MediaSource {
  const authorization = twilio ? `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}` : undefined;
  return {
    async download(request: MediaFetch, maxBytes: number) {
      const response = await fetch(request.url, {
        headers: authorization ? { authorization } : {},
        redirect: 'follow',
        signal: AbortSignal.timeout(downloadTimeoutMs),
      });
      if (response.status === 404 || response.status === 410) return 'gone';
      if (!response.ok || !response.body) throw new Error(`media download answered ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? 'NaN');
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body.cancel();
        return 'tooLarge';
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = response.body.getReader();
      for (let part = await reader.read(); !part.done; part = await reader.read()) {
        size += part.value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return 'tooLarge';
        }
        chunks.push(part.value);
      }
      return { bytes: Buffer.concat(chunks, size) };
    },
  };
}

/** Origins besides the provider's own that media may come from: the local stack's fake provider, when there is one. */
export function fakeProviderOrigins(fakeOutboundUrl: string | undefined): string[] {
  return fakeOutboundUrl ? [new URL(fakeOutboundUrl).origin] : [];
}
