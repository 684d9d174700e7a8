/**
 * Helpers the benchmark sections share: repeated measurements summarised as a median with their
 * spread (min–max), ratios to a floor measured in the same run, and the plain table each section
 * prints. A section can also hand its rows to `npm run bench`, which prints them all together.
 * Benchmarks report; they never pass or fail.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../infra/local/stack.ts';

/** A repeated measurement: its median and range. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** The median and range of repeated measurements (NaN values are left out). */
export function spread(values: readonly number[]): Spread {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? (sorted[Math.floor(middle)] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, count: sorted.length };
}

/** The value at or above p % of a sorted list (nearest rank), as the older sections compute it. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Round by round ratios of a measurement to its floor, taken in the same rounds. */
export function pairedRatios(values: readonly number[], floors: readonly number[]): Spread {
  return spread(values.map((value, index) => value / (floors[index] ?? Number.NaN)));
}

/** A goal or budget on the ratio to the floor: e.g. throughput ≥ 0.8 × raw, init ≤ 1.5 × baseline. */
export interface Goal {
  readonly ratio: number;
  readonly atLeast: boolean;
}

/** One line of a section's table. */
export interface ResultRow {
  /** The path the line belongs to: `cold start`, `intake path`, … */
  readonly path: string;
  readonly measure: string;
  readonly unit: string;
  readonly value: Spread | string;
  /** The floor it is compared with, measured in the same run. */
  readonly floor?: Spread;
  readonly floorLabel?: string;
  readonly ratio?: Spread;
  readonly goal?: Goal;
  /** Decimals for value and floor; 0 unless given. */
  readonly digits?: number;
}

const grouped = (value: number, digits: number): string =>
  Number.isNaN(value) ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `1,234 (1,100–1,300)`, or the one value when there is one. */
export function formatSpread(value: Spread, digits = 0): string {
  if (value.count <= 1 || value.min === value.max) return grouped(value.median, digits);
  return `${grouped(value.median, digits)} (${grouped(value.min, digits)}–${grouped(value.max, digits)})`;
}

/** Whether the median ratio meets the goal: `yes`, `no`, or empty when there is no goal. */
export function goalMet(row: ResultRow): string {
  if (!row.goal || !row.ratio || Number.isNaN(row.ratio.median)) return '';
  return (row.goal.atLeast ? row.ratio.median >= row.goal.ratio : row.ratio.median <= row.goal.ratio) ? 'yes' : 'no';
}

function cells(row: ResultRow): string[] {
  const digits = row.digits ?? 0;
  const value = typeof row.value === 'string' ? row.value : `${formatSpread(row.value, digits)} ${row.unit}`.trim();
  const floor = row.floor ? `${formatSpread(row.floor, digits)} ${row.unit}${row.floorLabel ? ` ${row.floorLabel}` : ''}`.trim() : (row.floorLabel ?? '');
  const ratio = row.ratio ? `${formatSpread(row.ratio, 2)}×` : '';
  const goal = row.goal ? `${row.goal.atLeast ? '≥' : '≤'} ${row.goal.ratio}×` : '';
  return [row.measure, value, floor, ratio, goal, goalMet(row)];
}

/** Prints rows as a plain text table, indented like the other sections' output. */
export function printTable(rows: readonly ResultRow[], options: { withPath?: boolean } = {}): void {
  const header = ['measure', 'median (min–max)', 'floor, same run', 'ratio', 'goal', 'met'];
  const table = rows.map((row) => (options.withPath ? [row.path, ...cells(row)] : cells(row)));
  const all = [options.withPath ? ['path', ...header] : header, ...table];
  const widths = all[0]!.map((_, column) => Math.max(...all.map((line) => (line[column] ?? '').length)));
  const line = (values: readonly string[]) => `  ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}`;
  console.log(line(all[0]!));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  let path = '';
  for (const [index, values] of table.entries()) {
    if (options.withPath && rows[index]?.path !== path && index > 0) console.log('');
    path = rows[index]?.path ?? '';
    console.log(line(values));
  }
}

/** Where `npm run bench` collects every section's rows (one JSON line each) for its summary. */
export const rowsFileVariable = 'TINBAO_BENCH_ROWS';

/** Prints a section's table and hands its rows to `npm run bench` when it runs the section. */
export function report(rows: readonly ResultRow[]): void {
  printTable(rows);
  const file = process.env[rowsFileVariable];
  if (file) appendFileSync(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
}

/** The machine a figure was taken on: core count, Node version and the load at the time. */
export function machine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} cores, Node ${process.version}, load average ${one?.toFixed(1)} (1 min) ${five?.toFixed(1)} (5 min)`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs task(0 … count-1) with at most `concurrency` at a time. */
export async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** A section's numeric flags (`--rounds 3`), from the arguments after the section's name. */
export function numberFlags<Name extends string>(args: readonly string[], defaults: Record<Name, number>): Record<Name, number> {
  const options = Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true });
  const result = { ...defaults };
  for (const name of Object.keys(defaults) as Name[]) {
    const given = values[name];
    if (typeof given === 'string') {
      const parsed = Number(given.replace(/_/g, ''));
      if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive number, not ${given}`);
      result[name] = parsed;
    }
  }
  return result;
}

/** Tips per second from a count and milliseconds. */
export const perSecond = (count: number, ms: number): number => (count * 1000) / ms;

/** The intake queue's consumer of a local stack, held back or let go. */
export interface ClassifierGate {
  /** Holds the classifier: its next polls find the queue empty. Resolves once a poll already on its way has ended. */
  close(): Promise<void>;
  /** Lets the classifier take messages again. */
  open(): void;
}

/**
 * Holds a local stack's classifier back while a section fills or floods the intake queue: its
 * event source polls with the stack's own SQS client, so a middleware on that client answers
 * its ReceiveMessage on the intake queue with no messages while the gate is closed. The
 * intake handler sends with a client of its own, which the gate does not touch.
 */
export function classifierGate(stack: Pick<LocalStack, 'sqs' | 'queues'>): ClassifierGate {
  let closed = false;
  stack.sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { QueueUrl?: string };
      if (closed && context.commandName === 'ReceiveMessageCommand' && input.QueueUrl === stack.queues.intakeQueueUrl) {
        await sleep(50);
        return { output: { Messages: [], $metadata: {} } as never, response: {} };
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchClassifierGate' },
  );
  return {
    async close() {
      closed = true;
      // The event source long-polls for up to a second; one already waiting may still take messages.
      await sleep(1_300);
    },
    open() {
      closed = false;
    },
  };
}

/** Texts of the development sets (both maps), for tips that read like real ones. */
export function developmentTexts(): string[] {
  const files = ['tips-2025-dev.jsonl', 'tips-dev.jsonl'].map((name) => new URL(`../data/tips/${name}`, import.meta.url));
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => String((JSON.parse(line) as { text: unknown }).text)),
  );
}

/** Milliseconds since the epoch, to the microsecond, comparable between threads (each has its own performance.timeOrigin). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** When each tip item was written: the time the write returned, by tip id and by tracking code. */
export interface TipWrites {
  readonly byTipId: Map<string, number>;
  readonly byTrackingCode: Map<string, number>;
}

/**
 * Notes when each tip item is written (epochNow when the write returned), from the writes made
 * on a DynamoDB client: a PutItem, a transaction or a batch that puts an item of entity `tip`
 * with a queue key, the item a Query of the unit's queue reads. Pass the functions' own client
 * (functions/adapters/runtime.ts), imported after the local stack started, as the handlers import it.
 */
export function observeTipWrites(client: DynamoDBClient): TipWrites {
  const writes: TipWrites = { byTipId: new Map(), byTrackingCode: new Map() };
  const plain = (value: unknown): unknown => (typeof value === 'object' && value !== null && 'S' in value ? (value as { S: unknown }).S : value);
  const tipsIn = (input: Record<string, unknown>): Array<Record<string, unknown>> => {
    const items: Array<Record<string, unknown>> = [];
    const push = (item: unknown) => typeof item === 'object' && item !== null && items.push(item as Record<string, unknown>);
    push(input.Item);
    for (const entry of (input.TransactItems ?? []) as Array<{ Put?: { Item?: unknown } }>) push(entry.Put?.Item);
    for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, unknown>)) {
      if (Array.isArray(requests)) for (const request of requests as Array<{ PutRequest?: { Item?: unknown } }>) push(request.PutRequest?.Item);
    }
    return items.filter((item) => plain(item.entity) === 'tip' && plain(item.GSI1PK) !== undefined);
  };
  client.middlewareStack.add(
    (next) => async (args) => {
      const tips = tipsIn(args.input as Record<string, unknown>);
      const output = await next(args);
      const at = epochNow();
      for (const tip of tips) {
        const id = String(plain(tip.id));
        const code = String(plain(tip.trackingCode));
        if (!writes.byTipId.has(id)) writes.byTipId.set(id, at);
        if (!writes.byTrackingCode.has(code)) writes.byTrackingCode.set(code, at);
      }
      return output;
    },
    { step: 'initialize', name: 'benchTipWrites' },
  );
  return writes;
}

/** The naive routing baseline: one regex for a type word and a name or number (`quận 3`, `phường Bàn Cờ`); nothing else. */
export const naiveUnitPattern = /(?:quận|quan|q\.?|phường|phuong|p\.?|xã|xa)\s*([\p{L}\d]+(?: [\p{L}\d]+)?)/iu;
