import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newUlid } from './ids.ts';
import type { SmsSenderRecord, SmsSenderStore, TipConversation } from '../../shared/ports.ts';
import { tipKeys } from './dynamo-tip-items.ts';

/** Key of the record of one SMS sender; the pseudonym is an HMAC, never the number. */
export const senderKey = (pseudonym: string) => ({ PK: `SENDER#${pseudonym}`, SK: 'SENDER' });

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** SMS senders in the tips table. */
export function createDynamoSmsSenderStore(documents: DynamoDBDocumentClient, tableName: string): SmsSenderStore {
  return {
    async get(pseudonym) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: senderKey(pseudonym), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pseudonym: stored, alias, sealedPhone, provider, optedOut, lastTip, recentTipTimes } = Item as SmsSenderRecord;
      return { pseudonym: stored, alias, sealedPhone, provider, optedOut: optedOut === true, lastTip: lastTip ?? null, recentTipTimes: recentTipTimes ?? [] };
    },
    async save(record, expiresAt) {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { ...senderKey(record.pseudonym), entity: 'sms_sender', ...record, expiresAt: epochSeconds(expiresAt) } }),
      );
    },
  };
}

/** Tipsters' follow-up messages, as events beside their tip. */
export function createDynamoTipConversation(documents: DynamoDBDocumentClient, tableName: string): TipConversation {
  return {
    async addTipsterMessage(tipId, message, expiresAt) {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...tipKeys.event(tipId, message.at, newUlid()),
            entity: 'event',
            tipId,
            type: 'TIPSTER_MESSAGE',
            actor: 'tipster',
            at: message.at,
            channel: message.channel,
            text: message.text,
            expiresAt: epochSeconds(expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },
  };
}
