import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { attachmentLimits, evidenceKey } from '../../shared/attachments/attachment.ts';
import { isProviderMediaUrl, mediaAttachments, type MediaFetch } from '../../shared/attachments/media.ts';
import { twilioMedia, type InboundSms } from '../../shared/sms/inbound.ts';
import { fetchMedia, type MediaSource } from '../../shared/usecases/fetch-media.ts';
import { receiveSms } from '../../shared/usecases/receive-sms.ts';
import { memoryAttachmentStore } from '../support/fakes.ts';
import { smsWorld } from '../support/tip-fakes.ts';

const twilioUrl = (n: number) => `https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME${n}`;

describe('which media of a message become attachments', () => {
  it('takes Twilio’s own HTTPS hosts and the given origins, and no other address', () => {
    assert.ok(isProviderMediaUrl(twilioUrl(1)));
    assert.ok(isProviderMediaUrl('https://media.twiliocdn.twilio.com/x'));
    assert.ok(isProviderMediaUrl('http://127.0.0.1:3001/_local/sms/media/1', ['http://127.0.0.1:3001']));
    for (const refused of ['http://api.twilio.com/x', 'https://api.twilio.com.evil.example/x', 'https://evil.example/api.twilio.com', 'https://twilio.com:8443/x', 'http://169.254.169.254/latest/meta-data', 'not a url']) {
      assert.equal(isProviderMediaUrl(refused), false, refused);
    }
  });

  it('keeps allowed types in order, names them by type, and stops at the limit', () => {
    const media = [
      { url: twilioUrl(0), contentType: 'image/jpeg' },
      { url: twilioUrl(1), contentType: 'text/vcard' },
      { url: twilioUrl(2), contentType: 'video/mp4' },
      { url: 'https://evil.example/x.jpg', contentType: 'image/jpeg' },
      ...Array.from({ length: 6 }, (_, n) => ({ url: twilioUrl(10 + n), contentType: 'image/png' })),
    ];
    const taken = mediaAttachments(media);
    assert.equal(taken.length, attachmentLimits.maxFiles);
    assert.deepEqual(
      taken.map((item) => [item.request.fileName, item.request.contentType, item.url]),
      [
        ['mms-1.jpg', 'image/jpeg', twilioUrl(0)],
        ['mms-2.mp4', 'video/mp4', twilioUrl(2)],
        ['mms-3.png', 'image/png', twilioUrl(10)],
        ['mms-4.png', 'image/png', twilioUrl(11)],
        ['mms-5.png', 'image/png', twilioUrl(12)],
      ],
    );
    assert.ok(taken.every((item) => item.request.size === attachmentLimits.maxBytes), 'the size is unknown until the file is fetched');
  });

  it('reads Twilio’s NumMedia, MediaUrl<n> and MediaContentType<n>', () => {
    assert.deepEqual(twilioMedia({ NumMedia: '2', MediaUrl0: twilioUrl(0), MediaContentType0: 'image/jpeg', MediaUrl1: twilioUrl(1), MediaContentType1: 'image/png' }), [
      { url: twilioUrl(0), contentType: 'image/jpeg' },
      { url: twilioUrl(1), contentType: 'image/png' },
    ]);
    assert.deepEqual(twilioMedia({ Body: 'no media' }), []);
    assert.deepEqual(twilioMedia({ NumMedia: 'many' }), []);
    assert.equal(twilioMedia({ NumMedia: '99', ...Object.fromEntries(Array.from({ length: 99 }, (_, n) => [`MediaUrl${n}`, twilioUrl(n)])) }).length, 10);
  });
});

function world() {
  const fetches: MediaFetch[] = [];
  const store = memoryAttachmentStore();
  return {
    ...smsWorld(),
    fetches,
    store,
    attachments: { store },
    media: { fetcher: { request: async (requested: readonly MediaFetch[]) => void fetches.push(...requested) } },
  };
}

let counter = 0;
function mms(text: string, media: InboundSms['media']): InboundSms {
  counter += 1;
  return { provider: 'twilio', messageId: `MM${counter}`, from: '+84903123456', to: '+15005550006', text, receivedAt: '2026-11-25T03:00:00.000Z', media };
}

describe('receiveSms with MMS media', () => {
  it('opens a slot on the new tip for each photo, declared in its envelope, and asks for each to be fetched', async () => {
    const w = world();
    const outcome = await receiveSms(mms('co nguoi ban ma tuy o hem 12', [{ url: twilioUrl(0), contentType: 'image/jpeg' }, { url: twilioUrl(1), contentType: 'image/png' }]), w);
    assert.equal(outcome.kind, 'tip');
    const tipId = outcome.kind === 'tip' ? outcome.tipId : '';
    const slots = await w.store.list(tipId);
    assert.deepEqual(slots.map((slot) => slot.contentType), ['image/jpeg', 'image/png']);
    assert.deepEqual(w.queue.sent[0]?.attachments, slots.map((slot) => slot.id));
    assert.deepEqual(w.fetches, slots.map((slot, n) => ({ provider: 'twilio', tipId, attachmentId: slot.id, url: twilioUrl(n), contentType: slot.contentType })));
  });

  it('adds a photo sent alone within the window to the open tip, and answers an empty message without an open tip as before', async () => {
    const w = world();
    const first = await receiveSms(mms('co nguoi ban ma tuy o hem 12', []), w);
    const tipId = first.kind === 'tip' ? first.tipId : '';
    w.clock.advance(5 * 60_000);
    const alone = await receiveSms(mms('', [{ url: twilioUrl(3), contentType: 'image/jpeg' }]), w);
    assert.equal(alone.kind, 'follow_up');
    assert.equal((await w.store.list(tipId)).length, 1);
    assert.equal(w.fetches[0]?.tipId, tipId);
    assert.equal(w.conversation.messages.get(tipId), undefined, 'no empty message is added to the conversation');

    const later = world();
    const nothing = await receiveSms(mms('', [{ url: twilioUrl(4), contentType: 'image/jpeg' }]), later);
    assert.equal(nothing.kind, 'empty');
    assert.equal(later.fetches.length, 0);
  });

  it('leaves media with the provider on a channel without a fetcher', async () => {
    const { media: _media, ...withoutMedia } = world();
    const outcome = await receiveSms(mms('co nguoi ban ma tuy o hem 12', [{ url: twilioUrl(0), contentType: 'image/jpeg' }]), withoutMedia);
    assert.equal(outcome.kind, 'tip');
    assert.equal(withoutMedia.queue.sent[0]?.attachments, undefined);
  });
});

describe('fetchMedia', () => {
  async function slotWorld() {
    const store = memoryAttachmentStore();
    const slot = { id: '01KAAAAAAAAAAAAAAAAAAAAAAB', tipId: '01KAAAAAAAAAAAAAAAAAAAAAAA', fileName: 'mms-1.jpg', contentType: 'image/jpeg' as const, size: 1000, createdAt: '2026-11-25T03:00:00.000Z', uploadBy: '2026-11-25T04:00:00.000Z' };
    await store.open([slot], new Date('2031-01-01T00:00:00Z'));
    const written: Array<{ key: string; size: number; contentType: string }> = [];
    const storage = { putIncoming: async (key: string, bytes: Uint8Array, contentType: string) => void written.push({ key, size: bytes.byteLength, contentType }) };
    const request: MediaFetch = { provider: 'twilio', tipId: slot.tipId, attachmentId: slot.id, url: twilioUrl(0), contentType: 'image/jpeg' };
    return { store, slot, written, storage, request };
  }
  const serving = (answer: Awaited<ReturnType<MediaSource['download']>>, seen: number[] = []): MediaSource => ({
    download: async (_request, maxBytes) => (seen.push(maxBytes), answer),
  });

  it('puts the file where a browser’s upload goes, reading no more than the slot takes', async () => {
    const w = await slotWorld();
    const limits: number[] = [];
    assert.equal(await fetchMedia(w.request, { store: w.store, storage: w.storage, source: serving({ bytes: new Uint8Array(700) }, limits) }), 'fetched');
    assert.deepEqual(w.written, [{ key: evidenceKey('incoming', w.slot.tipId, w.slot.id), size: 700, contentType: 'image/jpeg' }]);
    assert.deepEqual(limits, [1000]);
  });

  it('fetches nothing for a missing slot, a slot that holds an upload, an address not the provider’s, or a file gone or too large', async () => {
    const w = await slotWorld();
    const source = serving({ bytes: new Uint8Array(10) });
    assert.equal(await fetchMedia({ ...w.request, attachmentId: '01KAAAAAAAAAAAAAAAAAAAAAAZ' }, { store: w.store, storage: w.storage, source }), 'noSlot');
    assert.equal(await fetchMedia({ ...w.request, url: 'http://169.254.169.254/latest' }, { store: w.store, storage: w.storage, source }), 'refusedUrl');
    assert.equal(await fetchMedia(w.request, { store: w.store, storage: w.storage, source: serving('gone') }), 'gone');
    assert.equal(await fetchMedia(w.request, { store: w.store, storage: w.storage, source: serving('tooLarge') }), 'tooLarge');
    assert.equal(w.written.length, 0);
    await w.store.bind(w.slot.tipId, w.slot.id, 'etag-1');
    assert.equal(await fetchMedia(w.request, { store: w.store, storage: w.storage, source }), 'alreadyUploaded');
    assert.equal(w.written.length, 0);
  });
});
