import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionName } from '../definitions.ts';
import { invoke } from './lambda-context.ts';
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
  /** Told of each failure, as a summary that never holds an error's message (see PollerFailure). */
  readonly onError?: (failure: PollerFailure) => void;
  /** Batches in flight at once (default lambdaInitialPollers). */
  readonly concurrency?: number | undefined;
}

/**
 * Lambda's event source for a standard queue starts with five batches in flight at once and
 * scales up from there; the local one keeps the five, so the local stack overlaps invocations
 * (and a unit's tips meet in one register group) the way the cloud does, instead of draining the
 * queue one batch behind another.
 */
export const lambdaInitialPollers = 5;

/**
 * A failure of the local event source, told without the error's message or stack: Node's
 * JSON.parse error quotes the start of the body (`Unexpected token 'Z', "ZQDCD8P1 n"... is not
 * valid JSON`), a body holds a tip's text or a phone number, and a poison message fails again on
 * every receive. The class, the ids and the counts say what happened; the DLQ keeps the message.
 */
export interface PollerFailure {
  readonly functionName: FunctionName;
  /** `invoke`: the handler threw, so every record of the batch comes back; `poll`: receiving, deleting or retrying failed. */
  readonly stage: 'invoke' | 'poll';
  /** The error's class, e.g. `FullBatchFailureError` or `TimeoutError`. */
  readonly errorName: string;
  /** The classes of the records' errors inside it (Powertools' FullBatchFailureError), e.g. `SyntaxError`. */
  readonly recordErrorNames?: readonly string[];
  /** A system error code (e.g. `ECONNREFUSED`), when the error has one. */
  readonly code?: string;
  readonly messageIds: readonly string[];
  readonly received: number;
  readonly failed: number;
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** What may be told about an error: its class and a code, never its message. */
function describeError(error: unknown): Pick<PollerFailure, 'errorName' | 'recordErrorNames' | 'code'> {
  const recordErrors = (error as { recordErrors?: unknown } | undefined)?.recordErrors;
  const code = (error as { code?: unknown } | undefined)?.code ?? (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return {
    errorName: errorClass(error),
    ...(Array.isArray(recordErrors) && { recordErrorNames: [...new Set(recordErrors.map(errorClass))] }),
    // Only codes shaped like system error codes: a free-form string could carry anything.
    ...(typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) && { code }),
  };
}

/**
 * Writes a failure as one JSON line on stderr, where the functions' Powertools loggers write
 * their ERROR lines, as Lambda's runtime writes a failed invocation into the function's log.
 */
export function logPollerFailure(failure: PollerFailure): void {
  const { functionName, ...details } = failure;
  const line = {
    level: 'ERROR',
    message: failure.stage === 'invoke' ? 'local event source: invocation failed, the batch comes back' : 'local event source: polling failed',
    timestamp: new Date().toISOString(),
    service: 'tinbao-local-event-source',
    function_name: `tinbao-local-${functionName}`,
    ...details,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
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

/** How long one receive long-polls, in seconds. */
const receiveWaitSeconds = 1;

/**
 * How long a call to SQS may take beyond its long poll before the poller gives up on it. A
 * delete that fails this way is not lost work: the records come back after the visibility
 * timeout and the classifier stores a tip at most once.
 */
const callDeadlineSeconds = 5;

/**
 * Lambda's SQS event source mapping, locally: long-polls the queue, invokes the handler with a
 * batch, deletes the records it did not report in `batchItemFailures`, and leaves the failed
 * ones to come back after the visibility timeout, so the queue's redrive policy moves a record
 * that keeps failing to the DLQ after maxReceiveCount receives. A handler that throws fails the
 * whole batch, as in Lambda. While SQS is down or hangs it keeps polling and reports each failed
 * call (`stage: 'poll'`); a message it could not delete or hand back is still on the queue.
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const { client, queueUrl, queueArn, handler } = options;
  const abort = new AbortController();
  let running = true;
  const report = (failure: Omit<PollerFailure, 'functionName'>) => options.onError?.({ functionName: options.functionName, ...failure });

  // A queue that hangs (accepts the connection, never answers) must not hang the poller: each
  // call gives up after its own deadline, is reported, and the loop polls again.
  const bounded = (seconds: number) => ({ abortSignal: AbortSignal.any([abort.signal, AbortSignal.timeout(seconds * 1000)]) });

  const pollOnce = async (): Promise<void> => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.batchSize,
        WaitTimeSeconds: receiveWaitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      bounded(receiveWaitSeconds + callDeadlineSeconds),
    );
    if (Messages.length === 0) return;
    const records = Messages.map((message) => toSqsRecord(message, queueArn));
    let failedIds: Set<string>;
    try {
      const response = await invoke(options.functionName, handler, { Records: records });
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      const messageIds = records.map((record) => record.messageId);
      report({ stage: 'invoke', ...describeError(error), messageIds, received: records.length, failed: records.length });
      failedIds = new Set(messageIds);
    }
    const succeeded = records.filter((record) => !failedIds.has(record.messageId));
    const failed = records.filter((record) => failedIds.has(record.messageId));
    // Settling one part of the batch does not depend on the other: a failed delete (SQS went
    // down mid-batch) is reported and its records come back later, stored at most once anyway.
    const settle = async (part: readonly SQSRecord[], call: (entries: Array<{ Id: string; ReceiptHandle: string }>) => Promise<{ Failed?: Array<{ Id?: string }> }>) => {
      const entries = part.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle }));
      try {
        const { Failed = [] } = await call(entries);
        const ids = Failed.map((entry) => part[Number(entry.Id)]?.messageId ?? '');
        if (ids.length > 0) report({ stage: 'poll', errorName: 'BatchEntryFailed', messageIds: ids, received: records.length, failed: failed.length });
      } catch (error) {
        report({ stage: 'poll', ...describeError(error), messageIds: part.map((record) => record.messageId), received: records.length, failed: failed.length });
      }
    };
    if (succeeded.length > 0) {
      await settle(succeeded, (Entries) => client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }), bounded(callDeadlineSeconds)));
    }
    const { retryDelaySeconds } = options;
    if (failed.length > 0 && retryDelaySeconds !== undefined) {
      await settle(failed, (Entries) =>
        client.send(
          new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: Entries.map((entry) => ({ ...entry, VisibilityTimeout: retryDelaySeconds })) }),
          bounded(callDeadlineSeconds),
        ),
      );
    }
    options.onBatch?.({ receivedMessageIds: records.map((record) => record.messageId), failedMessageIds: failed.map((record) => record.messageId) });
  };

  const pollUntilStopped = async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        if (!running) break;
        report({ stage: 'poll', ...describeError(error), messageIds: [], received: 0, failed: 0 });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const loops = Array.from({ length: options.concurrency ?? lambdaInitialPollers }, pollUntilStopped);

  return {
    async stop() {
      running = false;
      abort.abort();
      await Promise.all(loops);
    },
  };
}
