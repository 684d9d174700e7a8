import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { securityHeaders } from '../http/security-headers.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import MessagingResponse from 'twilio/lib/twiml/MessagingResponse.js';
import { ConflictError, UnauthorizedError } from '../../shared/errors.ts';
import { twilioInboundSchema, twilioMedia } from '../../shared/sms/inbound.ts';
import { parseOrThrow } from '../../shared/tip/submission.ts';
import { loadChannelSecret } from '../adapters/channel-secret.ts';
import { logger, metrics } from '../adapters/runtime.ts';
import { createSmsIntake } from '../adapters/sms-intake.ts';
import { httpErrorResponses } from '../http/errors.ts';
import { header, readBody } from '../http/request.ts';
import { isSignedByTwilio } from './signature.ts';
import { errorText } from '../../shared/messages.ts';

const authToken = await loadChannelSecret({ arnVariable: 'TWILIO_AUTH_TOKEN_SECRET_ARN', localVariable: 'TWILIO_AUTH_TOKEN' });
// Twilio sends the reply itself from the TwiML we answer with, so no outbox. MMS media becomes attachments.
const intake = await createSmsIntake(undefined, { media: true });

function twiml(reply: string | null): APIGatewayProxyStructuredResultV2 {
  const response = new MessagingResponse();
  if (reply) response.message(reply);
  return { statusCode: 200, headers: { 'content-type': 'text/xml; charset=utf-8', 'cache-control': 'no-store' }, body: response.toString() };
}

/** POST /sms/twilio: Twilio's webhook for an inbound SMS, answered with TwiML. */
async function receiveTwilioSms(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const body = readBody(event, { accept: ['form'] });
  const fields = body.format === 'form' ? body.fields : new URLSearchParams();
  if (!header(event, 'x-twilio-signature')) throw new UnauthorizedError('missing_signature', errorText('missingSignature', { header: 'X-Twilio-Signature' }));
  if (!isSignedByTwilio(authToken, event, fields)) {
    throw new UnauthorizedError('bad_signature', errorText('badTwilioSignature', { header: 'X-Twilio-Signature' }));
  }
  const message = parseOrThrow(twilioInboundSchema, Object.fromEntries(fields));
  try {
    const result = await intake.process(
      {
        provider: 'twilio',
        messageId: message.MessageSid,
        from: message.From,
        to: message.To,
        text: message.Body,
        receivedAt: new Date().toISOString(),
        media: twilioMedia(Object.fromEntries(fields)),
      },
      context,
    );
    // A retry of a message already answered gets an empty answer, so the sender gets one reply.
    return twiml(result.duplicate ? null : result.reply);
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) throw new ConflictError('already_processing', errorText('alreadyProcessing'));
    throw error;
  }
}

/** The Lambda entry point. */
export const handler = middy(receiveTwilioSms)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Before the error handler, so that error answers get the same headers as the others.
  .use(securityHeaders())
  .use(httpErrorHandler({ logger: false }))
  .use(httpErrorResponses(logger, metrics, { pages: false }));
