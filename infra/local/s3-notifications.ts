/**
 * S3 event notifications as the evidence bucket sends them to the scan queue in the cloud, for
 * the local S3 gateway (s3-gateway.ts): fauxqs stores objects but notifies nobody. The messages
 * are S3's own JSON (event message structure version 2.1), so the scan reads the same body
 * locally as in the cloud, the `s3:TestEvent` S3 sends when the configuration is set included.
 */
import { randomBytes } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseIncomingKey } from '../../shared/attachments/attachment.ts';

/** The object-creating requests S3 tells of, by S3's event names. */
export type ObjectCreatedEvent = 'ObjectCreated:Put' | 'ObjectCreated:Post' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';

/** One record of an S3 event notification, the fields S3 sends for a general purpose bucket. */
export interface S3EventRecord {
  readonly eventVersion: '2.1';
  readonly eventSource: 'aws:s3';
  readonly awsRegion: string;
  readonly eventTime: string;
  readonly eventName: ObjectCreatedEvent;
  readonly userIdentity: { readonly principalId: string };
  readonly requestParameters: { readonly sourceIPAddress: string };
  readonly responseElements: { readonly 'x-amz-request-id': string; readonly 'x-amz-id-2': string };
  readonly s3: {
    readonly s3SchemaVersion: '1.0';
    readonly configurationId: string;
    readonly bucket: { readonly name: string; readonly ownerIdentity: { readonly principalId: string }; readonly arn: string };
    readonly object: { readonly key: string; readonly size: number; readonly eTag: string; readonly sequencer: string };
  };
}

/** An S3 event notification: one record per object, as S3 sends them. */
export interface S3EventNotification {
  readonly Records: readonly S3EventRecord[];
}

/** What S3 sends once when a notification configuration is set; consumers must ignore it. */
export interface S3TestEvent {
  readonly Service: 'Amazon S3';
  readonly Event: 's3:TestEvent';
  readonly Time: string;
  readonly Bucket: string;
  readonly RequestId: string;
  readonly HostId: string;
}

/** A notification the gateway sent, with the id SQS gave its message. */
export interface SentNotification {
  readonly messageId: string;
  readonly body: S3EventNotification | S3TestEvent;
}

/**
 * A notification that could not be sent after its retries, told without the key's text: only
 * the tip's and the attachment's ids when the key is one of tinbao's incoming keys.
 */
export interface NotificationFailure {
  /**
   * `key`: a PostObject's answer did not name the key (it asked for another status than 201);
   * `head`: the object could not be read back for its size and ETag; `send`: SQS refused or did not answer.
   */
  readonly stage: 'key' | 'head' | 'send';
  readonly eventName: ObjectCreatedEvent | 's3:TestEvent';
  readonly requestId?: string | undefined;
  readonly tipId?: string | undefined;
  readonly attachmentId?: string | undefined;
  readonly errorName: string;
  readonly code?: string | undefined;
  readonly attempts: number;
}

/** The principal the local credentials stand for (their access key id is `local`). */
const localPrincipal = 'AWS:local';

/** The notification configuration's id; in the cloud CloudFormation names it. */
export const localNotificationConfigurationId = 'tinbao-local-evidence-scan';

/**
 * A key as S3 writes it into a notification: URL-encoded as a form value (a space is `+`), the
 * slashes left as they are. Consumers decode it with decodeURIComponent after turning `+` into spaces.
 */
export function notificationKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/**
 * S3's sequencer orders the events of one key: a hexadecimal string that grows with each event.
 * Here it grows with the gateway's clock and a counter, so two events in one millisecond differ.
 */
export function sequencerSource(): () => string {
  let counter = 0n;
  return () => {
    counter += 1n;
    return (BigInt(Date.now()) * 1_000_000n + counter).toString(16).toUpperCase().padStart(18, '0');
  };
}

/** The record S3 would send for one created object. */
export function objectCreatedRecord(input: {
  readonly region: string;
  readonly bucket: string;
  readonly key: string;
  readonly eventName: ObjectCreatedEvent;
  readonly size: number;
  /** As S3 answers it (quoted) or bare: the record carries it without quotes. */
  readonly eTag: string;
  readonly sequencer: string;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly hostId: string;
  readonly at: Date;
}): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime: input.at.toISOString(),
    eventName: input.eventName,
    userIdentity: { principalId: localPrincipal },
    requestParameters: { sourceIPAddress: input.sourceIp },
    responseElements: { 'x-amz-request-id': input.requestId, 'x-amz-id-2': input.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: localNotificationConfigurationId,
      bucket: { name: input.bucket, ownerIdentity: { principalId: localPrincipal }, arn: `arn:aws:s3:::${input.bucket}` },
      object: { key: notificationKey(input.key), size: input.size, eTag: input.eTag.replace(/^"|"$/g, ''), sequencer: input.sequencer },
    },
  };
}

/** The test event S3 sends to a queue when the bucket's notification configuration is set. */
export function testEvent(bucket: string, at: Date): S3TestEvent {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: at.toISOString(),
    Bucket: bucket,
    RequestId: randomBytes(8).toString('hex').toUpperCase(),
    HostId: randomBytes(24).toString('base64'),
  };
}

/** Whether a notification configuration's event patterns (`s3:ObjectCreated:*`) take this event. */
export function eventMatches(patterns: readonly string[], eventName: ObjectCreatedEvent): boolean {
  return patterns.some((pattern) => pattern === `s3:${eventName}` || (pattern.endsWith(':*') && `s3:${eventName}`.startsWith(pattern.slice(0, -1))));
}

/** The ids a failure may tell of a key: a tip's and an attachment's when it is one of tinbao's incoming keys. */
export function keyIds(key: string | undefined): { tipId?: string; attachmentId?: string } {
  const ids = key === undefined ? undefined : parseIncomingKey(key);
  return ids ? { tipId: ids.tipId, attachmentId: ids.attachmentId } : {};
}

/** What may be told of an error: its class and a system-like code, never its message. */
export function errorSummary(error: unknown): { errorName: string; code?: string } {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | undefined)?.code ?? (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return { errorName: name, ...(typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) && { code }) };
}

/** Writes a failure as one JSON line on stderr, as the local event source writes its own (sqs-poller.ts). */
export function logNotificationFailure(failure: NotificationFailure): void {
  const line = {
    level: 'WARN',
    message: 'local S3 gateway: an event notification was not sent',
    timestamp: new Date().toISOString(),
    service: 'tinbao-local-s3-gateway',
    ...failure,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/** How long to wait before each retry of a failed send (then it is given up and logged). */
export const defaultRetryDelaysMs: readonly number[] = [100, 500, 2000];

/** Sends a body to the queue, retrying after each delay; the message id, or the last error. */
export async function sendWithRetries(
  sqs: SQSClient,
  queueUrl: string,
  body: S3EventNotification | S3TestEvent,
  delaysMs: readonly number[],
): Promise<{ messageId: string } | { error: unknown; attempts: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= delaysMs.length; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt - 1]));
    try {
      const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }), {
        abortSignal: AbortSignal.timeout(5000),
      });
      return { messageId: MessageId ?? '' };
    } catch (error) {
      lastError = error;
    }
  }
  return { error: lastError, attempts: delaysMs.length + 1 };
}
