/**
 * The recent-tips index (shared/incidents/recent-tips.ts) in the tips table: one item per
 * classified tip in the partition of its pack and queue, `RECENT#<pack>#<queue>`, sorted by
 * `<receivedAt>#<tipId>`, so the duplicate search reads one queue's tips of a time range with
 * one Query. The items expire soon after the duplicate window (TTL `expiresAt`).
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IncidentFeatures } from '../../shared/incidents/features.ts';
import type { RecentTipIndex } from '../../shared/incidents/recent-tips.ts';
import { epochSeconds } from './dynamo-tip-items.ts';

/** The partition-key prefix of the recent-tips index. */
export const recentPartitionPrefix = 'RECENT#';

export const recentTipKeys = {
  partition: (pack: string, queue: string) => `${recentPartitionPrefix}${pack}#${queue}`,
  item: (features: Pick<IncidentFeatures, 'pack' | 'queue' | 'receivedAt' | 'tipId'>) => ({
    PK: recentTipKeys.partition(features.pack, features.queue),
    SK: `${features.receivedAt}#${features.tipId}`,
  }),
};

/** The stored item of a tip's features. */
export function recentTipItem(features: IncidentFeatures, expiresAt: Date): Record<string, unknown> {
  return {
    ...recentTipKeys.item(features),
    entity: 'recent',
    tipId: features.tipId,
    pack: features.pack,
    queue: features.queue,
    unit: features.unit,
    candidateUnits: [...features.candidateUnits],
    receivedAt: features.receivedAt,
    classifiedAt: features.classifiedAt,
    category: features.category,
    channel: features.channel,
    ...(features.point && { lat: features.point.lat, lon: features.point.lon }),
    places: [...features.places],
    addresses: [...features.addresses],
    words: features.wording.folded,
    ...(features.wording.accented !== undefined && { accentedWords: features.wording.accented }),
    expiresAt: epochSeconds(expiresAt),
  };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The features in a stored item. */
export function fromRecentTipItem(item: Record<string, unknown>): IncidentFeatures {
  return {
    tipId: String(item.tipId),
    pack: String(item.pack),
    queue: String(item.queue),
    unit: typeof item.unit === 'string' ? item.unit : null,
    candidateUnits: strings(item.candidateUnits),
    receivedAt: String(item.receivedAt),
    classifiedAt: String(item.classifiedAt),
    category: item.category as IncidentFeatures['category'],
    channel: item.channel as IncidentFeatures['channel'],
    ...(typeof item.lat === 'number' && typeof item.lon === 'number' && { point: { lat: item.lat, lon: item.lon } }),
    places: strings(item.places),
    addresses: strings(item.addresses),
    wording: { folded: typeof item.words === 'string' ? item.words : '', ...(typeof item.accentedWords === 'string' && { accented: item.accentedWords }) },
  };
}

/** The recent-tips index in the tips table. */
export function createDynamoRecentTipIndex(documents: DynamoDBDocumentClient, tableName: string): RecentTipIndex {
  async function queueRange(pack: string, queue: string, from: string, to: string): Promise<IncidentFeatures[]> {
    const found: IncidentFeatures[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          // Every sort key of an instant in the range sorts between these two ('~' after any id).
          ExpressionAttributeValues: { ':pk': recentTipKeys.partition(pack, queue), ':from': from, ':to': `${to}#~` },
          // A report classified a moment ago, in another invocation, must be read.
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []).map(fromRecentTipItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  return {
    async record(features, expiresAt) {
      await documents.send(new PutCommand({ TableName: tableName, Item: recentTipItem(features, expiresAt) }));
    },
    async around({ pack, queues, from, to }) {
      const pages = await Promise.all(queues.map((queue) => queueRange(pack, queue, from, to)));
      return pages.flat();
    },
  };
}
