import { Duration, Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { TinbaoFunction } from './tinbao-function.ts';

/** How a function reads its queue (`classifierEventSource`, `smsAwsEventSource` in definitions.ts). */
export interface QueueConsumerSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
}

/**
 * What Lambda's poller calls on the queue with the function's role: the actions of the AWS managed
 * policy AWSLambdaSQSQueueExecutionRole. `SqsEventSource` would also grant GetQueueUrl and
 * ChangeMessageVisibility, which the poller does not call, and an unconditional kms:Decrypt on
 * the queue's key; here the key is granted in the function's `UseDataKey` statement, through SQS
 * only (kms:ViaService), like every other use of the data key.
 */
export const queueConsumerActions = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const;

/**
 * Feeds `queue` to `consumer` with partial batch responses, and lets the consumer's role receive
 * and delete the queue's messages. The mapping has the construct id `SqsEventSource` gives it, so
 * its logical ID is the one it had when the stack used `SqsEventSource`.
 */
export function consumeQueue(consumer: TinbaoFunction, queue: sqs.IQueue, settings: QueueConsumerSettings): lambda.EventSourceMapping {
  const mapping = consumer.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`, {
    eventSourceArn: queue.queueArn,
    batchSize: settings.batchSize,
    maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
    reportBatchItemFailures: settings.reportBatchItemFailures,
  });
  consumer.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ConsumeQueue', actions: [...queueConsumerActions], resources: [queue.queueArn] }));
  // No explicit dependency: the mapping names the function, which already waits for its role's default policy.
  return mapping;
}
