import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { systemClock } from '../../shared/ports.ts';
import { parseOrThrow, webSubmissionFromFormFields, webSubmissionSchema } from '../../shared/tip/submission.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { submitTip } from '../../shared/usecases/submit-tip.ts';
import { createDocumentClient } from '../adapters/dynamo-tip-items.ts';
import { createDynamoTrackingCodeStore } from '../adapters/dynamo-tip-store.ts';
import { commonEnvironment, pepperEnvironment, readEnvironment } from '../adapters/environment.ts';
import { loadTrackingPepper } from '../adapters/pepper.ts';
import { dynamoDbClient, logger, metrics, sqsClient, ulidGenerator } from '../adapters/runtime.ts';
import { createSqsTipQueue } from '../adapters/sqs-tip-queue.ts';
import { httpErrorResponses } from '../http/errors.ts';
import { tipAcceptedPage } from '../http/pages.ts';
import { readBody } from '../http/request.ts';
import { htmlResponse, jsonResponse } from '../http/responses.ts';

const environment = readEnvironment({ ...commonEnvironment, ...pepperEnvironment, INTAKE_QUEUE_URL: z.url() });

const dependencies = {
  queue: createSqsTipQueue(sqsClient, environment.INTAKE_QUEUE_URL),
  codes: createDynamoTrackingCodeStore(createDocumentClient(dynamoDbClient), environment.TABLE_NAME),
  hasher: createSecretHasher(await loadTrackingPepper(environment)),
  clock: systemClock,
  ids: ulidGenerator,
  retentionDays: environment.TIP_RETENTION_DAYS,
};

/** POST /tips: validates a citizen's tip, queues it, and hands back its tracking code and secret. */
async function acceptTip(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = readBody(event, { accept: ['json', 'form'] });
  const input = body.format === 'form' ? webSubmissionFromFormFields(body.fields) : body.data;
  const submission = parseOrThrow(webSubmissionSchema(environment.JURISDICTION_PACK), input);
  const accepted = await submitTip(submission, 'web', dependencies);
  logger.info('tip accepted', { tipId: accepted.tipId, format: body.format });
  metrics.addMetric('TipsAccepted', MetricUnit.Count, 1);
  if (body.format === 'form') return htmlResponse(202, tipAcceptedPage(submission.language, accepted));
  return jsonResponse(202, {
    trackingCode: accepted.trackingCode,
    secret: accepted.secret,
    receivedAt: accepted.receivedAt,
    statusUrl: '/tips/status',
  });
}

/** The Lambda entry point. */
export const handler = middy(acceptTip)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(httpErrorHandler({ logger: false }))
  .use(httpErrorResponses(logger, metrics));
