import { TransactionCanceledException, ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Urgency } from '../../shared/classification/types.ts';
import { cityDeskQueue } from '../../shared/jurisdictions/index.ts';
import type { TipRepository, TrackingCodeStore } from '../../shared/ports.ts';
import type { Tip, TipStatus, TrackingRecord } from '../../shared/tip/tip.ts';

/** Sort-key prefix that orders a queue: high urgency first. */
const urgencyRank: Record<Urgency, string> = { high: '1', normal: '2', low: '3' };

/** The keys of the table's items; docs/architecture.md explains each access pattern. */
export const tipKeys = {
  tip: (tipId: string) => ({ PK: `TIP#${tipId}`, SK: 'TIP' }),
  event: (tipId: string, at: string, eventId: string) => ({ PK: `TIP#${tipId}`, SK: `EVENT#${at}#${eventId}` }),
  trackingCode: (code: string) => ({ PK: `CODE#${code}`, SK: 'CODE' }),
  /** One unit's queue for one status; the city desk's queue key is CITY. */
  queue: (district: string | null, status: TipStatus, urgency: Urgency, receivedAt: string, tipId: string) => ({
    GSI1PK: `QUEUE#${district ?? cityDeskQueue}#${status}`,
    GSI1SK: `${urgencyRank[urgency]}#${receivedAt}#${tipId}`,
  }),
};

/** A document client that drops undefined attributes, so optional fields stay absent. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

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

/** Attributes of the tip item that belong to the table layout, not to the tip. */
const layoutAttributes = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'expiresAt', 'entity'] as const;

/** Classified tips and their events in the tips table. */
export function createDynamoTipRepository(documents: DynamoDBDocumentClient, tableName: string): TipRepository {
  return {
    async create(tip, expiresAt) {
      const ttl = epochSeconds(expiresAt);
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...tipKeys.tip(tip.id),
                    ...tipKeys.queue(tip.district, tip.status, tip.urgency, tip.receivedAt, tip.id),
                    entity: 'tip',
                    ...tip,
                    expiresAt: ttl,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  // The first audit event: the system's routing decision, kept beside the tip.
                  Item: {
                    ...tipKeys.event(tip.id, tip.classifiedAt, '0'),
                    entity: 'event',
                    tipId: tip.id,
                    type: 'CLASSIFIED',
                    actor: 'system:classifier',
                    at: tip.classifiedAt,
                    after: { district: tip.district, category: tip.category, urgency: tip.urgency, status: tip.status, method: tip.routing.method, confidence: tip.routing.confidence },
                    expiresAt: ttl,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
        return 'created';
      } catch (error) {
        const alreadyStored =
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
        if (alreadyStored) return 'duplicate';
        throw error;
      }
    },
    async get(tipId) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.tip(tipId), ConsistentRead: true }));
      if (!Item) return undefined;
      const tip: Record<string, unknown> = { ...Item };
      for (const attribute of layoutAttributes) delete tip[attribute];
      return tip as unknown as Tip;
    },
  };
}
