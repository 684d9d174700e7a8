import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { evidencePrefixes } from '../../shared/attachments/attachment.ts';
import { evidenceBucket } from '../definitions.ts';

/**
 * The evidence bucket's name: fixed, so that its ARN is known without referring to the bucket.
 * S3 checks, when the bucket is made, that it may notify the scan queue, so the queue policy
 * (and the data key's policy) must name the bucket before the bucket exists; a reference to it
 * would be a circular dependency. Account and region make the name unique across S3.
 */
export function evidenceBucketName(stage: string, account: string, region: string): string {
  return `tinbao-${stage}-evidence-${account}-${region}`;
}

/**
 * The evidence bucket's ARN built from its name, for a policy that must not refer to the bucket:
 * the queue and key policies made before it, and the functions' grants by prefix (whose findings
 * cdk-nag then names by this readable ARN instead of a cross-stack export).
 */
export function evidenceBucketArn(scope: Construct, stage: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:s3:::${evidenceBucketName(stage, stack.account, stack.region)}`;
}

/**
 * The bucket is versioned, so that a copy overwritten or deleted by mistake (or by a compromised
 * scan) can be restored: for this many days, then the old version is gone too.
 */
export const evidenceNoncurrentVersionDays = 30;

/** An evidence handler's session (the role's maximum): one sitting with the files, then MFA again. */
export const evidenceHandlerSessionHours = 1;

/** The prefixes that hold the files as sent: only the evidence handler role may read them. */
export const evidenceOnlyPrefixes = [evidencePrefixes.original, evidencePrefixes.quarantine] as const;

/** The CORS rule of the bucket for the given origins, as S3's PutBucketCors takes it. */
export function evidenceCorsRule(allowedOrigins: readonly string[]) {
  return {
    AllowedMethods: [...evidenceBucket.cors.allowedMethods],
    AllowedOrigins: [...allowedOrigins],
    AllowedHeaders: [...evidenceBucket.cors.allowedHeaders],
    ExposeHeaders: [...evidenceBucket.cors.exposedHeaders],
    MaxAgeSeconds: evidenceBucket.cors.maxAgeSeconds,
  };
}

/**
 * A site origin as a CORS rule and a CSP name it: `https://host[:port]`, nothing after it
 * (context `siteOrigin`, for a site served at an address of its own).
 */
export function siteOriginOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Context value siteOrigin is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:') throw new Error(`Context value siteOrigin must use https: ${JSON.stringify(value)}`);
  if (url.origin !== value.replace(/\/$/, '') || !/^[a-z0-9.-]+$/.test(url.hostname)) {
    throw new Error(`Context value siteOrigin must be one origin (scheme and host name, no path or wildcard): ${JSON.stringify(value)}`);
  }
  return url.origin;
}

export interface EvidenceStorageProps {
  readonly stage: string;
  /** The data key: the bucket's default encryption (clean copies, uploads) and the scan queue's. */
  readonly key: kms.Key;
  /** The queue the bucket notifies of each upload under `incoming/`. */
  readonly scanQueue: sqs.Queue;
  /**
   * The origin the citizen pages are served from, when it is known before the web stack exists
   * (context `siteOrigin`): the bucket's CORS names it. Without it the stateless stack sets the
   * CORS rule for its distribution's address (evidence-cors.ts).
   */
  readonly siteOrigin?: string | undefined;
}

export interface EvidenceStorage {
  readonly bucket: s3.Bucket;
  readonly evidenceKey: kms.Key;
  readonly evidenceHandlerRole: iam.Role;
}

/**
 * The evidence bucket and what guards it, made in `scope` (the stateful stack):
 * - the bucket: SSE-KMS with the data key and S3 Bucket Keys, public access blocked, TLS 1.2
 *   only, ACLs off, versioned, retained; uploads under `incoming/` expire after a day, every copy
 *   after the tips' retention (definitions.ts evidenceBucket), old versions after 30 days;
 * - its notification of uploads under `incoming/` to the scan queue, set on the bucket itself
 *   (no custom resource): the queue lets only this bucket of this account send, the data key lets
 *   S3 use it only for this bucket;
 * - the evidence key, for originals and quarantined files: only the evidence handler role may
 *   decrypt with it (key policy), only the scan is granted to encrypt with it (its IAM policy);
 * - the evidence handler role: assumed by this account's people with MFA; it may read
 *   `originals/*` and `quarantine/*` and decrypt them, nothing else. The bucket policy denies
 *   those reads to every other principal and refuses a file there not sealed with the evidence key.
 */
export function addEvidenceStorage(scope: Construct, props: EvidenceStorageProps): EvidenceStorage {
  const stack = Stack.of(scope);
  const bucketName = evidenceBucketName(props.stage, stack.account, stack.region);
  const bucketArn = evidenceBucketArn(scope, props.stage);
  const thisBucket = {
    ArnEquals: { 'aws:SourceArn': bucketArn },
    StringEquals: { 'aws:SourceAccount': stack.account },
  };

  // The handler role first: the key and bucket policies name it.
  const evidenceHandlerRole = new iam.Role(scope, 'EvidenceHandlerRole', {
    description: `tinbao ${props.stage}: evidence handlers read the originals and quarantined files of tips (MFA required)`,
    assumedBy: new iam.AccountPrincipal(stack.account).withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
    maxSessionDuration: Duration.hours(evidenceHandlerSessionHours),
  });
  const onlyTheHandlerRole = { ArnNotEquals: { 'aws:PrincipalArn': evidenceHandlerRole.roleArn } };

  const evidenceKey = new kms.Key(scope, 'EvidenceKey', {
    description: `tinbao ${props.stage}: seals evidence files as sent (originals, quarantined files); only the evidence handler role may decrypt`,
    alias: `alias/tinbao-${props.stage}-evidence`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Administration stays with the account (the default statement); using the key to read is the handlers' alone,
  // whatever an IAM policy elsewhere in the account says. Re-encrypting would read it too.
  evidenceKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyEvidenceHandlersDecrypt',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      resources: ['*'],
      conditions: onlyTheHandlerRole,
    }),
  );

  // S3 sends the notifications into the scan queue, which the data key encrypts: only for this bucket.
  props.key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowTheEvidenceBucketToNotifyEncryptedQueues',
      principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: thisBucket,
    }),
  );
  props.scanQueue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowTheEvidenceBucketToNotify',
      principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [props.scanQueue.queueArn],
      conditions: thisBucket,
    }),
  );

  const days = (count: number) => Duration.days(count);
  const bucket = new s3.Bucket(scope, 'EvidenceBucket', {
    bucketName,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.key,
    // One data key per bucket and period instead of a KMS call per object.
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [
      {
        id: 'expire-incoming',
        prefix: evidencePrefixes.incoming,
        expiration: days(evidenceBucket.incomingExpirationDays),
        // A scanned upload is deleted at once; its old version need not wait a month either.
        noncurrentVersionExpiration: days(evidenceBucket.incomingExpirationDays),
      },
      {
        id: 'expire-evidence',
        expiration: days(evidenceBucket.expirationDays),
        noncurrentVersionExpiration: days(evidenceNoncurrentVersionDays),
        abortIncompleteMultipartUploadAfter: days(1),
      },
      // Once every version of a file is gone, its delete marker goes too.
      { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
    ],
    ...(props.siteOrigin !== undefined && {
      cors: [
        {
          allowedMethods: evidenceBucket.cors.allowedMethods.map((method) => s3.HttpMethods[method]),
          allowedOrigins: [props.siteOrigin],
          allowedHeaders: [...evidenceBucket.cors.allowedHeaders],
          exposedHeaders: [...evidenceBucket.cors.exposedHeaders],
          maxAge: evidenceBucket.cors.maxAgeSeconds,
        },
      ],
    }),
    // Evidence outlives any deployment; deleting the stack leaves the bucket and its files.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.notificationConfiguration = {
    queueConfigurations: evidenceBucket.notification.events.map((event) => ({
      event,
      queue: props.scanQueue.queueArn,
      filter: { s3Key: { rules: [{ name: 'prefix', value: evidenceBucket.notification.prefix }] } },
    })),
  };
  // S3 sends a test event when the notification is set: the queue must already let it.
  bucket.node.addDependency(props.scanQueue.node.findChild('Policy'));
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'No server access logs on purpose: citizens post their files to this bucket straight from the browser, and every ' +
      "log record would hold the uploader's IP address and user agent beside the key, which names the tip: a register " +
      'of who sent which tip. Officers open clean copies only through the officers API, which audits every view; ' +
      'evidence handlers read originals with an IAM role whose use CloudTrail records.',
  });

  const evidenceObjects = evidenceOnlyPrefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyEvidenceHandlersReadOriginals',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: evidenceObjects,
      conditions: onlyTheHandlerRole,
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'SealOriginalsWithTheEvidenceKey',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: evidenceObjects,
      // Also when the header is missing: a file there under the bucket's default key would be readable by its users.
      conditions: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': evidenceKey.keyArn } },
    }),
  );

  evidenceHandlerRole.addToPolicy(new iam.PolicyStatement({ sid: 'ReadOriginals', actions: ['s3:GetObject'], resources: evidenceObjects }));
  evidenceHandlerRole.addToPolicy(
    new iam.PolicyStatement({
      sid: 'OpenOriginals',
      actions: ['kms:Decrypt'],
      resources: [evidenceKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    }),
  );
  const handlerPolicy = evidenceHandlerRole.node.findChild('DefaultPolicy');
  const bucketId = stack.resolve(stack.getLogicalId(cfnBucket)) as string;
  for (const prefix of evidenceOnlyPrefixes) {
    Validations.of(handlerPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
      reason:
        `Evidence handlers open the file of whichever tip they handle: every key under ${prefix} is <tip id>/<attachment id>, ` +
        'so the grant is the prefix and nothing wider, s3:GetObject only, for a role that needs MFA.',
    });
  }

  return { bucket, evidenceKey, evidenceHandlerRole };
}
