/**
 * The benchmarks' load generator, in a worker thread of its own: the HTTP requests and the raw
 * SDK calls that a section compares run here, so neither the client's work nor its waiting
 * shares the event loop of the local stack (its HTTP server, the handlers, fauxqs) that it
 * measures. The same module is the worker (when loaded as one) and its handle (startLoadWorker).
 */
import { randomBytes } from 'node:crypto';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { awsClientSettings } from '../functions/adapters/aws-client-settings.ts';
import { localCredentials, localRegion } from '../infra/local/ports.ts';
import { encodeEnvelope } from '../shared/tip/envelope.ts';
import { generateTrackingCode } from '../shared/tip/tracking-code.ts';

/** POST /tips with these bodies (cycled), `count` times, `concurrency` at a time. */
export interface PostTipsTask {
  readonly kind: 'postTips';
  readonly url: string;
  readonly bodies: readonly string[];
  readonly count: number;
  readonly concurrency: number;
  /** Stop sending after this many ms, even before `count`. */
  readonly forMs?: number;
}

/** What the intake does for one tip, done raw: PutItem of a tracking-code item, then SendMessage of an envelope. */
export interface RawIntakeTask {
  readonly kind: 'rawIntake';
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly texts: readonly string[];
  readonly count: number;
  readonly concurrency: number;
}

/** Submits tips at a steady rate, without waiting for one answer before the next tip is due. */
export interface EndToEndTask {
  readonly kind: 'endToEnd';
  readonly apiUrl: string;
  /** Request bodies, cycled. */
  readonly bodies: readonly string[];
  readonly count: number;
  /** Tips per second offered. */
  readonly rate: number;
  /** Submissions in flight at most; past it the offered rate falls behind (reported). */
  readonly maxInFlight: number;
}

export type LoadTask = PostTipsTask | RawIntakeTask | EndToEndTask;

/** Timed work: milliseconds from the first request to the last answer, and how the answers went. */
export interface LoadResult {
  readonly elapsedMs: number;
  readonly ok: number;
  readonly failed: number;
  /** Answers by HTTP status, or by error class for the raw calls. */
  readonly outcomes: Record<string, number>;
}

/** Per tip: when it was sent and answered (ms since the epoch, to the microsecond), and how. */
export interface EndToEndResult {
  readonly submittedAt: Float64Array;
  readonly answeredAt: Float64Array;
  readonly status: Int32Array;
  /** The tracking code of each accepted tip ('' otherwise). */
  readonly trackingCodes: string[];
  /** Longest the scheduler was behind the offered rate, in ms. */
  readonly maxLagMs: number;
}

type Answer = { readonly id: number; readonly result?: unknown; readonly error?: string };

/** A running load worker. */
export interface LoadWorker {
  run(task: PostTipsTask | RawIntakeTask): Promise<LoadResult>;
  run(task: EndToEndTask): Promise<EndToEndResult>;
  stop(): Promise<void>;
}

/** Starts the worker thread; its SDK clients and connections are kept across tasks. */
export function startLoadWorker(): LoadWorker {
  const worker = new Worker(new URL(import.meta.url));
  const waiting = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  worker.on('message', (answer: Answer) => {
    const pending = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (answer.error !== undefined) pending?.reject(new Error(answer.error));
    else pending?.resolve(answer.result as never);
  });
  worker.on('error', (error) => {
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  });
  return {
    run: ((task: LoadTask) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, task });
      })) as LoadWorker['run'],
    async stop() {
      await worker.terminate();
    },
  };
}

// The worker side ----------------------------------------------------------------------------

const clientOptions = { ...awsClientSettings, region: localRegion, credentials: localCredentials };
const dynamoDbClients = new Map<string, DynamoDBClient>();
const sqsClients = new Map<string, SQSClient>();
const dynamoDbFor = (endpoint: string): DynamoDBClient => {
  let client = dynamoDbClients.get(endpoint);
  if (!client) dynamoDbClients.set(endpoint, (client = new DynamoDBClient({ ...clientOptions, endpoint })));
  return client;
};
const sqsFor = (endpoint: string): SQSClient => {
  let client = sqsClients.get(endpoint);
  if (!client) sqsClients.set(endpoint, (client = new SQSClient({ ...clientOptions, endpoint })));
  return client;
};

async function timed(count: number, concurrency: number, work: (index: number) => Promise<string>, forMs = Number.POSITIVE_INFINITY): Promise<LoadResult> {
  const outcomes: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (next < count && performance.now() - start < forMs) {
        const index = next++;
        let outcome: string;
        try {
          outcome = await work(index);
        } catch (error) {
          outcome = (error as Error).name;
        }
        if (outcome === 'ok') ok += 1;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  return { elapsedMs: performance.now() - start, ok, failed: next - ok, outcomes };
}

async function postTips(task: PostTipsTask): Promise<LoadResult> {
  return timed(task.count, task.concurrency, async (index) => {
    const response = await fetch(task.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: task.bodies[index % task.bodies.length] });
    await response.arrayBuffer();
    return response.status === 202 ? 'ok' : String(response.status);
  }, task.forMs);
}

async function rawIntake(task: RawIntakeTask): Promise<LoadResult> {
  const dynamoDb = dynamoDbFor(task.dynamoDbEndpoint);
  const sqs = sqsFor(task.sqsEndpoint);
  // Built before the clock starts: the floor is the I/O alone.
  const expiresAt = String(Math.floor(Date.now() / 1000) + 1825 * 86_400);
  const work = Array.from({ length: task.count }, (_, index) => {
    const trackingCode = generateTrackingCode();
    const tipId = ulid();
    const receivedAt = new Date().toISOString();
    const item: Record<string, AttributeValue> = {
      PK: { S: `CODE#${trackingCode}` },
      SK: { S: 'CODE' },
      trackingCode: { S: trackingCode },
      tipId: { S: tipId },
      secretHash: { S: randomBytes(32).toString('base64url') },
      receivedAt: { S: receivedAt },
      expiresAt: { N: expiresAt },
    };
    const body = encodeEnvelope({ v: 2, tipId, trackingCode, receivedAt, channel: 'web', submission: { text: task.texts[index % task.texts.length] ?? '', language: 'vi' } });
    return { item, body };
  });
  return timed(task.count, task.concurrency, async (index) => {
    const { item, body } = work[index]!;
    await dynamoDb.send(new PutItemCommand({ TableName: task.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: task.queueUrl, MessageBody: body }));
    return 'ok';
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds since the epoch, comparable between threads (each has its own performance.timeOrigin). */
const epochNow = (): number => performance.timeOrigin + performance.now();

async function endToEnd(task: EndToEndTask): Promise<EndToEndResult> {
  const submittedAt = new Float64Array(task.count).fill(Number.NaN);
  const answeredAt = new Float64Array(task.count).fill(Number.NaN);
  const status = new Int32Array(task.count);
  const trackingCodes = Array.from({ length: task.count }, () => '');
  const start = performance.now();
  let inFlight = 0;
  let submitted = 0;
  let answered = 0;
  let maxLagMs = 0;

  const submit = async (index: number): Promise<void> => {
    inFlight += 1;
    submittedAt[index] = epochNow();
    try {
      const response = await fetch(`${task.apiUrl}/tips`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: task.bodies[index % task.bodies.length] });
      const answer = (await response.json()) as { trackingCode?: string };
      answeredAt[index] = epochNow();
      status[index] = response.status;
      if (response.status === 202 && answer.trackingCode) trackingCodes[index] = answer.trackingCode;
    } catch {
      answeredAt[index] = epochNow();
      status[index] = 0;
    } finally {
      inFlight -= 1;
      answered += 1;
    }
  };

  while (submitted < task.count) {
    const elapsed = performance.now() - start;
    const due = Math.min(task.count, Math.floor((elapsed * task.rate) / 1000) + 1);
    while (submitted < due && inFlight < task.maxInFlight) void submit(submitted++);
    if (submitted < due) maxLagMs = Math.max(maxLagMs, elapsed - (submitted * 1000) / task.rate);
    await sleep(1);
  }
  while (answered < task.count) await sleep(5);
  return { submittedAt, answeredAt, status, trackingCodes, maxLagMs };
}

async function perform(task: LoadTask): Promise<unknown> {
  switch (task.kind) {
    case 'postTips':
      return postTips(task);
    case 'rawIntake':
      return rawIntake(task);
    case 'endToEnd':
      return endToEnd(task);
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', ({ id, task }: { id: number; task: LoadTask }) => {
    perform(task).then(
      (result) => port.postMessage({ id, result } satisfies Answer),
      (error: unknown) => port.postMessage({ id, error: (error as Error).stack ?? String(error) } satisfies Answer),
    );
  });
}
