import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { PackId } from '../shared/jurisdictions/pack.ts';
import { addEvidenceStorage } from './constructs/evidence-storage.ts';
import { OfficerUserPool } from './constructs/officer-user-pool.ts';
import { queueWithDeadLetterQueue } from './constructs/queue-with-dead-letter-queue.ts';
import { addUrgentAlerts, type AlertSubscriptionSetting } from './constructs/urgent-alerts.ts';
import {
  attachmentScanQueue,
  idempotencyTable,
  intakeQueue,
  smsInboundQueue,
  smsInboundTopic,
  tipTable,
  type KeyAttribute,
  type KeyAttributeType,
} from './definitions.ts';

export interface StatefulStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`. */
  readonly stage: string;
  /** The officers' hosted sign-in domain prefix; defaults to `tinbao-<stage>`. Prefixes are unique per region across all accounts. */
  readonly cognitoDomainPrefix?: string | undefined;
  /** The jurisdiction pack the deployment routes to: the user pool has a group per unit. */
  readonly pack: PackId;
  /**
   * The origin the citizen pages are served from when it is known before the web stack exists
   * (context `siteOrigin`, e.g. a custom domain): the evidence bucket's CORS rule names it here.
   * Without it the stateless stack sets the rule for its distribution's address.
   */
  readonly siteOrigin?: string | undefined;
  /** Who hears of urgent tips: each unit's (and the desk's) duty phones, mailboxes or endpoints (context `alertSubscriptions`). */
  readonly alertSubscriptions?: readonly AlertSubscriptionSetting[] | undefined;
}

const attributeTypes: Record<KeyAttributeType, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({ name: key.name, type: attributeTypes[key.type] });

/** The AWS End User Messaging SMS service, which publishes inbound (two-way) SMS to the inbound topic. */
export const smsVoiceServicePrincipal = 'sms-voice.amazonaws.com';

/**
 * Everything that holds data and must outlive a redeploy of the code: the encryption keys, the
 * tips and idempotency tables, the intake, SMS inbound and attachment scan queues with their
 * DLQs, the SMS inbound topic, the evidence bucket with its key and its handlers' role, the
 * secrets (tracking pepper, SMS gateway signing key, Twilio auth token), and the officers' user
 * pool with its groups and hosted sign-in domain.
 */
export class StatefulStack extends Stack {
  /** Encrypts the tables, the queues, the inbound SMS topic, the secrets, the alarm topic and the evidence bucket's uploads and clean copies. */
  public readonly key: kms.Key;
  /**
   * Seals tipsters' phone numbers. The SMS intake functions may only encrypt with it; only the
   * officers' reply path may decrypt, so a leaked intake role cannot reveal who sent a tip.
   */
  public readonly phoneKey: kms.Key;
  public readonly table: dynamodb.Table;
  /** Powertools idempotency records for SMS providers that retry a message. */
  public readonly idempotencyTable: dynamodb.Table;
  public readonly intakeQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** AWS End User Messaging publishes inbound SMS here. */
  public readonly smsInboundTopic: sns.Topic;
  /** Receives the inbound SMS topic's messages (raw delivery); the smsAws function consumes it. */
  public readonly smsInboundQueue: sqs.Queue;
  public readonly smsInboundDeadLetterQueue: sqs.Queue;
  /** The evidence bucket notifies it of each upload under `incoming/`; the scan function consumes it. */
  public readonly attachmentScanQueue: sqs.Queue;
  public readonly attachmentScanDeadLetterQueue: sqs.Queue;
  /**
   * Evidence files: uploads (`incoming/`), clean copies for officers (`clean/`) under the data
   * key, originals and quarantined files under the evidence key (infra/constructs/evidence-storage.ts).
   */
  public readonly evidenceBucket: s3.Bucket;
  /** Seals originals and quarantined files: the scan may only encrypt with it, the evidence handler role alone decrypt. */
  public readonly evidenceKey: kms.Key;
  /** Assumed with MFA by the people who handle evidence: reads originals and quarantined files, nothing else. */
  public readonly evidenceHandlerRole: iam.Role;
  /** The HMAC key for hashing tipster secrets. */
  public readonly trackingPepper: secretsmanager.Secret;
  /** Signs the generic SMS gateway webhook (and the calls tinbao makes to the gateway). */
  public readonly smsGatewaySecret: secretsmanager.Secret;
  /** Twilio's auth token, which verifies X-Twilio-Signature; the operator sets the real value after deploy. */
  public readonly twilioAuthToken: secretsmanager.Secret;
  /** Officers' accounts: admin-created, TOTP required, grouped by unit, city desk and supervisor. */
  public readonly officerPool: OfficerUserPool;
  /** Urgent tips are published here, for each unit's subscriptions (filtered on the `queue` attribute). */
  public readonly alertTopic: sns.Topic;
  /** The table stream's event source sends what it gave up on here. */
  public readonly tipStreamFailureQueue: sqs.Queue;

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.key = new kms.Key(this, 'DataKey', {
      description: `tinbao ${props.stage}: encrypts tips at rest (tables, queues, inbound SMS topic, secrets, alarm topic)`,
      alias: `alias/tinbao-${props.stage}-data`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the alarm topic, which this key encrypts; only this account's alarms may use it.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );
    // End User Messaging publishes inbound SMS to the inbound topic, which this key encrypts; only on behalf of this account.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsSmsToPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal(smsVoiceServicePrincipal)],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.phoneKey = new kms.Key(this, 'PhoneKey', {
      description: `tinbao ${props.stage}: seals tipsters' phone numbers (SMS intake may only encrypt; only the officers' reply path may decrypt)`,
      alias: `alias/tinbao-${props.stage}-phone`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'TipTable', {
      partitionKey: attribute(tipTable.partitionKey),
      sortKey: attribute(tipTable.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: tipTable.timeToLiveAttribute,
      stream: dynamodb.StreamViewType[tipTable.streamViewType],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tipTable.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: attribute(idempotencyTable.partitionKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: idempotencyTable.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const intake = queueWithDeadLetterQueue(this, 'Intake', intakeQueue, this.key);
    this.intakeQueue = intake.queue;
    this.deadLetterQueue = intake.deadLetterQueue;

    const smsInbound = queueWithDeadLetterQueue(this, 'SmsInbound', smsInboundQueue, this.key);
    this.smsInboundQueue = smsInbound.queue;
    this.smsInboundDeadLetterQueue = smsInbound.deadLetterQueue;

    const scan = queueWithDeadLetterQueue(this, 'AttachmentScan', attachmentScanQueue, this.key);
    this.attachmentScanQueue = scan.queue;
    this.attachmentScanDeadLetterQueue = scan.deadLetterQueue;
    const evidence = addEvidenceStorage(this, { stage: props.stage, key: this.key, scanQueue: scan.queue, siteOrigin: props.siteOrigin });
    this.evidenceBucket = evidence.bucket;
    this.evidenceKey = evidence.evidenceKey;
    this.evidenceHandlerRole = evidence.evidenceHandlerRole;
    new CfnOutput(this, 'EvidenceHandlerRoleArn', {
      description: 'Evidence handlers assume this role (with MFA) to read originals and quarantined files',
      value: this.evidenceHandlerRole.roleArn,
    });

    const smsInboundTopicName = `tinbao-${props.stage}-${smsInboundTopic.logicalName}`;
    this.smsInboundTopic = new sns.Topic(this, 'SmsInboundTopic', {
      // A fixed name, so the topic's ARN is known without referring to the topic (see the subscription below).
      topicName: smsInboundTopicName,
      displayName: `tinbao ${props.stage} inbound SMS`,
      // A customer managed key: End User Messaging cannot publish to a topic under alias/aws/sns.
      masterKey: this.key,
      enforceSSL: true,
    });
    this.smsInboundTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsSmsToPublish',
        principals: [new iam.ServicePrincipal(smsVoiceServicePrincipal)],
        actions: ['sns:Publish'],
        resources: [this.smsInboundTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    // SqsSubscription adds the queue policy that lets this topic send to the queue and, with the feature
    // flag buildApp sets, a data key policy statement that lets SNS use the key only for this topic
    // (aws:SourceArn). The topic is encrypted with that same key, so if the key policy referred to the
    // topic (Ref) and the topic to the key, CloudFormation would refuse the circular dependency: the
    // subscription therefore names the topic by the ARN built from its name, and waits for the topic.
    const topicByArn = sns.Topic.fromTopicAttributes(this, 'SmsInboundTopicByArn', {
      topicArn: this.formatArn({ service: 'sns', resource: smsInboundTopicName }),
    });
    const subscription = topicByArn.addSubscription(
      new SqsSubscription(this.smsInboundQueue, { rawMessageDelivery: smsInboundTopic.rawMessageDelivery }),
    );
    subscription.node.addDependency(this.smsInboundTopic);

    this.trackingPepper = new secretsmanager.Secret(this, 'TrackingPepper', {
      description: `tinbao ${props.stage}: HMAC key (pepper) that hashes tipster secrets. Never rotate in place: every tracking code hashed with it would stop verifying.`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.trackingPepper).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The pepper is an HMAC key, not a credential: every stored tracking-code hash was made with it, so automatic ' +
        'rotation would lock every tipster out of their tip status. Rotating it needs a versioned-pepper scheme (verify ' +
        'with old and new keys), which is not built yet.',
    });

    this.smsGatewaySecret = new secretsmanager.Secret(this, 'SmsGatewaySecret', {
      description: `tinbao ${props.stage}: shared key that signs the SMS gateway webhook (HMAC) and tinbao's calls to the gateway. Give the same value to the gateway operator.`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.smsGatewaySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The gateway signing key is shared with the SMS gateway operator, who must install every new value: an automatic ' +
        'rotation would make tinbao reject every inbound SMS as badly signed until the gateway catches up. It is rotated ' +
        'by hand, in step with the gateway operator.',
    });

    this.twilioAuthToken = new secretsmanager.Secret(this, 'TwilioAuthToken', {
      description: `tinbao ${props.stage}: Twilio auth token that verifies X-Twilio-Signature. Deployed as a random placeholder: after deploy, the operator must overwrite it with the account's real Twilio auth token (until then every Twilio webhook is refused).`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.twilioAuthToken).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value is issued by Twilio, not generated here: a new token is made in the Twilio console and then copied into ' +
        'this secret. A Secrets Manager rotation Lambda cannot mint a Twilio token, so an automatic rotation would only ' +
        'break signature checks on every Twilio webhook.',
    });

    const alerts = addUrgentAlerts(this, { stage: props.stage, key: this.key, subscriptions: props.alertSubscriptions ?? [] });
    this.alertTopic = alerts.topic;
    this.tipStreamFailureQueue = alerts.failureQueue;
    new CfnOutput(this, 'UrgentAlertTopicArn', {
      description: "Subscribe each unit's on-duty officers with a filter policy on the queue attribute (the unit code, or CITY for the desk)",
      value: this.alertTopic.topicArn,
    });

    // Officers ------------------------------------------------------------------------------
    // Accounts outlive the code, so the pool is here; its app client is in the stateless stack,
    // next to the console distribution whose URLs it must name (see docs/decisions/0002-cdk-stacks.md).
    this.officerPool = new OfficerUserPool(this, 'Officers', {
      stage: props.stage,
      pack: props.pack,
      domainPrefix: props.cognitoDomainPrefix ?? `tinbao-${props.stage}`,
    });
  }
}
