import path from 'node:path';
import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { PackId } from '../shared/jurisdictions/pack.ts';
import { EdgeFirewallStack } from './constructs/edge-firewall.ts';
import { setEvidenceCors } from './constructs/evidence-cors.ts';
import { grantFunctionPermissions } from './constructs/function-permissions.ts';
import { addApiRoutes, apiPathPatterns, createHttpApi, officerAuthorizer } from './constructs/http-api.ts';
import { sharpBundling } from './constructs/native-bundling.ts';
import { addQueueAlarms } from './constructs/queue-alarms.ts';
import { consumeQueue } from './constructs/queue-consumer.ts';
import { consumeTableStream } from './constructs/stream-consumer.ts';
import { repositoryRoot, TinbaoFunction } from './constructs/tinbao-function.ts';
import { WebConsole } from './constructs/web-console.ts';
import { classifierEventSource, environmentNames, scanEventSource, sharedSettings, smsAwsEventSource, tipStreamEventSource, type FunctionName } from './definitions.ts';

// The stack's parts live in infra/constructs/; what tests and other modules import stays importable from here.
export {
  evidenceBucketGrants,
  idempotencyTableActions,
  intakeLeadingKeys,
  intakeSlotLeadingKeys,
  officerDirectoryActions,
  officerIndexNames,
  originationWildcards,
  smsFunctionNames,
  tableActions,
} from './constructs/function-permissions.ts';
export { apiPathPatterns, apiThrottle, webhookFunctionNames } from './constructs/http-api.ts';

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
  /** The evidence bucket's notifications of uploads; consumed by the scan. */
  readonly attachmentScanQueue: sqs.IQueue;
  readonly attachmentScanDeadLetterQueue: sqs.IQueue;
  /** Urgent tips are published here (tipStream), for each unit's subscriptions. */
  readonly alertTopic: sns.ITopic;
  /** The table stream's event source sends the position of what it gave up on here. */
  readonly tipStreamFailureQueue: sqs.IQueue;
  /** Evidence files: intake presigns uploads into it, the scan reads and writes it, officers get links to clean copies. */
  readonly evidenceBucket: s3.IBucket;
  /** Seals originals and quarantined files; the scan may only encrypt with it. */
  readonly evidenceKey: kms.IKey;
  /**
   * The site's origin when the stateful stack already names it in the evidence bucket's CORS rule
   * (context `siteOrigin`); otherwise this stack sets the rule for its distribution's address.
   */
  readonly siteOrigin?: string | undefined;
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

/** Kept for the tests' imports: the variable the officers function reads its user pool from. */
export const userPoolIdVariable = environmentNames.userPoolId;

/** The console's only OAuth scope. The API reads an officer's groups from the access token, which needs no other scope. */
const consoleOAuthScopes = [cognito.OAuthScope.OPENID] as const;

/** How long officers' tokens last. Access tokens as long as the local identity provider's (a drift test compares). */
export const officerTokenValidity = { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenHours: 12 } as const;

const pascalCase = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The code and its front doors: the functions, the HTTP API with the officers' JWT authorizer, the
 * queue consumers (the scan with sharp for Lambda beside its bundle), the alarms, the evidence
 * bucket's CORS rule for the site's origin, and the CloudFront site (citizen pages, officer console and the
 * API's browser routes on one origin) with the console's Cognito app client, behind the web ACL of
 * its companion edge stack in us-east-1. Everything here can be destroyed and redeployed without
 * losing a tip; officers would sign in again (new client id) at a new *.cloudfront.net address.
 *
 * Its parts are built by the modules of infra/constructs/ in this stack's own scope, under the
 * construct ids they had when they were written here: a resource's logical ID is its identity, and
 * a new one would replace the API (and the URL the SMS providers call), the alarm topic (and its
 * subscriptions) or the functions' log groups. test/infra/logical-ids.test.ts holds them.
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
  /** The CloudFront web ACL in front of the distribution: a stack of its own in us-east-1, deployed first. */
  public readonly edge: EdgeFirewallStack;
  /** Alarms publish here; subscribe the duty team's address or pager to it. */
  public readonly alarmTopic: sns.Topic;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly oldestMessageAlarm: cloudwatch.Alarm;
  public readonly smsDeadLetterAlarm: cloudwatch.Alarm;
  public readonly smsOldestMessageAlarm: cloudwatch.Alarm;
  public readonly scanDeadLetterAlarm: cloudwatch.Alarm;
  public readonly scanOldestMessageAlarm: cloudwatch.Alarm;
  public readonly tipStreamFailureAlarm: cloudwatch.Alarm;
  /** Where the citizen form's script posts files: the evidence bucket's regional origin (the presigned POSTs' URL). */
  public readonly uploadOrigin: string;

  public constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue): CloudFormation refuses to delete or replace a stateful
    // resource while this stack still uses it. Removing one takes the BOTH-then-WEAK migration that
    // the aws-cdk-lib README ("Resolving the deadly embrace") describes.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, idempotencyTable, intakeQueue, smsInboundQueue, attachmentScanQueue, evidenceBucket, evidenceKey, phoneKey } = props;
    const { trackingPepper, smsGatewaySecret, twilioAuthToken, smsGatewayOutboundUrl, smsOriginationIdentity, twilioAccountSid, twilioFromNumber, userPool, userPoolDomain } =
      props;

    // HTTP API: made first, the distribution sends the browser routes to it. Its routes are added once the functions exist.
    const api = createHttpApi(this, { stage: props.stage });
    this.httpApi = api.httpApi;
    this.apiStage = api.stage;

    // The web ACL lives in us-east-1, as CloudFront requires: a companion stack of this one (the
    // way cloudfront.experimental.EdgeFunction makes one), deployed before it. Its ARN reaches the
    // distribution through Fn::GetStackOutput, which needs neither a custom resource nor a lookup.
    this.edge = new EdgeFirewallStack(scope, `Tinbao-${props.stage}-Edge`, {
      stage: props.stage,
      description: `tinbao ${props.stage}: the web ACL in front of the web distribution (CloudFront web ACLs live in us-east-1)`,
      ...(props.env?.account !== undefined && { env: { account: props.env.account } }),
    });
    this.addStackDependency(this.edge, "the web distribution is associated with the edge stack's web ACL");

    // Web pages, console and the console's app client ----------------------------------------
    // The client names the distribution's URLs, and the officers function and the authorizer name
    // the client, so all three are here; the pool itself is stateful (see docs/decisions/0002).
    const signInOrigin = userPoolDomain.baseUrl();
    // As functions/adapters/evidence-origin.ts names it for the pages the functions render.
    this.uploadOrigin = `https://${evidenceBucket.bucketName}.s3.${this.region}.${this.urlSuffix}`;
    this.web = new WebConsole(this, 'Web', {
      stage: props.stage,
      apiDomainName: `${this.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      apiPathPatterns,
      signInOrigin,
      pack: props.pack,
      uploadOrigins: [this.uploadOrigin],
      webDirectory: props.webDirectory ?? path.join(repositoryRoot, 'web'),
      mapStyleUrl: props.mapStyleUrl,
      webAclArn: this.edge.webAclArn(),
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
    const evidence = { [environmentNames.evidenceBucketName]: evidenceBucket.bucketName };
    const sms = {
      ...common,
      ...pepper,
      ...queueUrl,
      [environmentNames.idempotencyTableName]: idempotencyTable.tableName,
      [environmentNames.phoneKeyArn]: phoneKey.keyArn,
    };
    const environments: Record<FunctionName, Record<string, string>> = {
      intake: { ...common, ...pepper, ...queueUrl, ...evidence },
      status: { ...common, ...pepper },
      classifier: { ...common },
      smsGateway: {
        ...sms,
        [environmentNames.smsGatewaySecretArn]: smsGatewaySecret.secretArn,
        ...(smsGatewayOutboundUrl !== undefined && { [environmentNames.smsGatewayOutboundUrl]: smsGatewayOutboundUrl }),
      },
      // Twilio's MMS media: the webhook asks the scan, through its queue, to fetch each file into its slot.
      smsTwilio: { ...sms, [environmentNames.twilioAuthTokenSecretArn]: twilioAuthToken.secretArn, [environmentNames.attachmentScanQueueUrl]: attachmentScanQueue.queueUrl },
      smsAws: {
        ...sms,
        ...(smsOriginationIdentity !== undefined && { [environmentNames.smsOriginationIdentity]: smsOriginationIdentity }),
      },
      // The reply path: opens a sealed number and sends the officer's message through the provider the tipster used.
      officers: {
        ...common,
        ...evidence,
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
      scan: {
        ...common,
        ...evidence,
        [environmentNames.evidenceKeyArn]: evidenceKey.keyArn,
        // MMS media is fetched from Twilio with the account's credentials, when the deployment names the account.
        [environmentNames.twilioAuthTokenSecretArn]: twilioAuthToken.secretArn,
        ...(twilioAccountSid !== undefined && { [environmentNames.twilioAccountSid]: twilioAccountSid }),
      },
      // Alerts link to the tip in the console.
      tipStream: { ...common, [environmentNames.alertTopicArn]: props.alertTopic.topicArn, [environmentNames.consoleUrl]: this.web.consoleUrl },
    };
    // Only the scan ships a native package (sharp, built for Lambda's arm64) beside its bundle.
    const bundling: Partial<Record<FunctionName, typeof sharpBundling>> = { scan: sharpBundling };
    const make = (name: FunctionName): TinbaoFunction =>
      new TinbaoFunction(this, `${pascalCase(name)}Function`, { name, environment: environments[name], bundling: bundling[name] });
    this.functions = {
      intake: make('intake'),
      status: make('status'),
      classifier: make('classifier'),
      smsGateway: make('smsGateway'),
      smsTwilio: make('smsTwilio'),
      smsAws: make('smsAws'),
      officers: make('officers'),
      scan: make('scan'),
      tipStream: make('tipStream'),
    };

    // Permissions (infra/constructs/function-permissions.ts) and the three queue consumers: the
    // classifier takes queued tips, smsAws the inbound SMS that End User Messaging sends through
    // SNS, the scan the evidence bucket's notifications of uploads.
    grantFunctionPermissions({ ...props, functions: this.functions });
    consumeQueue(this.functions.classifier, intakeQueue, classifierEventSource);
    consumeQueue(this.functions.smsAws, smsInboundQueue, smsAwsEventSource);
    consumeQueue(this.functions.scan, attachmentScanQueue, scanEventSource);
    // The tips' changes: urgent alerts and the statistics' counters.
    consumeTableStream(this.functions.tipStream, table, props.tipStreamFailureQueue, tipStreamEventSource);

    // Browsers may post files to the evidence bucket from the site's origin only. The stateful
    // stack names it when context gives it (siteOrigin); otherwise it is the distribution's, set here.
    if (props.siteOrigin === undefined) setEvidenceCors(this, { stage: props.stage, bucket: evidenceBucket, siteOrigin: this.web.url });

    // Routes ---------------------------------------------------------------------------------
    this.officerAuthorizer = officerAuthorizer(officerIssuer, this.consoleClient.userPoolClientId);
    addApiRoutes(this.httpApi, { functions: this.functions, authorizer: this.officerAuthorizer });

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
    const alarms = addQueueAlarms(this, props);
    this.alarmTopic = alarms.topic;
    this.deadLetterAlarm = alarms.deadLetterAlarm;
    this.oldestMessageAlarm = alarms.oldestMessageAlarm;
    this.smsDeadLetterAlarm = alarms.smsDeadLetterAlarm;
    this.smsOldestMessageAlarm = alarms.smsOldestMessageAlarm;
    this.scanDeadLetterAlarm = alarms.scanDeadLetterAlarm;
    this.scanOldestMessageAlarm = alarms.scanOldestMessageAlarm;
    this.tipStreamFailureAlarm = alarms.tipStreamFailureAlarm;

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
