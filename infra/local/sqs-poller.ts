import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionName } from '../definitions.ts';
import { lambdaContext } from './lambda-context.ts';
import { localRegion } from './ports.ts';

/** An SQS-triggered Lambda handler. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** What the poller did with one batch, for logs and tests. */
export interface BatchOutcome {
  readonly receivedMessageIds: readonly string[];
  readonly failedMessageIds: readonly string[];
}

/** Options of the local event source mapping. */
export interface SqsPollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** The function the handler belongs to, for its context (timeout, memory, name). */
  readonly functionName: FunctionName;
  /** Records per batch, as the event source mapping sets it. */
  readonly batchSize: number;
  /**
   * Seconds before a failed record is retried. By default (undefined) it waits out the queue's
   * visibility timeout, as Lambda does; tests set 0 to walk a message to the DLQ quickly.
   */
  readonly retryDelaySeconds?: number | undefined;
  readonly onBatch?: (outcome: BatchOutcome) => void;
  readonly onError?: (error: unknown) => void;
}

/** A running poller. */
export interface SqsPoller {
  stop(): Promise<void>;
}

/** Turns a received message into the record Lambda's SQS event source would deliver. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', ...(value.StringValue !== undefined && { stringValue: value.StringValue }) },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: localRegion,
  };
}

/**
 * Lambda's SQS event source mapping, locally: long-polls the queue, invokes the handler with a
 * batch, deletes the records it did not report in `batchItemFailures`, and leaves the failed
 * ones to come back after the visibility timeout, so the queue's redrive policy moves a record
 * that keeps failing to the DLQ after maxReceiveCount receives. A handler that throws fails the
 * whole batch, as in Lambda.
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const { client, queueUrl, queueArn, handler } = options;
  const abort = new AbortController();
  let running = true;

  const pollOnce = async (): Promise<void> => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.batchSize,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    if (Messages.length === 0) return;
    const records = Messages.map((message) => toSqsRecord(message, queueArn));
    let failedIds: Set<string>;
    try {
      const response = await handler({ Records: records }, lambdaContext(options.functionName));
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      options.onError?.(error);
      failedIds = new Set(records.map((record) => record.messageId));
    }
    const succeeded = records.filter((record) => !failedIds.has(record.messageId));
    const failed = records.filter((record) => failedIds.has(record.messageId));
    if (succeeded.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    if (failed.length > 0 && options.retryDelaySeconds !== undefined) {
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: failed.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle, VisibilityTimeout: options.retryDelaySeconds })),
        }),
      );
    }
    options.onBatch?.({ receivedMessageIds: records.map((record) => record.messageId), failedMessageIds: failed.map((record) => record.messageId) });
  };

  const loop = (async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}
