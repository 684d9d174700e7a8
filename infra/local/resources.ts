import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { intakeQueue, tipTable } from '../definitions.ts';

/** Names of the local stack's resources; the cloud gets generated names from CloudFormation. */
export const localResourceNames = {
  table: 'tinbao-local-tips',
  intakeQueue: 'tinbao-local-intake',
  deadLetterQueue: 'tinbao-local-intake-dlq',
} as const;

/** Creates the tips table from the shared definition, unless a kept data directory already has it. */
export async function ensureTipTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
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

/** Creates the intake queue and its DLQ from the shared definition (CreateQueue is idempotent). */
export async function ensureIntakeQueues(
  client: SQSClient,
  endpoint: string,
  names: { intakeQueue: string; deadLetterQueue: string } = localResourceNames,
): Promise<LocalQueues> {
  // fauxqs names queues after an sqs.<region>.localhost host that does not resolve everywhere;
  // its path is what identifies the queue, so point the URL at the emulator's own address.
  const reachable = (queueUrl: string | undefined) => (queueUrl ? `${endpoint}${new URL(queueUrl).pathname}` : undefined);
  const { QueueUrl: createdDeadLetterQueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: names.deadLetterQueue,
      Attributes: { MessageRetentionPeriod: String(intakeQueue.deadLetterQueue.retentionPeriodSeconds) },
    }),
  );
  const deadLetterQueueUrl = reachable(createdDeadLetterQueueUrl);
  if (!deadLetterQueueUrl) throw new Error('CreateQueue returned no URL for the DLQ');
  const deadLetterQueueArn = await queueArn(client, deadLetterQueueUrl);
  const { QueueUrl: createdIntakeQueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: names.intakeQueue,
      Attributes: {
        VisibilityTimeout: String(intakeQueue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(intakeQueue.retentionPeriodSeconds),
        ReceiveMessageWaitTimeSeconds: String(intakeQueue.receiveWaitTimeSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: intakeQueue.maxReceiveCount }),
      },
    }),
  );
  const intakeQueueUrl = reachable(createdIntakeQueueUrl);
  if (!intakeQueueUrl) throw new Error('CreateQueue returned no URL for the intake queue');
  return { intakeQueueUrl, intakeQueueArn: await queueArn(client, intakeQueueUrl), deadLetterQueueUrl, deadLetterQueueArn };
}
