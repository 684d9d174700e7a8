import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { attachmentLimits } from '../../shared/attachments/attachment.ts';
import type { EvidenceStorage } from '../../shared/attachments/ports.ts';
import type { IncomingWriter } from '../../shared/usecases/fetch-media.ts';

/** Where the evidence bucket is and which key seals originals (absent locally: no KMS there). */
export interface EvidenceStorageSettings {
  readonly bucket: string;
  readonly evidenceKeyArn?: string | undefined;
  readonly now?: () => Date;
}

/** A file name for Content-Disposition: RFC 5987 for any text, with a plain ASCII fallback. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * No such object. Without s3:ListBucket (no function may list the bucket) S3 answers a missing
 * key with 403 AccessDenied rather than 404; the scan may read every incoming key, so there a 403
 * means the upload is gone (a redelivered notification after the scan moved it).
 */
const isMissing = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey' || status === 404 || status === 403;
};

/**
 * The evidence bucket on S3. Originals and quarantined files are written with SSE-KMS under the
 * evidence key, which only the evidence handler role may decrypt; clean copies under the
 * bucket's default key, which the officers function may use to presign a link.
 */
export function createS3EvidenceStorage(client: S3Client, settings: EvidenceStorageSettings): EvidenceStorage & IncomingWriter {
  const { bucket, evidenceKeyArn } = settings;
  const now = settings.now ?? (() => new Date());
  return {
    async readIncoming(key, maxBytes) {
      let answer;
      try {
        answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isMissing(error)) return 'missing';
        throw error;
      }
      const size = answer.ContentLength ?? 0;
      if (size > maxBytes) {
        // Never read past the limit: close the body instead of downloading it.
        (answer.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return 'tooLarge';
      }
      const bytes = answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      return bytes.byteLength > maxBytes ? 'tooLarge' : { bytes, size: bytes.byteLength };
    },
    async keepOriginal(key, bytes, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          // Each original under its own data key call that names the object (no S3 Bucket Key): no
          // write depends on a decrypt, which the evidence key allows the evidence handler role only.
          ...(evidenceKeyArn && { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: evidenceKeyArn, BucketKeyEnabled: false }),
        }),
      );
    },
    async putClean(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
    },
    async putIncoming(key, bytes, contentType) {
      // An MMS file fetched into its slot: the bucket's notification starts its scan, as for a browser's upload.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
    },
    async deleteIncoming(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async viewUrl(key, fileName, contentType) {
      const expiresIn = attachmentLimits.viewUrlSeconds;
      const url = await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentType: contentType,
          ResponseContentDisposition: contentDisposition(fileName),
          ResponseCacheControl: 'private, no-store',
        }),
        { expiresIn },
      );
      return { url, expiresAt: new Date(now().getTime() + expiresIn * 1000).toISOString() };
    },
  };
}
