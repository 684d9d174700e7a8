import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmThresholds } from '../definitions.ts';

export interface QueueAlarmsProps {
  readonly stage: string;
  /** Encrypts the alarm topic. */
  readonly key: kms.IKey;
  readonly intakeQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly smsInboundQueue: sqs.IQueue;
  readonly smsInboundDeadLetterQueue: sqs.IQueue;
}

export interface QueueAlarms {
  /** Alarms publish here; subscribe the duty team's address or pager to it. */
  readonly topic: sns.Topic;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly oldestMessageAlarm: cloudwatch.Alarm;
  readonly smsDeadLetterAlarm: cloudwatch.Alarm;
  readonly smsOldestMessageAlarm: cloudwatch.Alarm;
}

/**
 * The duty team's alarms on the two queues and their DLQs, notifying one encrypted topic on alarm
 * and when it clears. Made in `scope` under the construct ids they have always had: a new id
 * would replace the topic and drop the duty team's subscriptions.
 */
export function addQueueAlarms(scope: Construct, props: QueueAlarmsProps): QueueAlarms {
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: `tinbao ${props.stage} alarms`,
    // A customer managed key, because CloudWatch cannot publish to a topic under alias/aws/sns.
    masterKey: props.key,
    enforceSSL: true,
  });
  const notify = new SnsAction(topic);
  const alarm = (id: string, alarmDescription: string, metric: cloudwatch.IMetric, threshold: number): cloudwatch.Alarm => {
    const made = new cloudwatch.Alarm(scope, id, {
      alarmDescription,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    made.addAlarmAction(notify);
    made.addOkAction(notify);
    return made;
  };
  const oneMinuteMaximum = { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM };

  return {
    topic,
    deadLetterAlarm: alarm(
      'DeadLetterQueueAlarm',
      'A tip could not be classified and is parked in the dead-letter queue: a person must look at it and redrive it.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMaximum),
      alarmThresholds.deadLetterMessages,
    ),
    oldestMessageAlarm: alarm(
      'IntakeBacklogAlarm',
      'Tips are waiting in the intake queue longer than expected: the classifier is failing or stuck.',
      props.intakeQueue.metricApproximateAgeOfOldestMessage(oneMinuteMaximum),
      alarmThresholds.oldestMessageAgeSeconds,
    ),
    smsDeadLetterAlarm: alarm(
      'SmsDeadLetterQueueAlarm',
      'An inbound SMS from AWS End User Messaging could not be taken in and is parked in the SMS dead-letter queue: a person must look at it and redrive it.',
      props.smsInboundDeadLetterQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMaximum),
      alarmThresholds.deadLetterMessages,
    ),
    smsOldestMessageAlarm: alarm(
      'SmsInboundBacklogAlarm',
      'Inbound SMS are waiting in the SMS inbound queue longer than expected: the smsAws function is failing or stuck.',
      props.smsInboundQueue.metricApproximateAgeOfOldestMessage(oneMinuteMaximum),
      alarmThresholds.oldestMessageAgeSeconds,
    ),
  };
}
