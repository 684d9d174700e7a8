/**
 * Fault injection (issue 11): during a 2,000-tip load DynamoDB is down for 10 s, and later the
 * queue emulator for 10 s. Clients behave as real ones: on 503 they wait out Retry-After and send
 * again. Every answer is 202 or 503 with Retry-After; once the load is over and the DLQ has been
 * redriven, every accepted tracking code resolves to exactly one stored tip, with a register
 * number, and no log line holds a tip's text.
 *
 * Why a proxy stands for "stopped": the stack reaches DynamoDB Local and fauxqs through TCP
 * proxies (test/support/tcp-proxy.ts) that the test cuts. Both emulators keep their data in
 * memory and are shared by the test files running beside this one, so stopping the processes
 * would lose every table and queue, which a real outage of DynamoDB or SQS does not do. What
 * the stack sees is the same as a stopped process: connections reset, no answer until it is back.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { logPollerFailure, type BatchOutcome, type PollerFailure } from '../../infra/local/sqs-poller.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { unavailableRetryAfterSeconds } from '../../functions/http/unavailable.ts';
import { defaultPackId, jurisdiction } from '../../shared/jurisdictions/index.ts';
import { errorMessages } from '../../shared/messages.ts';
import { redriveByCopy } from '../../tools/redrive.ts';
import { eventually, postForm, postJson } from '../support/helpers.ts';
import { logCapture } from '../support/log-capture.ts';
import { startEmulators, type LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/** The load and the outages as issue 11 gives them. */
const totalTips = 2000;
const inFlight = 24;
/** How long each dependency is down: the scenario's outage, not a wait for some state. */
const outageMs = 10_000;

let stack: LocalStack;
let database: TcpProxy;
let queue: TcpProxy;
/** The table and the queues straight from the emulators, past the proxies. */
let direct: DynamoDBClient;
let directSqs: SQSClient;
const batches: BatchOutcome[] = [];
const pollerFailures: PollerFailure[] = [];

/** Stops the emulators of this file's own. */
const emulatorStoppers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // Emulators of its own, fresh: the run's shared DynamoDB Local, after every other file has
  // written its tables and their streams, answered this load several times slower than a fresh
  // one (900 s not enough, where 230 s are), and this test is about the stack, not their leftovers.
  const emulators = await startEmulators(undefined, emulatorStoppers);
  database = await startTcpProxy(emulators.dynamoDbEndpoint);
  queue = await startTcpProxy(emulators.sqsEndpoint);
  direct = new DynamoDBClient({ endpoint: emulators.dynamoDbEndpoint, region: localRegion, credentials: localCredentials });
  directSqs = new SQSClient({ endpoint: emulators.sqsEndpoint, region: localRegion, credentials: localCredentials });
  stack = await startTestStack({
    label: 'faults',
    // What the terminal shows; the functions log at DEBUG into the log-privacy capture anyway.
    logLevel: 'SILENT',
    // A record that failed comes back after a second instead of the queue's 180 s.
    retryDelaySeconds: 1,
    emulators: { dynamoDbEndpoint: database.url, sqsEndpoint: queue.url },
    onBatch: (outcome) => batches.push(outcome),
    onPollerError: (failure) => {
      pollerFailures.push(failure);
      logPollerFailure(failure);
    },
  });
});

afterAll(async () => {
  database?.setMode('pass');
  queue?.setMode('pass');
  await stack?.stop();
  await Promise.all([database?.close(), queue?.close()]);
  direct?.destroy();
  directSqs?.destroy();
  for (const stop of emulatorStoppers.reverse()) await stop();
});

/** Every tip's text carries this, so a log line that quotes any of them is found. */
const marker = `FQ${randomBytes(4).toString('hex').toUpperCase()}`;
const units = jurisdiction(defaultPackId).units;
/**
 * What the tips report: a load from the whole city about many things, as tips come, rather than
 * 2,000 reports of one thing in a few wards, which would all be offered as duplicates of each other.
 */
const reports = [
  'có người bán ma túy',
  'có nhóm thanh niên đua xe trái phép',
  'có người trộm xe máy',
  'có tụ điểm đánh bạc',
  'có vụ cướp giật điện thoại',
  'có người bị lừa đảo chuyển tiền qua mạng',
  'có đánh nhau gây thương tích',
  'có người cho vay nặng lãi đòi nợ',
] as const;

/** A third each: a unit picked from the list, a place named only in the text, a GPS point. */
function tip(n: number): Record<string, unknown> {
  const unit = units[n % units.length]!;
  const text = `${marker}-${n}: ${reports[Math.floor(n / units.length) % reports.length]} ở ${unit.name}, tối nào cũng có`;
  if (n % 3 === 0) return { text, unit: unit.code };
  if (n % 3 === 1) return { text };
  return { text, lon: unit.label[0], lat: unit.label[1] };
}

/** Every line the worker wrote, from the log-privacy capture (test/support/log-capture.ts), holds no tip text. */
function assertNoTipTextLogged() {
  const capture = logCapture();
  assert.ok(capture, 'the log-privacy capture is installed');
  capture.flush();
  assert.ok(capture.lines.some((line) => line.text.includes('"dependency unavailable"')), "the functions' lines were captured");
  const quotesATip = (text: string) => text.includes(marker) || reports.some((report) => text.includes(report));
  assert.deepEqual(capture.lines.filter((line) => quotesATip(line.text)).map((line) => line.number), [], 'no log line quotes a tip');
}

async function queueDepth(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await directSqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/** The stored tips and tracking codes, read straight from the table. */
async function storedTips(): Promise<{ tipsByCode: Map<string, Array<{ id: string; registerNumber?: string }>>; tipIdByCode: Map<string, string> }> {
  const documents = DynamoDBDocumentClient.from(direct);
  const tipsByCode = new Map<string, Array<{ id: string; registerNumber?: string }>>();
  const tipIdByCode = new Map<string, string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: stack.tableName,
        FilterExpression: 'SK IN (:tip, :code)',
        ProjectionExpression: 'PK, SK, trackingCode, tipId, registerNumber',
        ExpressionAttributeValues: { ':tip': 'TIP', ':code': 'CODE' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const code = String(item.trackingCode);
      if (item.SK === 'CODE') tipIdByCode.set(code, String(item.tipId));
      else tipsByCode.set(code, [...(tipsByCode.get(code) ?? []), { id: String(item.PK).slice('TIP#'.length), registerNumber: item.registerNumber as string | undefined }]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { tipsByCode, tipIdByCode };
}

describe('dependencies failing under load', () => {
  it('answers 503 with Retry-After, JSON or a page, while the queue is down or hangs', async () => {
    for (const mode of ['down', 'stall'] as const) {
      queue.setMode(mode);
      const [json, page] = await Promise.all([
        postJson(`${stack.apiUrl}/tips`, { text: `${marker}: trộm xe máy ở chợ Bến Thành`, unit: units[0]!.code }),
        postForm(`${stack.apiUrl}/tips`, { text: `${marker}: trộm xe máy ở chợ Bến Thành`, language: 'en' }, { headers: { accept: 'text/html' } }),
      ]);
      queue.setMode('pass');
      assert.equal(json.status, 503, `JSON intake, queue ${mode}`);
      assert.equal(json.headers.get('retry-after'), String(unavailableRetryAfterSeconds), `JSON intake, queue ${mode}: Retry-After`);
      assert.equal(json.json.error, 'unavailable');
      assert.equal(page.status, 503, `the form, queue ${mode}`);
      assert.equal(page.headers.get('retry-after'), String(unavailableRetryAfterSeconds), `the form, queue ${mode}: Retry-After`);
      assert.ok(page.text.includes(errorMessages.unavailable.en), 'the page says to try again, in English');
    }
  });

  // A bound, not a target: the load takes the 20 s of outages plus what 2,000 tips cost, and a
  // machine shared with other runs may take several times as long as a quiet one (2–3 minutes
  // measured on the 2-core machine at a load average of 5 to 15).
  // 227 s measured; `npm test` runs it alone, after the other projects (vitest.config.ts, `load`).
  it('loses nothing it accepted when DynamoDB and then SQS are down for 10 s each during a 2,000-tip load', { timeout: 900_000 }, async ({ annotate }) => {
    const accepted = new Map<string, number>();
    const unexpected: string[] = [];
    const retries = { total: 0, database: 0, queue: 0 };
    let phase: 'database' | 'queue' | undefined;

    /** One client: sends its tip until it is accepted, waiting out each 503's Retry-After. */
    const send = async (n: number) => {
      for (;;) {
        let answer;
        try {
          answer = await postJson(`${stack.apiUrl}/tips`, tip(n));
        } catch (error) {
          unexpected.push(`tip ${n}: no answer (${(error as Error).name})`);
          return;
        }
        if (answer.status === 202) {
          accepted.set(String(answer.json.trackingCode), n);
          return;
        }
        const retryAfter = Number(answer.headers.get('retry-after'));
        if (answer.status !== 503 || !Number.isInteger(retryAfter) || retryAfter < 1) {
          unexpected.push(`tip ${n}: ${answer.status}, Retry-After ${answer.headers.get('retry-after')}`);
          return;
        }
        retries.total += 1;
        if (phase) retries[phase] += 1;
        await sleep(retryAfter * 1000);
      }
    };
    let next = 0;
    const load = Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < totalTips) await send(next++);
      }),
    );

    /** Takes a dependency down once the load has got this far, for the outage's length, while the load goes on. */
    const outage = async (proxy: TcpProxy, which: 'database' | 'queue', afterAccepted: number) => {
      await eventually(async () => (accepted.size >= afterAccepted || unexpected.length > 0 ? true : undefined), 300_000, `${afterAccepted} tips accepted`);
      phase = which;
      proxy.setMode('down');
      await sleep(outageMs);
      proxy.setMode('pass');
      phase = undefined;
    };
    await outage(database, 'database', totalTips * 0.25);
    await outage(queue, 'queue', totalTips * 0.6);
    await load;

    assert.deepEqual(unexpected, [], 'every answer was 202 or 503 with Retry-After');
    assert.equal(accepted.size, totalTips, 'every tip was accepted in the end');
    assert.ok(retries.database > 0, 'clients were turned away while DynamoDB was down');
    assert.ok(retries.queue > 0, 'clients were turned away while SQS was down');

    // Tips that failed all their receives while DynamoDB was down are in the DLQ: once it is back, move them home.
    const { visible: parked } = await queueDepth(stack.queues.deadLetterQueueUrl);
    const redriven = await redriveByCopy({ client: directSqs, deadLetterQueueUrl: stack.queues.deadLetterQueueUrl, sourceQueueUrl: stack.queues.intakeQueueUrl });
    assert.deepEqual(redriven, { moved: parked, failed: 0 }, 'the redrive moved every parked message');

    const stored = await eventually(
      async () => {
        // A full scan only once the classifier has nothing left to receive or working: scanning is
        // not free, and the table also holds the duplicate search's and the statistics' items.
        const depth = await queueDepth(stack.queues.intakeQueueUrl);
        if (depth.visible > 0 || depth.inFlight > 0) return undefined;
        const found = await storedTips();
        const missing = [...accepted.keys()].filter((code) => !found.tipsByCode.get(code)?.every((entry) => entry.registerNumber));
        return missing.length === 0 ? found : undefined;
      },
      300_000,
      'every accepted tip stored with its register number',
    );
    for (const code of accepted.keys()) {
      const tips = stored.tipsByCode.get(code) ?? [];
      assert.equal(tips.length, 1, `one tip for ${code}`);
      assert.equal(stored.tipIdByCode.get(code), tips[0]!.id, `${code} resolves to its tip`);
    }
    const numbers = [...stored.tipsByCode.values()].flat().flatMap((entry) => (entry.registerNumber ? [entry.registerNumber] : []));
    assert.equal(new Set(numbers).size, numbers.length, 'no register number given twice');
    const { visible: stillParked } = await queueDepth(stack.queues.deadLetterQueueUrl);
    assert.equal(stillParked, 0, 'the DLQ is empty');

    assertNoTipTextLogged();

    // Tips stored for a request that was answered 503: SQS took the message, the answer was lost
    // when the connection was cut. The tipster sent again and has another code; an officer sees both.
    const orphans = [...stored.tipsByCode.keys()].filter((code) => !accepted.has(code)).length;
    const failedReceives = batches.reduce((sum, batch) => sum + batch.failedMessageIds.length, 0);
    const summary = {
      accepted: accepted.size,
      clientRetries: retries.total,
      retriesWhileDynamoDbDown: retries.database,
      retriesWhileSqsDown: retries.queue,
      classifierFailedReceives: failedReceives,
      reachedDlq: parked,
      redriven: redriven.moved,
      pollerFailures: pollerFailures.length,
      storedWithout202: orphans,
    };
    await annotate(JSON.stringify(summary), 'fault-injection summary');
    process.stdout.write(`fault injection: ${JSON.stringify(summary)}\n`);
  });
});
