import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { tipStreamEventSource } from '../definitions.ts';
import type { TinbaoFunction } from './tinbao-function.ts';

/**
 * What Lambda's poller calls on the stream with the function's role (the actions of the AWS
 * managed policy AWSLambdaInvocation-DynamoDB). `DynamoEventSource` would grant them through
 * `grantStreamRead`, with an unconditional kms:Decrypt on the table's key; here the key is granted
 * in the function's `UseDataKey` statement, through DynamoDB only, like every other use of it.
 */
export const streamConsumerActions = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'] as const;

/**
 * Feeds the table's stream to `consumer`: partial batch responses, bisection and bounded retries,
 * the shared filter (tips only), and on failure the batch's position to `failureQueue`, which the
 * role may send to (granted here, not by the destination construct, so the grant stays this one).
 */
export function consumeTableStream(consumer: TinbaoFunction, table: dynamodb.ITable, failureQueue: sqs.IQueue, settings: typeof tipStreamEventSource): lambda.EventSourceMapping {
  const streamArn = table.tableStreamArn;
  if (!streamArn) throw new Error('The tips table has no stream');
  const mapping = consumer.function.addEventSourceMapping('TipStreamEventSource', {
    eventSourceArn: streamArn,
    startingPosition: lambda.StartingPosition[settings.startingPosition],
    batchSize: settings.batchSize,
    maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
    retryAttempts: settings.retryAttempts,
    bisectBatchOnError: settings.bisectBatchOnError,
    maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
    reportBatchItemFailures: settings.reportBatchItemFailures,
    filters: [lambda.FilterCriteria.filter(settings.filterPattern as unknown as Record<string, unknown>)],
    onFailure: { bind: () => ({ destination: failureQueue.queueArn }) },
  });
  consumer.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadTableStream', actions: [...streamConsumerActions], resources: [streamArn] }));
  consumer.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReportStreamFailures', actions: ['sqs:SendMessage'], resources: [failureQueue.queueArn] }));
  return mapping;
}
