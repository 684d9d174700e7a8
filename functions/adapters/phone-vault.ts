import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { PhoneVault } from '../../shared/ports.ts';
import { createSealer } from './sealer.ts';
import { awsClientSettings } from './aws-client-settings.ts';

/** Binds ciphertexts to their purpose, so a sealed number cannot be passed off as other data. */
const encryptionContext = { purpose: 'tinbao-tipster-phone' };

/** Seals numbers with the phone KMS key: the SMS functions may only encrypt, reply paths decrypt. */
export function createKmsPhoneVault(client: KMSClient, keyArn: string): PhoneVault & { open(sealed: string): Promise<string> } {
  return {
    async seal(e164) {
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(e164, 'utf8'), EncryptionContext: encryptionContext }));
      if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
      return `kms:${Buffer.from(CiphertextBlob).toString('base64')}`;
    },
    async open(sealed) {
      if (!sealed.startsWith('kms:')) throw new Error('Not a KMS-sealed number');
      const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob: Buffer.from(sealed.slice(4), 'base64'), EncryptionContext: encryptionContext, KeyId: keyArn }));
      if (!Plaintext) throw new Error('KMS returned no plaintext');
      return Buffer.from(Plaintext).toString('utf8');
    },
  };
}

/**
 * The local stack's stand-in for KMS (there is no KMS emulator): AES-256-GCM with a development
 * key from the environment, with the same seal/open contract.
 */
export function createLocalPhoneVault(keyBase64: string): PhoneVault & { open(sealed: string): Promise<string> } {
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 32) throw new Error('PHONE_SEALING_KEY must be 32 bytes, base64-encoded');
  const sealer = createSealer(key, encryptionContext.purpose);
  return {
    async seal(e164) {
      return `aes:${sealer.seal(e164)}`;
    },
    async open(sealed) {
      const opened = sealed.startsWith('aes:') ? sealer.open(sealed.slice(4)) : undefined;
      if (opened === undefined) throw new Error('Not a locally sealed number');
      return opened;
    },
  };
}

/** The vault for this deployment: the phone KMS key in the cloud, the development AES key locally. */
export function createPhoneVault(environment: { PHONE_KEY_ARN?: string | undefined; PHONE_SEALING_KEY?: string | undefined }): PhoneVault & {
  open(sealed: string): Promise<string>;
} {
  if (environment.PHONE_KEY_ARN) return createKmsPhoneVault(new KMSClient(awsClientSettings), environment.PHONE_KEY_ARN);
  if (environment.PHONE_SEALING_KEY) return createLocalPhoneVault(environment.PHONE_SEALING_KEY);
  throw new Error('Set PHONE_KEY_ARN (cloud) or PHONE_SEALING_KEY (local stack)');
}
