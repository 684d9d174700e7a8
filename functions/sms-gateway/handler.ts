import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { securityHeaders } from '../http/security-headers.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ConflictError, UnauthorizedError } from '../../shared/errors.ts';
import { gatewayInboundSchema } from '../../shared/sms/inbound.ts';
import { gatewaySignatureHeaders, verifyGatewayRequest, type SignatureProblem } from '../../shared/sms/webhook-signature.ts';
import { parseOrThrow } from '../../shared/tip/submission.ts';
import { loadChannelSecret } from '../adapters/channel-secret.ts';
import { logger, metrics } from '../adapters/runtime.ts';
import { createSmsIntake } from '../adapters/sms-intake.ts';
import { createGatewayOutbox } from '../adapters/sms-outbox.ts';
import { httpErrorResponses } from '../http/errors.ts';
import { header, readBody } from '../http/request.ts';
import { jsonResponse } from '../http/responses.ts';
import { errorText } from '../../shared/messages.ts';
import type { Localized } from '../../shared/i18n.ts';

const gatewaySecret = await loadChannelSecret({ arnVariable: 'SMS_GATEWAY_SECRET_ARN', localVariable: 'SMS_GATEWAY_SECRET' });
const outboundUrl = process.env.SMS_GATEWAY_OUTBOUND_URL;
const intake = await createSmsIntake(outboundUrl ? createGatewayOutbox(outboundUrl, gatewaySecret) : undefined);

const signatureMessages: Record<SignatureProblem, Localized> = {
  missing_signature: errorText('missingSignature', { header: gatewaySignatureHeaders.signature }),
  missing_timestamp: errorText('missingSignature', { header: gatewaySignatureHeaders.timestamp }),
  malformed_timestamp: errorText('malformedTimestamp', { header: gatewaySignatureHeaders.timestamp }),
  stale_timestamp: errorText('staleTimestamp', { header: gatewaySignatureHeaders.timestamp }),
  bad_signature: errorText('badSignature', { header: gatewaySignatureHeaders.signature }),
};

/**
 * POST /sms/inbound: an SMS relayed by a Vietnamese gateway, signed with the shared secret.
 * The answer tells the gateway what became of it; the reply itself goes out through the
 * gateway's outbound API once, however often the gateway retries.
 */
async function receiveGatewaySms(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const body = readBody(event, { accept: ['json'] });
  const problem = verifyGatewayRequest(
    gatewaySecret,
    { timestamp: header(event, gatewaySignatureHeaders.timestamp), signature: header(event, gatewaySignatureHeaders.signature) },
    body.raw,
    Math.floor(Date.now() / 1000),
  );
  if (problem) throw new UnauthorizedError(problem, signatureMessages[problem]);
  const message = parseOrThrow(gatewayInboundSchema, body.format === 'json' ? body.data : undefined);
  try {
    const result = await intake.process({ provider: 'gateway', ...message }, context);
    return jsonResponse(200, {
      status: result.duplicate ? 'duplicate' : 'accepted',
      outcome: result.kind,
      ...('trackingCode' in result && result.trackingCode && { trackingCode: result.trackingCode }),
      // What was texted to the sender, for the gateway's records; tinbao has already sent it.
      reply: result.reply,
    });
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) throw new ConflictError('already_processing', errorText('alreadyProcessing'));
    throw error;
  }
}

/** The Lambda entry point. */
export const handler = middy(receiveGatewaySms)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Before the error handler, so that error answers get the same headers as the others.
  .use(securityHeaders())
  .use(httpErrorHandler({ logger: false }))
  .use(httpErrorResponses(logger, metrics, { pages: false }));
