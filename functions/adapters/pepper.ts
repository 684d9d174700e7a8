import { hkdfSync } from 'node:crypto';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * The key that hashes tipster secrets. In the cloud it lives in Secrets Manager and is read
 * once per cold start; the local stack passes a development key in the environment.
 */
export async function loadTrackingPepper(environment: { TRACKING_PEPPER_SECRET_ARN?: string | undefined; TRACKING_PEPPER?: string | undefined }): Promise<string> {
  if (environment.TRACKING_PEPPER_SECRET_ARN) {
    const secret = await getSecret(environment.TRACKING_PEPPER_SECRET_ARN, { maxAge: 3600 });
    if (typeof secret !== 'string' || secret.length < 16) throw new Error('The tracking pepper secret is missing or too short');
    return secret;
  }
  if (environment.TRACKING_PEPPER) return environment.TRACKING_PEPPER;
  throw new Error('Set TRACKING_PEPPER_SECRET_ARN (cloud) or TRACKING_PEPPER (local stack)');
}

/**
 * A 32-byte key of its own for one purpose, derived from the pepper (HKDF-SHA256), so there is
 * one secret to guard and no key serves two purposes.
 */
export function keyFromPepper(pepper: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', pepper, 'tinbao', purpose, 32));
}
