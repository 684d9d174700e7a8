/**
 * Intake path (issue 11): throughput of POST /tips through the local HTTP API and the intake
 * handler (validation, tracking-code PutItem, SendMessage) beside the same I/O done raw, one
 * PutItem of a tracking-code item and one SendMessage of an envelope of the same text, from one
 * SDK client pair, at the same concurrency, against the same DynamoDB Local and fauxqs. Both
 * are driven from a worker thread (tools/bench-load.ts); the classifier is held back meanwhile,
 * so it competes with neither.
 */
import { startLocalStack } from '../infra/local/stack.ts';
import { startLoadWorker, type LoadResult } from './bench-load.ts';
import { classifierGate, developmentTexts, numberFlags, pairedRatios, perSecond, report, spread, type ResultRow } from './bench-support.ts';

/** The goal: the intake path at 0.8 × the raw I/O or better. */
const goal = { ratio: 0.8, atLeast: true };

/** Runs the intake section: `npm run bench -- intake [--rounds 3] [--tips 2000] [--concurrency 16]`. */
export async function runIntakeBenchmark(args: readonly string[] = []): Promise<void> {
  const { rounds, tips, concurrency } = numberFlags(args, { rounds: 3, tips: 2000, concurrency: 16 });
  const stack = await startLocalStack({ port: 0, logLevel: 'SILENT' });
  const gate = classifierGate(stack);
  const load = startLoadWorker();
  try {
    await gate.close();
    const texts = developmentTexts();
    const bodies = texts.map((text) => JSON.stringify({ text }));
    const path = (count: number) => load.run({ kind: 'postTips', url: `${stack.apiUrl}/tips`, bodies, count, concurrency });
    const raw = (count: number) =>
      load.run({
        kind: 'rawIntake',
        dynamoDbEndpoint: stack.dynamoDbEndpoint,
        sqsEndpoint: stack.sqsEndpoint,
        tableName: stack.tableName,
        queueUrl: stack.queues.intakeQueueUrl,
        texts,
        count,
        concurrency,
      });
    // Warm-up: the JIT, the handler's first invocation, connections on both sides.
    await path(Math.min(500, tips));
    await raw(Math.min(500, tips));
    const pathRates: number[] = [];
    const rawRates: number[] = [];
    const failures: string[] = [];
    const note = (label: string, result: LoadResult) => {
      if (result.failed > 0) failures.push(`${label}: ${JSON.stringify(result.outcomes)}`);
      return perSecond(result.ok, result.elapsedMs);
    };
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which goes first, so a drift of the machine's load falls on both.
      if (round % 2 === 0) {
        pathRates.push(note('POST /tips', await path(tips)));
        rawRates.push(note('raw', await raw(tips)));
      } else {
        rawRates.push(note('raw', await raw(tips)));
        pathRates.push(note('POST /tips', await path(tips)));
      }
    }
    console.log(`  ${rounds} rounds of ${tips.toLocaleString('en-US')} tips each way, ${concurrency} at a time, after ${Math.min(500, tips)} to warm up; classifier held back`);
    const rows: ResultRow[] = [
      {
        path: 'intake path',
        measure: 'POST /tips → intake handler → queue',
        unit: 'tips/s',
        value: spread(pathRates),
        floor: spread(rawRates),
        floorLabel: 'raw PutItem + SendMessage',
        ratio: pairedRatios(pathRates, rawRates),
        goal,
      },
    ];
    report(rows);
    for (const failure of failures) console.log(`  not accepted: ${failure}`);
  } finally {
    await load.stop();
    await stack.stop();
  }
}

if (import.meta.main) await runIntakeBenchmark(process.argv.slice(2));
