/**
 * Duplicate suggestions in the tips table (shared/incidents/ports.ts), one item per tip and
 * other tip, beside the tip (`TIP#<tipId>` / `DUPLICATE#<otherId>`), so a tip's suggestions are
 * read with its partition and expire with it. Each pair is written for both of its tips.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DuplicateReason, DuplicateSuggestion, DuplicateSuggestionState, DuplicateSuggestionStore } from '../../shared/incidents/ports.ts';
import { epochSeconds, tipKeys } from './dynamo-tip-items.ts';

/** The sort-key prefix of a tip's suggestions, in the tip's partition. */
export const duplicateSortKeyPrefix = 'DUPLICATE#';

export const duplicateKeys = {
  item: (tipId: string, otherId: string) => ({ PK: tipKeys.tip(tipId).PK, SK: `${duplicateSortKeyPrefix}${otherId}` }),
};

/** The stored item of one side of a suggestion. */
export function duplicateItem(suggestion: DuplicateSuggestion, expiresAt: Date): Record<string, unknown> {
  return {
    ...duplicateKeys.item(suggestion.tipId, suggestion.otherId),
    entity: 'duplicate',
    tipId: suggestion.tipId,
    otherId: suggestion.otherId,
    score: suggestion.score,
    reasons: [...suggestion.reasons],
    state: suggestion.state,
    at: suggestion.at,
    expiresAt: epochSeconds(expiresAt),
  };
}

function fromItem(item: Record<string, unknown>): DuplicateSuggestion {
  return {
    tipId: String(item.tipId),
    otherId: String(item.otherId),
    score: Number(item.score),
    reasons: (Array.isArray(item.reasons) ? item.reasons : []) as DuplicateReason[],
    state: item.state as DuplicateSuggestionState,
    at: String(item.at),
  };
}

/** Runs a conditional write; false when its condition failed (the item is left as it was). */
async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Duplicate suggestions in the tips table. */
export function createDynamoDuplicateStore(documents: DynamoDBDocumentClient, tableName: string): DuplicateSuggestionStore {
  return {
    async suggest(suggestions, expiresAt) {
      const sides = suggestions.flatMap((suggestion) => [
        { ...suggestion, state: 'suggested' as const },
        { ...suggestion, tipId: suggestion.otherId, otherId: suggestion.tipId, state: 'suggested' as const },
      ]);
      // One put per side, each on its own condition: an officer's decision (dismissed, linked) on
      // the pair is never written over, and writing the same suggestion again changes nothing.
      await Promise.all(
        sides.map((side) =>
          conditional(() =>
            documents.send(
              new PutCommand({
                TableName: tableName,
                Item: duplicateItem(side, expiresAt),
                ConditionExpression: 'attribute_not_exists(PK) OR #state = :suggested',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':suggested': 'suggested' },
              }),
            ),
          ),
        ),
      );
    },

    async list(tipId) {
      const suggestions: DuplicateSuggestion[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :duplicates)',
            ExpressionAttributeValues: { ':pk': tipKeys.tip(tipId).PK, ':duplicates': duplicateSortKeyPrefix },
            // An officer who just linked or dismissed a pair reads the tip again at once.
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        suggestions.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return suggestions;
    },

    async setState(tipId, otherId, state) {
      // Each side on its own: a side that was never written (a pair never suggested) stays absent,
      // since nothing would expire it; the other side still gets the officer's decision.
      await Promise.all(
        [duplicateKeys.item(tipId, otherId), duplicateKeys.item(otherId, tipId)].map((key) =>
          conditional(() =>
            documents.send(
              new UpdateCommand({
                TableName: tableName,
                Key: key,
                UpdateExpression: 'SET #state = :state',
                ConditionExpression: 'attribute_exists(PK)',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':state': state },
              }),
            ),
          ),
        ),
      );
    },
  };
}
