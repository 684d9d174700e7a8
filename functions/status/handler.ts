import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { securityHeaders } from '../http/security-headers.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { systemClock } from '../../shared/ports.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { addTipsterMessage, getTipConversation } from '../../shared/usecases/officers/citizen.ts';
import { createClientKeys } from '../adapters/client-key.ts';
import { createDynamoRateLimiter } from '../adapters/dynamo-rate-limiter.ts';
import { createDocumentClient } from '../adapters/dynamo-tip-items.ts';
import { createDynamoTipRepository, createDynamoTrackingCodeStore } from '../adapters/dynamo-tip-store.ts';
import { commonEnvironment, pepperEnvironment, readEnvironment } from '../adapters/environment.ts';
import { loadTrackingPepper } from '../adapters/pepper.ts';
import { lazyTextReader } from '../adapters/text-reader.ts';
import { dynamoDbClient, logger, metrics, ulidGenerator } from '../adapters/runtime.ts';
import { httpErrorResponses } from '../http/errors.ts';
import { statusFormPage, tipStatusPage } from '../http/pages.ts';
import { readBody, requestLanguage } from '../http/request.ts';
import { htmlResponse, jsonResponse } from '../http/responses.ts';

const environment = readEnvironment({ ...commonEnvironment, ...pepperEnvironment });
const documents = createDocumentClient(dynamoDbClient);

const pepper = await loadTrackingPepper(environment);
const clientKey = createClientKeys(pepper);
const dependencies = {
  codes: createDynamoTrackingCodeStore(documents, environment.TABLE_NAME),
  tips: createDynamoTipRepository(documents, environment.TABLE_NAME, environment.TIP_RETENTION_DAYS),
  hasher: createSecretHasher(pepper),
  limiter: createDynamoRateLimiter(documents, environment.TABLE_NAME, systemClock),
  clock: systemClock,
  ids: ulidGenerator,
  reader: lazyTextReader,
};

/**
 * POST /tips/status and POST /tips/status/messages: the tipster's view of their tip (status, unit,
 * and the conversation with officers) and their way to add to it. POSTs, so the secret never sits
 * in a URL that logs and browser history keep.
 */
async function tipsterConversation(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  // The status URL opened directly (a reload or a bookmark of an answer): the status form, never a bare error.
  if (event.routeKey === 'GET /tips/status') return htmlResponse(200, statusFormPage(requestLanguage(event)));
  const body = readBody(event, { accept: ['json', 'form'] });
  const language = requestLanguage(event);
  const input = body.format === 'form' ? Object.fromEntries(body.fields) : body.data;
  const requester = { client: clientKey(event) };
  const posting = event.routeKey === 'POST /tips/status/messages';
  // A message's answer is the conversation with it: one check of the code and secret, no second count.
  const view = posting ? await addTipsterMessage(input, dependencies, language, requester) : await getTipConversation(input, dependencies, language, requester);
  metrics.addMetric(posting ? 'TipsterMessages' : 'TipStatusLookups', MetricUnit.Count, 1);
  if (body.format !== 'form') return jsonResponse(200, view);
  // The page carries the secret in a hidden field of its reply form, never in a link.
  const secret = body.fields.get('secret') ?? '';
  return htmlResponse(200, tipStatusPage(language, view, { secret, ...(posting && { notice: 'messageSent' }) }));
}

/** The Lambda entry point. */
export const handler = middy(tipsterConversation)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Before the error handler, so that error answers get the same headers as the others.
  .use(securityHeaders())
  .use(httpErrorHandler({ logger: false }))
  .use(
    httpErrorResponses(logger, metrics, {
      // A refused lookup is the status form again with the code typed kept, never the secret.
      invalidPage: (language, issues, event) => statusFormPage(language, { code: typedCode(event), issues }),
    }),
  );

function typedCode(event: APIGatewayProxyEventV2): string | undefined {
  try {
    const body = readBody(event, { accept: ['form'] });
    return body.format === 'form' ? (body.fields.get('code') ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}
