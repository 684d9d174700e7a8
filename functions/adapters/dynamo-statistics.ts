/**
 * The commanders' figures in the tips table (shared/statistics/): a ledger item per tip and
 * counter items per bucket. This adapter only applies the changes the domain computed and reads
 * the counters back; what a tip contributes and what the figures are is decided in shared/.
 *
 * Items:
 *  - `STATS#TIP#<tipId>` / `STATS`: the tip's ledger (the version last counted, its facts);
 *  - `STATS#<pack>` / `WEEK#<yyyy-Www>#<queue>`: one queue's counters for tips received in one
 *    week; one Query reads a range of weeks;
 *  - `STATS#<pack>` / `OPEN#<queue>#<yyyy-mm>`: one queue's open tips received in one month (the
 *    month keeps an item far below DynamoDB's 400 KB however long tips stay open); one Query
 *    reads them all.
 * Counters are top-level number attributes named as the domain names them (`tips#drugs`,
 * `claim#73`, `due#1767225600000`): ADD creates them and the item, which nested map paths cannot.
 * A pack's counters share a partition; they change at the rate tips change, far below a
 * partition's limit. Every item expires through the table's TTL a retention period after the
 * last tip it can count (a week's end, a month's end, a tip's receipt).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BucketChange, StatisticsBucket, TipFacts } from '../../shared/statistics/facts.ts';
import { totalCounter } from '../../shared/statistics/facts.ts';
import type { BucketCounters, StatisticsStore } from '../../shared/statistics/ports.ts';
import { monthEnd, weekEnd, type IsoWeek } from '../../shared/statistics/weeks.ts';
import { retainedUntil } from '../../shared/tip/retention.ts';
import { epochSeconds } from './dynamo-tip-items.ts';

/** The keys of the statistics items. */
export const statisticsKeys = {
  ledger: (tipId: string) => ({ PK: `STATS#TIP#${tipId}`, SK: 'STATS' }),
  partition: (pack: string) => `STATS#${pack}`,
  /** A week bucket's sort key; without the queue, the prefix of every queue's bucket of that week. */
  weekSortKey: (week: IsoWeek, queue = '') => `WEEK#${week}#${queue}`,
  /** An open bucket's sort key; without the month, the prefix of the queue's; without either, of every open bucket. */
  openSortKey: (queue?: string, month = '') => (queue === undefined ? 'OPEN#' : `OPEN#${queue}#${month}`),
  bucket(bucket: StatisticsBucket) {
    return {
      PK: statisticsKeys.partition(bucket.pack),
      SK: bucket.kind === 'week' ? statisticsKeys.weekSortKey(bucket.week, bucket.queue) : statisticsKeys.openSortKey(bucket.queue, bucket.month),
    };
  },
};

/** Attributes of a bucket item that are not counters. */
const bucketAttributes = new Set(['PK', 'SK', 'entity', 'kind', 'pack', 'week', 'month', 'queue', 'expiresAt']);

/**
 * The statistics store on the tips table. `retentionDays` is the deployment's TIP_RETENTION_DAYS
 * (counters go when the tips they count are gone); a function that does not pass it gets the
 * TIP_RETENTION_DAYS of its environment, which every tinbao function has (commonEnvironment).
 */
export function createDynamoStatisticsStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
  retentionDays: number = Number(process.env.TIP_RETENTION_DAYS),
): StatisticsStore {
  if (!Number.isInteger(retentionDays) || retentionDays <= 0) throw new Error('createDynamoStatisticsStore needs the retention in days (TIP_RETENTION_DAYS)');

  const bucketExpiry = (bucket: StatisticsBucket): number =>
    epochSeconds(retainedUntil(bucket.kind === 'week' ? weekEnd(bucket.week) : monthEnd(bucket.month), retentionDays));

  /** Every bucket of a pack whose sort key meets the condition, of one queue or of all, page after page. */
  async function query(pack: string, condition: string, values: Record<string, unknown>, queue: string | undefined): Promise<BucketCounters[]> {
    const input = {
      TableName: tableName,
      KeyConditionExpression: `PK = :pk AND ${condition}`,
      ExpressionAttributeValues: { ':pk': statisticsKeys.partition(pack), ...values, ...(queue !== undefined && { ':queue': queue }) },
      ...(queue !== undefined && { FilterExpression: '#queue = :queue', ExpressionAttributeNames: { '#queue': 'queue' } }),
    };
    const buckets: BucketCounters[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) buckets.push(fromBucketItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return buckets;
  }

  /**
   * After a transaction, takes away what fell to zero, so items do not grow forever: a bucket
   * whose total is 0 is deleted, else the counters this change lowered to 0 are removed. The
   * write is conditional on what it removes still being 0, so a change that raced in and counted
   * something again keeps it (and leaves its zeros to a later change: this is best effort).
   */
  async function removeZeros(change: BucketChange): Promise<void> {
    const lowered = Object.entries(change.changes).filter(([, by]) => by < 0).map(([counter]) => counter);
    if (lowered.length === 0) return;
    const Key = statisticsKeys.bucket(change.bucket);
    // Only the counters that may have fallen to 0: an open bucket holds two counters per open tip
    // of its month, and this runs for every change that lowers one.
    const read = [...new Set([totalCounter, ...lowered])];
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key,
        ConsistentRead: true,
        ProjectionExpression: read.map((_, index) => `#r${index}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(read.map((counter, index) => [`#r${index}`, counter])),
      }),
    );
    if (!Item) return;
    const zeros = Item[totalCounter] === 0 ? [totalCounter] : lowered.filter((counter) => Item[counter] === 0);
    if (zeros.length === 0) return;
    const names = Object.fromEntries(zeros.map((counter, index) => [`#z${index}`, counter]));
    const condition = { ConditionExpression: Object.keys(names).map((name) => `${name} = :zero`).join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: { ':zero': 0 } };
    await unlessConditionFailed(
      documents.send(
        zeros[0] === totalCounter
          ? new DeleteCommand({ TableName: tableName, Key, ...condition })
          : new UpdateCommand({ TableName: tableName, Key, UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`, ...condition }),
      ),
    );
  }

  return {
    async entry(tipId) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: statisticsKeys.ledger(tipId), ConsistentRead: true }));
      if (!Item) return undefined;
      return { version: Item.version as number, facts: Item.facts as TipFacts };
    },

    async apply({ tipId, expectedVersion, entry, changes }) {
      const ledgerItem = {
        ...statisticsKeys.ledger(tipId),
        entity: 'statistics-ledger',
        version: entry.version,
        facts: entry.facts,
        expiresAt: epochSeconds(retainedUntil(entry.facts.receivedAt, retentionDays)),
      };
      const ledgerCondition =
        expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#version = :expected AND #version < :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion, ':version': entry.version },
            };
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: ledgerItem, ...ledgerCondition } },
              ...changes.map((change) => ({ Update: { TableName: tableName, ...bucketUpdate(change, bucketExpiry(change.bucket)) } })),
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'stale';
        if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'conflict';
        throw error;
      }
      // Each change is a bucket of its own, so their clean-ups touch different items.
      await Promise.all(changes.map(removeZeros));
      return 'applied';
    },

    weeks({ pack, from, to, queue }) {
      // `~` sorts after every queue code, so the upper bound takes every queue of the last week.
      return query(pack, 'SK BETWEEN :from AND :to', { ':from': statisticsKeys.weekSortKey(from), ':to': `${statisticsKeys.weekSortKey(to)}~` }, queue);
    },

    open({ pack, queue }) {
      return query(pack, 'begins_with(SK, :open)', { ':open': statisticsKeys.openSortKey(queue) }, queue);
    },
  };
}

/** ADD each counter (creating the item and the counter at need), and SET what names the bucket. */
function bucketUpdate(change: BucketChange, expiresAt: number) {
  const names: Record<string, string> = { '#entity': 'entity', '#kind': 'kind', '#pack': 'pack', '#queue': 'queue', '#period': change.bucket.kind === 'week' ? 'week' : 'month', '#expiresAt': 'expiresAt' };
  const values: Record<string, unknown> = {
    ':entity': 'statistics',
    ':kind': change.bucket.kind,
    ':pack': change.bucket.pack,
    ':queue': change.bucket.queue,
    ':period': change.bucket.kind === 'week' ? change.bucket.week : change.bucket.month,
    ':expiresAt': expiresAt,
  };
  const additions = Object.entries(change.changes).map(([counter, by], index) => {
    names[`#c${index}`] = counter;
    values[`:c${index}`] = by;
    return `#c${index} :c${index}`;
  });
  return {
    Key: statisticsKeys.bucket(change.bucket),
    UpdateExpression: `SET #entity = :entity, #kind = :kind, #pack = :pack, #queue = :queue, #period = :period, #expiresAt = :expiresAt ADD ${additions.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function fromBucketItem(item: Record<string, unknown>): BucketCounters {
  const bucket: StatisticsBucket =
    item.kind === 'week'
      ? { kind: 'week', pack: String(item.pack), week: String(item.week), queue: String(item.queue) }
      : { kind: 'open', pack: String(item.pack), month: String(item.month), queue: String(item.queue) };
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!bucketAttributes.has(name) && typeof value === 'number') counters[name] = value;
  }
  return { bucket, counters };
}

/** Awaits a conditional write, leaving it undone when its condition no longer held. */
async function unlessConditionFailed(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
