/**
 * `npm run redrive`: moves the messages parked in a dead-letter queue back to the queue they
 * came from, once whatever made them fail (an outage, a bug since fixed) is gone. A message that
 * still fails comes back to the DLQ after maxReceiveCount receives, as before.
 *
 * In the cloud it starts SQS's own move task (StartMessageMoveTask, the console's "Start DLQ
 * redrive") and waits for it to finish. fauxqs has no move tasks, so locally, and with `--copy`,
 * it receives each message from the DLQ, sends it to the source queue with its body and
 * attributes, and deletes it from the DLQ only once the send succeeded: a message is never lost,
 * and one whose delete failed is sent twice, which the classifier stores once. It never prints
 * a message's body: a body holds a tip's text.
 */
import { parseArgs } from 'node:util';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { localCredentials, localRegion, localStackInfoPath } from '../infra/local/ports.ts';
import type { LocalStackInfo } from '../infra/local/local-routes.ts';

/** What a redrive did. */
export interface RedriveReport {
  /** Messages now on the source queue (sent, or moved by the task). */
  readonly moved: number;
  /** Messages that could not be sent and are still in the DLQ. */
  readonly failed: number;
}

/** How long a received DLQ message stays hidden while it is copied; it reappears if the copy dies. */
const copyVisibilitySeconds = 60;

async function approximateCount(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

/** The message's attributes as SendMessage takes them (list values are reserved by SQS and never set). */
function sendableAttributes(message: Message): Record<string, MessageAttributeValue> | undefined {
  const entries = Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
    name,
    {
      DataType: value.DataType,
      ...(value.StringValue !== undefined && { StringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { BinaryValue: value.BinaryValue }),
    },
  ]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The entry that sends a DLQ message again, as it was (a FIFO queue's group and deduplication id included). */
function resendEntry(message: Message, id: string): SendMessageBatchRequestEntry {
  const attributes = message.Attributes ?? {};
  const messageAttributes = sendableAttributes(message);
  return {
    Id: id,
    MessageBody: message.Body ?? '',
    ...(messageAttributes && { MessageAttributes: messageAttributes }),
    ...(attributes.AWSTraceHeader && { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: attributes.AWSTraceHeader } } }),
    ...(attributes.MessageGroupId && { MessageGroupId: attributes.MessageGroupId }),
    ...(attributes.MessageDeduplicationId && { MessageDeduplicationId: attributes.MessageDeduplicationId }),
  };
}

/**
 * Moves DLQ messages to the source queue by receive → send → delete, ten at a time, at most
 * `limit` of them (by default as many as the DLQ held when it started, so a message that fails
 * again and comes back meanwhile is not moved round and round).
 */
export async function redriveByCopy(options: {
  readonly client: SQSClient;
  readonly deadLetterQueueUrl: string;
  readonly sourceQueueUrl: string;
  readonly limit?: number | undefined;
}): Promise<RedriveReport> {
  const { client, deadLetterQueueUrl, sourceQueueUrl } = options;
  const limit = options.limit ?? (await approximateCount(client, deadLetterQueueUrl));
  // Copies sent by this run, by their new message id: if one comes back to the DLQ before the run ends, it stays there.
  const sentByThisRun = new Set<string>();
  let moved = 0;
  let failed = 0;
  while (moved + failed < limit) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, limit - moved - failed),
        WaitTimeSeconds: 1,
        VisibilityTimeout: copyVisibilitySeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const ours = Messages.filter((message) => sentByThisRun.has(message.MessageId ?? ''));
    const theirs = Messages.filter((message) => !sentByThisRun.has(message.MessageId ?? ''));
    const release = async (messages: readonly Message[]) => {
      if (messages.length === 0) return;
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: deadLetterQueueUrl,
          Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    };
    await release(ours);
    if (theirs.length === 0) break;
    const { Successful = [], Failed = [] } = await client.send(
      new SendMessageBatchCommand({ QueueUrl: sourceQueueUrl, Entries: theirs.map((message, index) => resendEntry(message, String(index))) }),
    );
    const sent = Successful.map((entry) => {
      if (entry.MessageId) sentByThisRun.add(entry.MessageId);
      return theirs[Number(entry.Id)]!;
    });
    if (sent.length > 0) {
      // Only now may the DLQ forget them. A delete that fails leaves a copy in both queues: a
      // tip is stored once however often its message is delivered.
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: deadLetterQueueUrl,
          Entries: sent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
    await release(Failed.map((entry) => theirs[Number(entry.Id)]!));
    moved += sent.length;
    failed += Failed.length;
    if (Failed.length > 0) break;
  }
  return { moved, failed };
}

/**
 * Starts SQS's own move task from the DLQ (to `sourceQueueUrl`, or by default back to the queue
 * each message came from) and waits for it to finish.
 */
export async function redriveByMoveTask(options: {
  readonly client: SQSClient;
  readonly deadLetterQueueUrl: string;
  readonly sourceQueueUrl?: string | undefined;
  readonly pollSeconds?: number;
}): Promise<RedriveReport> {
  const { client } = options;
  const arnOf = async (queueUrl: string) => {
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    if (!Attributes?.QueueArn) throw new Error(`No ARN for ${queueUrl}`);
    return Attributes.QueueArn;
  };
  const sourceArn = await arnOf(options.deadLetterQueueUrl);
  const destinationArn = options.sourceQueueUrl ? await arnOf(options.sourceQueueUrl) : undefined;
  const { TaskHandle } = await client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, ...(destinationArn && { DestinationArn: destinationArn }) }));
  for (;;) {
    const { Results = [] } = await client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }));
    const task = Results.find((result) => result.TaskHandle === TaskHandle) ?? Results[0];
    if (task && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') {
      if (task.Status === 'FAILED') throw new Error(`The move task failed: ${task.FailureReason ?? 'no reason given'}`);
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      return { moved, failed: Math.max(0, (task.ApproximateNumberOfMessagesToMove ?? moved) - moved) };
    }
    await new Promise((resolve) => setTimeout(resolve, (options.pollSeconds ?? 2) * 1000));
  }
}

const usage = `Usage: npm run redrive -- [--url URL] [--queue intake|sms-inbound|scan]
       npm run redrive -- --dlq-url URL [--queue-url URL] [--region REGION] [--endpoint URL] [--copy]

Moves the messages in a dead-letter queue back to the queue they came from. Run it once the
cause is fixed; a message that still fails returns to the DLQ after 5 receives. Never prints a
message's body.
  --url URL        the running local stack's local-only address (default http://127.0.0.1:3001)
  --queue NAME     which of the local stack's queues: intake (default), sms-inbound or scan (evidence uploads)
  --dlq-url URL    in the cloud: the DLQ (the stateful stack's intake, SMS inbound or attachment scan DLQ)
  --queue-url URL  in the cloud: where to move them (default: back to each message's source)
  --region REGION  AWS region, with --dlq-url (default: AWS_REGION, else ${localRegion})
  --endpoint URL   an SQS endpoint other than AWS's, with --dlq-url
  --copy           receive, send and delete instead of SQS's move task (needs --queue-url)
  --limit N        move at most N messages (with --copy or locally)`;

const messages = (count: number) => `${count} message${count === 1 ? '' : 's'}`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/** The DLQ and source queue of the running local stack, from its `/_local/stack`. */
async function localQueues(url: string, queue: string): Promise<{ sqsEndpoint: string; queueUrl: string; deadLetterQueueUrl: string }> {
  let info: Partial<LocalStackInfo>;
  try {
    const response = await fetch(new URL(localStackInfoPath, url), { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) fail(`${url} is not tinbao's local stack (${response.status} on ${localStackInfoPath}); give --dlq-url for a deployment`);
    info = (await response.json()) as Partial<LocalStackInfo>;
  } catch (error) {
    fail(`Could not reach the local stack at ${url} (${(error as Error).message}). Start it with npm start, or give --dlq-url for a deployment`);
  }
  const pair = info.queues?.[queue as keyof LocalStackInfo['queues']];
  if (!info.sqsEndpoint || !pair) fail(`${url} did not name its SQS endpoint and the ${queue} queues`);
  return { sqsEndpoint: info.sqsEndpoint, ...pair };
}

function parse() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:3001' },
        queue: { type: 'string', default: 'intake' },
        'dlq-url': { type: 'string' },
        'queue-url': { type: 'string' },
        region: { type: 'string', default: process.env.AWS_REGION ?? localRegion },
        endpoint: { type: 'string' },
        copy: { type: 'boolean', default: false },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}

async function main(): Promise<void> {
  const values = parse();
  if (values.help) {
    console.log(usage);
    return;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) fail(`--limit must be a whole number above 0, not "${values.limit}"`);

  if (values['dlq-url']) {
    const deadLetterQueueUrl = values['dlq-url'];
    const sourceQueueUrl = values['queue-url'];
    const client = new SQSClient({ region: values.region, ...(values.endpoint && { endpoint: values.endpoint }) });
    try {
      if (values.copy && !sourceQueueUrl) fail('--copy needs --queue-url: a copy cannot tell where a message came from');
      const report = values.copy && sourceQueueUrl
        ? await redriveByCopy({ client, deadLetterQueueUrl, sourceQueueUrl, limit })
        : await redriveByMoveTask({ client, deadLetterQueueUrl, sourceQueueUrl });
      console.log(`Moved ${messages(report.moved)} from ${deadLetterQueueUrl} to ${sourceQueueUrl ?? 'their source queues'}${report.failed > 0 ? `; ${report.failed} left in the DLQ (run again)` : ''}`);
      if (report.failed > 0) process.exitCode = 1;
    } finally {
      client.destroy();
    }
    return;
  }

  if (!['intake', 'sms-inbound', 'scan'].includes(values.queue)) fail(`--queue must be intake, sms-inbound or scan, not "${values.queue}"`);
  const local = await localQueues(values.url, values.queue);
  const client = new SQSClient({ region: localRegion, endpoint: local.sqsEndpoint, credentials: localCredentials });
  try {
    const report = await redriveByCopy({ client, deadLetterQueueUrl: local.deadLetterQueueUrl, sourceQueueUrl: local.queueUrl, limit });
    console.log(`Moved ${messages(report.moved)} from the ${values.queue} DLQ back to the ${values.queue} queue${report.failed > 0 ? `; ${report.failed} left in the DLQ (run again)` : ''}`);
    if (report.failed > 0) process.exitCode = 1;
  } finally {
    client.destroy();
  }
}

if (import.meta.main) await main();
