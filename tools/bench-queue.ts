/**
 * Queue page latency with 100,000 tips in DynamoDB Local: `GET /queue` through the local HTTP
 * API (token check, use case, one Query, view mapping) beside a single raw Query of the same
 * page, measured in the same run.
 */
import { QueryCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, tipItem, tipKeys } from '../functions/adapters/dynamo-tip-items.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { jurisdiction } from '../shared/jurisdictions/index.ts';
import type { Tip } from '../shared/tip/tip.ts';

const totalTips = 100_000;
const pageSize = 25;
const samples = 300;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timeEach(count: number, fn: (index: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    await fn(index);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/** Runs the queue section. */
export async function runQueueBenchmark(): Promise<void> {
  const stack = await startLocalStack({ port: 0, logLevel: 'SILENT' });
  try {
    const documents = createDocumentClient(stack.dynamoDb);
    const units = jurisdiction(stack.pack);
    const measuredQueue = units.exampleUnit;
    const queues = units.queueCodes;
    const statuses = ['NEW', 'NEW', 'NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED'] as const;
    const urgencies = ['high', 'normal', 'normal', 'low'] as const;
    const seedStart = performance.now();
    const base = Date.parse('2026-01-01T00:00:00Z');
    const items = (start: number, end: number) =>
      Array.from({ length: end - start }, (_, offset) => {
        const index = start + offset;
        // A tenth of all tips sit in the measured unit; the rest spread over the other queues.
        const queue = index % 10 === 0 ? measuredQueue : (queues[index % queues.length] ?? measuredQueue);
        const receivedAt = new Date(base + index * 60_000).toISOString();
        const unit = queue === 'CITY' ? null : queue;
        const tip: Tip = {
          id: `01BENCH${String(index).padStart(19, '0')}`,
          trackingCode: 'TB-0000-0000',
          channel: 'web',
          receivedAt,
          classifiedAt: receivedAt,
          dueAt: new Date(base + index * 60_000 + 20 * 86_400_000).toISOString(),
          text: `Tin báo số ${index}: có người bán ma túy trong hẻm ${index % 200} đường Lê Văn Sỹ`,
          language: 'vi',
          pack: stack.pack,
          unit,
          otherGeneration: null,
          category: 'drugs',
          urgency: urgencies[index % urgencies.length] ?? 'normal',
          routing: { pack: stack.pack, unit, confidence: 1, method: 'explicit', evidence: null, candidates: [] },
          status: statuses[index % statuses.length] ?? 'NEW',
          queue,
          version: 1,
          registerNumber: `${queue}/2026/${String(index + 1).padStart(6, '0')}`,
        };
        return { PutRequest: { Item: tipItem(tip, new Date('2031-01-01T00:00:00Z')) } };
      });
    const batches: Array<[number, number]> = [];
    for (let start = 0; start < totalTips; start += 25) batches.push([start, Math.min(totalTips, start + 25)]);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < batches.length) {
          const [start, end] = batches[next++]!;
          let pending = items(start, end);
          while (pending.length > 0) {
            const result = await documents.send(new BatchWriteCommand({ RequestItems: { [stack.tableName]: pending } }));
            pending = (result.UnprocessedItems?.[stack.tableName] ?? []) as typeof pending;
          }
        }
      }),
    );
    const measuredNew = Array.from({ length: totalTips }, (_, index) => index).filter((index) => index % 10 === 0 && (statuses[index % statuses.length] ?? 'NEW') === 'NEW').length;
    console.log(`  seeded ${totalTips.toLocaleString('en-US')} tips in ${((performance.now() - seedStart) / 1000).toFixed(0)} s (queue ${measuredQueue}: ${(totalTips / 10).toLocaleString('en-US')} tips, ${measuredNew.toLocaleString('en-US')} of them NEW)`);

    const token = await stack.identityProvider.issueToken(`officer-${measuredQueue}`);
    const url = `${stack.apiUrl}/queue?queue=${measuredQueue}&status=NEW&limit=${pageSize}`;
    const getPage = async (cursor?: string) => {
      const response = await fetch(cursor ? `${url}&cursor=${cursor}` : url, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`GET /queue answered ${response.status}`);
      return (await response.json()) as { items: unknown[]; nextCursor: string | null };
    };
    const rawQuery = (startKey?: Record<string, unknown>) =>
      documents.send(
        new QueryCommand({
          TableName: stack.tableName,
          IndexName: 'QueueIndex',
          KeyConditionExpression: 'GSI1PK = :queue',
          ExpressionAttributeValues: { ':queue': tipKeys.queuePartition(stack.pack, measuredQueue, 'NEW') },
          Limit: pageSize,
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
    // Warm up both paths (JIT, the verifier's JWKS cache, connections).
    for (let index = 0; index < 30; index += 1) {
      await getPage();
      await rawQuery();
    }
    const first = await getPage();
    if (first.items.length !== pageSize) throw new Error('the first page is not full');
    if ((await rawQuery()).Items?.length !== pageSize) throw new Error('the raw Query does not read the same queue');
    const apiFirst = await timeEach(samples, async () => void (await getPage()));
    const rawFirst = await timeEach(samples, async () => void (await rawQuery()));
    // Deep pages: follow cursors 40 pages in, then time that page.
    let cursor: string | null = first.nextCursor;
    for (let page = 0; page < 40 && cursor; page += 1) cursor = (await getPage(cursor)).nextCursor;
    const deepCursor = cursor ?? undefined;
    const deepKey = deepCursor ? (JSON.parse(Buffer.from(deepCursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
    const apiDeep = await timeEach(samples, async () => void (await getPage(deepCursor)));
    const rawDeep = await timeEach(samples, async () => void (await rawQuery(deepKey)));
    const row = (label: string, times: number[]) => `    ${label.padEnd(44)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(6)} ms`;
    console.log(`  queue page of ${pageSize}, ${samples} sequential requests each:`);
    console.log(row('GET /queue, first page (HTTP, auth, use case)', apiFirst));
    console.log(row('raw Query, same page', rawFirst));
    console.log(row('GET /queue, page 42 (cursor)', apiDeep));
    console.log(row('raw Query, same page', rawDeep));
  } finally {
    await stack.stop();
  }
}
