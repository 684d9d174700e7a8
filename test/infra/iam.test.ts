/**
 * Who may do what: every IAM role of the app, each function's exact (action, resource) pairs, the
 * conditions that narrow them (kms:ViaService, dynamodb:LeadingKeys), and the resource policies
 * that let API Gateway invoke the functions. The templates alone are read: bundling is skipped.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { attachmentPartitionPrefix } from '../../functions/adapters/dynamo-attachment-store.ts';
import { formTokenPrefix } from '../../functions/adapters/dynamo-submission-ledger.ts';
import { tipKeys } from '../../functions/adapters/dynamo-tip-items.ts';
import { alertKeys } from '../../functions/adapters/dynamo-alert-ledger.ts';
import { classifierQueryLeadingKeys, suggestionStateAttributes, tipStreamLeadingKeys } from '../../infra/constructs/function-permissions.ts';
import { recentPartitionPrefix } from '../../functions/adapters/dynamo-recent-tips.ts';
import { alertClaimStaleSeconds } from '../../shared/alerts/alert.ts';
import { queueConsumerActions } from '../../infra/constructs/queue-consumer.ts';
import { apiRoutes, functionDefinitions, tipTable, type FunctionName } from '../../infra/definitions.ts';
import { evidencePrefixes } from '../../shared/attachments/attachment.ts';
import {
  idempotencyTableActions,
  intakeSlotLeadingKeys,
  officerDirectoryActions,
  officerIndexNames,
  originationWildcards,
  smsFunctionNames,
  tableActions,
} from '../../infra/stateless-stack.ts';
import {
  actionsOf,
  allowedActions,
  arnOf,
  logicalIdOf,
  resolvedAgainst,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  skipBundling,
  synthesizeTemplates,
  type Statement,
} from './support.ts';

const synthesized = synthesizeTemplates({ context: skipBundling });
afterAll(() => synthesized.dispose());

const { stateful, stateless, statefulTemplate, statelessTemplate: template } = synthesized;
const edgeTemplate = synthesized.edgeTemplate;
const functionNames = Object.keys(functionDefinitions) as FunctionName[];

const tableId = logicalIdOf(stateful.table);
const queueId = logicalIdOf(stateful.intakeQueue);
const keyId = logicalIdOf(stateful.key);
const secretId = logicalIdOf(stateful.trackingPepper);
const phoneKeyId = logicalIdOf(stateful.phoneKey);
const idempotencyTableId = logicalIdOf(stateful.idempotencyTable);
const smsQueueId = logicalIdOf(stateful.smsInboundQueue);
const gatewaySecretId = logicalIdOf(stateful.smsGatewaySecret);
const twilioTokenId = logicalIdOf(stateful.twilioAuthToken);
const userPoolId = logicalIdOf(stateful.officerPool.userPool);
const scanQueueId = logicalIdOf(stateful.attachmentScanQueue);
const evidenceKeyId = logicalIdOf(stateful.evidenceKey);
const evidenceRoleId = logicalIdOf(stateful.evidenceHandlerRole);
const alertTopicId = logicalIdOf(stateful.alertTopic);
const streamFailureQueueId = logicalIdOf(stateful.tipStreamFailureQueue);
const corsRoleId = logicalIdOf(stateless.node.findChild('EvidenceCorsRole'));
/** The evidence bucket's objects under a prefix, as the functions' grants spell them: from the bucket's fixed name. */
const objectsUnder = (prefix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::tinbao-test-evidence-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }, `/${prefix}*`]],
});
const isSms = (name: FunctionName): boolean => (smsFunctionNames as readonly FunctionName[]).includes(name);
const ids = (name: FunctionName) => {
  const construct = stateless.functions[name];
  return { function: logicalIdOf(construct.function), role: logicalIdOf(construct.role), logGroup: logicalIdOf(construct.logGroup) };
};
/** A resource of a statement: cross-stack references resolved to what they point at, anything else as it is. */
const target = resolvedAgainst(statefulTemplate);

describe('function roles', () => {
  const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const xray = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
  const smsActions = [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    'secretsmanager:GetSecretValue',
    'sqs:SendMessage',
  ];
  // What Lambda's poller calls with the consumer's role: no GetQueueUrl or ChangeMessageVisibility, which SqsEventSource would add.
  const consumer = ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'];
  const expectedActions: Record<FunctionName, string[]> = {
    intake: [
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:PutObject',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
    ],
    status: [
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'secretsmanager:GetSecretValue',
    ],
    classifier: [
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ],
    smsGateway: smsActions,
    smsTwilio: smsActions,
    smsAws: [...smsActions, ...consumer, 'sms-voice:SendTextMessage'],
    officers: [
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:ListUsersInGroup',
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      's3:GetObject',
      'secretsmanager:GetSecretValue',
      'sms-voice:SendTextMessage',
    ],
    scan: [
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
      // Twilio's auth token, to fetch MMS media.
      'secretsmanager:GetSecretValue',
      ...consumer,
    ],
    tipStream: [
      'dynamodb:DeleteItem',
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'sns:Publish',
      'sqs:SendMessage',
    ],
  };
  const smsForbidden = ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWriteItem', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'sqs:PurgeQueue', 'sns:Publish'];
  const forbidden: Record<FunctionName, string[]> = {
    intake: ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWriteItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:Encrypt', 's3:ListBucket', 's3:GetObject', 's3:DeleteObject'],
    status: ['dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:BatchWriteItem', 'sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Encrypt', 'sms-voice:SendTextMessage'],
    classifier: [
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'dynamodb:DeleteTable',
      'dynamodb:ConditionCheckItem',
      'sqs:SendMessage',
      'sqs:GetQueueUrl',
      'sqs:ChangeMessageVisibility',
      'secretsmanager:GetSecretValue',
      'kms:Encrypt',
    ],
    smsGateway: [...smsForbidden, 'sqs:ReceiveMessage', 'sms-voice:SendTextMessage'],
    smsTwilio: [...smsForbidden, 'sqs:ReceiveMessage', 'sms-voice:SendTextMessage'],
    smsAws: [...smsForbidden, 'sqs:GetQueueUrl', 'sqs:ChangeMessageVisibility'],
    officers: [
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'sqs:SendMessage',
      'sqs:ReceiveMessage',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:ListUsers',
      's3:ListBucket',
      's3:PutObject',
      's3:DeleteObject',
    ],
    scan: [
      'dynamodb:Scan',
      'dynamodb:Query',
      'dynamodb:DeleteItem',
      'kms:Encrypt',
      's3:ListBucket',
      's3:GetObjectVersion',
      's3:DeleteObjectVersion',
      'sqs:SendMessage',
      'sqs:GetQueueUrl',
      'sqs:ChangeMessageVisibility',
    ],
    // It reads no tip and no queue: the stream brings the changes.
    tipStream: ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'kms:Encrypt', 'secretsmanager:GetSecretValue', 'sqs:ReceiveMessage', 's3:GetObject', 'sms-voice:SendTextMessage'],
  };

  // Every (action, resource) pair each role is allowed, resources resolved to the stateful stack.
  const table = arnOf(tableId);
  const idempotency = arnOf(idempotencyTableId);
  const intakeQueueArn = arnOf(queueId);
  const pepper = { Ref: secretId };
  const dataKey = arnOf(keyId);
  const phoneKey = arnOf(phoneKeyId);
  const queueIndexes = ['QueueIndex', 'AssigneeIndex'].map((indexName) => ({ 'Fn::Join': ['', [table, `/index/${indexName}`]] }));
  const anyNumberOrPool = originationWildcards.map((resourceType) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sms-voice:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resourceType}/*`]],
  }));
  type Grant = readonly [actions: readonly string[], resources: readonly unknown[]];
  const smsGrants = (channelSecret: unknown[]): Grant[] => [
    [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [table]],
    [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [idempotency]],
    [['sqs:SendMessage'], [intakeQueueArn]],
    [['secretsmanager:GetSecretValue'], [pepper, ...channelSecret]],
    [['kms:Encrypt'], [phoneKey]],
    [['kms:GenerateDataKey', 'kms:Decrypt'], [dataKey]],
  ];
  const expectedGrants: Record<FunctionName, Grant[]> = {
    intake: [
      [['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], [table]],
      [['s3:PutObject'], [objectsUnder(evidencePrefixes.incoming)]],
      [['sqs:SendMessage'], [intakeQueueArn]],
      [['secretsmanager:GetSecretValue'], [pepper]],
      [['kms:GenerateDataKey', 'kms:Decrypt'], [dataKey]],
    ],
    status: [
      [['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'], [table]],
      [['secretsmanager:GetSecretValue'], [pepper]],
      [['kms:Decrypt'], [dataKey]],
    ],
    classifier: [
      [['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], [table]],
      [['dynamodb:Query'], [table]],
      [consumer, [intakeQueueArn]],
      [['kms:Decrypt'], [dataKey]],
    ],
    smsGateway: smsGrants([{ Ref: gatewaySecretId }]),
    // Twilio's webhook also asks the scan to fetch MMS media, through the scan queue.
    smsTwilio: [...smsGrants([{ Ref: twilioTokenId }]), [['sqs:SendMessage'], [arnOf(scanQueueId)]]],
    smsAws: [...smsGrants([]), [consumer, [arnOf(smsQueueId)]], [['sms-voice:SendTextMessage'], anyNumberOrPool]],
    officers: [
      [['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'], [table]],
      [['dynamodb:UpdateItem'], [table]],
      [['dynamodb:Query'], queueIndexes],
      [['kms:Decrypt'], [phoneKey, dataKey]],
      [['secretsmanager:GetSecretValue'], [{ Ref: gatewaySecretId }, { Ref: twilioTokenId }]],
      [['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsersInGroup'], [arnOf(userPoolId)]],
      [['sms-voice:SendTextMessage'], anyNumberOrPool],
      [['s3:GetObject'], [objectsUnder(evidencePrefixes.clean)]],
    ],
    scan: [
      [['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'], [table]],
      [consumer, [arnOf(scanQueueId)]],
      [['kms:Decrypt', 'kms:GenerateDataKey'], [dataKey]],
      [['kms:GenerateDataKey'], [arnOf(evidenceKeyId)]],
      [['s3:GetObject', 's3:DeleteObject', 's3:PutObject'], [objectsUnder(evidencePrefixes.incoming)]],
      [['s3:PutObject'], [evidencePrefixes.clean, evidencePrefixes.original, evidencePrefixes.quarantine].map(objectsUnder)],
      [['secretsmanager:GetSecretValue'], [{ Ref: twilioTokenId }]],
    ],
    tipStream: [
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table]],
      [['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], [{ 'Fn::GetAtt': [tableId, 'StreamArn'] }]],
      [['sns:Publish'], [{ Ref: alertTopicId }]],
      [['sqs:SendMessage'], [arnOf(streamFailureQueueId)]],
      [['kms:Decrypt', 'kms:GenerateDataKey'], [dataKey]],
    ],
  };
  const pairs = (grants: readonly Grant[]): string[] =>
    [...new Set(grants.flatMap(([actions, resources]) => actions.flatMap((action) => resources.map((resource) => `${action} ${JSON.stringify(resource)}`))))].sort();
  const grantedPairs = (statements: readonly Statement[]): string[] =>
    pairs(statements.filter((statement) => statement.Effect === 'Allow').map((statement) => [actionsOf(statement), resourcesOf(statement).map(target)] as const));
  const statementsOf = (name: FunctionName): Statement[] => roleStatements(template, ids(name).role);

  for (const name of functionNames) {
    describe(name, () => {
      const statements = statementsOf(name);

      it('is allowed exactly its handler’s actions, plus writing its logs and traces', () => {
        assert.deepEqual(allowedActions(statements), [...expectedActions[name], ...logs, ...xray].sort());
        assert.ok(statements.every((statement) => statement.Effect === 'Allow'));
      });

      it('has none of the actions it must not have, and no wildcard actions', () => {
        const allowed = allowedActions(statements);
        for (const action of forbidden[name]) assert.ok(!allowed.includes(action), `${name} may call ${action}`);
        for (const action of allowed) assert.ok(!action.includes('*'), `${name} has the wildcard action ${action}`);
      });

      it('names the exact resource of every action; only X-Ray (no resource-level permissions) uses "*"', () => {
        for (const statement of statements) {
          const actions = actionsOf(statement);
          const service = actions[0]?.split(':')[0];
          assert.ok(actions.every((action) => action.startsWith(`${service}:`)), `statement mixes services: ${actions.join(', ')}`);
        }
        const logsAndTraces: Grant[] = [
          [logs, [arnOf(ids(name).logGroup)]],
          [xray, ['*']],
        ];
        assert.deepEqual(grantedPairs(statements), pairs([...expectedGrants[name], ...logsAndTraces]));
      });
    });
  }

  it('gives the SMS functions the tips-table and idempotency-table actions of the stack module, and nothing more', () => {
    for (const name of smsFunctionNames) {
      const granted = grantedPairs(statementsOf(name));
      const on = (resource: unknown) => granted.filter((pair) => pair.endsWith(` ${JSON.stringify(resource)}`)).map((pair) => pair.split(' ')[0]).sort();
      assert.deepEqual(on(table), [...tableActions[name]].sort(), `${name} on the tips table`);
      assert.deepEqual(on(idempotency), [...idempotencyTableActions].sort(), `${name} on the idempotency table`);
      assert.ok(!on(table).includes('dynamodb:UpdateItem'), `${name} may update tips`);
    }
  });

  it('lets the SMS functions only encrypt with the phone key, and only officers (the reply path) decrypt with it', () => {
    const decrypting: FunctionName[] = [];
    for (const name of functionNames) {
      const onPhoneKey = grantedPairs(statementsOf(name))
        .filter((pair) => pair.endsWith(` ${JSON.stringify(phoneKey)}`))
        .map((pair) => pair.split(' ')[0]);
      const expected = isSms(name) ? ['kms:Encrypt'] : name === 'officers' ? ['kms:Decrypt'] : [];
      assert.deepEqual(onPhoneKey, expected, `${name} on the phone key`);
      if (onPhoneKey.includes('kms:Decrypt')) decrypting.push(name);
      // Nor through a wildcard: no KMS action of any role names "*" or a key other than the three of the stack.
      for (const statement of statementsOf(name).filter((candidate) => actionsOf(candidate).some((action) => action.startsWith('kms:')))) {
        for (const resource of resourcesOf(statement).map(target)) {
          assert.ok([dataKey, phoneKey, arnOf(evidenceKeyId)].map((key) => JSON.stringify(key)).includes(JSON.stringify(resource)), `${name} uses KMS on ${JSON.stringify(resource)}`);
        }
      }
    }
    assert.deepEqual(decrypting, ['officers'], 'the functions that may open a sealed phone number');
  });

  it('lets officers query exactly the queue indexes of the table definition, and the table itself', () => {
    assert.deepEqual([...officerIndexNames].sort(), tipTable.globalSecondaryIndexes.map((index) => index.indexName).sort());
    const granted = grantedPairs(statementsOf('officers')).filter((pair) => pair.startsWith('dynamodb:Query '));
    assert.deepEqual(granted, pairs([[['dynamodb:Query'], [table, ...queueIndexes]]]));
  });

  it('lets the classifier query only the recent-tips index of the duplicate search, never a queue or a tip', () => {
    const queries = statementsOf('classifier').filter((statement) => actionsOf(statement).includes('dynamodb:Query'));
    assert.deepEqual(queries.map((statement) => [statement.Sid, actionsOf(statement), statement.Condition]), [
      ['FindRecentTips', ['dynamodb:Query'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${recentPartitionPrefix}*`] } }],
    ]);
    assert.deepEqual([...classifierQueryLeadingKeys], ['RECENT#*']);
  });

  it("lets officers update only a duplicate suggestion's state: UpdateItem may touch the keys and `state`, no attribute of a tip", () => {
    const updates = statementsOf('officers').filter((statement) => actionsOf(statement).includes('dynamodb:UpdateItem'));
    assert.deepEqual(updates.map((statement) => [statement.Sid, actionsOf(statement), statement.Condition]), [
      ['DecideDuplicateSuggestions', ['dynamodb:UpdateItem'], { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PK', 'SK', 'state'] } }],
    ]);
    assert.deepEqual([...suggestionStateAttributes], ['PK', 'SK', 'state']);
  });

  it('lets officers look up colleagues in the user pool, and do nothing else there', () => {
    const cognito = statementsOf('officers').filter((statement) => actionsOf(statement).some((action) => action.startsWith('cognito-idp:')));
    assert.equal(cognito.length, 1);
    assert.deepEqual([...actionsOf(cognito[0] as Statement)].sort(), [...officerDirectoryActions].sort());
    assert.deepEqual(resourcesOf(cognito[0] as Statement).map(target), [arnOf(userPoolId)]);
  });

  it('restricts intake to tracking-code and form-token items, and to putting upload slots, with dynamodb:LeadingKeys: it never reads a tip', () => {
    const tableStatements = statementsOf('intake').filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
    assert.equal(tableStatements.length, 2);
    const partitions = [tipKeys.trackingCode('*').PK, `${formTokenPrefix}*`];
    const codes = tableStatements.find((statement) => statement.Sid === 'ReserveAndReleaseTrackingCodes');
    assert.deepEqual(codes?.Condition, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions } });
    const slots = tableStatements.find((statement) => statement.Sid === 'OpenUploadSlots');
    assert.deepEqual([...intakeSlotLeadingKeys], [`${attachmentPartitionPrefix}*`]);
    assert.deepEqual(slots?.Condition, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${attachmentPartitionPrefix}*`] } });
    assert.deepEqual(actionsOf(slots as Statement), ['dynamodb:PutItem'], 'intake may only put slots, never read or change them');
    assert.ok(!tipKeys.tip('01J9ZTB7Q3V5X8K2M4N6P8R0ST').PK.startsWith(attachmentPartitionPrefix), "a tip's own partition is not a slot partition");
  });

  it("restricts tipStream to its own alert and statistics items with dynamodb:LeadingKeys: it never writes a tip, and a claim outlives the function's timeout", () => {
    const tableStatements = statementsOf('tipStream').filter((statement) => statement.Sid === 'KeepAlertsAndFigures');
    assert.equal(tableStatements.length, 1);
    const keys = [alertKeys.claim('*', 'high').PK.replace(/\*.*/, '*'), `${alertKeys.feedPartition('')}*`, 'STATS#*'];
    assert.deepEqual(tableStatements[0]?.Condition, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });
    assert.deepEqual([...tipStreamLeadingKeys], keys);
    for (const key of tipStreamLeadingKeys) assert.ok(!tipKeys.tip('01J9ZTB7Q3V5X8K2M4N6P8R0ST').PK.startsWith(key.replace('*', '')), `a tip's partition is not under ${key}`);
    assert.ok(alertClaimStaleSeconds > functionDefinitions.tipStream.timeoutSeconds, 'a stale claim cannot belong to a running delivery');
  });

  it('lets functions use the data key only through the services they call', () => {
    const viaServices = (name: FunctionName) =>
      statementsOf(name)
        .filter((statement) => statement.Sid === 'UseDataKey')
        .map((statement) => JSON.stringify(statement.Condition?.StringEquals?.['kms:ViaService']));
    for (const name of functionNames) assert.equal(viaServices(name).length, 1, `${name} UseDataKey statement`);
    assert.match(viaServices('intake')[0] ?? '', /sqs\..*secretsmanager\..*dynamodb\./);
    assert.match(viaServices('status')[0] ?? '', /secretsmanager\..*dynamodb\./);
    assert.doesNotMatch(viaServices('status')[0] ?? '', /sqs\./);
    // The classifier reads the intake queue's messages through SQS and the table through DynamoDB; nothing else.
    assert.match(viaServices('classifier')[0] ?? '', /sqs\..*dynamodb\./);
    assert.doesNotMatch(viaServices('classifier')[0] ?? '', /secretsmanager\./);
    for (const name of smsFunctionNames) assert.match(viaServices(name)[0] ?? '', /sqs\..*secretsmanager\..*dynamodb\./, name);
    assert.match(viaServices('officers')[0] ?? '', /secretsmanager\..*dynamodb\./);
    assert.doesNotMatch(viaServices('officers')[0] ?? '', /sqs\./);
    // S3 uses the data key on the presigned upload (intake's rights), the clean copy's link (officers') and every scan.
    for (const name of ['intake', 'officers', 'scan'] as const) assert.match(viaServices(name)[0] ?? '', /"s3\./, `${name} through S3`);
    for (const name of ['status', 'classifier', ...smsFunctionNames] as const) assert.doesNotMatch(viaServices(name)[0] ?? '', /"s3\./, `${name} through S3`);
    // The scan also reads Twilio's auth token (MMS media) through Secrets Manager.
    assert.match(viaServices('scan')[0] ?? '', /sqs\..*dynamodb\..*s3\..*secretsmanager\./);
  });

  it('lets the phone key be used without kms:ViaService, since the SMS functions call KMS themselves', () => {
    for (const name of smsFunctionNames) {
      const sealing = statementsOf(name).filter((statement) => statement.Sid === 'SealPhoneNumbers');
      assert.equal(sealing.length, 1, `${name} SealPhoneNumbers statement`);
      assert.deepEqual(actionsOf(sealing[0] as Statement), ['kms:Encrypt']);
      assert.equal(sealing[0]?.Condition, undefined);
    }
    const opening = statementsOf('officers').filter((statement) => statement.Sid === 'OpenSealedNumbers');
    assert.equal(opening.length, 1, 'officers OpenSealedNumbers statement');
    assert.deepEqual(actionsOf(opening[0] as Statement), ['kms:Decrypt']);
    assert.deepEqual(resourcesOf(opening[0] as Statement).map(target), [phoneKey]);
    assert.equal(opening[0]?.Condition, undefined);
  });
});


describe('every statement of every role', () => {
  const templates = { stateful: statefulTemplate, stateless: template, edge: edgeTemplate };
  const dataKey = JSON.stringify(arnOf(keyId));

  it("belongs to a role the app means to have: one per function, the web deployment's and the evidence CORS rule's, and the evidence handlers' in the stateful stack", () => {
    const functionRoles = functionNames.map((name) => ids(name).role);
    const deploymentRole = logicalIdOf(stateless.web.node.findChild('DeploymentRole'));
    assert.deepEqual(Object.keys(resourcesOfType(template, 'AWS::IAM::Role')).sort(), [...functionRoles, deploymentRole, corsRoleId].sort());
    assert.deepEqual(Object.keys(resourcesOfType(statefulTemplate, 'AWS::IAM::Role')), [evidenceRoleId], 'the stateful stack makes the evidence handler role only');
    assert.deepEqual(Object.keys(resourcesOfType(edgeTemplate, 'AWS::IAM::Role')), [], 'the edge stack makes no role');
    for (const [stack, source] of Object.entries(templates)) {
      for (const [id, policy] of Object.entries(resourcesOfType(source, 'AWS::IAM::Policy'))) {
        const roles = ((policy.Properties ?? {}).Roles ?? []) as unknown[];
        assert.ok(roles.length > 0, `${stack} ${id} is attached to no role`);
        for (const role of roles) assert.ok([...functionRoles, deploymentRole, corsRoleId, evidenceRoleId].some((known) => JSON.stringify(role) === JSON.stringify({ Ref: known })), `${stack} ${id} attaches to ${JSON.stringify(role)}`);
        assert.equal((policy.Properties ?? {}).Users, undefined, `${stack} ${id} is attached to users`);
        assert.equal((policy.Properties ?? {}).Groups, undefined, `${stack} ${id} is attached to groups`);
      }
      assert.deepEqual(Object.keys(resourcesOfType(source, 'AWS::IAM::ManagedPolicy')), [], `${stack} makes a managed policy`);
      assert.deepEqual(Object.keys(resourcesOfType(source, 'AWS::IAM::User')), [], `${stack} makes an IAM user`);
    }
  });

  it('lets only Lambda assume each role, with no AWS managed policy attached', () => {
    for (const [id, role] of Object.entries(resourcesOfType(template, 'AWS::IAM::Role'))) {
      assert.deepEqual(
        (role.Properties ?? {}).AssumeRolePolicyDocument,
        { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }], Version: '2012-10-17' },
        id,
      );
      assert.equal((role.Properties ?? {}).ManagedPolicyArns, undefined, `${id} has a managed policy`);
      assert.equal((role.Properties ?? {}).PermissionsBoundary, undefined);
    }
  });

  it('allows named actions on named resources: no Deny to reason about, no NotAction, NotResource or wildcard service', () => {
    const roles = Object.keys(resourcesOfType(template, 'AWS::IAM::Role'));
    for (const role of roles) {
      for (const statement of roleStatements(template, role)) {
        const raw = statement as Statement & { NotAction?: unknown; NotResource?: unknown; Principal?: unknown };
        assert.equal(raw.Effect, 'Allow', `${role}: ${JSON.stringify(statement)}`);
        assert.equal(raw.NotAction, undefined, `${role} uses NotAction`);
        assert.equal(raw.NotResource, undefined, `${role} uses NotResource`);
        assert.ok(actionsOf(statement).length > 0 && resourcesOf(statement).length > 0, `${role}: ${JSON.stringify(statement)}`);
        for (const action of actionsOf(statement)) assert.match(action, /^[a-z0-9-]+:[A-Za-z]/, `${role} allows ${action}`);
      }
    }
  });

  it('uses the data key only through the services a function calls (kms:ViaService), whichever grant adds the statement', () => {
    for (const name of functionNames) {
      const onDataKey = roleStatements(template, ids(name).role).filter((statement) => resourcesOf(statement).some((resource) => JSON.stringify(target(resource)) === dataKey));
      assert.ok(onDataKey.length > 0, `${name} never uses the data key`);
      for (const statement of onDataKey) {
        assert.ok(actionsOf(statement).every((action) => action.startsWith('kms:')), `${name} mixes KMS with other actions on the data key`);
        const services = statement.Condition?.StringEquals?.['kms:ViaService'];
        assert.ok(Array.isArray(services) && services.length > 0, `${name} may use the data key directly: ${JSON.stringify(statement)}`);
      }
    }
  });

  it('grants the queue consumers only what Lambda\'s poller calls, on their own queue', () => {
    assert.deepEqual([...queueConsumerActions].sort(), ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    for (const [name, queue] of [['classifier', queueId], ['smsAws', smsQueueId], ['scan', scanQueueId]] as const) {
      const consuming = roleStatements(template, ids(name).role).filter((statement) => statement.Sid === 'ConsumeQueue');
      assert.equal(consuming.length, 1, `${name} ConsumeQueue statement`);
      assert.deepEqual([...actionsOf(consuming[0] as Statement)].sort(), [...queueConsumerActions].sort());
      assert.deepEqual(resourcesOf(consuming[0] as Statement).map(target), [arnOf(queue)]);
    }
  });

  it("gives the web deployment only its log group, the CDK asset bucket (read) and the site bucket: never a tip's resource", () => {
    const role = logicalIdOf(stateless.web.node.findChild('DeploymentRole'));
    const resources = roleStatements(template, role).flatMap((statement) => resourcesOf(statement).map((resource) => JSON.stringify(resource)));
    const siteBucket = logicalIdOf(stateless.web.bucket);
    const logGroup = logicalIdOf(stateless.web.node.findChild('DeploymentLogs'));
    for (const resource of resources) {
      assert.ok(
        resource.includes(siteBucket) || resource.includes(logGroup) || resource.includes('cdk-hnb659fds-assets-'),
        `the web deployment may touch ${resource}`,
      );
      assert.ok(!resource.includes('Fn::ImportValue'), `the web deployment reaches into the stateful stack: ${resource}`);
    }
    const writes = roleStatements(template, role).filter((statement) => actionsOf(statement).some((action) => /^s3:(Put|Delete)/.test(action)));
    for (const statement of writes) {
      for (const resource of resourcesOf(statement)) assert.match(JSON.stringify(resource), new RegExp(siteBucket), 'the deployment writes only to the site bucket');
    }
  });
});

describe('resource policies of the functions', () => {
  const permissions = Object.entries(resourcesOfType(template, 'AWS::Lambda::Permission')).map(([id, permission]) => [id, permission.Properties ?? {}] as const);
  const apiId = logicalIdOf(stateless.httpApi);

  it('let only this HTTP API invoke a function, and only on a route of the definition that reaches that function', () => {
    assert.ok(permissions.length > 0);
    for (const [id, permission] of permissions) {
      assert.equal(permission.Action, 'lambda:InvokeFunction', id);
      assert.equal(permission.Principal, 'apigateway.amazonaws.com', id);
      const source = permission.SourceArn as { 'Fn::Join': [string, unknown[]] } | undefined;
      assert.ok(source, `${id} may be invoked by any API Gateway API`);
      const parts = source['Fn::Join'][1];
      assert.ok(parts.some((part) => JSON.stringify(part) === JSON.stringify({ Ref: apiId })), `${id} names another API`);
      const routePath = String(parts.at(-1)).replace(/^\/\*\/\*/, '');
      const routes = apiRoutes.filter((route) => route.path === routePath);
      assert.ok(routes.length > 0, `${id} is for ${routePath}, which is no route of the definition`);
      const fn = JSON.stringify(permission.FunctionName);
      assert.ok(routes.some((route) => fn === JSON.stringify(arnOf(ids(route.function).function))), `${id} lets ${routePath} invoke ${fn}`);
    }
  });

  it('exist exactly for the functions that serve a route: the queue consumers cannot be invoked through API Gateway', () => {
    const invocable = new Set(permissions.map(([, permission]) => JSON.stringify(permission.FunctionName)));
    for (const name of functionNames) {
      const served = apiRoutes.some((route) => route.function === name);
      assert.equal(invocable.has(JSON.stringify(arnOf(ids(name).function))), served, `${name} may be invoked by API Gateway`);
    }
  });
});
