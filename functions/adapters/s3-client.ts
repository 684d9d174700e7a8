import { S3Client } from '@aws-sdk/client-s3';
import { awsClientSettings } from './aws-client-settings.ts';

/**
 * The S3 client of the functions that touch the evidence bucket (intake presigns uploads, the
 * scan reads and writes files, officers presign links), in a module of its own so that no other
 * function loads it. Locally AWS_ENDPOINT_URL_S3 points at the local S3 gateway, which serves
 * path-style URLs only; in the cloud the SDK's virtual-hosted URLs are used.
 */
export const s3Client = new S3Client({
  ...awsClientSettings,
  forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined,
  // Large files: a slow body is not a stalled dependency, so the socket may idle longer than an API call.
  requestHandler: { ...awsClientSettings.requestHandler, requestTimeout: 20_000 },
});
