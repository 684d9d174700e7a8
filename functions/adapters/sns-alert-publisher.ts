/**
 * Publishes urgent alerts to the deployment's alert topic. Subscriptions (a unit's duty phone or
 * mailbox, an HTTPS pager) filter on the `queue` attribute, so each unit hears only its own.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '../../shared/alerts/ports.ts';

export function createSnsAlertPublisher(sns: SNSClient, topicArn: string): AlertPublisher {
  return {
    async publish(message) {
      const { MessageId } = await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: message.subject,
          Message: message.text,
          MessageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
        }),
      );
      if (!MessageId) throw new Error('SNS answered no message id');
      return MessageId;
    },
  };
}
