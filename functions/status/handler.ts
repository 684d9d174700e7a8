import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { maxRequestBodyBytes } from '../../infra/definitions.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { getTipStatus } from '../../shared/usecases/get-tip-status.ts';
import { createDocumentClient, createDynamoTipRepository, createDynamoTrackingCodeStore } from '../adapters/dynamo-tip-store.ts';
import { commonEnvironment, pepperEnvironment, readEnvironment } from '../adapters/environment.ts';
import { loadTrackingPepper } from '../adapters/pepper.ts';
import { dynamoDbClient, logger, metrics } from '../adapters/runtime.ts';
import { httpErrorResponses } from '../http/errors.ts';
import { tipStatusPage } from '../http/pages.ts';
import { readBody, requestLanguage } from '../http/request.ts';
import { htmlResponse, jsonResponse } from '../http/responses.ts';

const environment = readEnvironment({ ...commonEnvironment, ...pepperEnvironment });
const documents = createDocumentClient(dynamoDbClient);

const dependencies = {
  codes: createDynamoTrackingCodeStore(documents, environment.TABLE_NAME),
  tips: createDynamoTipRepository(documents, environment.TABLE_NAME),
  hasher: createSecretHasher(await loadTrackingPepper(environment)),
};

/**
 * POST /tips/status: the status of a tip for whoever holds its code and secret. A POST, so the
 * secret never sits in a URL that logs and browser history keep.
 */
async function tipStatus(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = readBody(event, { accept: ['json', 'form'], maxBytes: maxRequestBodyBytes });
  const language = requestLanguage(event);
  const input = body.format === 'form' ? Object.fromEntries(body.fields) : body.data;
  const view = await getTipStatus(input, dependencies, language);
  metrics.addMetric('TipStatusLookups', MetricUnit.Count, 1);
  return body.format === 'form' ? htmlResponse(200, tipStatusPage(language, view)) : jsonResponse(200, view);
}

/** The Lambda entry point. */
export const handler = middy(tipStatus)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(httpErrorHandler({ logger: false }))
  .use(httpErrorResponses(logger, metrics));
