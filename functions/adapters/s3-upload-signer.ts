import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { evidenceKey } from '../../shared/attachments/attachment.ts';
import type { UploadSigner } from '../../shared/attachments/ports.ts';

/**
 * Presigned S3 POSTs for upload slots. Each policy is bound to the slot's own key, its declared
 * content type and a size range up to its declared size, and expires with the slot; S3 refuses
 * anything else before a byte is stored. The answer is asked for as 201 with XML, which says
 * the key and ETag (the local S3 gateway reads the key from it to notify the scan).
 */
export function createS3UploadSigner(client: S3Client, bucket: string, now: () => Date = () => new Date()): UploadSigner {
  return {
    async presign(slot) {
      const expiresInSeconds = Math.max(1, Math.floor((Date.parse(slot.uploadBy) - now().getTime()) / 1000));
      const { url, fields } = await createPresignedPost(client, {
        Bucket: bucket,
        Key: evidenceKey('incoming', slot.tipId, slot.id),
        Conditions: [['content-length-range', 1, slot.size], { 'Content-Type': slot.contentType }, { success_action_status: '201' }],
        Fields: { 'Content-Type': slot.contentType, success_action_status: '201' },
        Expires: expiresInSeconds,
      });
      return { id: slot.id, url, fields, expiresAt: slot.uploadBy };
    },
  };
}
