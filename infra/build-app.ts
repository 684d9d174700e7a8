import { App, Tags, Validations } from 'aws-cdk-lib';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY, VALIDATE_AGAINST_DEFAULT_RULES } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defaultPackId, isPackId, jurisdiction, packIds } from '../shared/jurisdictions/index.ts';
import { siteOriginOf } from './constructs/evidence-storage.ts';
import { alertSubscriptionsFrom } from './constructs/urgent-alerts.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface BuildAppOptions {
  /** Deployment stage; defaults to the `stage` context value (cdk.json sets `dev`), then `dev`. */
  readonly stage?: string;
  /** Where the cloud assembly goes; defaults to the CLI's CDK_OUTDIR or a temporary directory. */
  readonly outdir?: string;
  /**
   * Run cdk-nag's AwsSolutions checks when the app synthesizes; an unacknowledged finding fails the
   * synth (default true). Tests of resource properties turn it off so that a finding is reported once,
   * by the cdk-nag test, instead of as a synth error in every test file.
   */
  readonly nagChecks?: boolean;
  /**
   * Context values, as `-c key=value` would set them (tests use this; the CLI and cdk.json take precedence).
   * Read here: `stage`, `pack`, `smsGatewayOutboundUrl`, `smsOriginationIdentity`, `twilioAccountSid`, `twilioFromNumber`, `cognitoDomainPrefix`, `mapStyleUrl`, `siteOrigin`.
   */
  readonly context?: Readonly<Record<string, unknown>>;
  /** The static pages and console to deploy; defaults to the repository's `web/` (tests use a folder of their own). */
  readonly webDirectory?: string;
}

export interface TinbaoApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Stage names end up in stack, alias, API and bucket names: keep them short and plain. At most 19
 * characters, so that the evidence bucket's name (`tinbao-<stage>-evidence-<account>-<region>`)
 * fits S3's 63 in the regions with the longest names (14 characters, ap-southeast-1).
 */
const stagePattern = /^[a-z][a-z0-9-]{0,18}$/;

/**
 * Feature flags the app always runs with, whatever cdk.json or `-c` say.
 * - restrictSqsDescryption: the key policy statement SqsSubscription adds for sns.amazonaws.com is
 *   limited to the inbound SMS topic (aws:SourceArn) instead of letting any topic use the data key.
 * - validateAgainstDefaultRules: the CDK's built-in CloudFormation validation (circular dependencies,
 *   invalid references) fails the synth instead of printing a warning that a deploy would then hit.
 * - serverAccessLogsUseBucketPolicy: S3 server access logs reach the web log bucket through its bucket
 *   policy (logging.s3.amazonaws.com, this account's site bucket only) instead of a legacy ACL, so the
 *   log bucket can keep ACLs disabled (BucketOwnerEnforced).
 */
export const featureFlags = {
  [SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY]: true,
  [VALIDATE_AGAINST_DEFAULT_RULES]: true,
  [S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY]: true,
} as const;

/** An optional string context value; unset and empty both mean "not configured". */
function optionalContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context value ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** The gateway's outbound API must be an absolute https URL: replies carry tipsters' phone numbers. */
function outboundUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Context value smsGatewayOutboundUrl is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:') throw new Error(`Context value smsGatewayOutboundUrl must use https: ${JSON.stringify(value)}`);
  return value;
}

/** A Twilio account SID: `AC` and 32 hex digits. */
function twilioAccountSid(value: string | undefined): string | undefined {
  if (value !== undefined && !/^AC[0-9a-f]{32}$/.test(value)) throw new Error(`Context value twilioAccountSid is not a Twilio account SID: ${JSON.stringify(value)}`);
  return value;
}

/** The Twilio number replies come from, in E.164. */
function twilioFromNumber(value: string | undefined): string | undefined {
  if (value !== undefined && !/^\+[1-9]\d{6,14}$/.test(value)) throw new Error(`Context value twilioFromNumber must be an E.164 number: ${JSON.stringify(value)}`);
  return value;
}

/** An origination identity is an End User Messaging ARN, or an ID or number that SendTextMessage accepts. */
function originationIdentity(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.startsWith('arn:') && !/^arn:[^:]+:sms-voice:[^:]+:\d{12}:(phone-number|pool|sender-id)\/\S+$/.test(value)) {
    throw new Error(`Context value smsOriginationIdentity is an ARN but not an End User Messaging SMS resource: ${JSON.stringify(value)}`);
  }
  if (/\s/.test(value)) throw new Error(`Context value smsOriginationIdentity contains white space: ${JSON.stringify(value)}`);
  return value;
}

/**
 * Builds the tinbao CDK app: a stateful stack (keys, tables, queues, inbound SMS topic, secrets,
 * officers' user pool) and a stateless stack (functions, API, alarms, web pages and console) linked
 * by typed props. The stacks are environment-agnostic and make no context lookups, so synth works
 * offline; the optional settings are plain context values (`-c pack=hcmc-2021` for the old map,
 * `-c smsGatewayOutboundUrl=https://…`,
 * `-c smsOriginationIdentity=<phone number or pool ID or ARN>`, `-c cognitoDomainPrefix=…` when
 * `tinbao-<stage>` is taken in the region, `-c mapStyleUrl=https://…` for the console's base map,
 * `-c siteOrigin=https://…` when the citizen pages are served from an address known before the
 * deploy: the evidence bucket's CORS rule names it in the stateful stack; without it the stateless
 * stack sets the rule for its distribution's address once that exists).
 */
export function buildApp(options: BuildAppOptions = {}): TinbaoApp {
  const app = new App({ outdir: options.outdir, context: { ...options.context }, postCliContext: featureFlags });
  const stage: unknown = options.stage ?? app.node.tryGetContext('stage') ?? 'dev';
  if (typeof stage !== 'string' || !stagePattern.test(stage)) {
    throw new Error(`Invalid stage ${JSON.stringify(stage)}: expected ${String(stagePattern)}`);
  }
  Tags.of(app).add('project', 'tinbao');
  Tags.of(app).add('stage', stage);
  const pack = optionalContext(app, 'pack') ?? defaultPackId;
  if (!isPackId(pack)) throw new Error(`Context value pack must be one of ${packIds.join(', ')}, got ${JSON.stringify(pack)}`);

  const siteOriginValue = optionalContext(app, 'siteOrigin');
  const siteOrigin = siteOriginValue === undefined ? undefined : siteOriginOf(siteOriginValue);

  const stateful = new StatefulStack(app, `Tinbao-${stage}-Stateful`, {
    stage,
    siteOrigin,
    description: `tinbao ${stage}: data (tables, queues and DLQs, inbound SMS topic, evidence bucket, encryption keys, secrets, officers' user pool)`,
    cognitoDomainPrefix: optionalContext(app, 'cognitoDomainPrefix'),
    pack,
    alertSubscriptions: alertSubscriptionsFrom(app.node.tryGetContext('alertSubscriptions'), jurisdiction(pack).queueCodes),
  });
  const stateless = new StatelessStack(app, `Tinbao-${stage}-Stateless`, {
    stage,
    pack,
    description: `tinbao ${stage}: code (HTTP API, functions, alarms, web pages and officer console)`,
    table: stateful.table,
    idempotencyTable: stateful.idempotencyTable,
    intakeQueue: stateful.intakeQueue,
    deadLetterQueue: stateful.deadLetterQueue,
    smsInboundQueue: stateful.smsInboundQueue,
    smsInboundDeadLetterQueue: stateful.smsInboundDeadLetterQueue,
    attachmentScanQueue: stateful.attachmentScanQueue,
    attachmentScanDeadLetterQueue: stateful.attachmentScanDeadLetterQueue,
    alertTopic: stateful.alertTopic,
    tipStreamFailureQueue: stateful.tipStreamFailureQueue,
    evidenceBucket: stateful.evidenceBucket,
    evidenceKey: stateful.evidenceKey,
    siteOrigin,
    key: stateful.key,
    phoneKey: stateful.phoneKey,
    trackingPepper: stateful.trackingPepper,
    smsGatewaySecret: stateful.smsGatewaySecret,
    twilioAuthToken: stateful.twilioAuthToken,
    smsGatewayOutboundUrl: outboundUrl(optionalContext(app, 'smsGatewayOutboundUrl')),
    smsOriginationIdentity: originationIdentity(optionalContext(app, 'smsOriginationIdentity')),
    twilioAccountSid: twilioAccountSid(optionalContext(app, 'twilioAccountSid')),
    twilioFromNumber: twilioFromNumber(optionalContext(app, 'twilioFromNumber')),
    mapStyleUrl: optionalContext(app, 'mapStyleUrl'),
    userPool: stateful.officerPool.userPool,
    userPoolDomain: stateful.officerPool.domain,
    webDirectory: options.webDirectory,
  });

  if (options.nagChecks ?? true) {
    // cdk-nag 3 runs as a CDK validation plugin (it replaced the v2 Aspect).
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, stateful, stateless };
}
