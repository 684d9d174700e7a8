/**
 * The tips table through its ports: tracking codes, the tip repository (the classifier's create,
 * then its gap-free register number from dynamo-register.ts; officers' queues, reads and
 * conditional changes), and the queue counter of the console's map. Item layout:
 * dynamo-tip-items.ts.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type BatchGetCommandOutput, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StaleTipError, classifiedEvent, type TipEvent } from '../../shared/officers/model.ts';
import { maxChangesPerTransaction, type TipChange, type TipRepository, type TrackingCodeStore } from '../../shared/ports.ts';
import { retainedUntil } from '../../shared/tip/retention.ts';
import type { NewTip, Tip, TrackingRecord } from '../../shared/tip/tip.ts';
import type { QueueCounter } from '../../shared/usecases/officers/summary.ts';
import { createDynamoIntakeRegister } from './dynamo-register.ts';
import { decodeCursor, encodeCursor, epochSeconds, eventItem, fromEventItem, fromTipItem, queueOf, tipItem, tipKeys } from './dynamo-tip-items.ts';

/** Tracking codes in the tips table, one item per code. */
export function createDynamoTrackingCodeStore(documents: DynamoDBDocumentClient, tableName: string): TrackingCodeStore {
  return {
    async reserve(record, expiresAt) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...tipKeys.trackingCode(record.trackingCode), ...record, expiresAt: epochSeconds(expiresAt) },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async release(trackingCode) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: tipKeys.trackingCode(trackingCode) }));
    },
    async find(trackingCode) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.trackingCode(trackingCode) }));
      if (!Item) return undefined;
      const { trackingCode: code, tipId, secretHash, receivedAt, senderPseudonym } = Item as TrackingRecord;
      return { trackingCode: code, tipId, secretHash, receivedAt, ...(senderPseudonym && { senderPseudonym }) };
    },
  };
}

/** The most keys one BatchGetItem request may ask for. */
const batchGetLimit = 100;
/** Tries of a BatchGetItem whose keys come back unprocessed; the last waits 25 ms × 2⁵. */
const maxBatchGetAttempts = 6;

/** Stored tips, their events and their queues in the tips table. */
export function createDynamoTipRepository(documents: DynamoDBDocumentClient, tableName: string, retentionDays: number): TipRepository {
  const register = createDynamoIntakeRegister(documents, tableName, retentionDays);
  const expiresAtOf = (tip: Pick<Tip, 'receivedAt'>) => retainedUntil(tip.receivedAt, retentionDays);
  return {
    create,

    async get(tipId) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.tip(tipId), ConsistentRead: true }));
      return Item ? fromTipItem(Item) : undefined;
    },

    async getMany(tipIds) {
      const found = new Map<string, Tip>();
      const ids = [...new Set(tipIds)];
      for (let start = 0; start < ids.length; start += batchGetLimit) {
        let keys: Array<Record<string, unknown>> | undefined = ids.slice(start, start + batchGetLimit).map((id) => tipKeys.tip(id));
        // Keys DynamoDB left unprocessed (throttling, the 16 MB answer limit) are asked again after
        // a growing pause, as AWS advises; the SDK's own retries do not cover them.
        for (let attempt = 0; keys?.length; attempt += 1) {
          if (attempt === maxBatchGetAttempts) throw new Error(`DynamoDB left ${keys.length} tips unread after ${attempt} attempts`);
          if (attempt > 0) await delay(25 * 2 ** attempt);
          const answer: BatchGetCommandOutput = await documents.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
          for (const item of answer.Responses?.[tableName] ?? []) {
            const tip = fromTipItem(item);
            found.set(tip.id, tip);
          }
          keys = answer.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return found;
    },

    async events(tipId) {
      const events: TipEvent[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :events)',
            ExpressionAttributeValues: { ':pk': tipKeys.tip(tipId).PK, ':events': 'EVENT#' },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        events.push(...(page.Items ?? []).map(fromEventItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return events;
    },

    async queue({ pack, queue, status, limit, cursor }) {
      const partitionKey = tipKeys.queuePartition(pack, queue, status);
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'QueueIndex',
          KeyConditionExpression: 'GSI1PK = :queue',
          ExpressionAttributeValues: { ':queue': partitionKey },
          Limit: limit,
          ScanIndexForward: true,
          ...(cursor && { ExclusiveStartKey: decodeCursor(cursor, partitionKey) }),
        }),
      );
      return { tips: (page.Items ?? []).map(fromTipItem), nextCursor: encodeCursor(page.LastEvaluatedKey) };
    },

    async update(change) {
      try {
        await writeChange(change);
      } catch (error) {
        if (!(error instanceof StaleTipError) || change.before.registerNumber !== undefined) throw error;
        // The register may have numbered the tip between the officer's read and this write: that
        // is no one's competing change, so the change is made again onto the numbered tip.
        const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.tip(change.before.id), ConsistentRead: true }));
        const current = Item && fromTipItem(Item);
        if (current?.version !== change.before.version || current.registerNumber === undefined) throw error;
        const numbered = (tip: Tip): Tip => ({ ...tip, registerNumber: current.registerNumber });
        await writeChange({ ...change, before: numbered(change.before), after: numbered(change.after) });
      }
    },

    async updateMany(changes) {
      if (changes.length === 0) return;
      if (changes.length > maxChangesPerTransaction) throw new Error(`updateMany: at most ${maxChangesPerTransaction} changes in one transaction, not ${changes.length}`);
      if (new Set(changes.map((change) => change.before.id)).size !== changes.length) throw new Error('updateMany: each change must be of another tip');
      try {
        await documents.send(new TransactWriteCommand({ TransactItems: changes.flatMap(changeItems) }));
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // Two items per change: the tip's put, then its event's. Name the first tip that moved on
        // (or that another transaction was writing at the same moment).
        const failed = error.CancellationReasons?.findIndex((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict') ?? -1;
        if (failed < 0) throw error;
        throw new StaleTipError(changes[Math.floor(failed / 2)]?.before.id ?? 'unknown');
      }
    },

    async addEvent(tip, event) {
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                // Only onto the tip as the use case saw it: not one closed or moved a moment ago.
                ConditionCheck: {
                  TableName: tableName,
                  Key: tipKeys.tip(tip.id),
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': tip.version },
                },
              },
              { Put: { TableName: tableName, Item: eventItem(event, expiresAtOf(tip)), ConditionExpression: 'attribute_not_exists(PK)' } },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw new StaleTipError(tip.id);
        throw error;
      }
    },
  };

  /** The two items of a change: the tip, on the version the change was made from, and its audit event. */
  function changeItems({ before, after, event }: TipChange) {
    return [
      {
        Put: {
          TableName: tableName,
          Item: tipItem(after, expiresAtOf(after)),
          // A tip read before the register numbered it must not write the number away.
          ConditionExpression: before.registerNumber === undefined ? '#version = :version AND attribute_not_exists(registerNumber)' : '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': before.version },
        },
      },
      { Put: { TableName: tableName, Item: eventItem(event, expiresAtOf(after)), ConditionExpression: 'attribute_not_exists(PK)' } },
    ];
  }

  /** The changed tip and its audit event in one transaction, on the version the change was made from. */
  async function writeChange(change: TipChange): Promise<void> {
    const { before } = change;
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: changeItems(change) }));
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code !== 'None') throw new StaleTipError(before.id);
      throw error;
    }
  }

  /**
   * Stores the tip with one conditional put, so it is in its queue at once, then waits for the
   * register to number it. A second delivery stores nothing; if the first stopped between the two
   * steps, the second numbers the stored tip, so no tip stays unnumbered and none is numbered twice.
   */
  async function create(tip: NewTip, expiresAt: Date): Promise<'created' | 'duplicate'> {
    const queue = queueOf(tip.unit);
    let outcome: 'created' | 'duplicate' = 'created';
    try {
      const fresh: Tip = { ...tip, queue, version: 1 };
      await documents.send(new PutCommand({ TableName: tableName, Item: tipItem(fresh, expiresAt), ConditionExpression: 'attribute_not_exists(PK)' }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      outcome = 'duplicate';
    }
    // A duplicate goes to the register too: it numbers a tip the first delivery left unnumbered,
    // and leaves one already numbered (or numbers it where it was moved) as it is.
    await register.number({ tipId: tip.id, pack: tip.pack, queue, receivedAt: tip.receivedAt, classified: classifiedEvent(tip, queue), expiresAt });
    return outcome;
  }
}

/** Counts a queue through QueueIndex, reading only each tip's deadline. */
export function createDynamoQueueCounter(documents: DynamoDBDocumentClient, tableName: string): QueueCounter {
  return {
    async count({ pack, queue, status, now }) {
      let total = 0;
      let overdue = 0;
      let startKey: Record<string, unknown> | undefined;
      const nowIso = now.toISOString();
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'QueueIndex',
            KeyConditionExpression: 'GSI1PK = :queue',
            ExpressionAttributeValues: { ':queue': tipKeys.queuePartition(pack, queue, status) },
            ProjectionExpression: 'dueAt',
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          total += 1;
          if (typeof item.dueAt === 'string' && item.dueAt < nowIso) overdue += 1;
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return { total, overdue };
    },
  };
}
