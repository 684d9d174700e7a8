/**
 * The alert ledger in the tips table. One item per tip and urgency (`ALERT#<tipId>` /
 * `URGENCY#<urgency>`) says whether its alert is being sent or was sent; one feed item per sent
 * alert (`ALERTS#<pack>` / `<sentAt>#<tipId>`) is what the console reads, one Query per look.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { alertClaimStaleSeconds, alertFeedMs, type UrgentAlert } from '../../shared/alerts/alert.ts';
import { AlertInFlightError, type AlertLedger } from '../../shared/alerts/ports.ts';
import { epochSeconds } from './dynamo-tip-items.ts';

/** The keys of the ledger's items. */
export const alertKeys = {
  claim: (tipId: string, urgency: string) => ({ PK: `ALERT#${tipId}`, SK: `URGENCY#${urgency}` }),
  feedPartition: (pack: string) => `ALERTS#${pack}`,
  feed: (pack: string, sentAt: string, tipId: string) => ({ PK: alertKeys.feedPartition(pack), SK: `${sentAt}#${tipId}` }),
};

const staleClaimMs = alertClaimStaleSeconds * 1000;

/** Ledger claims are kept a year: long after any redelivery of the tip's change could come. */
const claimKeptMs = 365 * 24 * 60 * 60 * 1000;

/** The TTL attribute of an item kept `keptMs` from `from`. */
const expiryAfter = (from: Date | string, keptMs: number): number => epochSeconds(new Date(new Date(from).getTime() + keptMs));

export function createDynamoAlertLedger(documents: DynamoDBDocumentClient, tableName: string): AlertLedger {
  const claimKey = (alert: UrgentAlert) => alertKeys.claim(alert.tipId, alert.urgency);
  return {
    async begin(alert, now) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...claimKey(alert), entity: 'alert', state: 'sending', claimedAt: now.toISOString(), expiresAt: expiryAfter(now, claimKeptMs) },
            ConditionExpression: 'attribute_not_exists(PK) OR (#state = :sending AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending', ':stale': new Date(now.getTime() - staleClaimMs).toISOString() },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (error.Item?.state?.S === 'sent') return 'sent';
        throw new AlertInFlightError();
      }
    },

    async finish(alert, messageId) {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...claimKey(alert), entity: 'alert', state: 'sent', sentAt: alert.sentAt, messageId, expiresAt: expiryAfter(alert.sentAt, claimKeptMs) },
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: { ...alertKeys.feed(alert.pack, alert.sentAt, alert.tipId), entity: 'alertFeed', ...alert, expiresAt: expiryAfter(alert.sentAt, alertFeedMs) },
              },
            },
          ],
        }),
      );
    },

    async abandon(alert) {
      await documents.send(
        new DeleteCommand({
          TableName: tableName,
          Key: claimKey(alert),
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      ).catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    },

    async recent(pack, since, limit) {
      const { Items } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :feed AND SK > :since',
          ExpressionAttributeValues: { ':feed': alertKeys.feedPartition(pack), ':since': since.toISOString() },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (Items ?? []).map(({ tipId, trackingCode, queue, pack: itemPack, category, urgency, receivedAt, sentAt }) => ({
        tipId,
        trackingCode,
        queue,
        pack: itemPack,
        category,
        urgency,
        receivedAt,
        sentAt,
      })) as UrgentAlert[];
    },
  };
}
