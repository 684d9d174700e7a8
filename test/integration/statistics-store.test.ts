/**
 * The commanders' figures on DynamoDB Local: tips seeded through recordTipStatistics in several
 * versions each, as a stream delivers them (replays, older versions arriving late, several
 * shards at once), then GET /stats's use case over the store, checked against the figures the
 * test reckons from the tips themselves.
 */
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createDynamoStatisticsStore } from '../../functions/adapters/dynamo-statistics.ts';
import { createDocumentClient } from '../../functions/adapters/dynamo-tip-items.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureTipTable } from '../../infra/local/resources.ts';
import { categories } from '../../shared/classification/types.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import type { StatisticsStore } from '../../shared/statistics/ports.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { getStatistics } from '../../shared/usecases/officers/statistics.ts';
import { recordTipStatistics } from '../../shared/usecases/statistics.ts';
import { fixedClock } from '../support/fakes.ts';
import { countedTip, expectedFigures, figuresOf, startOfWeek2026, week2026 } from '../support/statistics-world.ts';
import { sharedEmulators, uniquePrefix } from '../support/stack.ts';
import { exampleUnit, officers, otherUnit } from '../support/tip-fakes.ts';

const retentionDays = 1825;
const dayMs = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const pack = jurisdiction('hcmc-2025');
const queues = [exampleUnit, otherUnit, '26737', 'CITY'];

/** Thursday of 2026-W16, 09:00 in Vietnam. */
const nowMs = startOfWeek2026(16) + 3 * dayMs + 9 * 60 * 60 * 1000;

let client: DynamoDBClient;
let store: StatisticsStore;
const tableName = `${uniquePrefix('statistics')}-tips`;
const documents = () => createDocumentClient(client);

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: sharedEmulators().dynamoDbEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 10 });
  await ensureTipTable(client, tableName);
  store = createDynamoStatisticsStore(documents(), tableName, retentionDays);
});

afterAll(() => {
  client?.destroy();
});

const draw = fc.record({
  queue: fc.constantFrom(...queues),
  firstQueue: fc.constantFrom(...queues),
  category: fc.constantFrom(...categories),
  receivedAt: fc.integer({ min: startOfWeek2026(1), max: nowMs - 60_000 }),
  status: fc.constantFrom('NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED'),
  claimAfter: fc.option(fc.integer({ min: 0, max: 3 * dayMs }), { nil: undefined }),
  closeAfter: fc.integer({ min: 60_000, max: 40 * dayMs }),
  extendDays: fc.constantFrom(0, 0, 10, 30),
  linked: fc.constantFrom(false, false, false, false, true),
});

type Draw = typeof draw extends fc.Arbitrary<infer Value> ? Value : never;

/**
 * One tip's versions, as the workflow makes them: received in another queue as NEW (v1), claimed
 * there or recategorised (v2), transferred to its final queue (v3), then as it ends (v4).
 */
function historyOf(index: number, value: Draw): [Tip, Tip, Tip, Tip] {
  const held = value.status !== 'NEW';
  const claimedAt = held || value.claimAfter !== undefined ? iso(value.receivedAt + (value.claimAfter ?? 0)) : undefined;
  const closed = value.status === 'RESOLVED' || value.status === 'REJECTED';
  const id = `01STATS${String(index).padStart(19, '0')}`;
  const v1 = countedTip({ id, receivedAt: iso(value.receivedAt), queue: value.firstQueue, category: categories[(categories.indexOf(value.category) + 1) % categories.length] });
  const v2: Tip = claimedAt === undefined ? { ...v1, version: 2, category: value.category } : { ...v1, version: 2, status: 'ASSIGNED', claimedAt, category: value.category };
  const v3: Tip = { ...v2, version: 3, queue: value.queue, unit: value.queue === 'CITY' ? null : value.queue, status: 'NEW' };
  const v4: Tip = {
    ...v3,
    version: 4,
    status: value.status,
    dueAt: iso(value.receivedAt + (20 + value.extendDays) * dayMs),
    ...(closed && { closedAt: iso(Math.min(nowMs, value.receivedAt + value.closeAfter)) }),
    ...(value.linked && { incidentId: 'primary' }),
  };
  return [v1, v2, v3, v4];
}

const seeds = fc.sample(draw, { numRuns: 40, seed: 2026 });
const histories = seeds.map((value, index) => historyOf(index, value));
const finals = histories.map((versions) => versions.at(-1) as Tip);

/** Runs the jobs on this many workers at once, as a stream's shards are processed side by side. */
async function onShards<T>(jobs: ReadonlyArray<() => Promise<T>>, shards: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: shards }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++] as () => Promise<T>;
        results.push(await job());
      }
    }),
  );
  return results;
}

async function statisticsItems(): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `STATS#${pack.id}` }, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const deps = () => ({ statistics: store, clock: fixedClock(iso(nowMs)), jurisdiction: pack });

describe('the statistics store on DynamoDB Local', () => {
  it('counts every tip once however the stream delivers its versions, and the figures match the tips', async () => {
    // Each tip's versions in the order a stream with retries may bring them: in order, with
    // replays and older versions after newer ones; tips on four shards at once.
    const outcomes = await onShards(
      histories.map((versions) => async () => {
        const [v1, v2, v3, v4] = versions;
        const seen: string[] = [];
        for (const version of [v1, v2, v1, v3, v4, v2, v4, v3]) seen.push(await recordTipStatistics(version, { statistics: store }));
        return seen;
      }),
      4,
    );
    for (const seen of outcomes) assert.deepEqual(seen, ['recorded', 'recorded', 'unchanged', 'recorded', 'recorded', 'unchanged', 'unchanged', 'unchanged']);

    const view = await getStatistics(officers.desk, { from: week2026(1), to: week2026(16) }, deps());
    assert.deepEqual(figuresOf(view.overall), expectedFigures(finals, 1, 16, nowMs));
    for (const queue of queues) {
      const unit = view.units.find((shown) => shown.queue === queue);
      assert.deepEqual(unit && figuresOf(unit), expectedFigures(finals.filter((tip) => tip.queue === queue), 1, 16, nowMs), queue);
    }
    const part = await getStatistics(officers.desk, { from: '2026-02-02', to: week2026(9) }, deps());
    assert.deepEqual(figuresOf(part.overall), expectedFigures(finals, 6, 9, nowMs), 'a part of the period');
    const one = await getStatistics(officers.desk, { unit: otherUnit, from: week2026(1), to: week2026(16) }, deps());
    assert.deepEqual(one.units.map((unit) => unit.queue), [otherUnit]);
    assert.deepEqual(figuresOf(one.overall), expectedFigures(finals.filter((tip) => tip.queue === otherUnit), 1, 16, nowMs), 'one unit');
  });

  it('counts a delivery that races another of the same version once', async () => {
    const tip = countedTip({ id: '01STATSRACE000000000000001', receivedAt: iso(startOfWeek2026(20)), queue: 'CITY' });
    const outcomes = await Promise.all([tip, tip, tip].map((version) => recordTipStatistics(version, { statistics: store })));
    assert.deepEqual([...outcomes].sort(), ['recorded', 'unchanged', 'unchanged']);
    const [week] = await store.weeks({ pack: pack.id, from: week2026(20), to: week2026(20), queue: 'CITY' });
    assert.deepEqual(week?.counters, { total: 1, 'tips#theft': 1 });
    await recordTipStatistics({ ...tip, version: 2, status: 'REJECTED', closedAt: iso(startOfWeek2026(20) + dayMs) }, { statistics: store });
    assert.deepEqual(await store.open({ pack: pack.id, queue: 'CITY' }).then((buckets) => buckets.filter(({ bucket }) => bucket.kind === 'open' && bucket.month === '2026-05')), []);
  });

  it('keeps every item under the TTL and takes away what falls to zero', async () => {
    const now = Date.now() / 1000;
    const items = await statisticsItems();
    assert.ok(items.length > 0);
    for (const item of items) assert.ok(typeof item.expiresAt === 'number' && item.expiresAt > now, `${String(item.SK)} expires`);
    for (const tip of finals) {
      const { Item } = await documents().send(new GetCommand({ TableName: tableName, Key: { PK: `STATS#TIP#${tip.id}`, SK: 'STATS' } }));
      assert.deepEqual([Item?.version, Item?.entity], [4, 'statistics-ledger']);
      assert.ok(typeof Item?.expiresAt === 'number' && Item.expiresAt > now, 'the ledger expires');
    }

    // Every open tip is closed: the open counters go, and no counter is left at 0.
    await onShards(
      finals.filter((tip) => tip.status !== 'RESOLVED' && tip.status !== 'REJECTED').map((tip) => () => recordTipStatistics({ ...tip, version: 5, status: 'RESOLVED', closedAt: iso(nowMs) }, { statistics: store })),
      4,
    );
    assert.deepEqual(await store.open({ pack: pack.id }), [], 'no open bucket is left once no tip is open');
    for (const item of await statisticsItems()) {
      const zeros = Object.entries(item).filter(([, value]) => value === 0).map(([name]) => name);
      assert.deepEqual(zeros, [], `${String(item.SK)} keeps no counter at 0`);
      assert.ok((item.total as number) > 0, `${String(item.SK)} counts a tip`);
    }
    const view = await getStatistics(officers.desk, { from: week2026(1), to: week2026(16) }, deps());
    assert.deepEqual(view.overall.open, { total: 0, overdue: 0 });
    assert.equal(view.overall.verification.openPast20Days, 0);
  });
});
