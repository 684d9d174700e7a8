/**
 * The layout of the tips table: item keys (docs/architecture.md explains each access pattern),
 * how a tip and an event become items and back, and queue cursors. Shared by the repository
 * and the tools that seed or inspect the table.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Urgency } from '../../shared/classification/types.ts';
import { ValidationError } from '../../shared/errors.ts';
import { cityDeskQueue } from '../../shared/jurisdictions/index.ts';
import type { TipEvent } from '../../shared/officers/model.ts';
import type { Tip, TipStatus } from '../../shared/tip/tip.ts';

/** Sort-key prefix that orders a queue: high urgency first. */
const urgencyRank: Record<Urgency, string> = { high: '1', normal: '2', low: '3' };

/**
 * The keys of the table's items. Queue and register keys carry the pack: a unit code alone never
 * says which map it belongs to (26737 is Đa Kao on one and Tân Định on the other).
 */
export const tipKeys = {
  tip: (tipId: string) => ({ PK: `TIP#${tipId}`, SK: 'TIP' }),
  event: (tipId: string, at: string, eventId: string) => ({ PK: `TIP#${tipId}`, SK: `EVENT#${at}#${eventId}` }),
  trackingCode: (code: string) => ({ PK: `CODE#${code}`, SK: 'CODE' }),
  /** The partition of one queue and status; the city desk's queue key is CITY. */
  queuePartition: (pack: string, queue: string, status: TipStatus) => `QUEUE#${pack}#${queue}#${status}`,
  /** One unit's queue for one status, ordered by urgency, then receipt time. */
  queue: (pack: string, queue: string, status: TipStatus, urgency: Urgency, receivedAt: string, tipId: string) => ({
    GSI1PK: tipKeys.queuePartition(pack, queue, status),
    GSI1SK: `${urgencyRank[urgency]}#${receivedAt}#${tipId}`,
  }),
  /** Open tips held by one officer (sparse: only assigned tips carry these keys). */
  assignee: (officerId: string, status: TipStatus, receivedAt: string, tipId: string) => ({
    GSI2PK: `ASSIGNEE#${officerId}`,
    GSI2SK: `${status}#${receivedAt}#${tipId}`,
  }),
  /** The intake register counter of one unit (or the city desk) of a pack for one year. */
  register: (pack: string, queue: string, year: string) => ({ PK: `REGISTER#${pack}#${queue}#${year}`, SK: 'REGISTER' }),
};

/** The queue a tip sits in: its unit, or the city desk when it has none. */
export function queueOf(unit: string | null): string {
  return unit ?? cityDeskQueue;
}

/** A document client that drops undefined attributes, so optional fields stay absent. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Attributes of the tip item that belong to the table layout, not to the tip. */
export const layoutAttributes = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'expiresAt', 'entity'] as const;

/**
 * The stored item of a tip: keys for the queue and assignee indexes, and its expiry. A report
 * linked into an incident carries no queue keys (QueueIndex is sparse): the queue shows the
 * incident once, as its primary tip.
 */
export function tipItem(tip: Tip, expiresAt: Date): Record<string, unknown> {
  const open = tip.status !== 'RESOLVED' && tip.status !== 'REJECTED';
  return {
    ...tipKeys.tip(tip.id),
    ...(tip.incidentId === undefined && tipKeys.queue(tip.pack, tip.queue, tip.status, tip.urgency, tip.receivedAt, tip.id)),
    ...(tip.assignee && open && tipKeys.assignee(tip.assignee.id, tip.status, tip.receivedAt, tip.id)),
    entity: 'tip',
    ...tip,
    expiresAt: epochSeconds(expiresAt),
  };
}

/** The tip in a stored item, without the layout attributes. */
export function fromTipItem(item: Record<string, unknown>): Tip {
  const tip: Record<string, unknown> = { ...item };
  for (const attribute of layoutAttributes) delete tip[attribute];
  return tip as unknown as Tip;
}

/** The stored item of an audit event, beside its tip. */
export function eventItem(event: TipEvent, expiresAt: Date): Record<string, unknown> {
  return { ...tipKeys.event(event.tipId, event.at, event.id), entity: 'event', ...event, expiresAt: epochSeconds(expiresAt) };
}

export function fromEventItem(item: Record<string, unknown>): TipEvent {
  const { PK: _pk, SK: _sk, entity: _entity, expiresAt: _expires, ...event } = item;
  return event as unknown as TipEvent;
}

/**
 * Cursors are the DynamoDB key to resume from, base64url-encoded: opaque to clients, and checked
 * on the way back in so a cursor from another queue is a 400, not a database error.
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(cursor: string, partitionKey: string): Record<string, unknown> {
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
