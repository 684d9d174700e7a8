import { createHmac } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubmissionLedger, SubmittedTip } from '../../shared/usecases/submit-tip.ts';
import { epochSeconds } from './dynamo-tip-items.ts';
import { keyFromPepper } from './pepper.ts';
import { createSealer } from './sealer.ts';

/** Partition keys of form tokens: `FORM#<keyed hash of the token>` (intake may write only these and tracking codes). */
export const formTokenPrefix = 'FORM#';

/**
 * Form tokens in the tips table, a day each (TTL). The token is stored only as a keyed hash, and
 * the answer, which holds the tipster's secret, only sealed with a key derived from the pepper:
 * a copy of the table gives neither.
 */
export function createDynamoSubmissionLedger(documents: DynamoDBDocumentClient, tableName: string, pepper: string): SubmissionLedger {
  const hashKey = keyFromPepper(pepper, 'form token v1');
  const sealer = createSealer(keyFromPepper(pepper, 'form answer v1'), 'tinbao-form-answer');
  const key = (token: string) => ({ PK: `${formTokenPrefix}${createHmac('sha256', hashKey).update(token, 'utf8').digest('base64url')}`, SK: 'FORM' });
  return {
    async reserve(token, expiresAt) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(token), entity: 'form', state: 'pending', expiresAt: epochSeconds(expiresAt) },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async complete(token, answer, expiresAt) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(token),
          UpdateExpression: 'SET #state = :done, answer = :answer, expiresAt = :expires',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':done': 'done', ':answer': sealer.seal(JSON.stringify(answer)), ':expires': epochSeconds(expiresAt) },
        }),
      );
    },
    async release(token) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: key(token) }));
    },
    async find(token) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: key(token), ConsistentRead: true }));
      if (!Item) return undefined;
      if (Item.state !== 'done' || typeof Item.answer !== 'string') return 'pending';
      const opened = sealer.open(Item.answer);
      return opened === undefined ? undefined : (JSON.parse(opened) as SubmittedTip);
    },
  };
}
