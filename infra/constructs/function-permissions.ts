import { Stack, Validations } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { evidencePrefixes } from '../../shared/attachments/attachment.ts';
import { tipTable, type FunctionName } from '../definitions.ts';
import { evidenceBucketArn } from './evidence-storage.ts';
import type { TinbaoFunction } from './tinbao-function.ts';

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
 *   and stores the tip and its first event (Put); it writes its recent-tips record and duplicate
 *   suggestions (Put), reads the best matches' tips in one request (BatchGetItem), and queries
 *   only the recent-tips index (a statement of its own, below);
 * - officers read tips and their trail (GetItem, BatchGetItem for an incident's reports and a tip's
 *   possible duplicates, Query; the queue indexes are granted separately)
 *   and change a tip with its audit event in one transaction (Put, ConditionCheck); never Delete
 *   or Scan, and Update only on a duplicate suggestion's state (a statement of its own, below);
 * - the scan reads an upload's slot and binds it, records the scan (GetItem, UpdateItem), and
 *   flags or reroutes its tip with an audit event in one transaction (Put, ConditionCheck).
 */
export const tableActions = {
  intake: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
  status: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
  classifier: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
  smsGateway: smsTableActions,
  smsTwilio: smsTableActions,
  smsAws: smsTableActions,
  officers: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
  scan: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
  tipStream: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
} as const satisfies Record<FunctionName, readonly string[]>;

/**
 * tipStream reads no tip (the stream brings each one) and writes only its own items: the alert
 * ledger and feed (`ALERT#<tip id>`, `ALERTS#<pack>`, dynamo-alert-ledger.ts) and the statistics'
 * ledger and counters (`STATS#…`, dynamo-statistics.ts).
 */
export const tipStreamLeadingKeys = ['ALERT#*', 'ALERTS#*', 'STATS#*'] as const;

/** The classifier queries only the recent-tips index of the duplicate search (`RECENT#<pack>#<queue>`). */
export const classifierQueryLeadingKeys = ['RECENT#*'] as const;

/** The attributes an officer's update of a duplicate suggestion may touch: its keys and its state. */
export const suggestionStateAttributes = ['PK', 'SK', 'state'] as const;

/** The indexes officers query: a unit's queue by status and urgency, and the tips one officer holds. */
export const officerIndexNames = tipTable.globalSecondaryIndexes.map((index) => index.indexName);

/** What the officers function asks Cognito about a colleague before assigning a tip (functions/adapters/officer-directory.ts). */
export const officerDirectoryActions = ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsersInGroup'] as const;

/** What Powertools idempotency calls on its table (get, conditional put, update on completion, delete on failure). */
export const idempotencyTableActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/**
 * Intake may touch only tracking-code and form-token items: partition keys `CODE#<code>` and
 * `FORM#<hash>` (functions/adapters/dynamo-tip-store.ts, dynamo-submission-ledger.ts).
 */
export const intakeLeadingKeys = ['CODE#*', 'FORM#*'] as const;

/**
 * Intake also opens a tip's upload slots (PutItem only): items in the partition `ATTACHMENTS#<tip
 * id>` (functions/adapters/dynamo-attachment-store.ts), apart from the tip's own, which intake
 * never touches.
 */
export const intakeSlotLeadingKeys = ['ATTACHMENTS#*'] as const;

/**
 * What each function may do in the evidence bucket, by prefix (shared/attachments/attachment.ts
 * evidencePrefixes): intake presigns POSTs into `incoming/` (S3 checks the signer's own right to
 * PutObject); the scan reads and removes uploads, and writes the clean copy and the original or
 * quarantined file; officers presign links to clean copies. No function may list the bucket or
 * read an original: those are the evidence handler role's (stateful stack).
 */
export const evidenceBucketGrants = {
  intake: [{ sid: 'PresignUploads', actions: ['s3:PutObject'], prefixes: [evidencePrefixes.incoming] }],
  scan: [
    // PutObject: an MMS file fetched from the provider goes into its slot as a browser's upload would.
    { sid: 'TakeUploads', actions: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject'], prefixes: [evidencePrefixes.incoming] },
    { sid: 'StoreScannedCopies', actions: ['s3:PutObject'], prefixes: [evidencePrefixes.clean, evidencePrefixes.original, evidencePrefixes.quarantine] },
  ],
  officers: [{ sid: 'PresignViews', actions: ['s3:GetObject'], prefixes: [evidencePrefixes.clean] }],
} as const satisfies Partial<Record<FunctionName, readonly { sid: string; actions: readonly string[]; prefixes: readonly string[] }[]>>;

/** The End User Messaging resource types smsAws and officers may send from when no origination identity ARN is configured. */
export const originationWildcards = ['phone-number', 'pool'] as const;

/** What the functions are allowed to touch: the stateful stack's resources. */
export interface FunctionPermissionsProps {
  readonly functions: Readonly<Record<FunctionName, TinbaoFunction>>;
  /** The deployment stage: the evidence bucket's name carries it. */
  readonly stage: string;
  readonly table: dynamodb.ITable;
  readonly idempotencyTable: dynamodb.ITable;
  readonly intakeQueue: sqs.IQueue;
  /** Where the Twilio webhook asks the scan to fetch a message's MMS media. */
  readonly attachmentScanQueue: sqs.IQueue;
  /** Encrypts the tables, the queues and the secrets. */
  readonly key: kms.IKey;
  /** Seals tipsters' phone numbers. */
  readonly phoneKey: kms.IKey;
  readonly trackingPepper: secretsmanager.ISecret;
  readonly smsGatewaySecret: secretsmanager.ISecret;
  readonly twilioAuthToken: secretsmanager.ISecret;
  readonly userPool: cognito.IUserPool;
  /** Seals originals and quarantined files: the scan alone may encrypt with it. */
  readonly evidenceKey: kms.IKey;
  /** Urgent alerts: tipStream alone publishes. */
  readonly alertTopic: sns.ITopic;
  /** The End User Messaging identity replies go out from (context `smsOriginationIdentity`); only an ARN narrows the grant. */
  readonly smsOriginationIdentity?: string | undefined;
}

/**
 * Gives each function's role exactly what its handler calls: every grant is a named statement on
 * a named resource, added to the role's default policy (test/infra/iam.test.ts asserts the
 * (action, resource) pairs of every role). The queue consumers' SQS actions are granted with their
 * event source mappings (`consumeQueue`); their use of the data key to read the queue is here.
 */
export function grantFunctionPermissions(props: FunctionPermissionsProps): void {
  const { functions, table, idempotencyTable, intakeQueue, key, phoneKey, trackingPepper, smsGatewaySecret, twilioAuthToken, userPool, smsOriginationIdentity } = props;
  const { intake, status, classifier, smsAws, officers, scan } = functions;
  const stack = Stack.of(intake);

  /** KMS use only on the data key, and only when a named service calls KMS on the function's behalf. */
  const viaServices = (...services: string[]) => ({
    StringEquals: { 'kms:ViaService': services.map((service) => `${service}.${stack.region}.amazonaws.com`) },
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
    new iam.PolicyStatement({
      sid: 'OpenUploadSlots',
      actions: ['dynamodb:PutItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...intakeSlotLeadingKeys] } },
    }),
  );
  intake.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'QueueTips', actions: ['sqs:SendMessage'], resources: [intakeQueue.queueArn] }));
  intake.role.addToPrincipalPolicy(readPepper);
  intake.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'UseDataKey',
      // GenerateDataKey and Decrypt: SQS SSE-KMS on SendMessage, and S3 on a presigned upload (the
      // bucket's default key, under the signer's rights). Decrypt: the pepper secret and the table.
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [key.keyArn],
      conditions: viaServices('sqs', 'secretsmanager', 'dynamodb', 's3'),
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
  // The duplicate search reads the recent tips of a few queues (dynamo-recent-tips.ts), and nothing else.
  classifier.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'FindRecentTips',
      actions: ['dynamodb:Query'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...classifierQueryLeadingKeys] } },
    }),
  );
  classifier.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'UseDataKey',
      // Decrypt: the intake queue's messages (received by its event source mapping) and the table.
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: viaServices('sqs', 'dynamodb'),
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
    const role = functions[name].role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'KeepSmsConversations', actions: [...tableActions[name]], resources: [table.tableArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'RecordIdempotency', actions: [...idempotencyTableActions], resources: [idempotencyTable.tableArn] }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'QueueTips', actions: ['sqs:SendMessage'], resources: [intakeQueue.queueArn] }));
    role.addToPrincipalPolicy(readPepper);
    const channelSecret = channelSecrets[name];
    if (channelSecret) role.addToPrincipalPolicy(channelSecret);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SealPhoneNumbers',
        // Encrypt only: the SMS intake functions never read a phone number back; officers' replies do (below).
        actions: ['kms:Encrypt'],
        resources: [phoneKey.keyArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        // GenerateDataKey and Decrypt: SQS SSE-KMS on SendMessage (and, for smsAws, on receiving the SMS inbound queue).
        // Decrypt: the secrets and both tables.
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: viaServices('sqs', 'secretsmanager', 'dynamodb'),
      }),
    );
  }

  // Replies go out through End User Messaging from the configured identity: that one ARN when the
  // context names an ARN, otherwise any phone number or pool of this account and region.
  const sendFrom = smsOriginationIdentity?.startsWith('arn:')
    ? [smsOriginationIdentity]
    : originationWildcards.map((resourceType) => `arn:${stack.partition}:sms-voice:${stack.region}:${stack.account}:${resourceType}/*`);
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
  officers.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WorkTips', actions: [...tableActions.officers], resources: [table.tableArn] }));
  // An officer's decision on a duplicate suggestion (functions/adapters/dynamo-duplicates.ts setState):
  // UpdateItem may name the keys and `state` only, so it can change no tip, which lives in the same partition.
  officers.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'DecideDuplicateSuggestions',
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...suggestionStateAttributes] } },
    }),
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
    new iam.PolicyStatement({
      sid: 'ReadChannelSecrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [smsGatewaySecret.secretArn, twilioAuthToken.secretArn],
    }),
  );
  officers.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'FindOfficers', actions: [...officerDirectoryActions], resources: [userPool.userPoolArn] }));
  officers.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'UseDataKey',
      // Decrypt: the gateway secret, the table, and a clean copy opened through a presigned link (S3 under the signer's rights).
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: viaServices('secretsmanager', 'dynamodb', 's3'),
    }),
  );

  // Twilio's webhook asks the scan to fetch a message's MMS media (a message on the scan queue).
  functions.smsTwilio.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: 'RequestMediaFetches', actions: ['sqs:SendMessage'], resources: [props.attachmentScanQueue.queueArn] }),
  );

  // The scan: an upload's slot and its tip, the upload itself, and the copies it makes.
  scan.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'RecordScans', actions: [...tableActions.scan], resources: [table.tableArn] }));
  // Twilio's auth token, to fetch MMS media from the account's message records.
  scan.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadTwilioAuthToken', actions: ['secretsmanager:GetSecretValue'], resources: [twilioAuthToken.secretArn] }));
  scan.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'SealOriginals',
      // GenerateDataKey only: S3 seals an original under the evidence key (SSE-KMS, one PutObject); nothing here reads one back.
      actions: ['kms:GenerateDataKey'],
      resources: [props.evidenceKey.keyArn],
      conditions: viaServices('s3'),
    }),
  );
  scan.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'UseDataKey',
      // Decrypt: the scan queue's messages, the table, an upload, the Twilio auth token. GenerateDataKey:
      // the clean copy and a fetched MMS file (the bucket's default key).
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: viaServices('sqs', 'dynamodb', 's3', 'secretsmanager'),
    }),
  );

  // tipStream: its own ledgers and counters, and the alert topic (encrypted with the data key).
  const { tipStream } = functions;
  tipStream.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'KeepAlertsAndFigures',
      actions: [...tableActions.tipStream],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...tipStreamLeadingKeys] } },
    }),
  );
  tipStream.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PublishUrgentAlerts', actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }));
  tipStream.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'UseDataKey',
      // Decrypt: the table's stream records and items. GenerateDataKey: publishing to the encrypted topic, and the failure queue.
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: viaServices('dynamodb', 'sns', 'sqs'),
    }),
  );

  grantEvidenceBucket(functions, evidenceBucketArn(stack, props.stage));
}

/** Why a function's evidence bucket grant names a prefix of objects rather than objects (cdk-nag AwsSolutions-IAM5). */
const prefixGrantReasons: Readonly<Record<string, string>> = {
  [evidencePrefixes.incoming]:
    'Every upload has its own key, incoming/<tip id>/<attachment id>, made when the tip is taken: the grant is that prefix and nothing wider (no listing, no other prefix).',
  [evidencePrefixes.clean]:
    'Every clean copy has its own key, clean/<tip id>/<attachment id>, known only once a tip has files: the grant is that prefix and nothing wider (no listing, no originals).',
  [evidencePrefixes.original]:
    'The scan keeps each file as sent at originals/<tip id>/<attachment id>: the grant is writing under that prefix (never reading), and the bucket policy refuses a file there not sealed with the evidence key.',
  [evidencePrefixes.quarantine]:
    'The scan keeps each refused file at quarantine/<tip id>/<attachment id>: the grant is writing under that prefix (never reading), and the bucket policy refuses a file there not sealed with the evidence key.',
};

/**
 * Each function's evidence bucket grants (evidenceBucketGrants), one statement per group of
 * prefixes, on the ARN built from the bucket's fixed name, with cdk-nag's finding on each prefix
 * acknowledged on the role's policy, for that prefix only.
 */
function grantEvidenceBucket(functions: Readonly<Record<FunctionName, TinbaoFunction>>, bucketArn: string): void {
  const stack = Stack.of(functions.intake);
  // As cdk-nag prints the ARN in its finding: pseudo parameters as <AWS::…>.
  const findingArn = (stack.resolve(bucketArn) as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`))
    .join('');
  for (const [name, grants] of Object.entries(evidenceBucketGrants)) {
    const role = functions[name as keyof typeof evidenceBucketGrants].role;
    for (const grant of grants) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: grant.sid, actions: [...grant.actions], resources: grant.prefixes.map((prefix) => `${bucketArn}/${prefix}*`) }));
      for (const prefix of grant.prefixes) {
        Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${findingArn}/${prefix}*]`,
          reason: `${prefixGrantReasons[prefix] ?? ''} ${grant.actions.join(' and ')} only.`,
        });
      }
    }
  }
}
