/**
 * The duplicate search's cost per tip (issue 13), at 10,000 and at 100,000 stored tips: what a new
 * tip's search reads from DynamoDB (queries, items, read capacity as DynamoDB Local reports it
 * with ReturnConsumedCapacity), what it writes, and how long it takes, p50 and p95. The search
 * reads the recent-tips index of a few queues over its window, so its cost should not move when
 * the table holds ten times the tips: the second phase adds 90,000 older tips and measures again.
 *
 * The table is seeded straight into DynamoDB Local (batch writes): a year of tips ending at the
 * measured instant (about 270 a day), 12 % at the city desk and the rest over the units with a
 * long tail (a few busy wards, many quiet ones), the development sets' texts, closed when older
 * than a month. Tips of the last four days also get their recent-tips record, as the classifier
 * writes it. Each measured tip is a development-set text, classified by the engine (one in five
 * reports a recent tip's incident again, without diacritics), stored, then searched for with the
 * adapters the classifier uses; its record is removed after, so every search meets the same days.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDuplicateStore } from '../functions/adapters/dynamo-duplicates.ts';
import { createDynamoRecentTipIndex, recentTipItem, recentTipKeys } from '../functions/adapters/dynamo-recent-tips.ts';
import { createDocumentClient, tipItem } from '../functions/adapters/dynamo-tip-items.ts';
import { createDynamoTipRepository } from '../functions/adapters/dynamo-tip-store.ts';
import { localCredentials, localRegion } from '../infra/local/ports.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { classifierFor } from '../shared/classification/engine.ts';
import { createIncidentReader } from '../shared/incidents/features.ts';
import { recentMarginHours, recentRecordExpiry, searchQueues, suggestDuplicates, type DuplicateSearchOutcome } from '../shared/incidents/find-duplicates.ts';
import { duplicateWindowHours } from '../shared/incidents/rule.ts';
import { cityDeskQueue, jurisdiction } from '../shared/jurisdictions/index.ts';
import { retainedUntil } from '../shared/tip/retention.ts';
import { verificationDueAt, type Tip, type TipStatus } from '../shared/tip/tip.ts';
import { developmentTexts, numberFlags, percentile, pool, report, spread, type ResultRow } from './bench-support.ts';

const dayMs = 86_400_000;
/** The instant the measured tips arrive at; the seeded year ends here. */
const now = Date.parse('2026-11-24T14:00:00.000Z');
const retentionDays = 1825;
/** The share of tips the city desk holds: those the engine cannot place. */
const deskShare = 0.12;

/** A text as typed on a phone without a Vietnamese keyboard. */
const withoutDiacritics = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

/** A fixed-seed generator, so every run seeds the same table. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** What one search did to DynamoDB. */
interface SearchCost {
  queries: number;
  gets: number;
  itemsRead: number;
  readUnits: number;
  writes: number;
  writeUnits: number;
}

const emptyCost = (): SearchCost => ({ queries: 0, gets: 0, itemsRead: 0, readUnits: 0, writes: 0, writeUnits: 0 });

/**
 * A DynamoDB client that asks every call for its consumed capacity and adds up what the calls
 * of the current search read and wrote.
 */
function meteredClient(endpoint: string): { client: DynamoDBClient; current: () => SearchCost; reset: () => void } {
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  let cost = emptyCost();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as { Count?: number; Item?: unknown; ConsumedCapacity?: { CapacityUnits?: number } };
      const units = output.ConsumedCapacity?.CapacityUnits ?? 0;
      if (context.commandName === 'QueryCommand') {
        cost.queries += 1;
        cost.itemsRead += output.Count ?? 0;
        cost.readUnits += units;
      } else if (context.commandName === 'BatchGetItemCommand') {
        // The best matches' tips, read to check they are still open: one request for several.
        const batch = result.output as { Responses?: Record<string, unknown[]>; ConsumedCapacity?: Array<{ CapacityUnits?: number }> };
        cost.gets += 1;
        cost.itemsRead += Object.values(batch.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
        cost.readUnits += (batch.ConsumedCapacity ?? []).reduce((sum, consumed) => sum + (consumed.CapacityUnits ?? 0), 0);
      } else {
        cost.writes += 1;
        cost.writeUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: 'benchDuplicateCost' },
  );
  return { client, current: () => cost, reset: () => void (cost = emptyCost()) };
}

/** Runs the duplicates section. */
export async function runDuplicatesBenchmark(args: readonly string[] = []): Promise<void> {
  const flags = numberFlags(args, { stored: 100_000, first: 10_000, searches: 300 });
  const stack = await startLocalStack({ port: 0, logLevel: 'SILENT' });
  try {
    const pack = stack.pack;
    const classifier = classifierFor(pack);
    const reader = createIncidentReader(classifier.resolver.finder);
    const units = jurisdiction(pack).unitCodes;
    const texts = developmentTexts();
    const classified = texts.map((text) => classifier.classify({ channel: 'sms', text }));
    const next = random(13);
    // A long tail: the busiest wards get many times the tips of the quietest.
    const weights = units.map((_, index) => 1 / (index + 1) ** 0.7);
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    const pickUnit = (): string => {
      let target = next() * totalWeight;
      for (const [index, weight] of weights.entries()) if ((target -= weight) <= 0) return units[index] as string;
      return units.at(-1) as string;
    };
    const seedDocuments = createDocumentClient(stack.dynamoDb);
    const recentFrom = now - (duplicateWindowHours + recentMarginHours) * 3_600_000;

    /** Tip `index` of the seeded year: the newest first, spread evenly back over 365 days. */
    const seededTip = (index: number, total: number): Tip => {
      const receivedAt = new Date(now - 60_000 - Math.floor(((index + next()) / total) * 365 * dayMs)).toISOString();
      const textIndex = Math.floor(next() * texts.length);
      const classification = classified[textIndex]!;
      const atDesk = next() < deskShare;
      const unit = atDesk ? null : pickUnit();
      const age = (now - Date.parse(receivedAt)) / dayMs;
      const status: TipStatus = age > 30 ? (next() < 0.8 ? 'RESOLVED' : 'REJECTED') : age > 3 ? (next() < 0.5 ? 'IN_PROGRESS' : 'RESOLVED') : 'NEW';
      return {
        id: `01BENCHDUP${String(index).padStart(16, '0')}`,
        trackingCode: 'TB-0000-0000',
        channel: 'sms',
        receivedAt,
        classifiedAt: receivedAt,
        dueAt: verificationDueAt(new Date(receivedAt)).toISOString(),
        text: texts[textIndex] as string,
        language: 'vi',
        pack,
        unit,
        otherGeneration: null,
        category: classification.category,
        urgency: classification.urgency,
        routing: { ...classification.routing, unit, candidates: atDesk ? classification.routing.candidates : [{ unit: unit as string, confidence: 1, method: 'text', evidence: null }] },
        status,
        queue: unit ?? cityDeskQueue,
        version: 1,
      };
    };

    /** The seeded tips of the recent days: some measured tips report their incidents again. */
    const recentTips: Tip[] = [];
    let recentSeeded = 0;
    /** Writes tips [from, to) of a year of `total` tips, with the recent ones' records. */
    const seed = async (from: number, to: number, total: number): Promise<void> => {
      const batches: Array<Record<string, unknown>[]> = [];
      let batch: Record<string, unknown>[] = [];
      for (let index = from; index < to; index += 1) {
        const tip = seededTip(index, total);
        batch.push({ PutRequest: { Item: tipItem(tip, retainedUntil(tip.receivedAt, retentionDays)) } });
        if (Date.parse(tip.receivedAt) >= recentFrom) {
          batch.push({ PutRequest: { Item: recentTipItem(reader.read(tip), recentRecordExpiry(tip.receivedAt)) } });
          recentSeeded += 1;
          if (tip.status === 'NEW') recentTips.push(tip);
        }
        if (batch.length >= 24) {
          batches.push(batch);
          batch = [];
        }
      }
      if (batch.length > 0) batches.push(batch);
      await pool(batches.length, 16, async (at) => {
        let pending = batches[at]!;
        while (pending.length > 0) {
          const result = await seedDocuments.send(new BatchWriteCommand({ RequestItems: { [stack.tableName]: pending } }));
          pending = (result.UnprocessedItems?.[stack.tableName] ?? []) as Record<string, unknown>[];
        }
      });
    };

    const metered = meteredClient(stack.dynamoDbEndpoint);
    const documents = createDocumentClient(metered.client);
    const tips = createDynamoTipRepository(documents, stack.tableName, retentionDays);
    const deps = { reader, recent: createDynamoRecentTipIndex(documents, stack.tableName), suggestions: createDynamoDuplicateStore(documents, stack.tableName), tips };
    let measured = 0;

    /** Stores `count` new tips (not measured) and times each one's search, with what it read and wrote. */
    const measure = async (count: number) => {
      const times: number[] = [];
      const floors: number[] = [];
      const costs: SearchCost[] = [];
      const outcomes: DuplicateSearchOutcome[] = [];
      for (let index = 0; index < count; index += 1) {
        const receivedAt = new Date(now + measured * 1000).toISOString();
        // One in five reports again an incident of the recent days, typed without diacritics, in the same queue.
        const again = measured % 5 === 0 ? recentTips[(measured * 31) % Math.max(1, recentTips.length)] : undefined;
        const text = again ? withoutDiacritics(again.text) : (texts[(measured * 7) % texts.length] as string);
        const classification = classifier.classify({ channel: 'sms', text });
        const tip: Tip = {
          ...seededTip(0, 1),
          id: `01BENCHNEW${String(measured).padStart(16, '0')}`,
          receivedAt,
          classifiedAt: receivedAt,
          text,
          category: again?.category ?? classification.category,
          urgency: classification.urgency,
          routing: again?.routing ?? classification.routing,
          unit: again ? again.unit : classification.routing.unit,
          queue: again?.queue ?? classification.routing.unit ?? cityDeskQueue,
          status: 'NEW',
        };
        measured += 1;
        const expiresAt = retainedUntil(receivedAt, retentionDays);
        await seedDocuments.send(new PutCommand({ TableName: stack.tableName, Item: tipItem(tip, expiresAt) }));
        metered.reset();
        const start = performance.now();
        outcomes.push(await suggestDuplicates(tip, expiresAt, deps));
        times.push(performance.now() - start);
        costs.push({ ...metered.current() });
        // Its record goes again, so every search meets the same recent days, not the ones measured before it.
        await seedDocuments.send(new DeleteCommand({ TableName: stack.tableName, Key: recentTipKeys.item({ ...tip, tipId: tip.id }) }));
        // The floor: the same Queries, raw, in parallel, with nothing done with what they read.
        const window = duplicateWindowHours * 3_600_000;
        const floorStart = performance.now();
        await Promise.all(
          searchQueues(tip).map((queue) =>
            seedDocuments.send(
              new QueryCommand({
                TableName: stack.tableName,
                KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
                ExpressionAttributeValues: { ':pk': recentTipKeys.partition(pack, queue), ':from': new Date(Date.parse(receivedAt) - window).toISOString(), ':to': `${new Date(Date.parse(receivedAt) + window).toISOString()}#~` },
                ConsistentRead: true,
              }),
            ),
          ),
        );
        floors.push(performance.now() - floorStart);
      }
      return { times: times.sort((a, b) => a - b), floors: floors.sort((a, b) => a - b), costs, outcomes };
    };

    const rows: ResultRow[] = [];
    const phase = async (label: string) => {
      await measure(20); // warm-up: JIT, connections
      const { times, floors, costs, outcomes } = await measure(flags.searches);
      const of = (pick: (cost: SearchCost) => number) => spread(costs.map(pick));
      const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
      const items = sorted(costs.map((cost) => cost.itemsRead));
      const units = sorted(costs.map((cost) => cost.readUnits));
      const path = `duplicate search, ${label}`;
      rows.push(
        { path, measure: `${label}: time per tip (p50 / p95)`, unit: 'ms', value: `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)} ms` },
        { path, measure: `${label}: its Queries alone, raw (p50 / p95)`, unit: 'ms', value: `${percentile(floors, 50).toFixed(1)} / ${percentile(floors, 95).toFixed(1)} ms` },
        { path, measure: `${label}: items read per tip (p50 / p95 / max)`, unit: '', value: `${percentile(items, 50)} / ${percentile(items, 95)} / ${items.at(-1)}` },
        { path, measure: `${label}: read capacity per tip (p50 / p95)`, unit: 'RCU', value: `${percentile(units, 50).toFixed(1)} / ${percentile(units, 95).toFixed(1)} RCU` },
        { path, measure: `${label}: queries, item reads, writes per tip`, unit: '', value: `${of((cost) => cost.queries).median} queries, ${of((cost) => cost.gets).median} batch reads of tips, ${of((cost) => cost.writes).median} writes (median)` },
        { path, measure: `${label}: recent tips compared per tip (p50 / max)`, unit: '', value: `${spread(outcomes.map((o) => o.compared)).median} / ${Math.max(...outcomes.map((o) => o.compared))}` },
        { path, measure: `${label}: tips given suggestions`, unit: '', value: `${outcomes.filter((o) => o.suggested > 0).length} of ${outcomes.length}, ${outcomes.reduce((sum, o) => sum + o.suggested, 0)} suggestions` },
      );
    };

    const seedStart = performance.now();
    // The newest `first` tips of the year of `stored`: the same recent days in both phases.
    await seed(0, flags.first, flags.stored);
    console.log(`  seeded ${flags.first.toLocaleString('en-US')} tips (${recentSeeded} of them in the last ${duplicateWindowHours + recentMarginHours} h, with their records) in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);
    await phase(`${flags.first.toLocaleString('en-US')} stored`);
    const moreStart = performance.now();
    await seed(flags.first, flags.stored, flags.stored);
    console.log(`  seeded ${(flags.stored - flags.first).toLocaleString('en-US')} older tips in ${((performance.now() - moreStart) / 1000).toFixed(0)} s (${flags.stored.toLocaleString('en-US')} in all, ${recentSeeded} recent records)`);
    await phase(`${flags.stored.toLocaleString('en-US')} stored`);
    console.log(`  ${flags.searches} searches a phase, each a new tip of the development sets at the desk or in its ward, after 20 to warm up:`);
    report(rows);
  } finally {
    await stack.stop();
  }
}
