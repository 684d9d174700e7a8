import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alertTopic, tipStreamFailureQueue } from '../definitions.ts';

/** How officers hear of an urgent tip of their unit: an SMS, an e-mail, or an HTTPS endpoint (a pager service). */
export interface AlertSubscriptionSetting {
  /** A unit code of the deployment's pack, or CITY for the duty desk. */
  readonly unit: string;
  readonly protocol: 'sms' | 'email' | 'https';
  /** The phone number (E.164), address or URL. */
  readonly endpoint: string;
}

const protocols: Readonly<Record<AlertSubscriptionSetting['protocol'], sns.SubscriptionProtocol>> = {
  sms: sns.SubscriptionProtocol.SMS,
  email: sns.SubscriptionProtocol.EMAIL,
  https: sns.SubscriptionProtocol.HTTPS,
};

/** Whether a setting names a protocol of `protocols`, so the check and the mapping cannot drift apart. */
const isProtocol = (value: unknown): value is AlertSubscriptionSetting['protocol'] => typeof value === 'string' && Object.hasOwn(protocols, value);

export interface UrgentAlerts {
  readonly topic: sns.Topic;
  /** The stream's event source sends here the position of what it gave up on. */
  readonly failureQueue: sqs.Queue;
}

/**
 * The urgent-alert topic, stateful because its subscriptions are the units' duty phones and
 * mailboxes (a redeploy of the code must not drop them), each filtered on its unit; and the
 * stream's failure queue. Both under the data key: an alert names a tip, never its text.
 */
export function addUrgentAlerts(scope: Construct, props: { readonly stage: string; readonly key: kms.IKey; readonly subscriptions: readonly AlertSubscriptionSetting[] }): UrgentAlerts {
  const topic = new sns.Topic(scope, 'UrgentAlertTopic', {
    topicName: `tinbao-${props.stage}-${alertTopic.logicalName}`,
    displayName: `tinbao ${props.stage} urgent tips`,
    masterKey: props.key,
    enforceSSL: true,
  });
  props.subscriptions.forEach((setting, index) => {
    new sns.Subscription(scope, `UrgentAlertSubscription${index + 1}`, {
      topic,
      protocol: protocols[setting.protocol],
      endpoint: setting.endpoint,
      filterPolicy: { [alertTopic.queueAttribute]: sns.SubscriptionFilter.stringFilter({ allowlist: [setting.unit] }) },
    });
  });
  const failureQueue = new sqs.Queue(scope, 'TipStreamFailureQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: props.key,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(tipStreamFailureQueue.retentionPeriodSeconds),
  });
  Validations.of(failureQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: "This queue is a dead-letter destination itself: the table stream's event source mapping sends it the position of each batch it gave up on.",
  });
  return { topic, failureQueue };
}

/** Reads the `alertSubscriptions` context: a JSON list of {unit, protocol, endpoint}. */
export function alertSubscriptionsFrom(value: unknown, queueCodes: readonly string[]): AlertSubscriptionSetting[] {
  if (value === undefined || value === null || value === '') return [];
  const list: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(list)) throw new Error('Context value alertSubscriptions must be a JSON list of {"unit","protocol","endpoint"}');
  return list.map((entry: unknown, index) => {
    const { unit, protocol, endpoint } = (entry ?? {}) as Record<string, unknown>;
    const where = `alertSubscriptions[${index}]`;
    if (typeof unit !== 'string' || !queueCodes.includes(unit)) throw new Error(`${where}.unit must be a unit code of the pack or CITY, got ${JSON.stringify(unit)}`);
    if (!isProtocol(protocol)) throw new Error(`${where}.protocol must be sms, email or https`);
    if (typeof endpoint !== 'string' || endpoint === '') throw new Error(`${where}.endpoint must be a phone number, address or URL`);
    if (protocol === 'sms' && !/^\+[1-9]\d{6,14}$/.test(endpoint)) throw new Error(`${where}.endpoint must be an E.164 number for sms`);
    if (protocol === 'https' && !endpoint.startsWith('https://')) throw new Error(`${where}.endpoint must be an https URL`);
    return { unit, protocol, endpoint };
  });
}
