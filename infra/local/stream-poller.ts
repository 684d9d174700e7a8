/**
 * Lambda's DynamoDB Streams event source, locally, over DynamoDB Local's stream: reads every shard
 * from its start, passes the records the shared filter lets through (tipStreamEventSource) to the
 * handler in batches, in order, and on a partial batch failure reads again from the first failed
 * record, up to the retry limit; then it sends the batch's position to the failure queue, as the
 * cloud's on-failure destination does, and goes on. New shards are found as old ones close.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { tipStreamEventSource, type FunctionName } from '../definitions.ts';
import { invoke } from './lambda-context.ts';
import { localCredentials, localRegion } from './ports.ts';
import type { PollerFailure } from './sqs-poller.ts';

/** A DynamoDB-stream-triggered handler. */
export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly dynamoDb: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  readonly handler: StreamHandler;
  readonly functionName: FunctionName;
  /** The on-failure destination. */
  readonly sqs: SQSClient;
  readonly failureQueueUrl: string;
  readonly onError?: (failure: PollerFailure) => void;
  /** Told of each batch handed to the handler (sequence numbers), for tests. */
  readonly onBatch?: (sequenceNumbers: readonly string[]) => void;
}

/** Lambda polls a shard about four times a second. */
const pollIntervalMs = 250;
/** How often the stream is described for new shards. */
const discoveryIntervalMs = 5000;

/** How long a failed call to the stream waits before it is made again. */
const retryPauseMs = 500;

/** The filter pattern's `{ dynamodb: { NewImage: { attr: { S: [values] } } } }` rules, read once rather than per record. */
const filterRules = Object.entries(tipStreamEventSource.filterPattern.dynamodb.NewImage).map(([name, rule]) => [name, new Set<string>(rule.S)] as const);

/**
 * Whether the filter pattern lets the record through. It reads only the new image, whose shape
 * the SDK's record and Lambda's share, so records are filtered before they are converted.
 */
export function passesFilter(record: { readonly dynamodb?: { readonly NewImage?: Record<string, { readonly S?: string | undefined }> | undefined } | undefined }): boolean {
  const image = record.dynamodb?.NewImage;
  return filterRules.every(([name, values]) => values.has(image?.[name]?.S ?? ''));
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/** The record as Lambda delivers it: the SDK's, with the time in epoch seconds and the source's ARN. */
function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: localRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(rest as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime && { ApproximateCreationDateTime: Math.floor(new Date(ApproximateCreationDateTime).getTime() / 1000) }),
    },
  } as DynamoDBRecord;
}

export interface StreamPoller {
  stop(): Promise<void>;
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const { Table } = await options.dynamoDb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`The table ${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 2 });
  const abort = new AbortController();
  let running = true;
  const report = (failure: Omit<PollerFailure, 'functionName'>) => options.onError?.({ functionName: options.functionName, ...failure });
  /** A failed read of the stream (not of a batch): no records are named. */
  const reportPollFailure = (error: unknown) => report({ stage: 'poll', errorName: errorName(error), messageIds: [], received: 0, failed: 0 });
  // A pause that ends at once when the poller stops.
  const pause = (ms: number): Promise<void> => delay(ms, undefined, { signal: abort.signal }).catch(() => undefined);

  const iterator = async (shardId: string, after?: string): Promise<string | undefined> =>
    (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          ...(after && { SequenceNumber: after }),
        }),
        { abortSignal: abort.signal },
      )
    ).ShardIterator;

  /** Hands records to the handler until each succeeded, or sends the position of those that ran out of retries to the failure queue. */
  const deliver = async (records: DynamoDBRecord[]): Promise<void> => {
    let pending = records;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const sequenceNumbers = pending.map((record) => record.dynamodb?.SequenceNumber ?? '');
      options.onBatch?.(sequenceNumbers);
      let failedAt: number;
      try {
        const response = await invoke(options.functionName, options.handler, { Records: pending });
        const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        failedAt = pending.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
      } catch (error) {
        report({ stage: 'invoke', errorName: errorName(error), messageIds: sequenceNumbers, received: pending.length, failed: pending.length });
        failedAt = 0;
      }
      if (failedAt < 0) return;
      // As Lambda does: the failed record and every one after it come again.
      pending = pending.slice(failedAt);
      if (attempt >= tipStreamEventSource.retryAttempts) {
        await options.sqs.send(
          new SendMessageCommand({
            QueueUrl: options.failureQueueUrl,
            MessageBody: JSON.stringify({
              requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: attempt + 1 },
              DDBStreamBatchInfo: {
                streamArn,
                startSequenceNumber: pending[0]?.dynamodb?.SequenceNumber,
                endSequenceNumber: pending.at(-1)?.dynamodb?.SequenceNumber,
                batchSize: pending.length,
              },
            }),
          }),
        );
        return;
      }
      await pause(pollIntervalMs * (attempt + 1));
    }
  };

  const readShard = async (shardId: string, parentDone: Promise<void> | undefined): Promise<void> => {
    // A child shard's records come after its parent's: read it once the parent is done.
    await parentDone;
    let last: string | undefined;
    // Undefined while a position must be asked for: first from the shard's start, again after
    // the last one expired; '' once the shard is closed. Asking is retried like any read while
    // DynamoDB is down (a test cuts it off): a failure must not end the shard's reading, nor
    // reject a promise nobody awaits.
    let position: string | undefined;
    while (running) {
      try {
        position ??= await iterator(shardId, last);
        // No position: the shard is closed and read to its end.
        if (!position) return;
        const { Records = [], NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: position, Limit: 1000 }), { abortSignal: abort.signal });
        // Filtered before conversion: many of the table's changes (events, counters, alert claims) are not tips.
        const passing = Records.filter(passesFilter).map((record) => toLambdaRecord(record, streamArn));
        for (let start = 0; start < passing.length; start += tipStreamEventSource.batchSize) {
          await deliver(passing.slice(start, start + tipStreamEventSource.batchSize));
        }
        last = Records.at(-1)?.dynamodb?.SequenceNumber ?? last;
        position = NextShardIterator ?? '';
        if (Records.length === 0) await pause(pollIntervalMs);
      } catch (error) {
        if (!running) return;
        if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
          position = undefined;
          continue;
        }
        reportPollFailure(error);
        await pause(retryPauseMs);
      }
    }
  };

  /** Each shard's reading, by shard id: a shard is read once, and its children wait for it. */
  const shardLoops = new Map<string, Promise<void>>();
  const discover = async (): Promise<void> => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }), { abortSignal: abort.signal });
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || shardLoops.has(id)) continue;
      // A shard's reading never rejects: what it cannot do is reported, as every poll failure is.
      const loop = readShard(id, shard.ParentShardId ? shardLoops.get(shard.ParentShardId) : undefined).catch((error: unknown) => {
        if (running) reportPollFailure(error);
      });
      shardLoops.set(id, loop);
    }
  };
  await discover();
  // Shards close after hours in AWS (and seldom in DynamoDB Local): looking every few seconds finds a child in time.
  const discovery = (async () => {
    while (running) {
      await pause(discoveryIntervalMs);
      if (!running) return;
      await discover().catch((error: unknown) => {
        if (running) reportPollFailure(error);
      });
    }
  })();

  return {
    async stop() {
      running = false;
      abort.abort();
      await Promise.allSettled([discovery, ...shardLoops.values()]);
      streams.destroy();
    },
  };
}
