import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { intakeQueue, tipTable, type KeyAttribute, type KeyAttributeType } from './definitions.ts';

export interface StatefulStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`. */
  readonly stage: string;
}

const attributeTypes: Record<KeyAttributeType, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({ name: key.name, type: attributeTypes[key.type] });

/**
 * Everything that holds data and must outlive a redeploy of the code: the encryption key, the
 * tips table, the intake queue and its DLQ, and the tracking pepper.
 */
export class StatefulStack extends Stack {
  /** Encrypts the table, both queues, the pepper secret and the alarm topic. */
  public readonly key: kms.Key;
  public readonly table: dynamodb.Table;
  public readonly intakeQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** The HMAC key for hashing tipster secrets. */
  public readonly trackingPepper: secretsmanager.Secret;

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.key = new kms.Key(this, 'DataKey', {
      description: `tinbao ${props.stage}: encrypts tips at rest (table, queues, pepper secret, alarm topic)`,
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

    this.table = new dynamodb.Table(this, 'TipTable', {
      partitionKey: attribute(tipTable.partitionKey),
      sortKey: attribute(tipTable.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: tipTable.timeToLiveAttribute,
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

    this.deadLetterQueue = new sqs.Queue(this, 'IntakeDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(intakeQueue.deadLetterQueue.retentionPeriodSeconds),
    });

    this.intakeQueue = new sqs.Queue(this, 'IntakeQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(intakeQueue.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(intakeQueue.retentionPeriodSeconds),
      receiveMessageWaitTime: Duration.seconds(intakeQueue.receiveWaitTimeSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: intakeQueue.maxReceiveCount },
    });

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
  }
}
