import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Seals short texts with AES-256-GCM: opened only with the same key and purpose, and any change is detected. */
export interface Sealer {
  seal(plaintext: string): string;
  /** The plaintext, or undefined when the value was not sealed with this key and purpose (or was altered). */
  open(sealed: string): string | undefined;
}

/**
 * A sealer bound to a purpose (authenticated as associated data), so a value sealed for one
 * use (a receipt cookie, a phone number) cannot be passed off as another. Output is base64url:
 * 12-byte IV, 16-byte tag, ciphertext.
 */
export function createSealer(key: Buffer, purpose: string): Sealer {
  if (key.length !== 32) throw new Error('A sealing key must be 32 bytes');
  const aad = Buffer.from(purpose, 'utf8');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < 29) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAAD(aad);
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
