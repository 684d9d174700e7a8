import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { attachmentScanQueue, intakeQueue, smsInboundQueue } from '../definitions.ts';

/** A queue and its dead-letter queue as the shared definitions describe them. */
export type QueueDefinition = typeof intakeQueue | typeof smsInboundQueue | typeof attachmentScanQueue;

export interface QueueWithDeadLetterQueue {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * A queue and its DLQ from their definition, both encrypted with the customer managed `key` and
 * refusing requests without TLS; the queue redrives to the DLQ after the definition's receives.
 * Made in `scope` as `<id>Queue` and `<id>DeadLetterQueue`, the construct ids the queues have
 * always had (their logical IDs are their identity: test/infra/logical-ids.test.ts).
 */
export function queueWithDeadLetterQueue(scope: Construct, id: string, definition: QueueDefinition, key: kms.IKey): QueueWithDeadLetterQueue {
  const deadLetterQueue = new sqs.Queue(scope, `${id}DeadLetterQueue`, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(definition.deadLetterQueue.retentionPeriodSeconds),
  });
  const queue = new sqs.Queue(scope, `${id}Queue`, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
    retentionPeriod: Duration.seconds(definition.retentionPeriodSeconds),
    receiveMessageWaitTime: Duration.seconds(definition.receiveWaitTimeSeconds),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
