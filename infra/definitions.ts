import { evidencePrefixes } from '../shared/attachments/attachment.ts';
import { evidenceRetentionDays } from '../shared/tip/retention.ts';

/**
 * The one definition of tinbao's resources that both the CDK app and the local stack
 * (`npm start`) build from. A test compares the synthesized CloudFormation with what the
 * local stack creates, so a change made here reaches both, and a change made elsewhere fails.
 */

/** Attribute types DynamoDB accepts for key attributes. */
export type KeyAttributeType = 'S' | 'N' | 'B';

/** A key attribute of the table or of an index. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** A global secondary index; every index projects all attributes so a page is one Query. */
export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

/** The single table that holds tips, tracking codes and events (see docs/architecture.md). */
export const tipTable = {
  logicalName: 'tips',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [
    {
      // One queue (a unit or the city desk) for one status, ordered by urgency rank, then receipt time.
      indexName: 'QueueIndex',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
    },
    {
      // Tips held by one officer; sparse, only assigned tips carry GSI2PK.
      indexName: 'AssigneeIndex',
      partitionKey: { name: 'GSI2PK', type: 'S' },
      sortKey: { name: 'GSI2SK', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  /**
   * Every change of an item, before and after, goes to the table's stream: the tipStream function
   * reads the tips' changes from it to alert officers and keep the commanders' figures.
   */
  streamViewType: 'NEW_AND_OLD_IMAGES',
} as const satisfies {
  logicalName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: readonly GlobalIndexDefinition[];
  timeToLiveAttribute: string;
  streamViewType: 'NEW_AND_OLD_IMAGES';
};

/** Lambda settings per function. Entry paths are relative to the repository root. */
export const functionDefinitions = {
  intake: { entry: 'functions/intake/handler.ts', timeoutSeconds: 10, memoryMiB: 512 },
  status: { entry: 'functions/status/handler.ts', timeoutSeconds: 10, memoryMiB: 512 },
  classifier: { entry: 'functions/classifier/handler.ts', timeoutSeconds: 30, memoryMiB: 1024 },
  /** Vietnamese SMS gateways calling the signed webhook. */
  smsGateway: { entry: 'functions/sms-gateway/handler.ts', timeoutSeconds: 10, memoryMiB: 512 },
  /** Twilio's form-encoded webhook, answered with TwiML. */
  smsTwilio: { entry: 'functions/sms-twilio/handler.ts', timeoutSeconds: 10, memoryMiB: 512 },
  /** AWS End User Messaging two-way SMS: SNS → SQS → this consumer; replies with SendTextMessage. */
  smsAws: { entry: 'functions/sms-aws/handler.ts', timeoutSeconds: 30, memoryMiB: 512 },
  /** The officers' API: queues, tip detail and every action on a tip, behind the JWT authorizer. */
  officers: { entry: 'functions/officers/handler.ts', timeoutSeconds: 10, memoryMiB: 1024 },
  /**
   * Evidence attachments: S3 notification → scan queue → this consumer, which reads the magic
   * bytes, strips metadata with sharp (native: its arm64 build ships beside the bundle) and
   * quarantines what it cannot trust. Memory for decoding a 25 MB photo.
   */
  scan: { entry: 'functions/scan/handler.ts', timeoutSeconds: 60, memoryMiB: 2048 },
  /**
   * The tips' changes from the table's stream: alerts a unit (or the desk) of each tip that became
   * urgent, through the alert topic, and keeps the statistics' counters.
   */
  tipStream: { entry: 'functions/tip-stream/handler.ts', timeoutSeconds: 30, memoryMiB: 512 },
} as const;

/** Names of the functions the app deploys. */
export type FunctionName = keyof typeof functionDefinitions;

/**
 * SQS retries a record this many times before the redrive policy parks it in the DLQ.
 * Five receives ride out a throttled table or a short outage without hiding a poison message for long.
 */
export const maxReceiveCount = 5;

/** Four days: long enough to span a weekend outage before a message is dead-lettered. */
const fourDaysSeconds = 4 * 24 * 60 * 60;
/** Fourteen days, the SQS maximum, so the duty team has time to inspect and redrive. */
const fourteenDaysSeconds = 14 * 24 * 60 * 60;

/** The queue between intake and classifier, and its dead-letter queue. */
export const intakeQueue = {
  logicalName: 'intake',
  // AWS asks for at least six times the consumer's timeout so a retried batch cannot overlap itself.
  visibilityTimeoutSeconds: 6 * functionDefinitions.classifier.timeoutSeconds,
  retentionPeriodSeconds: fourDaysSeconds,
  receiveWaitTimeSeconds: 20,
  maxReceiveCount,
  deadLetterQueue: {
    logicalName: 'intake-dlq',
    retentionPeriodSeconds: fourteenDaysSeconds,
  },
} as const;

/**
 * The queue that AWS End User Messaging's inbound SNS topic delivers to (raw message delivery),
 * and its dead-letter queue. Same retry policy as the intake queue.
 */
export const smsInboundQueue = {
  logicalName: 'sms-inbound',
  visibilityTimeoutSeconds: 6 * functionDefinitions.smsAws.timeoutSeconds,
  retentionPeriodSeconds: fourDaysSeconds,
  receiveWaitTimeSeconds: 20,
  maxReceiveCount,
  deadLetterQueue: {
    logicalName: 'sms-inbound-dlq',
    retentionPeriodSeconds: fourteenDaysSeconds,
  },
} as const;

/**
 * The queue the evidence bucket notifies of each upload under `incoming/`, and its DLQ: the scan
 * consumes it, so an upload whose scan fails is retried and then parked, never lost.
 */
export const attachmentScanQueue = {
  logicalName: 'attachment-scan',
  visibilityTimeoutSeconds: 6 * functionDefinitions.scan.timeoutSeconds,
  retentionPeriodSeconds: fourDaysSeconds,
  receiveWaitTimeSeconds: 20,
  maxReceiveCount,
  deadLetterQueue: {
    logicalName: 'attachment-scan-dlq',
    retentionPeriodSeconds: fourteenDaysSeconds,
  },
} as const;

/** How the scan reads its queue: few records per batch, each may be a 25 MB file. */
export const scanEventSource = {
  batchSize: 2,
  maxBatchingWindowSeconds: 1,
  reportBatchItemFailures: true,
} as const;

/** The SNS topic AWS End User Messaging publishes inbound SMS to. */
export const smsInboundTopic = { logicalName: 'sms-inbound', rawMessageDelivery: true } as const;

/** How the AWS SMS consumer reads its queue. */
export const smsAwsEventSource = {
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  reportBatchItemFailures: true,
} as const;

/**
 * Powertools idempotency records: one per provider message id, so a gateway that retries a
 * message creates one tip and sends one acknowledgement. Attribute names are Powertools' defaults.
 */
export const idempotencyTable = {
  logicalName: 'idempotency',
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
} as const satisfies { logicalName: string; partitionKey: KeyAttribute; timeToLiveAttribute: string };

/**
 * How tipStream reads the table's stream. Only tip items pass the filter (events, codes and
 * counters do not). A batch whose record fails is retried from that record (partial batch
 * responses), halved on each failure to find the record at fault, and after `retryAttempts` its
 * position goes to the failure queue: a stream keeps records 24 hours, a record is never lost in
 * silence. Records are handled in order, one after the other: a tip's changes arrive in order.
 */
export const tipStreamEventSource = {
  batchSize: 100,
  maxBatchingWindowSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  retryAttempts: 5,
  bisectBatchOnError: true,
  maxRecordAgeSeconds: 24 * 60 * 60,
  reportBatchItemFailures: true,
  /** Lambda's event filter: a record passes when its new image is a tip. */
  filterPattern: { dynamodb: { NewImage: { entity: { S: ['tip'] } } } },
} as const;

/**
 * Where the stream's event source sends what it gave up on: the batch's shard and sequence
 * numbers (not the records), for the duty team to read again from the stream (kept 24 hours).
 */
export const tipStreamFailureQueue = {
  logicalName: 'tip-stream-failures',
  retentionPeriodSeconds: fourteenDaysSeconds,
} as const;

/**
 * The urgent-alert topic, one per deployment. Each message carries the tip's queue (a unit code, or
 * CITY for the desk) as the attribute subscriptions filter on: a unit's on-duty officers (SMS,
 * e-mail or an HTTPS endpoint) subscribe with a filter policy on their unit.
 */
export const alertTopic = { logicalName: 'urgent-alerts', queueAttribute: 'queue' } as const;

/** How the classifier consumes the intake queue. */
export const classifierEventSource = {
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  reportBatchItemFailures: true,
} as const;

/** One HTTP route of the public API and the function that serves it. */
export interface RouteDefinition {
  readonly method: 'GET' | 'POST';
  /** API Gateway's path syntax: `{name}` is a path parameter. */
  readonly path: string;
  readonly function: FunctionName;
  /** `officer`: API Gateway's JWT authorizer checks the token first (the handler checks it again). */
  readonly auth?: 'officer';
}

/** The HTTP API's routes; the local server and API Gateway both serve exactly these. */
export const apiRoutes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/tips', function: 'intake' },
  { method: 'GET', path: '/tips', function: 'intake' },
  { method: 'GET', path: '/tips/receipt', function: 'intake' },
  { method: 'POST', path: '/tips/status', function: 'status' },
  { method: 'GET', path: '/tips/status', function: 'status' },
  { method: 'POST', path: '/sms/inbound', function: 'smsGateway' },
  { method: 'POST', path: '/sms/twilio', function: 'smsTwilio' },
  { method: 'POST', path: '/tips/status/messages', function: 'status' },
  { method: 'GET', path: '/queue', function: 'officers', auth: 'officer' },
  { method: 'GET', path: '/queue/summary', function: 'officers', auth: 'officer' },
  { method: 'GET', path: '/queue/officers', function: 'officers', auth: 'officer' },
  { method: 'GET', path: '/tips/{id}', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/claim', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/assign', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/transfer', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/status', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/notes', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/messages', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/deadline', function: 'officers', auth: 'officer' },
  { method: 'GET', path: '/tips/{id}/attachments/{attachmentId}', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/duplicates/{otherId}/link', function: 'officers', auth: 'officer' },
  { method: 'POST', path: '/tips/{id}/duplicates/{otherId}/dismiss', function: 'officers', auth: 'officer' },
  { method: 'GET', path: '/alerts', function: 'officers', auth: 'officer' },
  { method: 'GET', path: '/stats', function: 'officers', auth: 'officer' },
];

/** Matches a request path against a route's path, returning its path parameters or undefined. */
export function matchRoutePath(template: string, path: string): Record<string, string> | undefined {
  const templateParts = template.split('/');
  const pathParts = path.split('/');
  if (templateParts.length !== pathParts.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, part] of templateParts.entries()) {
    const actual = pathParts[index] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (actual === '') return undefined;
      parameters[name] = decodeURIComponent(actual);
    } else if (part !== actual) {
      return undefined;
    }
  }
  return parameters;
}

/**
 * The browser libraries the officer console loads from its own origin (never from a CDN): URL
 * path → file under node_modules. The local stack serves them from there; the web deployment
 * copies them into the site bucket. MapLibre GL JS is its CSP build, whose worker is a file of
 * its own, so the console's policy needs no blob: or 'unsafe-eval'.
 */
export const consoleVendorFiles: Readonly<Record<string, string>> = {
  '/vendor/maplibre-gl/maplibre-gl-csp.js': 'maplibre-gl/dist/maplibre-gl-csp.js',
  '/vendor/maplibre-gl/maplibre-gl-csp-worker.js': 'maplibre-gl/dist/maplibre-gl-csp-worker.js',
  '/vendor/maplibre-gl/maplibre-gl.css': 'maplibre-gl/dist/maplibre-gl.css',
  '/vendor/maplibre-gl/LICENSE.txt': 'maplibre-gl/LICENSE.txt',
  // Chart.js draws the statistics view's charts (web/console/stats.js): no eval, no injected styles.
  '/vendor/chart.js/chart.umd.min.js': 'chart.js/dist/chart.umd.min.js',
  '/vendor/chart.js/LICENSE.md': 'chart.js/LICENSE.md',
};

/** Settings that are the same everywhere, passed to functions as environment variables. */
export const sharedSettings = {
  POWERTOOLS_SERVICE_NAME: 'tinbao',
  POWERTOOLS_METRICS_NAMESPACE: 'Tinbao',
  /** Tips and their events are kept this long after the last change; then DynamoDB's TTL removes them. */
  TIP_RETENTION_DAYS: '1825',
  /** SMS from the same sender within this many minutes of the last one join its open tip. */
  SMS_FOLLOW_UP_WINDOW_MINUTES: '30',
  /** More new tips than this from one sender in an hour are kept but flagged, with a polite reply. */
  SMS_RATE_LIMIT_PER_HOUR: '5',
  /** A provider retrying a message within this time gets the first answer again (24 hours). */
  SMS_IDEMPOTENCY_SECONDS: '86400',
} as const;

/** Environment variable names that carry deployment-specific values. */
export const environmentNames = {
  tableName: 'TABLE_NAME',
  /** The jurisdiction pack (map) the deployment routes to: CDK context `pack`, `npm start -- --pack`. */
  jurisdictionPack: 'JURISDICTION_PACK',
  intakeQueueUrl: 'INTAKE_QUEUE_URL',
  /** Cloud: the Secrets Manager secret that holds the key for hashing tipster secrets. */
  trackingPepperSecretArn: 'TRACKING_PEPPER_SECRET_ARN',
  /** Local stack only: the development key itself (no Secrets Manager on a laptop). */
  trackingPepper: 'TRACKING_PEPPER',
  /** Powertools idempotency table (SMS functions). */
  idempotencyTableName: 'IDEMPOTENCY_TABLE_NAME',
  /** Cloud: the secret that signs the generic SMS gateway webhook (and its outbound calls). */
  smsGatewaySecretArn: 'SMS_GATEWAY_SECRET_ARN',
  /** Local stack only: the development gateway secret. */
  smsGatewaySecret: 'SMS_GATEWAY_SECRET',
  /** Where replies to gateway SMS tipsters are sent (the gateway's outbound API; the fake provider locally). */
  smsGatewayOutboundUrl: 'SMS_GATEWAY_OUTBOUND_URL',
  /** Cloud: the secret that holds the Twilio auth token. */
  twilioAuthTokenSecretArn: 'TWILIO_AUTH_TOKEN_SECRET_ARN',
  /** Local stack only: the development Twilio auth token. */
  twilioAuthToken: 'TWILIO_AUTH_TOKEN',
  /** The Twilio account that sends officers' replies to Twilio tipsters (context `twilioAccountSid`). */
  twilioAccountSid: 'TWILIO_ACCOUNT_SID',
  /** The Twilio number those replies come from (context `twilioFromNumber`). */
  twilioFromNumber: 'TWILIO_FROM_NUMBER',
  /** Local stack only: the fake provider that stands in for every SMS provider's outbound API. */
  smsLocalFakeOutboundUrl: 'SMS_LOCAL_FAKE_OUTBOUND_URL',
  /** Cloud: the KMS key that seals tipsters' phone numbers; only reply paths may decrypt. */
  phoneKeyArn: 'PHONE_KEY_ARN',
  /** Local stack only: a development AES key (base64, 32 bytes) instead of KMS. */
  phoneSealingKey: 'PHONE_SEALING_KEY',
  /** AWS End User Messaging: the phone number or pool that sends replies. */
  smsOriginationIdentity: 'SMS_ORIGINATION_IDENTITY',
  /** The issuer of officers' access tokens (the Cognito user pool, or the local identity provider). */
  officerJwtIssuer: 'OFFICER_JWT_ISSUER',
  /** Where the issuer's signing keys are published; defaults to `<issuer>/.well-known/jwks.json`. */
  officerJwtJwksUri: 'OFFICER_JWT_JWKS_URI',
  /** The console's app client id; tokens for other clients are refused. */
  officerClientId: 'OFFICER_CLIENT_ID',
  /** The officers' user pool, to look up an officer for assignment (the local identity provider otherwise). */
  userPoolId: 'USER_POOL_ID',
  /** The evidence bucket (intake presigns uploads into it, the scan reads and writes it, officers get links into it). */
  evidenceBucketName: 'EVIDENCE_BUCKET_NAME',
  /** Cloud: the KMS key that encrypts originals and quarantined files; only the evidence role may decrypt. */
  evidenceKeyArn: 'EVIDENCE_KEY_ARN',
  /** The attachment scan queue, where the Twilio webhook asks for a message's MMS media to be fetched. */
  attachmentScanQueueUrl: 'ATTACHMENT_SCAN_QUEUE_URL',
  /** The urgent-alert topic tipStream publishes to. */
  alertTopicArn: 'ALERT_TOPIC_ARN',
  /** The officers' console, for the link in an alert. */
  consoleUrl: 'CONSOLE_URL',
} as const;

/** Alarm thresholds shared by the CDK app and the docs. */
export const alarmThresholds = {
  /** Any message in the DLQ means a tip is waiting for a person. */
  deadLetterMessages: 1,
  /** Tips should be classified within seconds; five minutes of backlog means the consumer is stuck. */
  oldestMessageAgeSeconds: 300,
} as const;

/**
 * The evidence bucket. Its prefixes and key layout are the domain's (shared/attachments/attachment.ts
 * evidencePrefixes); here is what S3 does with them, the same in the cloud and in the local stack.
 */
export const evidenceBucket = {
  logicalName: 'evidence',
  /** S3 notifies the scan queue of every object created under this prefix, and of nothing else. */
  notification: { events: ['s3:ObjectCreated:*'], prefix: evidencePrefixes.incoming },
  /** Uploads the scan never moved (abandoned slots, refused uploads) are gone after a day, S3's shortest lifecycle. */
  incomingExpirationDays: 1,
  /** Every copy expires this long after its upload: tip retention plus the longest verification (shared/tip/retention.ts). */
  expirationDays: evidenceRetentionDays(Number(sharedSettings.TIP_RETENTION_DAYS)),
  /** Browsers may POST files only, from the site's own origin (the deployment adds it), and read the answer. */
  cors: { allowedMethods: ['POST'], allowedHeaders: ['*'], exposedHeaders: ['ETag', 'Location'], maxAgeSeconds: 3000 },
} as const;
