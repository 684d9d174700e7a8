import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Attachment } from '../../shared/attachments/attachment.ts';
import type { AttachmentStore } from '../../shared/attachments/ports.ts';
import { epochSeconds } from './dynamo-tip-items.ts';

/**
 * Partition keys of a tip's attachments: `ATTACHMENTS#<tipId>`, apart from the tip's own
 * `TIP#<tipId>` partition, so that intake, which opens the slots before the tip exists, may write
 * these items and never a tip or its audit trail (IAM's dynamodb:LeadingKeys).
 */
export const attachmentPartitionPrefix = 'ATTACHMENTS#';

export const attachmentKeys = {
  partition: (tipId: string) => `${attachmentPartitionPrefix}${tipId}`,
  item: (tipId: string, attachmentId: string) => ({ PK: `${attachmentPartitionPrefix}${tipId}`, SK: `ATTACHMENT#${attachmentId}` }),
};

const layout = ['PK', 'SK', 'entity', 'expiresAt', 'position'] as const;

function fromItem(item: Record<string, unknown>): Attachment {
  const attachment: Record<string, unknown> = { ...item };
  for (const attribute of layout) delete attachment[attribute];
  return attachment as unknown as Attachment;
}

/** Attachment slots and scan results in the tips table, expiring with their tip. */
export function createDynamoAttachmentStore(documents: DynamoDBDocumentClient, tableName: string): AttachmentStore {
  const get = async (tipId: string, attachmentId: string) => {
    const answer = await documents.send(new GetCommand({ TableName: tableName, Key: attachmentKeys.item(tipId, attachmentId), ConsistentRead: true }));
    return answer.Item ? fromItem(answer.Item) : undefined;
  };
  return {
    async open(slots, expiresAt) {
      if (slots.length === 0) return;
      // One transaction: a tip's slots are all there or none are.
      await documents.send(
        new TransactWriteCommand({
          TransactItems: slots.map((slot, position) => ({
            Put: {
              TableName: tableName,
              Item: { ...attachmentKeys.item(slot.tipId, slot.id), entity: 'attachment', position, ...slot, status: 'pending', expiresAt: epochSeconds(expiresAt) },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          })),
        }),
      );
    },
    get,
    async list(tipId) {
      const items: Record<string, unknown>[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :attachment)',
            ExpressionAttributeValues: { ':pk': attachmentKeys.partition(tipId), ':attachment': 'ATTACHMENT#' },
            ConsistentRead: true,
            ExclusiveStartKey: cursor,
          }),
        );
        items.push(...(page.Items ?? []));
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return items.sort((a, b) => Number(a.position) - Number(b.position)).map(fromItem);
    },
    async bind(tipId, attachmentId, eTag) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: attachmentKeys.item(tipId, attachmentId),
            UpdateExpression: 'SET uploadETag = :etag',
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(uploadETag)',
            ExpressionAttributeValues: { ':etag': eTag },
          }),
        );
        return 'bound';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const stored = await get(tipId, attachmentId);
        return stored?.uploadETag === eTag ? 'same' : 'taken';
      }
    },
    async finish(tipId, attachmentId, eTag, result, at) {
      const fields: Record<string, unknown> =
        result.status === 'clean'
          ? { status: 'clean', detectedType: result.detectedType, storedSize: result.storedSize, cleanSize: result.cleanSize, scannedAt: at.toISOString(), ...(result.photoLocation && { photoLocation: result.photoLocation }) }
          : { status: 'quarantined', quarantineReason: result.reason, storedSize: result.storedSize, scannedAt: at.toISOString(), ...(result.detectedType && { detectedType: result.detectedType }) };
      const names = Object.keys(fields);
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: attachmentKeys.item(tipId, attachmentId),
          UpdateExpression: `SET ${names.map((name, index) => `#f${index} = :v${index}`).join(', ')}`,
          // Only the upload the slot took: a late notification of a refused upload changes nothing.
          ConditionExpression: 'uploadETag = :etag',
          ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#f${index}`, name])),
          ExpressionAttributeValues: { ':etag': eTag, ...Object.fromEntries(names.map((name, index) => [`:v${index}`, fields[name]])) },
        }),
      );
    },
    async countRefused(tipId, attachmentId) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: attachmentKeys.item(tipId, attachmentId),
            UpdateExpression: 'ADD refusedUploads :one',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      } catch (error) {
        // No such slot: nothing to count on.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
