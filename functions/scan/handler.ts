import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { systemClock } from '../../shared/ports.ts';
import type { MediaFetch } from '../../shared/attachments/media.ts';
import { scanUpload } from '../../shared/usecases/attachments.ts';
import { fetchMedia, type MediaSource } from '../../shared/usecases/fetch-media.ts';
import { loadChannelSecret } from '../adapters/channel-secret.ts';
import { createAttachmentCleaner } from '../adapters/attachment-cleaner.ts';
import { createDynamoAttachmentStore } from '../adapters/dynamo-attachment-store.ts';
import { createDocumentClient } from '../adapters/dynamo-tip-items.ts';
import { createDynamoTipRepository } from '../adapters/dynamo-tip-store.ts';
import { commonEnvironment, readEnvironment } from '../adapters/environment.ts';
import { createFileTypeDetector } from '../adapters/file-type-detector.ts';
import { createMediaSource, fakeProviderOrigins } from '../adapters/media-source.ts';
import { dynamoDbClient, logger, metrics, ulidGenerator } from '../adapters/runtime.ts';
import { s3Client } from '../adapters/s3-client.ts';
import { createS3EvidenceStorage } from '../adapters/s3-evidence-storage.ts';
import { mediaFetchMessageKey } from '../adapters/sqs-media-fetcher.ts';
import { UnreadableMessageError } from '../adapters/unreadable-message.ts';

const environment = readEnvironment({
  ...commonEnvironment,
  EVIDENCE_BUCKET_NAME: z.string().min(1),
  EVIDENCE_KEY_ARN: z.string().startsWith('arn:').optional(),
  /** The Twilio account whose MMS media the scan fetches (its auth token signs the downloads). */
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/).optional(),
  /** Local stack only: the fake provider, whose origin serves its MMS media. */
  SMS_LOCAL_FAKE_OUTBOUND_URL: z.url().optional(),
});
const documents = createDocumentClient(dynamoDbClient);
const pack = environment.JURISDICTION_PACK.id;

/** Twilio's credentials are read on the first MMS to fetch, not at every cold start. */
let mediaSourceLoading: Promise<MediaSource> | undefined;
async function loadMediaSource(): Promise<MediaSource> {
  const accountSid = environment.TWILIO_ACCOUNT_SID;
  if (!accountSid) return createMediaSource(undefined);
  const authToken = await loadChannelSecret({ arnVariable: 'TWILIO_AUTH_TOKEN_SECRET_ARN', localVariable: 'TWILIO_AUTH_TOKEN' });
  return createMediaSource({ accountSid, authToken });
}
const mediaSource: MediaSource = {
  download: async (request, maxBytes) => (await (mediaSourceLoading ??= loadMediaSource())).download(request, maxBytes),
};

const dependencies = {
  store: createDynamoAttachmentStore(documents, environment.TABLE_NAME),
  storage: createS3EvidenceStorage(s3Client, { bucket: environment.EVIDENCE_BUCKET_NAME, evidenceKeyArn: environment.EVIDENCE_KEY_ARN }),
  detector: createFileTypeDetector(),
  cleaner: createAttachmentCleaner(),
  tips: createDynamoTipRepository(documents, environment.TABLE_NAME, environment.TIP_RETENTION_DAYS),
  jurisdiction: pack,
  // The routing engine and its map data load only for a photo whose GPS may move its tip:
  // most scans never pay for them at cold start.
  loadClassifier: async () => (await import('../../shared/classification/engine.ts')).classifierFor(pack),
  clock: systemClock,
  ids: ulidGenerator,
};

/** What S3 sends to the queue for each object created under incoming/ (one record per message in practice). */
const s3NotificationSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      eventTime: z.string(),
      s3: z.object({
        bucket: z.object({ name: z.string() }),
        object: z.object({ key: z.string(), size: z.number().int().nonnegative(), eTag: z.string().min(1) }),
      }),
    }),
  ),
});

/** An MMS media item to fetch into its slot (functions/adapters/sqs-media-fetcher.ts). */
const mediaFetchSchema = z.object({
  [mediaFetchMessageKey]: z.object({
    provider: z.literal('twilio'),
    tipId: z.string().min(1),
    attachmentId: z.string().min(1),
    url: z.url(),
    contentType: z.string(),
  }),
});

const mediaDependencies = {
  store: dependencies.store,
  source: mediaSource,
  storage: dependencies.storage,
  extraOrigins: fakeProviderOrigins(environment.SMS_LOCAL_FAKE_OUTBOUND_URL),
};

/** Fetches one MMS media item into its slot; its upload then comes back through the bucket's notification. */
async function fetchOneMedia(request: MediaFetch): Promise<void> {
  const outcome = await fetchMedia(request, mediaDependencies);
  logger.info('media fetched', { tipId: request.tipId, attachmentId: request.attachmentId, outcome });
  metrics.addMetric(outcome === 'fetched' ? 'MediaFetched' : 'MediaNotFetched', MetricUnit.Count, 1);
}

/** S3 sends this once when a notification configuration is set: nothing to scan. */
const s3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') });

/** S3 writes keys in notifications URL-encoded, with spaces as `+`. */
const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

const processor = new BatchProcessor(EventType.SQS);

/** Scans every upload a queued notification names; a throw sends only this record back to the queue. */
async function scanRecord(record: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    logger.error('unreadable scan message', { messageId: record.messageId });
    throw new UnreadableMessageError();
  }
  if (s3TestEventSchema.safeParse(body).success) {
    metrics.addMetric('ScanTestEvents', MetricUnit.Count, 1);
    return;
  }
  const media = mediaFetchSchema.safeParse(body);
  if (media.success) return fetchOneMedia(media.data[mediaFetchMessageKey]);
  const notification = s3NotificationSchema.safeParse(body);
  if (!notification.success) {
    logger.error('unreadable scan message', { messageId: record.messageId });
    throw new UnreadableMessageError();
  }
  for (const entry of notification.data.Records) {
    if (entry.s3.bucket.name !== environment.EVIDENCE_BUCKET_NAME) continue;
    const upload = {
      key: decodeS3Key(entry.s3.object.key),
      eTag: entry.s3.object.eTag.replace(/"/g, ''),
      size: entry.s3.object.size,
      eventTime: entry.eventTime,
    };
    const result = await scanUpload(upload, dependencies);
    // Ids and outcomes only: a file name is the tipster's own words.
    logger.info('upload scanned', { tipId: result.tipId, attachmentId: result.attachmentId, outcome: result.outcome, reason: result.reason });
    metrics.addMetric(`Uploads${result.outcome.charAt(0).toUpperCase()}${result.outcome.slice(1)}`, MetricUnit.Count, 1);
  }
}

/** The Lambda entry point: an SQS batch of S3 notifications, with partial batch responses. */
export const handler = middy(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, scanRecord, processor, { context, throwOnFullBatchFailure: false }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
