/**
 * Each unit's intake register in the tips table, off the path that stores a tip: the tip is put
 * on its own first (visible in its queue at once), then numbered moments later, together with
 * every other tip of the same unit and year waiting in this container, in one transaction:
 *
 *   counter: last = n + k      (only if it still holds the n read a moment before)
 *   k tips:  registerNumber    (only if still unnumbered, and still in that unit's queue)
 *   k events: CLASSIFIED       (the routing decision and the number it got, once per tip)
 *
 * One counter read and one transaction serve a whole group, so a busy unit no longer makes every
 * tip wait for the one before it (issue 11). Numbers stay gap-free and unique: the counter moves
 * only with the tips it numbers, and a tip is numbered at most once. Writers in other containers
 * are kept apart by the counter's condition and retry.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TipEvent } from '../../shared/officers/model.ts';
import { formatRegisterNumber, registerCounterExpiresAt, registerYear } from '../../shared/tip/register.ts';
import { epochSeconds, eventItem, tipKeys } from './dynamo-tip-items.ts';

/** A stored tip waiting for its number. */
export interface RegisterEntry {
  readonly tipId: string;
  readonly pack: string;
  /** The queue the tip sits in when stored; a tip moved meanwhile is numbered in its new one. */
  readonly queue: string;
  readonly receivedAt: string;
  /** The tip's first audit event, written with its number. */
  readonly classified: TipEvent;
  readonly expiresAt: Date;
}

/** Where a tip stands when its numbering transaction was refused for it. */
type TipRegisterState = { readonly numbered: true } | { readonly numbered: false; readonly pack: string; readonly queue: string } | undefined;

export interface IntakeRegister {
  /**
   * Resolves once the tip has its number: given now, or earlier by another delivery (the
   * transaction refuses a numbered tip, and the tip is then left as it is).
   */
  number(entry: RegisterEntry): Promise<void>;
}

/** A transaction holds at most 100 items: the counter, then a tip and its event per entry. */
const maxGroup = 49;
/** How often a group retries when another container took the numbers it read. */
const maxAttempts = 400;

interface Waiting {
  readonly entry: RegisterEntry;
  resolve(): void;
  reject(error: unknown): void;
}

const keyOf = (entry: Pick<RegisterEntry, 'pack' | 'queue' | 'receivedAt'>) => `${entry.pack}#${entry.queue}#${registerYear(entry.receivedAt)}`;

function cancellationCode(error: unknown, index: number): string | undefined {
  return error instanceof TransactionCanceledException ? error.CancellationReasons?.[index]?.Code : undefined;
}

function isContention(error: unknown): boolean {
  if ((error as { name?: string })?.name === 'TransactionConflictException') return true;
  if (!(error instanceof TransactionCanceledException)) return false;
  const reasons = error.CancellationReasons ?? [];
  return reasons[0]?.Code === 'ConditionalCheckFailed' || reasons.some((reason) => reason.Code === 'TransactionConflict');
}

/** The register of one table, numbering the tips this container stored. */
export function createDynamoIntakeRegister(documents: DynamoDBDocumentClient, tableName: string, retentionDays: number): IntakeRegister {
  const waiting = new Map<string, Waiting[]>();
  const draining = new Set<string>();
  /**
   * The counter value this container last wrote per key. A container that owns a unit's traffic
   * numbers with one transaction and no read; a stale value only costs a refused transaction
   * and a fresh read.
   */
  const lastWritten = new Map<string, number>();

  function enqueue(item: Waiting): void {
    const key = keyOf(item.entry);
    const line = waiting.get(key);
    if (line) line.push(item);
    else waiting.set(key, [item]);
    if (!draining.has(key)) void drain(key);
  }

  /** Numbers the key's waiting tips, a group at a time; those arriving meanwhile form the next group. */
  async function drain(key: string): Promise<void> {
    draining.add(key);
    try {
      // Let the tips whose puts are returning in the same turn (a batch's siblings) join the
      // first group instead of waiting for the next one.
      await new Promise((resolve) => setImmediate(resolve));
      for (let line = waiting.get(key); line?.length; line = waiting.get(key)) {
        await numberGroup(line.splice(0, maxGroup));
      }
      waiting.delete(key);
    } finally {
      draining.delete(key);
    }
  }

  async function numberGroup(initial: Waiting[]): Promise<void> {
    let group = initial;
    for (let attempt = 1; group.length > 0; attempt += 1) {
      const { pack, queue, receivedAt } = group[0]!.entry;
      const year = registerYear(receivedAt);
      const counterKey = tipKeys.register(pack, queue, year);
      const key = keyOf(group[0]!.entry);
      try {
        let last = lastWritten.get(key);
        if (last === undefined) {
          const { Item: counter } = await documents.send(new GetCommand({ TableName: tableName, Key: counterKey, ConsistentRead: true }));
          last = typeof counter?.last === 'number' ? counter.last : 0;
        }
        await documents.send(new TransactWriteCommand({ TransactItems: transactionItems(group, counterKey, last, year) }));
        lastWritten.set(key, last + group.length);
        for (const item of group) item.resolve();
        return;
      } catch (error) {
        lastWritten.delete(key);
        const tipCode = (index: number) => cancellationCode(error, 1 + 2 * index);
        const eventCode = (index: number) => cancellationCode(error, 2 + 2 * index);
        const refused = group.filter((_, index) => tipCode(index) === 'ConditionalCheckFailed');
        // A first event already there for a tip still unnumbered would mean the table was
        // edited by hand: that tip fails (its message is retried, then parked), the rest go on.
        const clashing = group.filter((_, index) => tipCode(index) !== 'ConditionalCheckFailed' && eventCode(index) === 'ConditionalCheckFailed');
        if (refused.length > 0 || clashing.length > 0) {
          for (const item of clashing) item.reject(new Error(`Tip ${item.entry.tipId} already has its first event but no number`));
          // Numbered by another delivery meanwhile, or moved to another queue: settle those
          // apart, and number the rest again with a fresh read of the counter.
          await Promise.all(refused.map(settleRefused));
          group = group.filter((item) => !refused.includes(item) && !clashing.includes(item));
          continue;
        }
        if (!isContention(error) || attempt >= maxAttempts) {
          for (const item of group) item.reject(error);
          return;
        }
        // Another container took the numbers: read the counter again after a jittered, growing
        // pause, so a crowd of writers spreads out instead of colliding again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** Math.min(attempt, 6))));
      }
    }
  }

  function transactionItems(group: readonly Waiting[], counterKey: Record<string, string>, last: number, year: string) {
    const counterExpiresAt = epochSeconds(registerCounterExpiresAt(year, retentionDays));
    return [
      {
        Update: {
          TableName: tableName,
          Key: counterKey,
          UpdateExpression: 'SET #last = :next, entity = :entity, expiresAt = :expires',
          ConditionExpression: last === 0 ? 'attribute_not_exists(PK)' : '#last = :last',
          ExpressionAttributeNames: { '#last': 'last' },
          ExpressionAttributeValues: { ':next': last + group.length, ':entity': 'register', ':expires': counterExpiresAt, ...(last !== 0 && { ':last': last }) },
        },
      },
      ...group.flatMap(({ entry }, index) => {
        const registerNumber = formatRegisterNumber(entry.queue, year, last + 1 + index);
        return [
          {
            Update: {
              TableName: tableName,
              Key: tipKeys.tip(entry.tipId),
              // The version stays: a change made from the unnumbered tip is refused by the tip
              // store's own condition (no number then) instead of writing the number away.
              UpdateExpression: 'SET registerNumber = :number',
              ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(registerNumber) AND #queue = :queue AND #pack = :pack',
              ExpressionAttributeNames: { '#queue': 'queue', '#pack': 'pack' },
              ExpressionAttributeValues: { ':number': registerNumber, ':queue': entry.queue, ':pack': entry.pack },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: eventItem({ ...entry.classified, after: { ...entry.classified.after, registerNumber } }, entry.expiresAt),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ];
      }),
    ];
  }

  async function settleRefused(item: Waiting): Promise<void> {
    try {
      const state = await registerState(item.entry.tipId);
      if (state === undefined) throw new Error(`Tip ${item.entry.tipId} is not stored, so it cannot be numbered`);
      if (state.numbered) return item.resolve();
      enqueue({ ...item, entry: { ...item.entry, pack: state.pack, queue: state.queue } });
    } catch (error) {
      item.reject(error);
    }
  }

  async function registerState(tipId: string): Promise<TipRegisterState> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: tipKeys.tip(tipId), ConsistentRead: true, ProjectionExpression: 'registerNumber, #queue, pack', ExpressionAttributeNames: { '#queue': 'queue' } }),
    );
    if (!Item) return undefined;
    return typeof Item.registerNumber === 'string' ? { numbered: true } : { numbered: false, pack: String(Item.pack), queue: String(Item.queue) };
  }

  /**
   * One numbering per tip at a time: a second delivery of a tip still waiting here joins the
   * first, since one transaction may not hold two writes to the same item.
   */
  const inFlight = new Map<string, Promise<void>>();
  return {
    number(entry) {
      const pending = inFlight.get(entry.tipId);
      if (pending) return pending;
      const numbered = new Promise<void>((resolve, reject) => enqueue({ entry, resolve, reject })).finally(() => inFlight.delete(entry.tipId));
      inFlight.set(entry.tipId, numbered);
      return numbered;
    },
  };
}
