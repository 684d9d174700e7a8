/**
 * What the intake queue's at-least-once delivery may do, and what the classifier makes of it
 * (issue 11): poison messages beside good ones, the same tip delivered to two classifier
 * containers at once, and a visibility timeout that expires while the classifier is still
 * working each end with exactly one tip, numbered in a gap-free register, and no tip text in any
 * log line. Messages parked in the DLQ go back with `npm run redrive` (tools/redrive.ts).
 *
 * Sequential deliveries of one body, and the poison's log lines, are in queue-delivery.test.ts
 * and local-poison-logs.test.ts. DynamoDB is reached through a TCP proxy (test/support/tcp-proxy.ts)
 * that stands for it being down or hanging, without losing the shared emulator's data.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { classifierEventSource, maxReceiveCount } from '../../infra/definitions.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureIntakeQueues, type LocalQueues } from '../../infra/local/resources.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startSqsPoller, type BatchOutcome, type SqsHandler } from '../../infra/local/sqs-poller.ts';
import { defaultPackId, jurisdiction } from '../../shared/jurisdictions/index.ts';
import { encodeEnvelope, type TipEnvelope } from '../../shared/tip/envelope.ts';
import { generateTrackingCode } from '../../shared/tip/tracking-code.ts';
import { redriveByCopy } from '../../tools/redrive.ts';
import { eventually, waitLimitMs } from '../support/helpers.ts';
import { logCapture } from '../support/log-capture.ts';
import { sharedEmulators, startTestStack, uniquePrefix } from '../support/stack.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

let stack: LocalStack;
let database: TcpProxy;
/** The table and the queues straight from the emulators, past the proxy. */
let direct: DynamoDBDocumentClient;
let sqs: SQSClient;
const batches: BatchOutcome[] = [];
/** A queue beside the stack's, with its own DLQ, that only the test's classifier containers read. */
let race: LocalQueues;

beforeAll(async () => {
  const emulators = sharedEmulators();
  database = await startTcpProxy(emulators.dynamoDbEndpoint);
  direct = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: emulators.dynamoDbEndpoint, region: localRegion, credentials: localCredentials }));
  sqs = new SQSClient({ endpoint: emulators.sqsEndpoint, region: localRegion, credentials: localCredentials });
  stack = await startTestStack({
    label: 'delivery',
    // What the terminal shows; the functions log at DEBUG into the log-privacy capture anyway.
    logLevel: 'SILENT',
    // A record that failed comes back after a second instead of the queue's 180 s.
    retryDelaySeconds: 1,
    emulators: { ...emulators, dynamoDbEndpoint: database.url },
    onBatch: (outcome) => batches.push(outcome),
  });
  const prefix = uniquePrefix('race');
  race = await ensureIntakeQueues(sqs, emulators.sqsEndpoint, { intakeQueue: `${prefix}-intake`, deadLetterQueue: `${prefix}-intake-dlq` });
});

afterAll(async () => {
  database?.setMode('pass');
  await stack?.stop();
  await database?.close();
  direct?.destroy();
  sqs?.destroy();
});

/** Every tip's text carries this, so a log line that quotes any of them is found. */
const marker = `DG${randomBytes(4).toString('hex').toUpperCase()}`;
const units = jurisdiction(defaultPackId).unitCodes;

function envelope(unit: string, n: number): TipEnvelope {
  return {
    v: 2,
    tipId: ulid(),
    trackingCode: generateTrackingCode(),
    receivedAt: new Date().toISOString(),
    channel: 'web',
    submission: { text: `${marker}-${n} có người bán ma túy trong hẻm ${n}`, unit, language: 'vi' },
  };
}

/** Every line the worker wrote, from the log-privacy capture (test/support/log-capture.ts), holds no tip text. */
async function assertNoTipTextLogged() {
  const capture = logCapture();
  assert.ok(capture, 'the log-privacy capture is installed');
  // The handler logs once its tip is stored and numbered: the line can follow the stored tip by a moment.
  await eventually(
    async () => {
      capture.flush();
      return capture.lines.some((line) => line.text.includes('"tip classified"')) || undefined;
    },
    waitLimitMs,
    "the functions' lines captured",
  );
  const quoting = capture.lines.filter((line) => [marker, 'bán ma túy', 'is not valid JSON'].some((part) => line.text.includes(part)));
  assert.deepEqual(quoting.map((line) => line.number), [], "no log line quotes a tip, or a parser's message that would");
}

async function depth(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

const drained = (queueUrl: string) =>
  eventually(async () => {
    const { visible, inFlight } = await depth(queueUrl);
    return visible === 0 && inFlight === 0 ? true : undefined;
  }, waitLimitMs * 3, 'the queue to drain');

/** The tip items stored under a tip id: none yet, or one. */
async function tipItems(tipId: string): Promise<Array<Record<string, unknown>>> {
  const { Items = [] } = await direct.send(
    new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: 'PK = :pk AND SK = :sk', ExpressionAttributeValues: { ':pk': `TIP#${tipId}`, ':sk': 'TIP' }, ConsistentRead: true }),
  );
  return Items;
}

/** Waits for a tip to be stored and numbered, and gives its one item. */
async function storedOnce(tip: TipEnvelope): Promise<Record<string, unknown>> {
  const [item, ...more] = await eventually(async () => {
    const items = await tipItems(tip.tipId);
    return items.some((found) => typeof found.registerNumber === 'string') ? items : undefined;
  }, waitLimitMs * 3, `tip ${tip.tipId} stored and numbered`);
  assert.equal(more.length, 0, `one tip item for ${tip.tipId}`);
  assert.equal(item!.trackingCode, tip.trackingCode);
  return item!;
}

/** The register of a unit is gap-free: its tips hold numbers 1…n, each once. */
async function assertGapFreeRegister(unit: string, tips: number) {
  const { Items = [] } = await direct.send(
    new ScanCommand({ TableName: stack.tableName, FilterExpression: 'SK = :tip AND #queue = :unit', ExpressionAttributeNames: { '#queue': 'queue' }, ExpressionAttributeValues: { ':tip': 'TIP', ':unit': unit } }),
  );
  const numbers = Items.map((item) => Number(/(\d+)$/.exec(String(item.registerNumber))?.[1])).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: tips }, (_, index) => index + 1), `unit ${unit}: numbers 1…${tips}, none skipped or given twice`);
}

async function send(bodies: Array<{ body: string; attributes?: Record<string, string> }>, queueUrl = stack.queues.intakeQueueUrl): Promise<string[]> {
  const { Successful = [], Failed = [] } = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map(({ body, attributes }, index) => ({
        Id: String(index),
        MessageBody: body,
        ...(attributes && { MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])) }),
      })),
    }),
  );
  assert.deepEqual(Failed, []);
  return bodies.map((_, index) => Successful.find((entry) => entry.Id === String(index))!.MessageId!);
}

/**
 * A classifier container of the test's own, as Lambda runs several at once: a fresh copy of the
 * handler module (with a repository and a per-container write serialiser of its own) polling the
 * race queue, which the stack's classifier does not read, so the test sees every invocation start.
 */
async function container(name: string) {
  const specifier = `${new URL('../../functions/classifier/handler.ts', import.meta.url).href}?container=${name}`;
  const module = (await import(specifier)) as { handler: SqsHandler };
  const started: Array<{ messageId: string; receiveCount: number }> = [];
  const seen: BatchOutcome[] = [];
  const poller = startSqsPoller({
    client: sqs,
    queueUrl: race.intakeQueueUrl,
    queueArn: race.intakeQueueArn,
    handler: (event, context) => {
      for (const record of event.Records) started.push({ messageId: record.messageId, receiveCount: Number(record.attributes.ApproximateReceiveCount) });
      return module.handler(event, context);
    },
    functionName: 'classifier',
    batchSize: classifierEventSource.batchSize,
    // One batch at a time: each container is one Lambda instance, and Lambda gives an instance
    // one batch at a time.
    concurrency: 1,
    retryDelaySeconds: 1,
    onBatch: (outcome) => seen.push(outcome),
  });
  return { handler: module.handler, started, seen, stop: () => poller.stop() };
}

/** Two containers on the race queue, for the length of one test. */
async function twoContainers<T>(work: (a: Awaited<ReturnType<typeof container>>, b: Awaited<ReturnType<typeof container>>) => Promise<T>): Promise<T> {
  const a = await container(`a-${randomBytes(2).toString('hex')}`);
  const b = await container(`b-${randomBytes(2).toString('hex')}`);
  try {
    assert.notEqual(a.handler, b.handler, 'two containers, not one module twice');
    return await work(a, b);
  } finally {
    database.setMode('pass');
    await Promise.all([a.stop(), b.stop()]);
  }
}

const received = (outcomes: readonly BatchOutcome[], messageId: string) => outcomes.filter((batch) => batch.receivedMessageIds.includes(messageId)).length;

describe('the intake queue delivering at least once', () => {
  it('stores a tip that failed only because DynamoDB was down once `npm run redrive` moves it back from the DLQ', async () => {
    const tip = envelope(units[0]!, 1);
    database.setMode('down');
    const [messageId] = await send([{ body: encodeEnvelope(tip) }]);
    await eventually(async () => ((await depth(stack.queues.deadLetterQueueUrl)).visible === 1 ? true : undefined), waitLimitMs * 3, 'the tip in the DLQ');
    database.setMode('pass');
    assert.equal(received(batches, messageId!), maxReceiveCount, 'it failed on every receive');
    assert.deepEqual(await tipItems(tip.tipId), [], 'not stored');

    const cli = fileURLToPath(new URL('../../tools/redrive.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--url', stack.localUrl], { env: { PATH: process.env.PATH ?? '' } });
    assert.match(stdout, /^Moved 1 message from the intake DLQ back to the intake queue\n$/);
    await storedOnce(tip);
    assert.equal((await depth(stack.queues.deadLetterQueueUrl)).visible, 0, 'the DLQ is empty');
    await assertNoTipTextLogged();
  });

  it('parks poison beside good tips in the DLQ after maxReceiveCount, stores the good ones once, and a redrive sends the poison round again intact', async () => {
    const good = [envelope(units[1]!, 2), envelope(units[2]!, 3), envelope(units[1]!, 4)];
    const poison = [
      `${marker} không phải JSON: có người bán ma túy ở hẻm 9`,
      JSON.stringify({ v: 2, tipId: 'not a tip', submission: { text: `${marker} bán ma túy` } }),
      JSON.stringify({ ...envelope(units[3]!, 5), v: 9 }),
    ];
    const ids = await send([
      { body: encodeEnvelope(good[0]!) },
      ...poison.map((body, index) => ({ body, attributes: { origin: `poison-${index}` } })),
      { body: encodeEnvelope(good[1]!) },
      { body: encodeEnvelope(good[2]!) },
    ]);
    const poisonIds = ids.slice(1, 1 + poison.length);
    await eventually(async () => ((await depth(stack.queues.deadLetterQueueUrl)).visible === poison.length ? true : undefined), waitLimitMs * 3, 'the poison in the DLQ');
    for (const id of poisonIds) {
      assert.equal(batches.filter((batch) => batch.failedMessageIds.includes(id)).length, maxReceiveCount, 'failed once per receive');
    }
    assert.ok(batches.some((batch) => poisonIds.some((id) => batch.failedMessageIds.includes(id)) && batch.receivedMessageIds.length > batch.failedMessageIds.length), 'it failed in a batch with good tips');
    for (const tip of good) await storedOnce(tip);

    const failuresBefore = batches.reduce((sum, batch) => sum + batch.failedMessageIds.length, 0);
    const redriven = await redriveByCopy({ client: sqs, deadLetterQueueUrl: stack.queues.deadLetterQueueUrl, sourceQueueUrl: stack.queues.intakeQueueUrl });
    assert.deepEqual(redriven, { moved: poison.length, failed: 0 });
    // Back on the intake queue, each fails maxReceiveCount times more and is parked again.
    await eventually(
      async () => {
        const failures = batches.reduce((sum, batch) => sum + batch.failedMessageIds.length, 0) - failuresBefore;
        return failures === poison.length * maxReceiveCount && (await depth(stack.queues.deadLetterQueueUrl)).visible === poison.length ? true : undefined;
      },
      waitLimitMs * 3,
      'the redriven poison to fail again and return to the DLQ',
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.deadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }),
    );
    assert.deepEqual(
      Messages.map((message) => [message.Body, message.MessageAttributes?.origin?.StringValue]).sort(),
      poison.map((body, index) => [body, `poison-${index}`]).sort(),
      'bodies and attributes kept through the redrive',
    );
    for (const tip of good) assert.equal((await tipItems(tip.tipId)).length, 1, 'the good tips are still stored once');
    await assertNoTipTextLogged();
  });

  it('stores a tip once when three copies of it reach two classifier containers at the same time', async () => {
    const unit = units[4]!;
    const tip = envelope(unit, 6);
    const body = encodeEnvelope(tip);
    await twoContainers(async (a, b) => {
      const startedOn = (id: string) => [...a.started, ...b.started].some((start) => start.messageId === id);
      // The database hangs, so a container that took a copy keeps it: the next copy goes to the other.
      database.setMode('stall');
      const [first] = await send([{ body }], race.intakeQueueUrl);
      await eventually(async () => (startedOn(first!) ? true : undefined), waitLimitMs, 'the first copy taken');
      const [second] = await send([{ body }], race.intakeQueueUrl);
      await eventually(async () => (startedOn(second!) ? true : undefined), waitLimitMs, 'the second copy taken');
      const [third] = await send([{ body }], race.intakeQueueUrl);
      assert.ok(a.started.length > 0 && b.started.length > 0, 'each container holds a copy');
      database.setMode('pass');
      await drained(race.intakeQueueUrl);
      for (const id of [first!, second!, third!]) assert.ok(startedOn(id), 'every copy was delivered');
    });
    await storedOnce(tip);
    // The next tip of the unit gets the next number: the copies took none.
    const next = envelope(unit, 7);
    await send([{ body: encodeEnvelope(next) }]);
    await storedOnce(next);
    await assertGapFreeRegister(unit, 2);
    assert.equal((await depth(race.deadLetterQueueUrl)).visible, 0, 'no copy parked in the DLQ');
    await assertNoTipTextLogged();
  });

  it('stores a tip once when its visibility timeout expires mid-processing and a second container takes it meanwhile', async () => {
    const unit = units[5]!;
    const tip = envelope(unit, 8);
    // Shorter than the hanging database holds the first invocation (as when a function runs
    // past a visibility timeout set too short): the message becomes visible again mid-work.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: race.intakeQueueUrl, Attributes: { VisibilityTimeout: '2' } }));
    const starts = await twoContainers(async (a, b) => {
      database.setMode('stall');
      const [messageId] = await send([{ body: encodeEnvelope(tip) }], race.intakeQueueUrl);
      const both = () => a.started.some((start) => start.messageId === messageId) && b.started.some((start) => start.messageId === messageId);
      await eventually(async () => (both() ? true : undefined), waitLimitMs * 2, 'the message running in both containers');
      database.setMode('pass');
      await storedOnce(tip);
      await drained(race.intakeQueueUrl);
      return [...a.started, ...b.started].filter((start) => start.messageId === messageId);
    });
    assert.ok(starts.length >= 2, 'one message, two invocations');
    // A later receive of the same message, not the same batch twice. (The count may not start at
    // 1: a long poll dropped by an earlier test's stopped poller may have received it first.)
    const counts = starts.map((start) => start.receiveCount).sort((x, y) => x - y);
    assert.ok(counts[1]! > counts[0]!, 'the second took it when it became visible again');
    const next = envelope(unit, 9);
    await send([{ body: encodeEnvelope(next) }]);
    await storedOnce(next);
    await assertGapFreeRegister(unit, 2);
    assert.equal((await depth(race.deadLetterQueueUrl)).visible, 0, 'nothing parked in the DLQ');
    await assertNoTipTextLogged();
  });
});
