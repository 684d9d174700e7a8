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
  readonly attachmentScanQueue: sqs.IQueue;
  readonly attachmentScanDeadLetterQueue: sqs.IQueue;
  /** Where the table stream's event source sends what it gave up on. */
  readonly tipStreamFailureQueue: sqs.IQueue;
}

export interface QueueAlarms {
  /** Alarms publish here; subscribe the duty team's address or pager to it. */
  readonly topic: sns.Topic;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly oldestMessageAlarm: cloudwatch.Alarm;
  readonly smsDeadLetterAlarm: cloudwatch.Alarm;
  readonly smsOldestMessageAlarm: cloudwatch.Alarm;
  readonly scanDeadLetterAlarm: cloudwatch.Alarm;
  readonly scanOldestMessageAlarm: cloudwatch.Alarm;
  readonly tipStreamFailureAlarm: cloudwatch.Alarm;
}

/** One queue the duty team watches: what its DLQ and its backlog alarms say, under the construct ids they have always had. */
interface WatchedQueue {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly deadLetter: { readonly id: string; readonly description: string };
  readonly backlog: { readonly id: string; readonly description: string };
}

/**
 * The duty team's alarms on the three queues and their DLQs, notifying one encrypted topic on
 * alarm and when it clears: any message in a DLQ, and a backlog older than five minutes. Made in
 * `scope` under the construct ids they have always had: a new id would replace the topic and drop
 * the duty team's subscriptions.
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
  const watch = (watched: WatchedQueue): [deadLetter: cloudwatch.Alarm, backlog: cloudwatch.Alarm] => [
    alarm(
      watched.deadLetter.id,
      watched.deadLetter.description,
      watched.deadLetterQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMaximum),
      alarmThresholds.deadLetterMessages,
    ),
    alarm(watched.backlog.id, watched.backlog.description, watched.queue.metricApproximateAgeOfOldestMessage(oneMinuteMaximum), alarmThresholds.oldestMessageAgeSeconds),
  ];

  const [deadLetterAlarm, oldestMessageAlarm] = watch({
    queue: props.intakeQueue,
    deadLetterQueue: props.deadLetterQueue,
    deadLetter: {
      id: 'DeadLetterQueueAlarm',
      description: 'A tip could not be classified and is parked in the dead-letter queue: a person must look at it and redrive it.',
    },
    backlog: { id: 'IntakeBacklogAlarm', description: 'Tips are waiting in the intake queue longer than expected: the classifier is failing or stuck.' },
  });
  const [smsDeadLetterAlarm, smsOldestMessageAlarm] = watch({
    queue: props.smsInboundQueue,
    deadLetterQueue: props.smsInboundDeadLetterQueue,
    deadLetter: {
      id: 'SmsDeadLetterQueueAlarm',
      description:
        'An inbound SMS from AWS End User Messaging could not be taken in and is parked in the SMS dead-letter queue: a person must look at it and redrive it.',
    },
    backlog: {
      id: 'SmsInboundBacklogAlarm',
      description: 'Inbound SMS are waiting in the SMS inbound queue longer than expected: the smsAws function is failing or stuck.',
    },
  });
  const [scanDeadLetterAlarm, scanOldestMessageAlarm] = watch({
    queue: props.attachmentScanQueue,
    deadLetterQueue: props.attachmentScanDeadLetterQueue,
    deadLetter: {
      id: 'AttachmentScanDeadLetterQueueAlarm',
      description:
        'An uploaded evidence file could not be scanned and its notification is parked in the scan dead-letter queue: officers see the file as pending until a person redrives it, within a day (then the upload expires).',
    },
    backlog: {
      id: 'AttachmentScanBacklogAlarm',
      description: 'Uploaded evidence files are waiting in the scan queue longer than expected: the scan function is failing or stuck.',
    },
  });
  const tipStreamFailureAlarm = alarm(
    'TipStreamFailureAlarm',
    "Changes of tips could not be handled by tipStream after its retries: an urgent alert or the statistics' counters may be missing. The failure queue names the stream positions; the stream keeps them 24 hours.",
    props.tipStreamFailureQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMaximum),
    alarmThresholds.deadLetterMessages,
  );
  return { topic, deadLetterAlarm, oldestMessageAlarm, smsDeadLetterAlarm, smsOldestMessageAlarm, scanDeadLetterAlarm, scanOldestMessageAlarm, tipStreamFailureAlarm };
}
