/**
 * The origin a browser posts evidence files to: the bucket's regional endpoint in the cloud (the
 * presigned POSTs' URL), the local S3 gateway when AWS_ENDPOINT_URL_S3 names one. The citizen
 * pages' Content-Security-Policy lets their script connect there and nowhere else.
 */
export function evidenceUploadOrigin(bucket: string, environment: NodeJS.ProcessEnv = process.env): string {
  const endpoint = environment.AWS_ENDPOINT_URL_S3;
  if (endpoint) return new URL(endpoint).origin;
  return `https://${bucket}.s3.${environment.AWS_REGION ?? 'us-east-1'}.amazonaws.com`;
}
