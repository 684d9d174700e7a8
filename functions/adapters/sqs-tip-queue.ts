import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TipQueue } from '../../shared/ports.ts';
import { encodeEnvelope } from '../../shared/tip/envelope.ts';

/** The intake queue, reached through SQS. */
export function createSqsTipQueue(client: SQSClient, queueUrl: string): TipQueue {
  return {
    async send(envelope) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeEnvelope(envelope) }));
    },
  };
}
