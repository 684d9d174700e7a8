import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { systemClock } from '../../shared/ports.ts';
import type { InboundSms } from '../../shared/sms/inbound.ts';
import { createPhonePseudonymizer } from '../../shared/sms/phone.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { receiveSms, type SmsOutcome } from '../../shared/usecases/receive-sms.ts';
import { createDynamoAttachmentStore } from './dynamo-attachment-store.ts';
import { createDynamoSmsSenderStore, createDynamoTipConversation } from './dynamo-sms-store.ts';
import { createDocumentClient } from './dynamo-tip-items.ts';
import { createDynamoTipRepository, createDynamoTrackingCodeStore } from './dynamo-tip-store.ts';
import { commonEnvironment, pepperEnvironment, readEnvironment } from './environment.ts';
import { keyFromPepper, loadTrackingPepper } from './pepper.ts';
import { fakeProviderOrigins } from './media-source.ts';
import { createPhoneVault } from './phone-vault.ts';
import { dynamoDbClient, logger, metrics, ulidGenerator } from './runtime.ts';
import { sqsClient } from './sqs-client.ts';
import type { SmsOutbox } from './sms-outbox.ts';
import { createSqsMediaFetcher } from './sqs-media-fetcher.ts';
import { createSqsTipQueue } from './sqs-tip-queue.ts';
import { lazyTextReader } from './text-reader.ts';

/** What one processed SMS gave, as stored for retries of the same provider message. */
export type ProcessedSms = SmsOutcome & {
  /** The invocation that first processed the message; a retry sees another one's id. */
  readonly firstRequestId: string;
};

/** The SMS intake of one function: configured once at cold start, run once per provider message. */
export interface SmsIntake {
  /** Processes the message unless it was already processed, and reports whether it was. */
  process(message: InboundSms, context: Context): Promise<ProcessedSms & { readonly duplicate: boolean }>;
}

const environmentShape = {
  ...commonEnvironment,
  ...pepperEnvironment,
  INTAKE_QUEUE_URL: z.url(),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  PHONE_KEY_ARN: z.string().startsWith('arn:').optional(),
  PHONE_SEALING_KEY: z.string().min(40).optional(),
  SMS_FOLLOW_UP_WINDOW_MINUTES: z.coerce.number().int().positive(),
  SMS_RATE_LIMIT_PER_HOUR: z.coerce.number().int().positive(),
  SMS_IDEMPOTENCY_SECONDS: z.coerce.number().int().positive(),
  /** Where MMS media fetches go (the attachment scan queue); a channel with MMS needs it. */
  ATTACHMENT_SCAN_QUEUE_URL: z.url().optional(),
  /** Local stack only: the fake provider, whose origin serves its MMS media. */
  SMS_LOCAL_FAKE_OUTBOUND_URL: z.url().optional(),
};

/** The SMS functions' shared environment, read once at cold start. */
export const smsEnvironment = readEnvironment(environmentShape);

/**
 * Builds the SMS intake. Replies go out through `outbox` inside the once-only section, so a
 * provider retrying a message 600 times gets one acknowledgement; channels that answer inline
 * (Twilio's TwiML) pass no outbox and read the reply from the result.
 */
export async function createSmsIntake(outbox: SmsOutbox | undefined, options: { readonly media?: boolean } = {}): Promise<SmsIntake> {
  const environment = smsEnvironment;
  const pepper = await loadTrackingPepper(environment);
  // A key of its own for phone pseudonyms, derived from the pepper so there is one secret to guard.
  const pseudonymKey = keyFromPepper(pepper, 'phone pseudonym v1');
  const documents = createDocumentClient(dynamoDbClient);
  const vault = createPhoneVault(environment);

  const dependencies = {
    queue: createSqsTipQueue(sqsClient, environment.INTAKE_QUEUE_URL),
    codes: createDynamoTrackingCodeStore(documents, environment.TABLE_NAME),
    tips: createDynamoTipRepository(documents, environment.TABLE_NAME, environment.TIP_RETENTION_DAYS),
    senders: createDynamoSmsSenderStore(documents, environment.TABLE_NAME),
    conversation: createDynamoTipConversation(documents, environment.TABLE_NAME),
    reader: lazyTextReader,
    hasher: createSecretHasher(pepper),
    pseudonymizer: createPhonePseudonymizer(pseudonymKey),
    vault,
    clock: systemClock,
    ids: ulidGenerator,
    retentionDays: environment.TIP_RETENTION_DAYS,
    settings: { followUpWindowMinutes: environment.SMS_FOLLOW_UP_WINDOW_MINUTES, rateLimitPerHour: environment.SMS_RATE_LIMIT_PER_HOUR },
    // MMS media (Twilio): slots on the tip, and fetches for the scan to make.
    ...(options.media && environment.ATTACHMENT_SCAN_QUEUE_URL && {
      attachments: { store: createDynamoAttachmentStore(documents, environment.TABLE_NAME) },
      media: {
        fetcher: createSqsMediaFetcher(sqsClient, environment.ATTACHMENT_SCAN_QUEUE_URL),
        extraOrigins: fakeProviderOrigins(environment.SMS_LOCAL_FAKE_OUTBOUND_URL),
      },
    }),
  };

  const config = new IdempotencyConfig({ eventKeyJmesPath: '[provider, messageId]', expiresAfterSeconds: environment.SMS_IDEMPOTENCY_SECONDS });
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: environment.IDEMPOTENCY_TABLE_NAME, awsSdkV3Client: dynamoDbClient });

  const processOnce = makeIdempotent(
    async (message: InboundSms, requestId: string): Promise<ProcessedSms> => {
      const outcome = await receiveSms(message, dependencies);
      logger.info('sms processed', { provider: message.provider, outcome: outcome.kind, ...('tipId' in outcome && { tipId: outcome.tipId }) });
      metrics.addMetric(`Sms_${outcome.kind}`, MetricUnit.Count, 1);
      if (outbox && outcome.reply) {
        try {
          await outbox.send({ to: message.from, text: outcome.reply, inReplyTo: message.messageId });
        } catch (error) {
          // The tip is already queued: failing here would let a retry open it twice. Lose the
          // acknowledgement, not the tip, and make the loss visible.
          logger.error('sms reply not sent', { provider: message.provider, errorName: (error as Error).name });
          metrics.addMetric('SmsRepliesFailed', MetricUnit.Count, 1);
        }
      }
      return { ...outcome, firstRequestId: requestId };
    },
    { persistenceStore, config, dataIndexArgument: 0 },
  );

  return {
    async process(message, context) {
      config.registerLambdaContext(context);
      const result = await processOnce(message, context.awsRequestId);
      const duplicate = result.firstRequestId !== context.awsRequestId;
      if (duplicate) metrics.addMetric('SmsDuplicateDeliveries', MetricUnit.Count, 1);
      return { ...result, duplicate };
    },
  };
}
