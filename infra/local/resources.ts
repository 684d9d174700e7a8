import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, type BucketLifecycleConfiguration, type S3Client } from '@aws-sdk/client-s3';
import { alertTopic, attachmentScanQueue, evidenceBucket, idempotencyTable, intakeQueue, smsInboundQueue, smsInboundTopic, tipStreamFailureQueue, tipTable } from '../definitions.ts';

/** Names of one local stack's resources; the cloud gets generated names from CloudFormation. */
export function localResourceNamesFor(prefix: string) {
  return {
    table: `${prefix}-tips`,
    idempotencyTable: `${prefix}-idempotency`,
    intakeQueue: `${prefix}-intake`,
    deadLetterQueue: `${prefix}-intake-dlq`,
    smsInboundTopic: `${prefix}-sms-inbound`,
    smsInboundQueue: `${prefix}-sms-inbound`,
    smsInboundDeadLetterQueue: `${prefix}-sms-inbound-dlq`,
    // S3 bucket names are lower case, which every prefix the stack and the tests make is.
    evidenceBucket: `${prefix}-evidence`,
    alertTopic: `${prefix}-${alertTopic.logicalName}`,
    /** The fake notifier's inbox: the alert topic delivers every alert to it (fake-notifier.ts). */
    alertInbox: `${prefix}-alert-inbox`,
    tipStreamFailures: `${prefix}-${tipStreamFailureQueue.logicalName}`,
    scanQueue: `${prefix}-attachment-scan`,
    scanDeadLetterQueue: `${prefix}-attachment-scan-dlq`,
  } as const;
}

/** The names `npm start` uses. Tests give each stack a prefix of its own, so stacks can share emulators. */
export const localResourceNames = localResourceNamesFor('tinbao-local');

/** The names of one local stack's resources. */
export type LocalResourceNames = ReturnType<typeof localResourceNamesFor>;

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/** Creates the Powertools idempotency table from the shared definition, unless it exists. */
export async function ensureIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (await tableExists(client, tableName)) return;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: idempotencyTable.partitionKey.name, AttributeType: idempotencyTable.partitionKey.type }],
      KeySchema: [{ AttributeName: idempotencyTable.partitionKey.name, KeyType: 'HASH' }],
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: idempotencyTable.timeToLiveAttribute, Enabled: true },
    }),
  );
}

/** The table's stream as the shared definition has it. */
const tipTableStream = { StreamEnabled: true, StreamViewType: tipTable.streamViewType } as const;

/**
 * Creates the tips table from the shared definition, unless a kept data directory already has it;
 * a kept table from before the stream existed gets its stream.
 */
export async function ensureTipTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (await tableExists(client, tableName)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: tipTableStream }));
    return;
  }
  const keyAttributes = [tipTable.partitionKey, tipTable.sortKey, ...tipTable.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  const attributeDefinitions = [...new Map(keyAttributes.map((key) => [key.name, key])).values()].map((key) => ({
    AttributeName: key.name,
    AttributeType: key.type,
  }));
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions,
      KeySchema: [
        { AttributeName: tipTable.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: tipTable.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tipTable.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: tipTableStream,
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tipTable.timeToLiveAttribute, Enabled: true },
    }),
  );
}

/** The intake queue and its DLQ as created. */
export interface LocalQueues {
  readonly intakeQueueUrl: string;
  readonly intakeQueueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`No ARN for ${queueUrl}`);
  return arn;
}

/** A queue with a DLQ as the shared definitions describe it. */
type QueueDefinition = typeof intakeQueue | typeof smsInboundQueue | typeof attachmentScanQueue;

/** Creates the intake queue and its DLQ from the shared definition (CreateQueue is idempotent). */
export async function ensureIntakeQueues(
  client: SQSClient,
  endpoint: string,
  names: { intakeQueue: string; deadLetterQueue: string } = localResourceNames,
): Promise<LocalQueues> {
  return ensureQueueWithDeadLetterQueue(client, endpoint, intakeQueue, names);
}

/** The SMS inbound topic and the queue it delivers to with raw message delivery. */
export interface LocalSmsInbound extends LocalQueues {
  readonly topicArn: string;
}

/** Creates the SNS topic End User Messaging publishes to, its queue and DLQ, and the raw-delivery subscription. */
export async function ensureSmsInbound(
  sns: SNSClient,
  sqs: SQSClient,
  endpoint: string,
  names: { topic: string; queue: string; deadLetterQueue: string } = {
    topic: localResourceNames.smsInboundTopic,
    queue: localResourceNames.smsInboundQueue,
    deadLetterQueue: localResourceNames.smsInboundDeadLetterQueue,
  },
): Promise<LocalSmsInbound> {
  const queues = await ensureQueueWithDeadLetterQueue(sqs, endpoint, smsInboundQueue, { intakeQueue: names.queue, deadLetterQueue: names.deadLetterQueue });
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: names.topic }));
  if (!TopicArn) throw new Error('CreateTopic returned no ARN');
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: queues.intakeQueueArn,
      Attributes: { RawMessageDelivery: String(smsInboundTopic.rawMessageDelivery) },
      ReturnSubscriptionArn: true,
    }),
  );
  return { ...queues, topicArn: TopicArn };
}

/**
 * Creates the scan queue the evidence bucket notifies, and its DLQ, from the shared definition.
 * The answer names them as the intake queues are named (`intakeQueueUrl` is the scan queue's URL).
 */
export async function ensureScanQueues(
  client: SQSClient,
  endpoint: string,
  names: { scanQueue: string; scanDeadLetterQueue: string } = localResourceNames,
): Promise<LocalQueues> {
  return ensureQueueWithDeadLetterQueue(client, endpoint, attachmentScanQueue, { intakeQueue: names.scanQueue, deadLetterQueue: names.scanDeadLetterQueue });
}

/** Rule ids of the evidence bucket's lifecycle, for the CDK's rules to carry the same. */
export const evidenceLifecycleRuleIds = { incoming: 'expire-incoming', all: 'expire-evidence' } as const;

/**
 * The evidence bucket's lifecycle as S3 takes it, built from the shared definition: uploads the
 * scan never moved out of `incoming/` go after incomingExpirationDays, every copy after
 * expirationDays (tip retention plus the longest verification).
 */
export function evidenceLifecycleConfiguration(): BucketLifecycleConfiguration {
  return {
    Rules: [
      {
        ID: evidenceLifecycleRuleIds.incoming,
        Status: 'Enabled',
        Filter: { Prefix: evidenceBucket.notification.prefix },
        Expiration: { Days: evidenceBucket.incomingExpirationDays },
      },
      {
        ID: evidenceLifecycleRuleIds.all,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Expiration: { Days: evidenceBucket.expirationDays },
      },
    ],
  };
}

/**
 * Creates the evidence bucket (CreateBucket is idempotent on fauxqs, so a kept data directory's
 * bucket is taken as is) and puts its lifecycle. fauxqs stores the lifecycle without enforcing it;
 * it is put so that what the local bucket says can be compared with the cloud's.
 */
export async function ensureEvidenceBucket(client: S3Client, bucketName: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucketName }));
  await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucketName, LifecycleConfiguration: evidenceLifecycleConfiguration() }));
}

async function ensureQueueWithDeadLetterQueue(
  client: SQSClient,
  endpoint: string,
  definition: QueueDefinition,
  names: { intakeQueue: string; deadLetterQueue: string },
): Promise<LocalQueues> {
  // fauxqs names queues after an sqs.<region>.<its host> host that does not resolve everywhere
  // (nor parse, when its host is an IP address); the path is what identifies the queue, so point
  // the URL at the emulator's own address.
  const reachable = (queueUrl: string | undefined) => {
    const path = queueUrl === undefined ? undefined : /^[a-z]+:\/\/[^/]+(\/.*)$/i.exec(queueUrl)?.[1];
    return path === undefined ? undefined : `${endpoint}${path}`;
  };
  const { QueueUrl: createdDeadLetterQueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: names.deadLetterQueue,
      Attributes: { MessageRetentionPeriod: String(definition.deadLetterQueue.retentionPeriodSeconds) },
    }),
  );
  const deadLetterQueueUrl = reachable(createdDeadLetterQueueUrl);
  if (!deadLetterQueueUrl) throw new Error('CreateQueue returned no URL for the DLQ');
  const deadLetterQueueArn = await queueArn(client, deadLetterQueueUrl);
  const { QueueUrl: createdIntakeQueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: names.intakeQueue,
      Attributes: {
        VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(definition.retentionPeriodSeconds),
        ReceiveMessageWaitTimeSeconds: String(definition.receiveWaitTimeSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: definition.maxReceiveCount }),
      },
    }),
  );
  const intakeQueueUrl = reachable(createdIntakeQueueUrl);
  if (!intakeQueueUrl) throw new Error('CreateQueue returned no URL for the intake queue');
  return { intakeQueueUrl, intakeQueueArn: await queueArn(client, intakeQueueUrl), deadLetterQueueUrl, deadLetterQueueArn };
}

/** The alert topic, the fake notifier's inbox subscribed to it (SNS envelopes, not raw), and the stream's failure queue. */
export interface LocalAlerts {
  readonly topicArn: string;
  readonly inboxQueueUrl: string;
  readonly failureQueueUrl: string;
}

export async function ensureAlertResources(
  sns: SNSClient,
  sqs: SQSClient,
  endpoint: string,
  names: Pick<LocalResourceNames, 'alertTopic' | 'alertInbox' | 'tipStreamFailures'> = localResourceNames,
): Promise<LocalAlerts> {
  const reachable = (queueUrl: string | undefined) => {
    const path = queueUrl === undefined ? undefined : /^[a-z]+:\/\/[^/]+(\/.*)$/i.exec(queueUrl)?.[1];
    if (path === undefined) throw new Error('CreateQueue returned no URL');
    return `${endpoint}${path}`;
  };
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: names.alertTopic }));
  if (!TopicArn) throw new Error('CreateTopic returned no ARN');
  const inboxQueueUrl = reachable((await sqs.send(new CreateQueueCommand({ QueueName: names.alertInbox }))).QueueUrl);
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: await queueArn(sqs, inboxQueueUrl) }));
  const failureQueueUrl = reachable(
    (
      await sqs.send(
        new CreateQueueCommand({ QueueName: names.tipStreamFailures, Attributes: { MessageRetentionPeriod: String(tipStreamFailureQueue.retentionPeriodSeconds) } }),
      )
    ).QueueUrl,
  );
  return { topicArn: TopicArn, inboxQueueUrl, failureQueueUrl };
}
