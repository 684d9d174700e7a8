/**
 * Store path (issue 11): throughput of queue → classifier → DynamoDB on the local stack. The
 * intake queue is filled with envelopes made by shared/tip/envelope.ts's encoder, as the intake
 * makes them, while the classifier is held back; then it is let go and timed until every tip
 * is stored (its tip item written, so in its unit's queue: observed on the functions' DynamoDB
 * client) and until every tip has its register number and its message is acknowledged (the
 * event source's onBatch, then read back by key). Beside it, raw PutItem of items the size of a
 * stored tip at the classifier's concurrency (five batches of ten in flight, as Lambda starts). Two variants: every tip into one unit
 * (one register counter), and tips spread over every unit. At the end, every register's
 * numbers are checked: 1 … n, no gap, no repeat.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { BatchGetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { awsClientSettings } from '../functions/adapters/aws-client-settings.ts';
import { createDocumentClient, tipKeys } from '../functions/adapters/dynamo-tip-items.ts';
import { classifierEventSource } from '../infra/definitions.ts';
import { localCredentials, localRegion } from '../infra/local/ports.ts';
import { lambdaInitialPollers } from '../infra/local/sqs-poller.ts';
import { startLocalStack, type LocalStack } from '../infra/local/stack.ts';
import { jurisdiction } from '../shared/jurisdictions/index.ts';
import { encodeEnvelope } from '../shared/tip/envelope.ts';
import { generateTrackingCode } from '../shared/tip/tracking-code.ts';
import { classifierGate, developmentTexts, epochNow, numberFlags, observeTipWrites, pairedRatios, perSecond, pool, report, sleep, spread, type ResultRow } from './bench-support.ts';

/** The goal: the store path at 0.6 × raw PutItem or better. */
const goal = { ratio: 0.6, atLeast: true };

/** Counts what the classifier acknowledged (the event source's onBatch), and waits for a count. */
function acknowledgements() {
  let acknowledged = 0;
  let failed = 0;
  let waiter: { target: number; resolve: () => void } | undefined;
  return {
    onBatch(outcome: { receivedMessageIds: readonly string[]; failedMessageIds: readonly string[] }) {
      acknowledged += outcome.receivedMessageIds.length - outcome.failedMessageIds.length;
      failed += outcome.failedMessageIds.length;
      if (waiter && acknowledged >= waiter.target) waiter.resolve();
    },
    get count() {
      return acknowledged;
    },
    get failed() {
      return failed;
    },
    /** Resolves true once `target` tips in all were acknowledged, false after the timeout. */
    async reach(target: number, timeoutMs: number): Promise<boolean> {
      if (acknowledged >= target) return true;
      let timer: NodeJS.Timeout | undefined;
      const result = await new Promise<boolean>((resolve) => {
        waiter = { target, resolve: () => resolve(true) };
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      clearTimeout(timer);
      waiter = undefined;
      return result;
    },
  };
}

/** How many of the tips exist and how many have a register number, read by key. */
async function storedAndNumbered(documents: DynamoDBDocumentClient, tableName: string, tipIds: readonly string[]): Promise<{ stored: number; numbered: number }> {
  let stored = 0;
  let numbered = 0;
  const chunks: string[][] = [];
  for (let index = 0; index < tipIds.length; index += 100) chunks.push(tipIds.slice(index, index + 100));
  await pool(chunks.length, 4, async (chunk) => {
    let keys: Record<string, unknown>[] = chunks[chunk]!.map((id) => tipKeys.tip(id));
    while (keys.length > 0) {
      const answer = await documents.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: 'PK, registerNumber' } } }));
      for (const item of answer.Responses?.[tableName] ?? []) {
        stored += 1;
        if (typeof item.registerNumber === 'string') numbered += 1;
      }
      keys = (answer.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  });
  return { stored, numbered };
}

/** Every register's numbers, from every stored tip: gap-free when each runs 1 … n without repeats. */
async function checkRegisters(documents: DynamoDBDocumentClient, tableName: string): Promise<{ registers: number; tips: number; unnumbered: number; problems: string[] }> {
  const numbers = new Map<string, number[]>();
  let tips = 0;
  let unnumbered = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#entity = :tip',
        ProjectionExpression: 'registerNumber, #pack',
        ExpressionAttributeNames: { '#entity': 'entity', '#pack': 'pack' },
        ExpressionAttributeValues: { ':tip': 'tip' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      tips += 1;
      const number = item.registerNumber;
      if (typeof number !== 'string') {
        unnumbered += 1;
        continue;
      }
      const cut = number.lastIndexOf('/');
      const register = `${String(item.pack)} ${number.slice(0, cut)}`;
      const list = numbers.get(register) ?? [];
      list.push(Number(number.slice(cut + 1)));
      numbers.set(register, list);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const problems: string[] = [];
  for (const [register, list] of numbers) {
    list.sort((a, b) => a - b);
    const wrong = list.findIndex((value, index) => value !== index + 1);
    if (wrong !== -1) problems.push(`${register}: ${list.length} tips, number ${wrong + 1} is ${list[wrong]}`);
  }
  return { registers: numbers.size, tips, unnumbered, problems };
}

interface Variant {
  readonly label: string;
  readonly unitFor: (index: number) => string;
}

/** Runs the store section: `npm run bench -- store [--rounds 3] [--tips 1000]`. */
export async function runStoreBenchmark(args: readonly string[] = []): Promise<void> {
  const { rounds, tips } = numberFlags(args, { rounds: 3, tips: 1000 });
  // The local event source keeps Lambda's five batches in flight (lambdaInitialPollers).
  const concurrency = classifierEventSource.batchSize * lambdaInitialPollers;
  const acks = acknowledgements();
  let pollerErrors = 0;
  const stack: LocalStack = await startLocalStack({
    port: 0,
    logLevel: 'SILENT',
    // A record that fails comes back after a second, not after the queue's 3-minute visibility timeout.
    retryDelaySeconds: 1,
    onBatch: (outcome) => acks.onBatch(outcome),
    onPollerError: () => (pollerErrors += 1),
  });
  const gate = classifierGate(stack);
  // The handlers' client (functions/adapters/runtime.ts), imported once the stack has set their environment.
  const { dynamoDbClient } = await import('../functions/adapters/runtime.ts');
  const writes = observeTipWrites(dynamoDbClient);
  // The classifier's client settings, for the raw writes.
  const rawClient = new DynamoDBClient({ ...awsClientSettings, endpoint: stack.dynamoDbEndpoint, region: localRegion, credentials: localCredentials });
  const raw = createDocumentClient(rawClient);
  const documents = createDocumentClient(stack.dynamoDb);
  try {
    const units = jurisdiction(stack.pack);
    const texts = developmentTexts();
    const variants: Variant[] = [
      { label: `one unit (${units.exampleUnit})`, unitFor: () => units.exampleUnit },
      { label: `spread over all ${units.unitCodes.length} units`, unitFor: (index) => units.unitCodes[index % units.unitCodes.length] as string },
    ];

    /** Fills the queue with `count` envelopes while the classifier is held back; returns their tip ids. */
    const fill = async (count: number, variant: Variant): Promise<string[]> => {
      await gate.close();
      const receivedAt = new Date().toISOString();
      const envelopes = Array.from({ length: count }, (_, index) => {
        const tipId = ulid();
        const submission = { text: texts[index % texts.length] ?? '', language: 'vi' as const, unit: variant.unitFor(index) };
        return { tipId, body: encodeEnvelope({ v: 2, tipId, trackingCode: generateTrackingCode(), receivedAt, channel: 'web', submission }) };
      });
      const batches: Array<typeof envelopes> = [];
      for (let index = 0; index < envelopes.length; index += 10) batches.push(envelopes.slice(index, index + 10));
      await pool(batches.length, 8, async (batch) => {
        const entries = batches[batch]!.map((envelope, index) => ({ Id: String(index), MessageBody: envelope.body }));
        const answer = await stack.sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.queues.intakeQueueUrl, Entries: entries }));
        if (answer.Failed?.length) throw new Error(`SendMessageBatch refused ${answer.Failed.length} messages`);
      });
      return envelopes.map((envelope) => envelope.tipId);
    };

    /** Lets the classifier go on a full queue; ms until every tip is stored, and until every one is numbered and acknowledged. */
    const drain = async (tipIds: readonly string[]) => {
      const target = acks.count + tipIds.length;
      const start = epochNow();
      gate.open();
      if (!(await acks.reach(target, 600_000))) throw new Error('the classifier did not acknowledge every tip within 10 minutes');
      let acknowledged = epochNow() - start;
      // Stored: the last of the tip items written (each is in its unit's queue from then on).
      const written = tipIds.map((id) => writes.byTipId.get(id) ?? Number.NaN);
      const stored = written.some(Number.isNaN) ? Number.NaN : Math.max(...written) - start;
      // Numbered: read back by key, in case an acknowledgement ever comes before the number.
      for (let attempt = 0; attempt < 600; attempt += 1) {
        const seen = await storedAndNumbered(documents, stack.tableName, tipIds);
        if (seen.numbered === tipIds.length) break;
        await sleep(100);
        acknowledged = epochNow() - start;
      }
      return { stored, numbered: acknowledged };
    };

    /** Raw PutItem of copies of a stored tip item, at the classifier's concurrency; ms. */
    const rawPuts = async (count: number, template: Record<string, unknown>, variant: Variant): Promise<number> => {
      const items = Array.from({ length: count }, (_, index) => {
        const id = ulid();
        return {
          ...template,
          PK: `BENCH#${id}`,
          SK: 'TIP',
          GSI1PK: tipKeys.queuePartition(stack.pack, variant.unitFor(index), 'NEW'),
          GSI1SK: `2#${String(template.receivedAt)}#${id}`,
          // Not a tip: the register check reads only items whose entity is `tip`.
          entity: 'raw',
        };
      });
      const start = performance.now();
      await pool(count, concurrency, async (index) => void (await raw.send(new PutCommand({ TableName: stack.tableName, Item: items[index], ConditionExpression: 'attribute_not_exists(PK)' }))));
      return performance.now() - start;
    };

    // Warm-up: the classifier's first batches (JIT, connections) and the raw client's.
    const warm = await fill(Math.min(300, tips), variants[1]!);
    await drain(warm);
    const { Responses } = await documents.send(new BatchGetCommand({ RequestItems: { [stack.tableName]: { Keys: [tipKeys.tip(warm[0]!)] } } }));
    const template = Responses?.[stack.tableName]?.[0];
    if (!template) throw new Error('the warm-up tip was not stored');
    await rawPuts(Math.min(300, tips), template, variants[1]!);
    const itemBytes = Buffer.byteLength(JSON.stringify(template));

    const rows: ResultRow[] = [];
    for (const variant of variants) {
      const stored: number[] = [];
      const numbered: number[] = [];
      const floor: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const tipIds = await fill(tips, variant);
        const times = await drain(tipIds);
        stored.push(perSecond(tips, times.stored));
        numbered.push(perSecond(tips, times.numbered));
        await gate.close();
        floor.push(perSecond(tips, await rawPuts(tips, template, variant)));
      }
      rows.push(
        {
          path: 'store path',
          measure: `queue → classifier → DynamoDB, ${variant.label}: stored (in the queue)`,
          unit: 'tips/s',
          value: spread(stored),
          floor: spread(floor),
          floorLabel: 'raw PutItem',
          ratio: pairedRatios(stored, floor),
          goal,
        },
        {
          path: 'store path',
          measure: `queue → classifier → DynamoDB, ${variant.label}: numbered and acknowledged`,
          unit: 'tips/s',
          value: spread(numbered),
          floor: spread(floor),
          floorLabel: 'raw PutItem',
          ratio: pairedRatios(numbered, floor),
          goal,
        },
      );
    }
    const registers = await checkRegisters(documents, stack.tableName);
    const gapFree = registers.problems.length === 0 && registers.unnumbered === 0;
    rows.push({ path: 'store path', measure: 'register numbers gap-free (1 … n in each register)', unit: '', value: gapFree ? `yes, ${registers.registers} registers` : 'NO' });
    console.log(
      `  ${rounds} rounds of ${tips.toLocaleString('en-US')} tips per variant, after ${warm.length} to warm up; one local event source, ${lambdaInitialPollers} batches of ${classifierEventSource.batchSize} in flight; raw PutItem ${concurrency} at a time, items of ${itemBytes.toLocaleString('en-US')} bytes (JSON) like a stored tip`,
    );
    report(rows);
    console.log(
      `  register numbers: ${registers.tips.toLocaleString('en-US')} tips in ${registers.registers} registers, ${registers.unnumbered} without a number; gap-free 1 … n in every register: ${gapFree ? 'yes' : 'NO'}`,
    );
    for (const problem of registers.problems.slice(0, 10)) console.log(`    ${problem}`);
    if (acks.failed > 0 || pollerErrors > 0) console.log(`  records that failed and came back: ${acks.failed}; event source errors: ${pollerErrors}`);
  } finally {
    rawClient.destroy();
    await stack.stop();
  }
}

if (import.meta.main) await runStoreBenchmark(process.argv.slice(2));
