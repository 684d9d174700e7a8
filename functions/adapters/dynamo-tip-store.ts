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
  queue: (queue: string, status: TipStatus, urgency: Urgency, receivedAt: string, tipId: string) => ({
    GSI1PK: `QUEUE#${queue}#${status}`,
    GSI1SK: `${urgencyRank[urgency]}#${receivedAt}#${tipId}`,
  }),
  /** Open tips held by one officer (sparse: only assigned tips carry these keys). */
  assignee: (officerId: string, status: TipStatus, receivedAt: string, tipId: string) => ({
    GSI2PK: `ASSIGNEE#${officerId}`,
    GSI2SK: `${status}#${receivedAt}#${tipId}`,
  }),
  /** The intake register counter of one unit (or the city desk) for one year. */
  register: (queue: string, year: string) => ({ PK: `REGISTER#${queue}#${year}`, SK: 'REGISTER' }),
};

/** The queue a tip sits in: its unit, or the city desk when it has none. */
export function queueOf(district: string | null): string {
  return district ?? cityDeskQueue;
}

/** Registers run per calendar year in Vietnam's time zone (UTC+7, no daylight saving). */
export function registerYear(receivedAt: string): string {
  return String(new Date(new Date(receivedAt).getTime() + 7 * 3600_000).getUTCFullYear());
}

/** A register entry such as `760/2026/000123`. */
export function formatRegisterNumber(queue: string, year: string, sequence: number): string {
  return `${queue}/${year}/${String(sequence).padStart(6, '0')}`;
}

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
export const layoutAttributes = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'expiresAt', 'entity'] as const;

/** The stored tip item for a tip with its workflow fields: keys for the queue and assignee indexes. */
export function tipItem(
  tip: Tip & { queue: string; version: number; assignee?: { id: string; username: string } | undefined },
  expiresAt: Date,
): Record<string, unknown> {
  const open = tip.status !== 'RESOLVED' && tip.status !== 'REJECTED';
  return {
    ...tipKeys.tip(tip.id),
    ...tipKeys.queue(tip.queue, tip.status, tip.urgency, tip.receivedAt, tip.id),
    ...(tip.assignee && open && tipKeys.assignee(tip.assignee.id, tip.status, tip.receivedAt, tip.id)),
    entity: 'tip',
    ...tip,
    expiresAt: epochSeconds(expiresAt),
  };
}

/** The tip in a stored item, without the layout attributes. */
export function fromTipItem<T>(item: Record<string, unknown>): T {
  const tip: Record<string, unknown> = { ...item };
  for (const attribute of layoutAttributes) delete tip[attribute];
  return tip as T;
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

/** Classified tips and their events in the tips table. */
export function createDynamoTipRepository(documents: DynamoDBDocumentClient, tableName: string): TipRepository {
  const serialised = createKeyedSerialiser();
  return {
    create: (tip, expiresAt) => serialised(`${queueOf(tip.district)}#${registerYear(tip.receivedAt)}`, () => createRegistered(tip, expiresAt)),
    async get(tipId) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.tip(tipId), ConsistentRead: true }));
      return Item ? fromTipItem<Tip>(Item) : undefined;
    },
  };

  async function createRegistered(tip: Tip, expiresAt: Date): Promise<'created' | 'duplicate'> {
    // The register number is taken in the same transaction as the tip, conditional on the
    // counter still holding what was read: no two tips share a number, and a duplicate
    // delivery (the tip already exists) cancels the whole write, so no number is skipped.
    const queue = queueOf(tip.district);
    const year = registerYear(tip.receivedAt);
    const counterKey = tipKeys.register(queue, year);
    for (let attempt = 1; ; attempt += 1) {
      const { Item: counter } = await documents.send(new GetCommand({ TableName: tableName, Key: counterKey, ConsistentRead: true }));
      const last = typeof counter?.last === 'number' ? counter.last : 0;
      const registered = { ...tip, queue, version: 1, registerNumber: formatRegisterNumber(queue, year, last + 1) };
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
                  Item: {
                    ...tipKeys.event(tip.id, tip.classifiedAt, '0'),
                    entity: 'event',
                    id: '0',
                    tipId: tip.id,
                    type: 'CLASSIFIED',
                    actor: 'system:classifier',
                    at: tip.classifiedAt,
                    public: false,
                    after: { status: tip.status, queue, district: tip.district, category: tip.category, urgency: tip.urgency, dueAt: tip.dueAt },
                    reason: `${tip.routing.method} (confidence ${tip.routing.confidence})`,
                    expiresAt: epochSeconds(expiresAt),
                  },
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
