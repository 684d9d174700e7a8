/**
 * End to end (issue 11): tips offered at a steady rate to a fresh local stack, from POST /tips
 * until each is in its unit's queue. Each run is a process of its own with a stack and emulators
 * of its own, so its first 10 s are a fresh stack's: they are reported apart from the steady
 * state after them. The tips are the development sets' texts, routed by the classifier as they
 * come. The load generator runs in a worker thread (tools/bench-load.ts).
 *
 * "In the queue" is the moment the classifier's write of the tip item (the item QueueIndex
 * reads) returned, observed on the functions' own DynamoDB client: from then on a Query of the
 * unit's queue returns it. Polling QueueIndex instead (every 50 ms, eight units) took so much of
 * DynamoDB Local that the stack slowed to a fraction of its rate. After the run, every accepted
 * tip is looked up in the table, with its queue key: one that is not there is lost.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamo-tip-items.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { startLoadWorker, type EndToEndResult } from './bench-load.ts';
import { developmentTexts, numberFlags, observeTipWrites, percentile, report, sleep, spread, type ResultRow, type Spread } from './bench-support.ts';

/** Seconds of a fresh stack reported apart. */
const freshSeconds = 10;

/** One run's figures. */
interface RunSummary {
  readonly rate: number;
  readonly tips: number;
  readonly seconds: number;
  readonly refused: number;
  readonly lost: number;
  /** Accepted tips not in the table with a queue key after the run. */
  readonly notInTable: number;
  readonly maxLagMs: number;
  readonly firstTwoSeconds: number;
  readonly fresh: WindowSummary;
  readonly steady: WindowSummary;
}

interface WindowSummary {
  readonly submitted: number;
  /** Tips of the window that showed up, per second from the window's start to the last of them. */
  readonly tipsPerSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Per tip of a run, ms since its first submission (NaN when it never happened). */
interface Timeline {
  readonly submitted: Float64Array;
  readonly visible: Float64Array;
}

function summariseWindow(timeline: Timeline, from: number, to: number): WindowSummary {
  const latencies: number[] = [];
  let submitted = 0;
  let lastVisible = from;
  for (let index = 0; index < timeline.submitted.length; index += 1) {
    const at = timeline.submitted[index] as number;
    if (!(at >= from && at < to)) continue;
    submitted += 1;
    const visible = timeline.visible[index] as number;
    if (Number.isNaN(visible)) continue;
    latencies.push(visible - at);
    lastVisible = Math.max(lastVisible, visible);
  }
  latencies.sort((a, b) => a - b);
  return {
    submitted,
    tipsPerSecond: (latencies.length * 1000) / (lastVisible - from),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

/** Tracking codes of the tips in the table that have a queue key. */
async function tipsInQueues(client: DynamoDBClient, tableName: string): Promise<Set<string>> {
  const documents = createDocumentClient(client);
  const codes = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#entity = :tip AND attribute_exists(GSI1PK)',
        ProjectionExpression: 'trackingCode',
        ExpressionAttributeNames: { '#entity': 'entity' },
        ExpressionAttributeValues: { ':tip': 'tip' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) codes.add(String(item.trackingCode));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return codes;
}

/** One run on a fresh stack, in this process. */
async function runOnce(rate: number, tips: number): Promise<RunSummary> {
  const stack = await startLocalStack({ port: 0, logLevel: 'SILENT', retryDelaySeconds: 1 });
  // The handlers' client (functions/adapters/runtime.ts), imported once the stack has set their environment.
  const { dynamoDbClient } = await import('../functions/adapters/runtime.ts');
  const stored = observeTipWrites(dynamoDbClient).byTrackingCode;
  const load = startLoadWorker();
  try {
    const bodies = developmentTexts().map((text) => JSON.stringify({ text }));
    const result: EndToEndResult = await load.run({ kind: 'endToEnd', apiUrl: stack.apiUrl, bodies, count: tips, rate, maxInFlight: 512 });
    const accepted = result.trackingCodes.filter((code) => code !== '');
    // Wait for the backlog: until every accepted tip is stored, or 30 s pass without one more.
    let done = accepted.filter((code) => stored.has(code)).length;
    let progressAt = performance.now();
    while (done < accepted.length && performance.now() - progressAt < 30_000) {
      await sleep(200);
      const now = accepted.filter((code) => stored.has(code)).length;
      if (now > done) progressAt = performance.now();
      done = now;
    }
    const inQueues = await tipsInQueues(stack.dynamoDb, stack.tableName);
    const origin = result.submittedAt[0] as number;
    const timeline: Timeline = {
      submitted: result.submittedAt.map((at) => at - origin),
      visible: Float64Array.from(result.trackingCodes, (code) => (code && stored.has(code) ? (stored.get(code) as number) - origin : Number.NaN)),
    };
    let refused = 0;
    let lost = 0;
    let notInTable = 0;
    let firstTwoSeconds = 0;
    let end = 0;
    for (let index = 0; index < tips; index += 1) {
      const code = result.trackingCodes[index] as string;
      if (result.status[index] !== 202) refused += 1;
      else if (!stored.has(code)) lost += 1;
      if (code && !inQueues.has(code)) notInTable += 1;
      if ((timeline.visible[index] as number) < 2000) firstTwoSeconds += 1;
      end = Math.max(end, timeline.visible[index] as number, (result.answeredAt[index] as number) - origin);
    }
    const lastSubmitted = timeline.submitted[tips - 1] as number;
    return {
      rate,
      tips,
      seconds: end / 1000,
      refused,
      lost: Math.max(lost, notInTable),
      notInTable,
      maxLagMs: result.maxLagMs,
      firstTwoSeconds: firstTwoSeconds / 2,
      fresh: summariseWindow(timeline, 0, freshSeconds * 1000),
      steady: summariseWindow(timeline, freshSeconds * 1000, lastSubmitted + 1),
    };
  } finally {
    await load.stop();
    await stack.stop();
  }
}

/**
 * What the stack sustains here, from a fresh stack: POST /tips 16 at a time for 15 s (the intake's
 * rate, I), then, with no more tips coming, how fast the classifier empties the backlog that
 * built up (the store path's rate, S). The two share the same two cores, so together they
 * sustain about 1 / (1/I + 1/S). A flood alone measures less: the intake takes the CPU from the classifier.
 */
async function calibrate(): Promise<{ intake: number; store: number; sustained: number }> {
  const stack = await startLocalStack({ port: 0, logLevel: 'SILENT', retryDelaySeconds: 1 });
  const { dynamoDbClient } = await import('../functions/adapters/runtime.ts');
  const stored = observeTipWrites(dynamoDbClient).byTipId;
  const load = startLoadWorker();
  try {
    const bodies = developmentTexts().map((text) => JSON.stringify({ text }));
    const flood = await load.run({ kind: 'postTips', url: `${stack.apiUrl}/tips`, bodies, count: 1_000_000, concurrency: 16, forMs: 15_000 });
    const intake = (flood.ok * 1000) / flood.elapsedMs;
    const before = stored.size;
    const from = performance.now();
    while (stored.size < flood.ok && performance.now() - from < 10_000) await sleep(100);
    const store = ((stored.size - before) * 1000) / (performance.now() - from);
    return { intake, store, sustained: 1 / (1 / intake + 1 / store) };
  } finally {
    await load.stop();
    await stack.stop();
  }
}

/** A run in a process of its own (the handlers read their environment once, so a fresh stack needs a fresh process); its last line of output. */
function child(args: readonly string[]): string {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${result.status})`);
  return result.stdout.trim().split('\n').at(-1) ?? '';
}

/** A run offers tips for this long at most, so that a slow machine does not take an hour. */
const maxOfferSeconds = 45;

/**
 * Runs the end-to-end section: `npm run bench -- e2e [--rounds 3] [--tips 10000] [--rate N]`.
 * Without --rate, a first fresh stack finds what it sustains (calibrate), and the runs offer 80 %
 * of that; then, without --tips, a run offers at most 45 s worth of tips (10,000 at most).
 */
export async function runEndToEndBenchmark(args: readonly string[] = []): Promise<void> {
  const given = numberFlags(args, { rounds: 3, tips: Number.NaN, rate: Number.NaN });
  const { rounds } = given;
  let rate = given.rate;
  const rows: ResultRow[] = [];
  if (Number.isNaN(rate)) {
    const found = JSON.parse(child(['--calibrate'])) as Awaited<ReturnType<typeof calibrate>>;
    rate = Math.max(5, Math.floor((0.8 * found.sustained) / 5) * 5);
    console.log(
      `  calibration on a fresh stack: intake ${found.intake.toFixed(0)} tips/s, classifier on the backlog ${found.store.toFixed(0)} tips/s, together about ${found.sustained.toFixed(0)}/s: offering ${rate}/s (80 %)`,
    );
    rows.push({
      path: 'end to end',
      measure: 'calibration, fresh stack: intake and classifier together',
      unit: '',
      value: `about ${found.sustained.toFixed(0)} tips/s (intake ${found.intake.toFixed(0)}/s, classifier ${found.store.toFixed(0)}/s)`,
    });
  }
  const tips = Number.isNaN(given.tips) ? Math.min(10_000, Math.round(rate * maxOfferSeconds)) : given.tips;
  if (tips < 10_000) console.log(`  10,000 tips at ${rate}/s would take ${(10_000 / rate).toFixed(0)} s a run; offering ${tips.toLocaleString('en-US')} (${maxOfferSeconds} s) instead (--tips to choose)`);
  const runs: RunSummary[] = [];
  for (let round = 0; round < rounds; round += 1) {
    runs.push(JSON.parse(child(['--run', '--tips', String(tips), '--rate', String(rate)])) as RunSummary);
  }
  const of = (pick: (run: RunSummary) => number): Spread => spread(runs.map(pick));
  const lost = runs.reduce((sum, run) => sum + run.lost, 0);
  const refused = runs.reduce((sum, run) => sum + run.refused, 0);
  const windows = [
    { label: `first ${freshSeconds} s of a fresh stack`, pick: (run: RunSummary) => run.fresh },
    { label: 'steady state, after', pick: (run: RunSummary) => run.steady },
  ];
  for (const window of windows) {
    rows.push({ path: 'end to end', measure: `${window.label}: tips/s in the queue (${rate}/s offered)`, unit: 'tips/s', value: of((run) => window.pick(run).tipsPerSecond) });
    for (const p of ['p50', 'p95', 'p99'] as const) {
      rows.push({ path: 'end to end', measure: `${window.label}: submit → in the queue, ${p}`, unit: 'ms', value: of((run) => window.pick(run)[p]) });
    }
  }
  rows.push({ path: 'end to end', measure: 'first 2 s of a fresh stack: tips/s in the queue', unit: 'tips/s', value: of((run) => run.firstTwoSeconds) });
  rows.push({ path: 'end to end', measure: 'lost (202, never in the queue)', unit: '', value: `${lost} of ${(runs.length * tips).toLocaleString('en-US')}` });
  console.log(
    `  ${runs.length} runs of ${tips.toLocaleString('en-US')} tips offered at ${rate}/s to a fresh stack (own emulators); a run took ${of((run) => run.seconds).median.toFixed(0)} s`,
  );
  report(rows);
  const steady = of((run) => run.steady.tipsPerSecond);
  if (steady.median < 0.95 * rate) console.log(`  the stack fell behind the offered ${rate}/s: a backlog built up, and latency with it`);
  const lag = of((run) => run.maxLagMs);
  if (lag.max > 100) console.log(`  the load generator fell behind the offered rate by up to ${lag.max.toFixed(0)} ms (512 tips in flight at most)`);
  if (refused > 0) console.log(`  not accepted (not 202): ${refused}`);
  const missing = runs.reduce((sum, run) => sum + run.notInTable, 0);
  if (missing > 0) console.log(`  accepted tips not in the table with a queue key after the run: ${missing}`);
}

if (import.meta.main) {
  if (process.argv.includes('--run')) {
    const { tips, rate } = numberFlags(process.argv.slice(2), { tips: 10_000, rate: 100 });
    console.log(JSON.stringify(await runOnce(rate, tips)));
  } else if (process.argv.includes('--calibrate')) {
    console.log(JSON.stringify(await calibrate()));
  } else {
    await runEndToEndBenchmark(process.argv.slice(2));
  }
}
