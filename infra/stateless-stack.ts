import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TinbaoFunction } from './constructs/tinbao-function.ts';
import {
  alarmThresholds,
  apiRoutes,
  classifierEventSource,
  environmentNames,
  sharedSettings,
  type FunctionName,
} from './definitions.ts';

/** The stateful resources the code runs against, handed over from the stateful stack. */
export interface StatelessStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`; reaches the functions as `STAGE`. */
  readonly stage: string;
  readonly table: dynamodb.ITable;
  readonly intakeQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** The key that encrypts the table, the queues and the pepper secret. */
  readonly key: kms.IKey;
  /** The HMAC key for hashing tipster secrets. */
  readonly trackingPepper: secretsmanager.ISecret;
}

/**
 * Throttling of the public API's default stage, per route. Far above the city's real tip volume
 * (a handful per minute) and low enough that a flood cannot run up the Lambda and KMS bills.
 */
export const apiThrottle = { rateLimit: 20, burstLimit: 40 } as const satisfies apigwv2.ThrottleSettings;

/**
 * The DynamoDB actions each function may call on the tips table, and nothing else.
 * Intake only reserves and releases tracking codes (the tip itself travels on the queue);
 * status only reads; the classifier stores the tip and its first event in one transaction
 * (TransactWriteItems is authorised per item: Put needs PutItem, ConditionCheck needs ConditionCheckItem).
 */
export const tableActions = {
  intake: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
  status: ['dynamodb:GetItem'],
  classifier: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:ConditionCheckItem'],
} as const satisfies Record<FunctionName, readonly string[]>;

/** Intake may write only tracking-code items: partition keys `CODE#<code>` (see functions/adapters/dynamo-tip-store.ts). */
export const intakeLeadingKeys = ['CODE#*'] as const;

/**
 * Access log fields. Deliberately no source IP, user agent or caller identity: the log must not
 * be able to identify a tipster, and it is kept for months.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

const pascalCase = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The code and its front door: the three functions, the HTTP API, the queue consumer, and the
 * alarms. Everything here can be destroyed and redeployed without losing a tip.
 */
export class StatelessStack extends Stack {
  public readonly functions: Readonly<Record<FunctionName, TinbaoFunction>>;
  public readonly httpApi: apigwv2.HttpApi;
  public readonly apiStage: apigwv2.HttpStage;
  /** Alarms publish here; subscribe the duty team's address or pager to it. */
  public readonly alarmTopic: sns.Topic;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly oldestMessageAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue): CloudFormation refuses to delete or replace a stateful
    // resource while this stack still uses it. Removing one takes the BOTH-then-WEAK migration that
    // the aws-cdk-lib README ("Resolving the deadly embrace") describes.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, intakeQueue, deadLetterQueue, key, trackingPepper } = props;

    // Functions ------------------------------------------------------------------------------
    const common = { [environmentNames.tableName]: table.tableName, ...sharedSettings, STAGE: props.stage };
    const pepper = { [environmentNames.trackingPepperSecretArn]: trackingPepper.secretArn };
    const environments: Record<FunctionName, Record<string, string>> = {
      intake: { ...common, ...pepper, [environmentNames.intakeQueueUrl]: intakeQueue.queueUrl },
      status: { ...common, ...pepper },
      classifier: { ...common },
    };
    const make = (name: FunctionName): TinbaoFunction =>
      new TinbaoFunction(this, `${pascalCase(name)}Function`, { name, environment: environments[name] });
    this.functions = { intake: make('intake'), status: make('status'), classifier: make('classifier') };
    const { intake, status, classifier } = this.functions;

    // Permissions: every grant is spelled out so each role holds exactly what its handler calls.
    /** KMS use only on the data key, and only when a named service calls KMS on the function's behalf. */
    const viaServices = (...services: string[]) => ({
      StringEquals: { 'kms:ViaService': services.map((service) => `${service}.${this.region}.amazonaws.com`) },
    });
    const readPepper = new iam.PolicyStatement({
      sid: 'ReadTrackingPepper',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [trackingPepper.secretArn],
    });

    intake.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReserveAndReleaseTrackingCodes',
        actions: [...tableActions.intake],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...intakeLeadingKeys] } },
      }),
    );
    intake.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'QueueTips', actions: ['sqs:SendMessage'], resources: [intakeQueue.queueArn] }),
    );
    intake.role.addToPrincipalPolicy(readPepper);
    intake.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        // GenerateDataKey and Decrypt: SQS SSE-KMS on SendMessage. Decrypt: the pepper secret and the table.
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: viaServices('sqs', 'secretsmanager', 'dynamodb'),
      }),
    );

    status.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadTipsAndCodes', actions: [...tableActions.status], resources: [table.tableArn] }),
    );
    status.role.addToPrincipalPolicy(readPepper);
    status.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: viaServices('secretsmanager', 'dynamodb'),
      }),
    );

    classifier.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'StoreClassifiedTips', actions: [...tableActions.classifier], resources: [table.tableArn] }),
    );
    classifier.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: viaServices('dynamodb'),
      }),
    );
    // The event source grants the consumer's SQS actions and kms:Decrypt for the encrypted queue.
    classifier.function.addEventSource(
      new SqsEventSource(intakeQueue, {
        batchSize: classifierEventSource.batchSize,
        maxBatchingWindow: Duration.seconds(classifierEventSource.maxBatchingWindowSeconds),
        reportBatchItemFailures: classifierEventSource.reportBatchItemFailures,
      }),
    );

    // HTTP API -------------------------------------------------------------------------------
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `tinbao-${props.stage}`,
      description: `tinbao ${props.stage}: public tip intake and tip status`,
      // The default stage is made below, with access logging and throttling.
      createDefaultStage: false,
    });
    this.apiStage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of apiRoutes) {
      const integration =
        integrations.get(route.function) ??
        new HttpLambdaIntegration(`${pascalCase(route.function)}Integration`, this.functions[route.function].function);
      integrations.set(route.function, integration);
      for (const httpRoute of this.httpApi.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration })) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Tip intake and tip status are public and anonymous by design: tipsters have no accounts, and any identity ' +
            'would undermine anonymity. Status checks are authorised in the handler by tracking code plus secret; abuse is ' +
            'limited by stage throttling and the request body limit.',
        });
      }
    }

    // Alarms ---------------------------------------------------------------------------------
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `tinbao ${props.stage} alarms`,
      // A customer managed key, because CloudWatch cannot publish to a topic under alias/aws/sns.
      masterKey: key,
      enforceSSL: true,
    });
    const notify = new SnsAction(this.alarmTopic);

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterQueueAlarm', {
      alarmDescription: 'A tip could not be classified and is parked in the dead-letter queue: a person must look at it and redrive it.',
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: alarmThresholds.deadLetterMessages,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.oldestMessageAlarm = new cloudwatch.Alarm(this, 'IntakeBacklogAlarm', {
      alarmDescription: 'Tips are waiting in the intake queue longer than expected: the classifier is failing or stuck.',
      metric: intakeQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: alarmThresholds.oldestMessageAgeSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLetterAlarm, this.oldestMessageAlarm]) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the public tip API', value: this.apiStage.url });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe the duty team to this topic', value: this.alarmTopic.topicArn });
  }
}
