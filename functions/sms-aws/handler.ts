import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { endUserMessagingInboundSchema } from '../../shared/sms/inbound.ts';
import { logger, metrics } from '../adapters/runtime.ts';
import { createSmsIntake } from '../adapters/sms-intake.ts';
import { createReplyOutbox, type SmsOutbox } from '../adapters/sms-outbox.ts';
import { awsClientSettings } from '../adapters/aws-client-settings.ts';
import { UnreadableMessageError } from '../adapters/unreadable-message.ts';

/**
 * Replies go out with SendTextMessage from the configured number. The local stack has no End
 * User Messaging, so there it points this channel at the fake provider's outbound API instead.
 */
function outbox(): SmsOutbox | undefined {
  const chosen = createReplyOutbox(
    'aws',
    { originationIdentity: process.env.SMS_ORIGINATION_IDENTITY, fakeOutboundUrl: process.env.SMS_LOCAL_FAKE_OUTBOUND_URL, gatewaySecret: process.env.SMS_GATEWAY_SECRET },
    () => new PinpointSMSVoiceV2Client(awsClientSettings),
  );
  if (!chosen) logger.warn('no SMS origination identity configured: AWS SMS tips are accepted but not acknowledged');
  return chosen;
}

const intake = await createSmsIntake(outbox());
const processor = new BatchProcessor(EventType.SQS);

/** One inbound SMS that End User Messaging published to SNS and SNS delivered raw to SQS. */
async function receiveRecord(record: SQSRecord, context: Context): Promise<void> {
  let message;
  try {
    message = endUserMessagingInboundSchema.parse(JSON.parse(record.body));
  } catch (error) {
    // Never log the body: it holds a phone number and the tip. The DLQ keeps it for a person.
    logger.error('unreadable inbound sms', { messageId: record.messageId, errorName: (error as Error).name });
    throw new UnreadableMessageError();
  }
  await intake.process(
    {
      provider: 'aws',
      messageId: message.inboundMessageId,
      from: message.originationNumber,
      to: message.destinationNumber,
      text: message.messageBody,
      receivedAt: new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString(),
    },
    context,
  );
}

/** The Lambda entry point: an SQS batch with partial batch responses. */
export const handler = middy(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, (record: SQSRecord) => receiveRecord(record, context), processor, {
      context,
      // A batch whose every record failed answers all as failures instead of throwing an error
      // that holds each record's error (and the runtime would log them).
      throwOnFullBatchFailure: false,
    }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
