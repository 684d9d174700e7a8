import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { classifierFor } from '../../shared/classification/engine.ts';
import { createIncidentReader } from '../../shared/incidents/features.ts';
import { systemClock } from '../../shared/ports.ts';
import { decodeEnvelope } from '../../shared/tip/envelope.ts';
import { classifyTip, type ClassifiedTip } from '../../shared/usecases/classify-tip.ts';
import { createDynamoAttachmentStore } from '../adapters/dynamo-attachment-store.ts';
import { createDynamoDuplicateStore } from '../adapters/dynamo-duplicates.ts';
import { createDynamoRecentTipIndex } from '../adapters/dynamo-recent-tips.ts';
import { createDocumentClient } from '../adapters/dynamo-tip-items.ts';
import { createDynamoTipRepository } from '../adapters/dynamo-tip-store.ts';
import { commonEnvironment, readEnvironment } from '../adapters/environment.ts';
import { dynamoDbClient, logger, metrics } from '../adapters/runtime.ts';
import { UnreadableMessageError } from '../adapters/unreadable-message.ts';

const environment = readEnvironment(commonEnvironment);

const documents = createDocumentClient(dynamoDbClient);
// The routing engine for the deployment's map: a unit picked, then GPS, then Vietnamese text; the city desk when unsure.
const classifier = classifierFor(environment.JURISDICTION_PACK.id);
const tips = createDynamoTipRepository(documents, environment.TABLE_NAME, environment.TIP_RETENTION_DAYS);

const dependencies = {
  classifier,
  tips,
  // Reports of the same incident, looked for once the tip is stored; places read with the engine's own finder.
  duplicates: {
    reader: createIncidentReader(classifier.resolver.finder),
    recent: createDynamoRecentTipIndex(documents, environment.TABLE_NAME),
    suggestions: createDynamoDuplicateStore(documents, environment.TABLE_NAME),
    tips,
  },
  // A photo scanned before its tip was classified gives its EXIF point to the routing (read only for tips with files).
  attachments: createDynamoAttachmentStore(documents, environment.TABLE_NAME),
  clock: systemClock,
  retentionDays: environment.TIP_RETENTION_DAYS,
  // Logged once the tip is in its queue and numbered, before the search for its duplicates.
  onStored: ({ tip, outcome }: Pick<ClassifiedTip, 'tip' | 'outcome'>) => {
    logger.info('tip classified', { tipId: tip.id, outcome, pack: tip.pack, unit: tip.unit, method: tip.routing.method, urgency: tip.urgency });
    metrics.addMetric(outcome === 'created' ? 'TipsClassified' : 'DuplicateDeliveries', MetricUnit.Count, 1);
  },
};

const processor = new BatchProcessor(EventType.SQS);

/** Classifies and stores one queued tip; a throw sends only this record back to the queue. */
async function classifyRecord(record: SQSRecord): Promise<void> {
  let envelope;
  try {
    envelope = decodeEnvelope(record.body);
  } catch (error) {
    // Never log the body: it holds the tip text. The redrive policy parks the message in the DLQ.
    logger.error('unreadable tip message', { messageId: record.messageId, errorName: (error as Error).name });
    throw new UnreadableMessageError();
  }
  const { tip, duplicates } = await classifyTip(envelope, dependencies);
  if (duplicates) logger.info('recent tips compared', { tipId: tip.id, compared: duplicates.compared, suggested: duplicates.suggested });
}

/** The Lambda entry point: an SQS batch with partial batch responses. */
export const handler = middy(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, classifyRecord, processor, {
      context,
      // A batch whose every record failed answers all as failures instead of throwing an error
      // that holds each record's error (and the runtime would log them).
      throwOnFullBatchFailure: false,
    }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
