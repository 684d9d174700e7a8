import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../shared/ports.ts';
import type { RateLimiter } from '../../shared/usecases/officers/citizen.ts';

/**
 * Fixed-window counters in the tips table: one item per key and window, incremented only while
 * under the limit, removed by TTL after the window. A burst at a window's edge can reach twice the
 * limit, which is fine for slowing down guessing and spam.
 */
export function createDynamoRateLimiter(documents: DynamoDBDocumentClient, tableName: string, clock: Clock): RateLimiter {
  return {
    async consume(key, limit, windowSeconds) {
      const nowSeconds = Math.floor(clock.now().getTime() / 1000);
      const windowStart = nowSeconds - (nowSeconds % windowSeconds);
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { PK: `RATE#${key}#${windowStart}`, SK: 'RATE' },
            UpdateExpression: 'ADD #count :one SET expiresAt = :expires, entity = :entity',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': windowStart + 2 * windowSeconds, ':entity': 'rate' },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
