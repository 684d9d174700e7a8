/**
 * The tips table through its ports: tracking codes, the tip repository (the classifier's create
 * with its gap-free register number; officers' queues, reads and conditional changes), and the
 * queue counter of the console's map. Item layout: dynamo-tip-items.ts.
 */
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StaleTipError, classifiedEvent, type TipEvent } from '../../shared/officers/model.ts';
import type { TipRepository, TrackingCodeStore } from '../../shared/ports.ts';
import type { NewTip, Tip, TrackingRecord } from '../../shared/tip/tip.ts';
import type { QueueCounter } from '../../shared/usecases/officers/summary.ts';
import {
  decodeCursor,
  encodeCursor,
  epochSeconds,
  eventItem,
  formatRegisterNumber,
  fromEventItem,
  fromTipItem,
  queueOf,
  registerYear,
  tipItem,
  tipKeys,
} from './dynamo-tip-items.ts';

const dayMs = 24 * 60 * 60 * 1000;

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

/** How often a writer retries when another took the register number it read. */
const maxRegisterAttempts = 400;

function isConditionFailure(error: unknown, index: number): boolean {
  return error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
}

function isTransactionConflict(error: unknown): boolean {
  return (
    (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict')) ||
    (error as { name?: string })?.name === 'TransactionConflictException'
  );
}

/**
 * Runs tasks for one key one after another. Records of one SQS batch are classified in parallel;
 * letting them queue here for their unit's register counter, instead of colliding on it in
 * DynamoDB, keeps a busy batch fast. Writers in other containers are still kept apart by the
 * conditional write.
 */
function createKeyedSerialiser() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

/** Stored tips, their events and their queues in the tips table. */
export function createDynamoTipRepository(documents: DynamoDBDocumentClient, tableName: string, retentionDays: number): TipRepository {
  const serialised = createKeyedSerialiser();
  const expiresAtOf = (tip: Pick<Tip, 'receivedAt'>) => new Date(new Date(tip.receivedAt).getTime() + retentionDays * dayMs);
  return {
    create: (tip, expiresAt) => serialised(`${tip.pack}#${queueOf(tip.unit)}#${registerYear(tip.receivedAt)}`, () => createRegistered(tip, expiresAt)),

    async get(tipId) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.tip(tipId), ConsistentRead: true }));
      return Item ? fromTipItem(Item) : undefined;
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

    async update({ before, after, event }) {
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: tipItem(after, expiresAtOf(after)),
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': before.version },
                },
              },
              { Put: { TableName: tableName, Item: eventItem(event, expiresAtOf(after)), ConditionExpression: 'attribute_not_exists(PK)' } },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code !== 'None') throw new StaleTipError(before.id);
        throw error;
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

  async function createRegistered(tip: NewTip, expiresAt: Date): Promise<'created' | 'duplicate'> {
    // The register number is taken in the same transaction as the tip, conditional on the
    // counter still holding what was read: no two tips share a number, and a duplicate
    // delivery (the tip already exists) cancels the whole write, so no number is skipped.
    const queue = queueOf(tip.unit);
    const year = registerYear(tip.receivedAt);
    const counterKey = tipKeys.register(tip.pack, queue, year);
    for (let attempt = 1; ; attempt += 1) {
      const { Item: counter } = await documents.send(new GetCommand({ TableName: tableName, Key: counterKey, ConsistentRead: true }));
      const last = typeof counter?.last === 'number' ? counter.last : 0;
      const registered: Tip = { ...tip, queue, version: 1, registerNumber: formatRegisterNumber(queue, year, last + 1) };
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: counterKey,
                  UpdateExpression: 'SET #last = :next, entity = :entity',
                  ConditionExpression: last === 0 ? 'attribute_not_exists(PK)' : '#last = :last',
                  ExpressionAttributeNames: { '#last': 'last' },
                  ExpressionAttributeValues: { ':next': last + 1, ':entity': 'register', ...(last !== 0 && { ':last': last }) },
                },
              },
              { Put: { TableName: tableName, Item: tipItem(registered, expiresAt), ConditionExpression: 'attribute_not_exists(PK)' } },
              {
                Put: {
                  TableName: tableName,
                  // The first audit event: the system's routing decision, kept beside the tip.
                  Item: eventItem(classifiedEvent(tip, queue), expiresAt),
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
        return 'created';
      } catch (error) {
        if (isConditionFailure(error, 1)) return 'duplicate';
        const contended = isConditionFailure(error, 0) || isTransactionConflict(error);
        if (!contended || attempt >= maxRegisterAttempts) throw error;
        // Another tip took the number: read the counter again after a jittered, growing pause,
        // so a crowd of writers spreads out instead of colliding again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** Math.min(attempt, 6))));
      }
    }
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
