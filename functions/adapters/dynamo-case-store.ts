import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../shared/errors.ts';
import { StaleCaseError, type CaseStore, type CaseTip, type TipEvent } from '../../shared/officers/model.ts';
import type { QueueCounter } from '../../shared/usecases/officers/summary.ts';
import { fromTipItem, tipItem, tipKeys } from './dynamo-tip-store.ts';

const dayMs = 24 * 60 * 60 * 1000;
const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Cursors are the DynamoDB key to resume from, base64url-encoded: opaque to clients, and checked
 * on the way back in so a cursor from another queue is a 400, not a database error.
 */
function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

function decodeCursor(cursor: string, partitionKey: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const wellFormed =
      key !== null &&
      typeof key === 'object' &&
      key.GSI1PK === partitionKey &&
      Object.keys(key).every((name) => ['PK', 'SK', 'GSI1PK', 'GSI1SK'].includes(name) && typeof key[name] === 'string');
    if (wellFormed) return key;
  } catch {
    // Falls through to the validation error below.
  }
  throw new ValidationError([{ field: 'cursor', reason: 'invalid' }]);
}

function eventItem(event: TipEvent, expiresAt: Date): Record<string, unknown> {
  return { ...tipKeys.event(event.tipId, event.at, event.id), entity: 'event', ...event, expiresAt: epochSeconds(expiresAt) };
}

function fromEventItem(item: Record<string, unknown>): TipEvent {
  const { PK: _pk, SK: _sk, entity: _entity, expiresAt: _expires, ...event } = item;
  return event as unknown as TipEvent;
}

/** The officers' view of the tips table: queues from QueueIndex, changes as conditional transactions. */
export function createDynamoCaseStore(documents: DynamoDBDocumentClient, tableName: string, retentionDays: number): CaseStore {
  const expiresAtOf = (tip: CaseTip) => new Date(new Date(tip.receivedAt).getTime() + retentionDays * dayMs);
  return {
    async get(tipId) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.tip(tipId), ConsistentRead: true }));
      return Item ? fromTipItem<CaseTip>(Item) : undefined;
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

    async queue({ queue, status, limit, cursor }) {
      const partitionKey = tipKeys.queue(queue, status, 'normal', '', '').GSI1PK;
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
      return { tips: (page.Items ?? []).map((item) => fromTipItem<CaseTip>(item)), nextCursor: encodeCursor(page.LastEvaluatedKey) };
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
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code !== 'None') throw new StaleCaseError(before.id);
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
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw new StaleCaseError(tip.id);
        throw error;
      }
    },
  };
}

/** Counts a queue through QueueIndex, reading only each tip's deadline. */
export function createDynamoQueueCounter(documents: DynamoDBDocumentClient, tableName: string): QueueCounter {
  return {
    async count({ queue, status, now }) {
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
            ExpressionAttributeValues: { ':queue': tipKeys.queue(queue, status, 'normal', '', '').GSI1PK },
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
