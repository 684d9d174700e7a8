import path from 'node:path';
import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { PackId } from '../shared/jurisdictions/pack.ts';
import { repositoryRoot, TinbaoFunction } from './constructs/tinbao-function.ts';
import { WebConsole } from './constructs/web-console.ts';
import {
  alarmThresholds,
  apiRoutes,
  classifierEventSource,
  environmentNames,
  sharedSettings,
  smsAwsEventSource,
  tipTable,
  type FunctionName,
} from './definitions.ts';

/** The stateful resources the code runs against, handed over from the stateful stack. */
export interface StatelessStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`; reaches the functions as `STAGE`. */
  readonly stage: string;
  /** The jurisdiction pack the deployment routes to; reaches the functions as `JURISDICTION_PACK`. */
  readonly pack: PackId;
  readonly table: dynamodb.ITable;
  /** Powertools idempotency records of the SMS functions. */
  readonly idempotencyTable: dynamodb.ITable;
  readonly intakeQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Inbound SMS from AWS End User Messaging (through its SNS topic); consumed by smsAws. */
  readonly smsInboundQueue: sqs.IQueue;
  readonly smsInboundDeadLetterQueue: sqs.IQueue;
  /** The key that encrypts the tables, the queues and the secrets. */
  readonly key: kms.IKey;
  /** Seals tipsters' phone numbers; the SMS functions may only encrypt with it. */
  readonly phoneKey: kms.IKey;
  /** The HMAC key for hashing tipster secrets. */
  readonly trackingPepper: secretsmanager.ISecret;
  /** Signs the generic SMS gateway webhook. */
  readonly smsGatewaySecret: secretsmanager.ISecret;
  /** Twilio's auth token, for X-Twilio-Signature. */
  readonly twilioAuthToken: secretsmanager.ISecret;
  /** The gateway's outbound API for replies (context `smsGatewayOutboundUrl`); no variable when unset. */
  readonly smsGatewayOutboundUrl?: string | undefined;
  /**
   * The End User Messaging phone number, pool or sender ID that sends replies (context
   * `smsOriginationIdentity`). When it is an ARN, smsAws may send from that identity only.
   */
  readonly smsOriginationIdentity?: string | undefined;
  /** The Twilio account and number officers' replies to Twilio tipsters come from (context); none when unset. */
  readonly twilioAccountSid?: string | undefined;
  readonly twilioFromNumber?: string | undefined;
  /** The officers' user pool: the JWT authorizer's issuer, and the directory the officers function reads. */
  readonly userPool: cognito.IUserPool;
  /** The pool's hosted sign-in domain, where the console signs officers in. */
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** The static pages and console to deploy; defaults to the repository's `web/`. */
  readonly webDirectory?: string | undefined;
  /** A tile provider's MapLibre style for the console's map (context `mapStyleUrl`); none draws the units alone. */
  readonly mapStyleUrl?: string | undefined;
}

/**
 * Throttling of the public API's default stage, per route. Far above the city's real tip volume
 * (a handful per minute) and low enough that a flood cannot run up the Lambda and KMS bills.
 */
export const apiThrottle = { rateLimit: 20, burstLimit: 40 } as const satisfies apigwv2.ThrottleSettings;

/** Kept for the tests' imports: the variable the officers function reads its user pool from. */
export const userPoolIdVariable = environmentNames.userPoolId;

/** The functions that take tips by SMS. */
export const smsFunctionNames = ['smsGateway', 'smsTwilio', 'smsAws'] as const satisfies readonly FunctionName[];

/**
 * What the SMS functions do on the tips table: read and write the sender's conversation state
 * (follow-up window, hourly count) and reserve or release tracking codes. No Query, Scan or Update.
 */
const smsTableActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] as const;

/**
 * The DynamoDB actions each function may call on the tips table, and nothing else.
 * TransactWriteItems is authorised per item: Put needs PutItem, Update needs UpdateItem,
 * ConditionCheck needs ConditionCheckItem.
 * - intake only reserves and releases tracking codes (the tip itself travels on the queue);
 * - status reads a tip and its public messages (Query on the tip's partition), counts a tracking
 *   code's messages (UpdateItem on `RATE#…` counters), and writes a tipster's message in a
 *   transaction (Put of the event, ConditionCheck that the tip exists);
 * - the classifier reads a unit's register counter, then in one transaction advances it (Update)
 *   and stores the tip and its first event (Put);
 * - officers read tips and their trail (GetItem, Query; the queue indexes are granted separately)
 *   and change a tip with its audit event in one transaction (Put, ConditionCheck); never Update,
 *   Delete or Scan.
 */
export const tableActions = {
  intake: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
  status: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
  classifier: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
  smsGateway: smsTableActions,
  smsTwilio: smsTableActions,
  smsAws: smsTableActions,
  officers: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
} as const satisfies Record<FunctionName, readonly string[]>;

/** The indexes officers query: a unit's queue by status and urgency, and the tips one officer holds. */
export const officerIndexNames = tipTable.globalSecondaryIndexes.map((index) => index.indexName);

/** What the officers function asks Cognito about a colleague before assigning a tip (functions/adapters/officer-directory.ts). */
export const officerDirectoryActions = ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsersInGroup'] as const;

/** The console's only OAuth scope. The API reads an officer's groups from the access token, which needs no other scope. */
const consoleOAuthScopes = [cognito.OAuthScope.OPENID] as const;

/** How long officers' tokens last. Access tokens as long as the local identity provider's (a drift test compares). */
export const officerTokenValidity = { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenHours: 12 } as const;

/** What Powertools idempotency calls on its table (get, conditional put, update on completion, delete on failure). */
export const idempotencyTableActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/** Why the public, anonymous routes have no authorizer. */
const anonymousByDesign =
  'Tip intake and tip status are public and anonymous by design: tipsters have no accounts, and any identity ' +
  'would undermine anonymity. Status checks and tipster messages are authorised in the handler by tracking code plus ' +
  'secret; abuse is limited by stage throttling, the request body limit and a per-code message limit.';

/**
 * Why each route without `auth: 'officer'` has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4).
 * A new public route needs an entry here, so deciding how it is authenticated cannot be skipped.
 */
const routeAuthentication: Partial<Record<FunctionName, string>> = {
  intake: anonymousByDesign,
  status: anonymousByDesign,
  smsGateway:
    'The SMS gateway webhook is called by the gateway, not by a user, and HTTP API authorizers cannot verify a body ' +
    'signature: the handler authenticates every request by its HMAC signature over the body, keyed with the gateway ' +
    'secret from Secrets Manager, and refuses unsigned or stale requests.',
  smsTwilio:
    'The Twilio webhook is called by Twilio, not by a user, and HTTP API authorizers cannot verify a body signature: ' +
    "the handler authenticates every request by its X-Twilio-Signature (HMAC of URL and form fields with the account's " +
    'auth token from Secrets Manager) and refuses requests that do not verify.',
};

/**
 * Intake may touch only tracking-code and form-token items: partition keys `CODE#<code>` and
 * `FORM#<hash>` (functions/adapters/dynamo-tip-store.ts, dynamo-submission-ledger.ts).
 */
export const intakeLeadingKeys = ['CODE#*', 'FORM#*'] as const;

/** The routes called by SMS providers, not browsers: they stay on the API's own URL, the one the providers sign. */
export const webhookFunctionNames = ['smsGateway', 'smsTwilio'] as const satisfies readonly FunctionName[];

/**
 * The CloudFront path patterns that reach the API: the first segment of every browser route
 * (`/tips`, `/tips/*`, `/queue`, `/queue/*`), so the pages, their forms and the console call the
 * API on their own origin, as in the local stack. No file under web/ may live under them.
 */
export const apiPathPatterns: readonly string[] = [
  ...new Set(
    apiRoutes
      .filter((route) => !(webhookFunctionNames as readonly FunctionName[]).includes(route.function))
      .flatMap((route) => {
        const first = `/${route.path.split('/')[1] ?? ''}`;
        return [first, `${first}/*`];
      }),
  ),
];

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

/** The End User Messaging resource types smsAws and officers may send from when no origination identity ARN is configured. */
export const originationWildcards = ['phone-number', 'pool'] as const;

/**
 * The code and its front doors: the functions, the HTTP API with the officers' JWT authorizer, the
 * queue consumers, the alarms, and the CloudFront site (citizen pages, officer console and the
 * API's browser routes on one origin) with the console's Cognito app client. Everything here can
 * be destroyed and redeployed without losing a tip; officers would sign in again (new client id)
 * at a new *.cloudfront.net address.
 */
export class StatelessStack extends Stack {
  public readonly functions: Readonly<Record<FunctionName, TinbaoFunction>>;
  public readonly httpApi: apigwv2.HttpApi;
  public readonly apiStage: apigwv2.HttpStage;
  /** Checks officers' access tokens before any officer route reaches its function. */
  public readonly officerAuthorizer: HttpJwtAuthorizer;
  /** The officer console's app client: public (no secret), authorization code grant with PKCE. */
  public readonly consoleClient: cognito.UserPoolClient;
  /** The static citizen pages and the officer console on CloudFront. */
  public readonly web: WebConsole;
  /** Alarms publish here; subscribe the duty team's address or pager to it. */
  public readonly alarmTopic: sns.Topic;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly oldestMessageAlarm: cloudwatch.Alarm;
  public readonly smsDeadLetterAlarm: cloudwatch.Alarm;
  public readonly smsOldestMessageAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue): CloudFormation refuses to delete or replace a stateful
    // resource while this stack still uses it. Removing one takes the BOTH-then-WEAK migration that
    // the aws-cdk-lib README ("Resolving the deadly embrace") describes.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, idempotencyTable, intakeQueue, deadLetterQueue, smsInboundQueue, smsInboundDeadLetterQueue, key, phoneKey } = props;
    const { trackingPepper, smsGatewaySecret, twilioAuthToken, smsGatewayOutboundUrl, smsOriginationIdentity, twilioAccountSid, twilioFromNumber, userPool, userPoolDomain } =
      props;

    // HTTP API -------------------------------------------------------------------------------
    // Made first: the distribution sends the browser routes to it. Its routes are added below, once the functions exist.
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `tinbao-${props.stage}`,
      description: `tinbao ${props.stage}: public tip intake and tip status, the signed SMS provider webhooks, and the officers' API`,
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

    // Web pages, console and the console's app client ----------------------------------------
    // The client names the distribution's URLs, and the officers function and the authorizer name
    // the client, so all three are here; the pool itself is stateful (see docs/decisions/0002).
    const signInOrigin = userPoolDomain.baseUrl();
    this.web = new WebConsole(this, 'Web', {
      stage: props.stage,
      apiDomainName: `${this.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      apiPathPatterns,
      signInOrigin,
      pack: props.pack,
      webDirectory: props.webDirectory ?? path.join(repositoryRoot, 'web'),
      mapStyleUrl: props.mapStyleUrl,
    });
    this.consoleClient = new cognito.UserPoolClient(this, 'ConsoleClient', {
      userPool,
      userPoolClientName: `tinbao-${props.stage}-console`,
      // A browser app cannot keep a secret: a public client, which Cognito makes use PKCE with the code grant.
      generateSecret: false,
      // Only the hosted sign-in (which enforces TOTP) issues tokens; no password flows from the browser.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [...consoleOAuthScopes],
        callbackUrls: [this.web.consoleUrl],
        logoutUrls: [this.web.consoleUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(officerTokenValidity.accessTokenMinutes),
      idTokenValidity: Duration.minutes(officerTokenValidity.idTokenMinutes),
      refreshTokenValidity: Duration.hours(officerTokenValidity.refreshTokenHours),
    });
    // Cognito's issuer for the pool's tokens (functions/adapters/officer-auth.ts officerIssuerForCognito).
    const officerIssuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${userPool.userPoolId}`;

    // Functions ------------------------------------------------------------------------------
    const common = { [environmentNames.tableName]: table.tableName, ...sharedSettings, [environmentNames.jurisdictionPack]: props.pack, STAGE: props.stage };
    const pepper = { [environmentNames.trackingPepperSecretArn]: trackingPepper.secretArn };
    const queueUrl = { [environmentNames.intakeQueueUrl]: intakeQueue.queueUrl };
    const sms = {
      ...common,
      ...pepper,
      ...queueUrl,
      [environmentNames.idempotencyTableName]: idempotencyTable.tableName,
      [environmentNames.phoneKeyArn]: phoneKey.keyArn,
    };
    const environments: Record<FunctionName, Record<string, string>> = {
      intake: { ...common, ...pepper, ...queueUrl },
      status: { ...common, ...pepper },
      classifier: { ...common },
      smsGateway: {
        ...sms,
        [environmentNames.smsGatewaySecretArn]: smsGatewaySecret.secretArn,
        ...(smsGatewayOutboundUrl !== undefined && { [environmentNames.smsGatewayOutboundUrl]: smsGatewayOutboundUrl }),
      },
      smsTwilio: { ...sms, [environmentNames.twilioAuthTokenSecretArn]: twilioAuthToken.secretArn },
      smsAws: {
        ...sms,
        ...(smsOriginationIdentity !== undefined && { [environmentNames.smsOriginationIdentity]: smsOriginationIdentity }),
      },
      // The reply path: opens a sealed number and sends the officer's message through the provider the tipster used.
      officers: {
        ...common,
        [environmentNames.officerJwtIssuer]: officerIssuer,
        [environmentNames.officerClientId]: this.consoleClient.userPoolClientId,
        [userPoolIdVariable]: userPool.userPoolId,
        [environmentNames.phoneKeyArn]: phoneKey.keyArn,
        [environmentNames.smsGatewaySecretArn]: smsGatewaySecret.secretArn,
        [environmentNames.twilioAuthTokenSecretArn]: twilioAuthToken.secretArn,
        ...(smsGatewayOutboundUrl !== undefined && { [environmentNames.smsGatewayOutboundUrl]: smsGatewayOutboundUrl }),
        ...(smsOriginationIdentity !== undefined && { [environmentNames.smsOriginationIdentity]: smsOriginationIdentity }),
        ...(twilioAccountSid !== undefined && { [environmentNames.twilioAccountSid]: twilioAccountSid }),
        ...(twilioFromNumber !== undefined && { [environmentNames.twilioFromNumber]: twilioFromNumber }),
      },
    };
    const make = (name: FunctionName): TinbaoFunction =>
      new TinbaoFunction(this, `${pascalCase(name)}Function`, { name, environment: environments[name] });
    this.functions = {
      intake: make('intake'),
      status: make('status'),
      classifier: make('classifier'),
      smsGateway: make('smsGateway'),
      smsTwilio: make('smsTwilio'),
      smsAws: make('smsAws'),
      officers: make('officers'),
    };
    const { intake, status, classifier, smsAws, officers } = this.functions;

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
      new iam.PolicyStatement({ sid: 'ReadTipsAndTakeTipsterMessages', actions: [...tableActions.status], resources: [table.tableArn] }),
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

    // SMS intake: the three SMS channels share one set of grants; the two webhooks also read their own channel secret.
    const channelSecrets: Record<(typeof smsFunctionNames)[number], iam.PolicyStatement | undefined> = {
      smsGateway: new iam.PolicyStatement({
        sid: 'ReadGatewaySecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [smsGatewaySecret.secretArn],
      }),
      smsTwilio: new iam.PolicyStatement({
        sid: 'ReadTwilioAuthToken',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [twilioAuthToken.secretArn],
      }),
      smsAws: undefined, // End User Messaging delivers through SNS and SQS: there is no signature to check.
    };
    for (const name of smsFunctionNames) {
      const role = this.functions[name].role;
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'KeepSmsConversations', actions: [...tableActions[name]], resources: [table.tableArn] }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'RecordIdempotency', actions: [...idempotencyTableActions], resources: [idempotencyTable.tableArn] }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'QueueTips', actions: ['sqs:SendMessage'], resources: [intakeQueue.queueArn] }),
      );
      role.addToPrincipalPolicy(readPepper);
      const channelSecret = channelSecrets[name];
      if (channelSecret) role.addToPrincipalPolicy(channelSecret);
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SealPhoneNumbers',
          // Encrypt only: reading a phone number back is for a reply path that does not exist yet.
          actions: ['kms:Encrypt'],
          resources: [phoneKey.keyArn],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'UseDataKey',
          // GenerateDataKey and Decrypt: SQS SSE-KMS on SendMessage. Decrypt: the secrets and both tables.
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [key.keyArn],
          conditions: viaServices('sqs', 'secretsmanager', 'dynamodb'),
        }),
      );
    }

    // The event source grants the consumer's SQS actions and kms:Decrypt for the encrypted queue.
    smsAws.function.addEventSource(
      new SqsEventSource(smsInboundQueue, {
        batchSize: smsAwsEventSource.batchSize,
        maxBatchingWindow: Duration.seconds(smsAwsEventSource.maxBatchingWindowSeconds),
        reportBatchItemFailures: smsAwsEventSource.reportBatchItemFailures,
      }),
    );
    // Replies go out through End User Messaging from the configured identity: that one ARN when the
    // context names an ARN, otherwise any phone number or pool of this account and region.
    const sendFrom = smsOriginationIdentity?.startsWith('arn:')
      ? [smsOriginationIdentity]
      : originationWildcards.map((resourceType) => `arn:${this.partition}:sms-voice:${this.region}:${this.account}:${resourceType}/*`);
    for (const sender of [smsAws, officers]) {
      sender.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReplyBySms', actions: ['sms-voice:SendTextMessage'], resources: sendFrom }));
      if (smsOriginationIdentity?.startsWith('arn:')) continue;
      for (const resourceType of originationWildcards) {
        Validations.of(sender.role.node.findChild('DefaultPolicy')).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:${resourceType}/*]`,
          reason:
            'No origination identity ARN is configured (context smsOriginationIdentity is unset or an ID), so replies may ' +
            `go out from any End User Messaging ${resourceType} of this account and region, for sms-voice:SendTextMessage ` +
            'only. Set smsOriginationIdentity to the phone number or pool ARN to narrow it to that one resource.',
        });
      }
    }

    // Officers: work tips, open a sealed number only to reply to its tipster, and look up colleagues.
    officers.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'WorkTips', actions: [...tableActions.officers], resources: [table.tableArn] }),
    );
    officers.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadQueues',
        actions: ['dynamodb:Query'],
        resources: officerIndexNames.map((indexName) => `${table.tableArn}/index/${indexName}`),
      }),
    );
    officers.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'OpenSealedNumbers',
        // The one function that may decrypt with the phone key: it calls KMS itself, so no kms:ViaService.
        actions: ['kms:Decrypt'],
        resources: [phoneKey.keyArn],
      }),
    );
    officers.role.addToPrincipalPolicy(
      // Replies go out through the provider the tipster used: the gateway's secret signs them, Twilio's token authenticates them.
      new iam.PolicyStatement({ sid: 'ReadChannelSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [smsGatewaySecret.secretArn, twilioAuthToken.secretArn] }),
    );
    officers.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'FindOfficers', actions: [...officerDirectoryActions], resources: [userPool.userPoolArn] }),
    );
    officers.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        // Decrypt: the gateway secret and the table.
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: viaServices('secretsmanager', 'dynamodb'),
      }),
    );

    // Routes ---------------------------------------------------------------------------------
    // API Gateway checks officers' access tokens (signature, issuer, expiry, client) before the
    // function runs; the function checks them again and authorises each action by the groups.
    this.officerAuthorizer = new HttpJwtAuthorizer('OfficerAuthorizer', officerIssuer, {
      authorizerName: 'officers',
      identitySource: ['$request.header.Authorization'],
      // Access tokens have no aud: API Gateway then compares their client_id with this list.
      jwtAudience: [this.consoleClient.userPoolClientId],
    });
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of apiRoutes) {
      const integration =
        integrations.get(route.function) ??
        new HttpLambdaIntegration(`${pascalCase(route.function)}Integration`, this.functions[route.function].function);
      integrations.set(route.function, integration);
      const methods = [apigwv2.HttpMethod[route.method]];
      if (route.auth === 'officer') {
        this.httpApi.addRoutes({ path: route.path, methods, integration, authorizer: this.officerAuthorizer });
        continue;
      }
      const reason = routeAuthentication[route.function];
      if (!reason) throw new Error(`Route ${route.method} ${route.path} (${route.function}) has no authentication decision in routeAuthentication`);
      for (const httpRoute of this.httpApi.addRoutes({ path: route.path, methods, integration })) {
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      }
    }

    // The console's settings, next to it (web/console/app.js reads /config.json): the API on the
    // pages' own origin, and the hosted sign-in with the app client and its registered URLs.
    this.web.deploy({
      apiUrl: this.web.url,
      region: this.region,
      auth: {
        type: 'cognito',
        domain: signInOrigin,
        clientId: this.consoleClient.userPoolClientId,
        scope: consoleOAuthScopes.map((scope) => scope.scopeName).join(' '),
        redirectUri: this.web.consoleUrl,
        logoutUri: this.web.consoleUrl,
      },
    });

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
    this.smsDeadLetterAlarm = new cloudwatch.Alarm(this, 'SmsDeadLetterQueueAlarm', {
      alarmDescription:
        'An inbound SMS from AWS End User Messaging could not be taken in and is parked in the SMS dead-letter queue: a person must look at it and redrive it.',
      metric: smsInboundDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: alarmThresholds.deadLetterMessages,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.smsOldestMessageAlarm = new cloudwatch.Alarm(this, 'SmsInboundBacklogAlarm', {
      alarmDescription: 'Inbound SMS are waiting in the SMS inbound queue longer than expected: the smsAws function is failing or stuck.',
      metric: smsInboundQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: alarmThresholds.oldestMessageAgeSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLetterAlarm, this.oldestMessageAlarm, this.smsDeadLetterAlarm, this.smsOldestMessageAlarm]) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    new CfnOutput(this, 'ApiUrl', {
      description: "Base URL of the HTTP API: give it to the SMS providers (webhooks); browsers use WebUrl, which serves the API's browser routes",
      value: this.apiStage.url,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe the duty team to this topic', value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'WebUrl', { description: 'The citizen pages', value: `${this.web.url}/` });
    new CfnOutput(this, 'ConsoleUrl', { description: "The officers' console (sign-in with the user pool's hosted UI)", value: this.web.consoleUrl });
    new CfnOutput(this, 'ConsoleClientId', { description: "The console's app client in the officers' user pool", value: this.consoleClient.userPoolClientId });
  }
}
