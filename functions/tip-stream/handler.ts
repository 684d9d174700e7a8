import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { AttributeValue, Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { systemClock } from '../../shared/ports.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { alertUrgentTip } from '../../shared/usecases/alert-urgent-tip.ts';
import { recordTipStatistics } from '../../shared/usecases/statistics.ts';
import { awsClientSettings } from '../adapters/aws-client-settings.ts';
import { createDynamoAlertLedger } from '../adapters/dynamo-alert-ledger.ts';
import { createDynamoStatisticsStore } from '../adapters/dynamo-statistics.ts';
import { createDocumentClient, fromTipItem } from '../adapters/dynamo-tip-items.ts';
import { commonEnvironment, readEnvironment } from '../adapters/environment.ts';
import { dynamoDbClient, logger, metrics } from '../adapters/runtime.ts';
import { createSnsAlertPublisher } from '../adapters/sns-alert-publisher.ts';

const environment = readEnvironment({
  ...commonEnvironment,
  ALERT_TOPIC_ARN: z.string().startsWith('arn:'),
  CONSOLE_URL: z.url(),
});

const documents = createDocumentClient(dynamoDbClient);

const alerts = {
  ledger: createDynamoAlertLedger(documents, environment.TABLE_NAME),
  publisher: createSnsAlertPublisher(new SNSClient(awsClientSettings), environment.ALERT_TOPIC_ARN),
  clock: systemClock,
  consoleUrl: environment.CONSOLE_URL,
};
const statistics = { statistics: createDynamoStatisticsStore(documents, environment.TABLE_NAME, environment.TIP_RETENTION_DAYS) };

// In order, one record after another: a tip's changes arrive in order, and its counters are
// updated in that order (the event source mapping sends the failed record and those after it again).
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const tipOf = (image: Record<string, AttributeValue> | undefined): Tip | undefined =>
  image && image.entity?.S === 'tip' ? fromTipItem(unmarshall(image as Parameters<typeof unmarshall>[0])) : undefined;

/** Alerts and counts one change of a tip; a throw sends this record (and those after it) back. */
async function handleChange(record: DynamoDBRecord): Promise<void> {
  const after = tipOf(record.dynamodb?.NewImage);
  // The event filter passes tips only; a removal (TTL) has no new image and changes no figure.
  if (!after) return;
  const before = tipOf(record.dynamodb?.OldImage);
  const alert = await alertUrgentTip({ before, after }, alerts);
  const counted = await recordTipStatistics(after, statistics, before);
  if (counted === 'recorded') metrics.addMetric('TipChangesCounted', MetricUnit.Count, 1);
  if (alert === 'sent') {
    logger.info('urgent alert sent', { tipId: after.id, queue: after.queue, pack: after.pack });
    metrics.addMetric('UrgentAlertsSent', MetricUnit.Count, 1);
  }
}

/** The Lambda entry point: a batch of the table's stream, with partial batch responses. */
export const handler = middy(
  async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, handleChange, processor, { context, processInParallel: false, throwOnFullBatchFailure: false }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
