import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { assertCognitoDomainPrefix, officerPasswordPolicy } from '../../infra/constructs/officer-user-pool.ts';
import {
  attachmentScanQueue,
  functionDefinitions,
  idempotencyTable,
  intakeQueue,
  smsInboundQueue,
  smsInboundTopic,
  tipTable,
  type FunctionName,
  type KeyAttribute,
} from '../../infra/definitions.ts';
import { defaultPackId, jurisdiction, packIds } from '../../shared/jurisdictions/index.ts';
import { officerFromClaims, officerGroups } from '../../shared/officers/model.ts';
import {
  arnOf,
  buildTestApp,
  logicalIdOf,
  propertiesOf,
  referencedIds,
  resource,
  resourcesOfType,
  skipBundling,
  synthesizeTemplates,
  testStage,
  type Statement,
} from './support.ts';

// The stateful stack has no code: the functions need not be bundled to read its template.
const synthesized = synthesizeTemplates({ context: skipBundling });
afterAll(() => synthesized.dispose());

const { stateful, statefulTemplate: template } = synthesized;
const keyId = logicalIdOf(stateful.key);
const tableId = logicalIdOf(stateful.table);
const queueId = logicalIdOf(stateful.intakeQueue);
const deadLetterQueueId = logicalIdOf(stateful.deadLetterQueue);
const secretId = logicalIdOf(stateful.trackingPepper);
const phoneKeyId = logicalIdOf(stateful.phoneKey);
const idempotencyTableId = logicalIdOf(stateful.idempotencyTable);
const smsQueueId = logicalIdOf(stateful.smsInboundQueue);
const smsDeadLetterQueueId = logicalIdOf(stateful.smsInboundDeadLetterQueue);
const smsTopicId = logicalIdOf(stateful.smsInboundTopic);
const scanQueueId = logicalIdOf(stateful.attachmentScanQueue);
const scanDeadLetterQueueId = logicalIdOf(stateful.attachmentScanDeadLetterQueue);
const gatewaySecretId = logicalIdOf(stateful.smsGatewaySecret);
const twilioTokenId = logicalIdOf(stateful.twilioAuthToken);
/** The units of the map in force: a deployment routes to it unless `-c pack=…` says otherwise. */
const unitCodes = jurisdiction(defaultPackId).unitCodes;
const groupNames = (source: Template) =>
  Object.values(source.findResources('AWS::Cognito::UserPoolGroup') as Record<string, { Properties?: { GroupName?: string } }>)
    .map((group) => String(group.Properties?.GroupName))
    .sort();

const accountId = { Ref: 'AWS::AccountId' };
/** The evidence bucket's ARN built from its fixed name, as the policies that must not refer to the bucket spell it. */
const evidenceBucketArn = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::tinbao-${testStage}-evidence-`, accountId, '-', { Ref: 'AWS::Region' }]],
};
/** The ARN of a topic built from its name, as the template spells it without referring to the topic. */
const topicArnFromName = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', accountId, `:${name}`]],
});
const keyPolicyStatements = (logicalId: string) =>
  (propertiesOf(template, logicalId).KeyPolicy as { Statement: (Statement & { Principal?: unknown })[] }).Statement;
const queuePolicyStatements = (queueLogicalId: string) => {
  const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy')).map((policy) => policy.Properties ?? {});
  const policy = policies.find((candidate) => JSON.stringify(candidate.Queues) === JSON.stringify([{ Ref: queueLogicalId }]));
  assert.ok(policy, `no queue policy for ${queueLogicalId}`);
  return (policy.PolicyDocument as { Statement: (Statement & { Principal?: unknown })[] }).Statement;
};
const denyInsecureTransport = (statement: { Effect: string; Condition?: unknown }) =>
  statement.Effect === 'Deny' && JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } });

const keySchema = (partitionKey: KeyAttribute, sortKey: KeyAttribute) => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  { AttributeName: sortKey.name, KeyType: 'RANGE' },
];

describe('encryption key', () => {
  it('is a customer managed key with rotation, kept when the stack goes', () => {
    const key = resource(template, keyId);
    assert.equal(key.Type, 'AWS::KMS::Key');
    assert.equal(key.Properties?.EnableKeyRotation, true);
    assert.equal(key.DeletionPolicy, 'Retain');
  });

  it("lets only this account's CloudWatch alarms use it, to publish to the encrypted alarm topic", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it("lets End User Messaging use it for this account only, to publish inbound SMS to the encrypted topic", () => {
    const statements = keyPolicyStatements(keyId).filter((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'sms-voice.amazonaws.com' }));
    assert.equal(statements.length, 1);
    const [statement] = statements;
    assert.equal(statement?.Effect, 'Allow');
    assert.deepEqual([...(statement?.Action ?? [])].sort(), ['kms:Decrypt', 'kms:GenerateDataKey*']);
    assert.deepEqual(statement?.Condition, { StringEquals: { 'aws:SourceAccount': accountId } });
  });

  it('lets S3 use it only on behalf of the evidence bucket of this account, to notify the encrypted scan queue', () => {
    const statements = keyPolicyStatements(keyId).filter((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: 's3.amazonaws.com' }));
    assert.deepEqual(statements, [
      {
        Sid: 'AllowTheEvidenceBucketToNotifyEncryptedQueues',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: { ArnEquals: { 'aws:SourceArn': evidenceBucketArn }, StringEquals: { 'aws:SourceAccount': accountId } },
      },
    ]);
  });

  it('lets SNS use it only on behalf of the inbound SMS topic, to deliver into the encrypted SMS queue', () => {
    const statements = keyPolicyStatements(keyId).filter((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'sns.amazonaws.com' }));
    assert.equal(statements.length, 1);
    const [statement] = statements;
    assert.equal(statement?.Effect, 'Allow');
    assert.deepEqual([...(statement?.Action ?? [])].sort(), ['kms:Decrypt', 'kms:GenerateDataKey']);
    const topicName = propertiesOf(template, smsTopicId).TopicName as string;
    assert.deepEqual(statement?.Condition, { ArnEquals: { 'aws:SourceArn': topicArnFromName(topicName) } });
  });
});

describe('phone key', () => {
  const key = resource(template, phoneKeyId);

  it('is a customer managed key of its own, with rotation, kept when the stack goes', () => {
    assert.equal(key.Type, 'AWS::KMS::Key');
    assert.notEqual(phoneKeyId, keyId);
    assert.equal(key.Properties?.EnableKeyRotation, true);
    assert.equal(key.DeletionPolicy, 'Retain');
    assert.equal(key.UpdateReplacePolicy, 'Retain');
  });

  it('trusts only IAM in this account (the default key policy): no service may use it on its own', () => {
    const rootPrincipal = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', accountId, ':root']] } };
    const statements = keyPolicyStatements(phoneKeyId);
    assert.deepEqual(statements, [{ Action: 'kms:*', Effect: 'Allow', Principal: rootPrincipal, Resource: '*' }]);
  });

  it('encrypts nothing of the stack: only its alias refers to it (it seals phone numbers inside records)', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: unknown }>;
    const users = Object.entries(resources)
      .filter(([, definition]) => referencedIds(definition.Properties).includes(phoneKeyId))
      .map(([, definition]) => definition.Type);
    assert.deepEqual(users, ['AWS::KMS::Alias']);
  });
});

describe('tips table', () => {
  const table = resource(template, tableId);
  const properties = table.Properties ?? {};

  it('bills on demand, keeps point-in-time recovery and deletion protection, and is retained', () => {
    assert.equal(properties.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.equal(properties.DeletionProtectionEnabled, true);
    assert.equal(table.DeletionPolicy, 'Retain');
    assert.equal(table.UpdateReplacePolicy, 'Retain');
  });

  it('is encrypted with the customer managed key', () => {
    assert.deepEqual(properties.SSESpecification, { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(keyId) });
  });

  it('has the key schema, indexes and TTL attribute of the shared definition', () => {
    assert.deepEqual(properties.KeySchema, keySchema(tipTable.partitionKey, tipTable.sortKey));
    assert.deepEqual(
      properties.GlobalSecondaryIndexes,
      tipTable.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    assert.deepEqual(properties.TimeToLiveSpecification, { AttributeName: tipTable.timeToLiveAttribute, Enabled: true });
  });

  it('declares exactly the key attributes of the table and its indexes, with their types', () => {
    const keys = [tipTable.partitionKey, tipTable.sortKey, ...tipTable.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
    const expected = [...new Map(keys.map((key) => [key.name, key.type])).entries()].map(([name, type]) => ({ AttributeName: name, AttributeType: type }));
    const byName = (a: { AttributeName: string }, b: { AttributeName: string }) => a.AttributeName.localeCompare(b.AttributeName);
    assert.deepEqual([...(properties.AttributeDefinitions as { AttributeName: string }[])].sort(byName), expected.sort(byName));
  });
});

describe('idempotency table', () => {
  const table = resource(template, idempotencyTableId);
  const properties = table.Properties ?? {};

  it('bills on demand, keeps point-in-time recovery and deletion protection, and is retained', () => {
    assert.equal(properties.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.equal(properties.DeletionProtectionEnabled, true);
    assert.equal(table.DeletionPolicy, 'Retain');
    assert.equal(table.UpdateReplacePolicy, 'Retain');
  });

  it('is encrypted with the customer managed key', () => {
    assert.deepEqual(properties.SSESpecification, { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(keyId) });
  });

  it('has the partition key and TTL attribute of the shared definition (Powertools defaults), and no indexes', () => {
    assert.deepEqual(properties.KeySchema, [{ AttributeName: idempotencyTable.partitionKey.name, KeyType: 'HASH' }]);
    assert.deepEqual(properties.AttributeDefinitions, [
      { AttributeName: idempotencyTable.partitionKey.name, AttributeType: idempotencyTable.partitionKey.type },
    ]);
    assert.deepEqual(properties.TimeToLiveSpecification, { AttributeName: idempotencyTable.timeToLiveAttribute, Enabled: true });
    assert.equal(properties.GlobalSecondaryIndexes, undefined);
  });
});

const queuePairs: readonly {
  name: string;
  definition: typeof intakeQueue | typeof smsInboundQueue | typeof attachmentScanQueue;
  queueId: string;
  deadLetterQueueId: string;
  consumer: FunctionName;
}[] = [
  { name: 'intake', definition: intakeQueue, queueId, deadLetterQueueId, consumer: 'classifier' },
  { name: 'SMS inbound', definition: smsInboundQueue, queueId: smsQueueId, deadLetterQueueId: smsDeadLetterQueueId, consumer: 'smsAws' },
  { name: 'attachment scan', definition: attachmentScanQueue, queueId: scanQueueId, deadLetterQueueId: scanDeadLetterQueueId, consumer: 'scan' },
];

for (const pair of queuePairs) {
  describe(`${pair.name} queue and dead-letter queue`, () => {
    const queue = propertiesOf(template, pair.queueId);
    const deadLetterQueue = propertiesOf(template, pair.deadLetterQueueId);

    it('redrives to its own DLQ after maxReceiveCount receives', () => {
      assert.deepEqual(queue.RedrivePolicy, { deadLetterTargetArn: arnOf(pair.deadLetterQueueId), maxReceiveCount: pair.definition.maxReceiveCount });
    });

    it("hides a received message for at least six times its consumer's timeout, so a retried batch cannot overlap itself", () => {
      assert.ok((queue.VisibilityTimeout as number) >= 6 * functionDefinitions[pair.consumer].timeoutSeconds, `${pair.name}: ${String(queue.VisibilityTimeout)} s`);
    });

    it('takes visibility timeout, retention and long polling from the definition', () => {
      assert.equal(queue.VisibilityTimeout, pair.definition.visibilityTimeoutSeconds);
      assert.equal(queue.MessageRetentionPeriod, pair.definition.retentionPeriodSeconds);
      assert.equal(queue.ReceiveMessageWaitTimeSeconds, pair.definition.receiveWaitTimeSeconds);
      assert.equal(deadLetterQueue.MessageRetentionPeriod, pair.definition.deadLetterQueue.retentionPeriodSeconds);
    });

    it('keeps a dead-lettered message longer than the queue keeps it: SQS carries its first enqueue time into the DLQ', () => {
      const queueRetention = queue.MessageRetentionPeriod as number;
      const deadLetterRetention = deadLetterQueue.MessageRetentionPeriod as number;
      assert.ok(deadLetterRetention > queueRetention, `DLQ ${deadLetterRetention}s <= queue ${queueRetention}s: a redriven tip could expire in the DLQ`);
      assert.equal(deadLetterQueue.RedrivePolicy, undefined, 'a DLQ redrives nowhere');
    });

    it('encrypts both queues with the customer managed key', () => {
      assert.deepEqual(queue.KmsMasterKeyId, arnOf(keyId));
      assert.deepEqual(deadLetterQueue.KmsMasterKeyId, arnOf(keyId));
    });

    it('refuses requests without TLS on both queues', () => {
      for (const queueLogicalId of [pair.queueId, pair.deadLetterQueueId]) {
        assert.ok(queuePolicyStatements(queueLogicalId).some(denyInsecureTransport), `${queueLogicalId} does not deny insecure transport`);
      }
    });
  });
}

describe('the queue policies', () => {
  it('let nobody but the inbound SMS topic send to the SMS inbound queue, nobody but the evidence bucket to the scan queue, and nobody at all to the others', () => {
    const topicName = propertiesOf(template, smsTopicId).TopicName as string;
    const allows = (queueLogicalId: string) => queuePolicyStatements(queueLogicalId).filter((statement) => statement.Effect === 'Allow');
    assert.deepEqual(allows(smsQueueId), [
      {
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': topicArnFromName(topicName) } },
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Resource: arnOf(smsQueueId),
      },
    ]);
    assert.deepEqual(allows(scanQueueId), [
      {
        Sid: 'AllowTheEvidenceBucketToNotify',
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': evidenceBucketArn }, StringEquals: { 'aws:SourceAccount': accountId } },
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Resource: arnOf(scanQueueId),
      },
    ]);
    for (const other of [queueId, deadLetterQueueId, smsDeadLetterQueueId, scanDeadLetterQueueId]) assert.deepEqual(allows(other), [], `${other} allows someone`);
  });
});

describe('inbound SMS topic', () => {
  const topic = propertiesOf(template, smsTopicId);
  const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy')).map((policy) => policy.Properties ?? {});
  const policy = policies.find((candidate) => JSON.stringify(candidate.Topics) === JSON.stringify([{ Ref: smsTopicId }]));
  const statements = (policy?.PolicyDocument as { Statement: (Statement & { Principal?: unknown })[] } | undefined)?.Statement ?? [];

  it('is a standard topic encrypted with the customer managed key, named after the stage', () => {
    assert.deepEqual(topic.KmsMasterKeyId, arnOf(keyId));
    assert.equal(topic.FifoTopic, undefined, 'End User Messaging cannot publish to FIFO topics');
    assert.equal(topic.TopicName, `tinbao-${testStage}-${smsInboundTopic.logicalName}`);
  });

  it('refuses publishing without TLS', () => {
    assert.ok(policy, 'the inbound SMS topic has no policy');
    assert.ok(statements.some(denyInsecureTransport), 'the inbound SMS topic does not deny insecure transport');
  });

  it('lets only End User Messaging publish, and only on behalf of this account', () => {
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    assert.deepEqual(allows, [
      {
        Sid: 'AllowThisAccountsSmsToPublish',
        Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
        Effect: 'Allow',
        Principal: { Service: 'sms-voice.amazonaws.com' },
        Resource: { Ref: smsTopicId },
      },
    ]);
  });

  it('delivers raw messages to the SMS inbound queue, after the topic, its policy and the queue policy exist', () => {
    const subscriptions = Object.values(resourcesOfType(template, 'AWS::SNS::Subscription'));
    assert.equal(subscriptions.length, 1);
    const [subscription] = subscriptions;
    const properties = subscription?.Properties ?? {};
    assert.equal(properties.Protocol, 'sqs');
    assert.deepEqual(properties.Endpoint, arnOf(smsQueueId));
    assert.equal(properties.RawMessageDelivery, smsInboundTopic.rawMessageDelivery);
    assert.equal(properties.RawMessageDelivery, true);
    assert.deepEqual(properties.TopicArn, topicArnFromName(topic.TopicName as string), 'the subscription is not on the inbound SMS topic');
    const dependsOn = (subscription as { DependsOn?: string[] }).DependsOn ?? [];
    const topicPolicyId = Object.entries(resourcesOfType(template, 'AWS::SNS::TopicPolicy')).find(([, candidate]) => JSON.stringify(candidate.Properties?.Topics) === JSON.stringify([{ Ref: smsTopicId }]))?.[0];
    const queuePolicyId = Object.entries(resourcesOfType(template, 'AWS::SQS::QueuePolicy')).find(([, candidate]) => JSON.stringify(candidate.Properties?.Queues) === JSON.stringify([{ Ref: smsQueueId }]))?.[0];
    for (const id of [smsTopicId, topicPolicyId, queuePolicyId]) assert.ok(id && dependsOn.includes(id), `the subscription does not wait for ${String(id)}`);
  });
});

const secrets = [
  { name: 'tracking pepper', id: secretId, minimumLength: 32 },
  { name: 'SMS gateway secret', id: gatewaySecretId, minimumLength: 32 },
  { name: 'Twilio auth token', id: twilioTokenId, minimumLength: 32 },
] as const;

describe('secrets', () => {
  for (const entry of secrets) {
    it(`keeps the ${entry.name} as a generated random string encrypted with the customer managed key, and retains it`, () => {
      const secret = resource(template, entry.id);
      assert.equal(secret.Type, 'AWS::SecretsManager::Secret');
      assert.deepEqual(secret.Properties?.KmsKeyId, arnOf(keyId));
      const generated = secret.Properties?.GenerateSecretString as { PasswordLength?: number; SecretStringTemplate?: unknown } | undefined;
      assert.ok(generated, 'the secret value is not generated');
      assert.equal(generated.SecretStringTemplate, undefined, 'the value is a plain string, not JSON');
      assert.ok((generated.PasswordLength ?? 32) >= entry.minimumLength, `the ${entry.name} is too short`);
      assert.equal(secret.DeletionPolicy, 'Retain');
      assert.equal(secret.UpdateReplacePolicy, 'Retain');
    });
  }

  it('tells the operator that the Twilio auth token is a placeholder to overwrite after deploy', () => {
    assert.match(String(propertiesOf(template, twilioTokenId).Description), /placeholder.*overwrite.*real Twilio auth token/i);
  });

  it('rotates none of them automatically (rotation needs the gateway, Twilio, or a versioned pepper)', () => {
    assert.deepEqual(resourcesOfType(template, 'AWS::SecretsManager::RotationSchedule'), {});
  });
});

describe('officers user pool', () => {
  const poolId = logicalIdOf(stateful.officerPool.userPool);
  const pool = resource(template, poolId);
  const properties = pool.Properties ?? {};

  it('is the only user pool, kept when the stack goes, with deletion protection', () => {
    assert.deepEqual(Object.keys(resourcesOfType(template, 'AWS::Cognito::UserPool')), [poolId]);
    assert.equal(pool.DeletionPolicy, 'Retain');
    assert.equal(pool.UpdateReplacePolicy, 'Retain');
    assert.equal(properties.DeletionProtection, 'ACTIVE');
    assert.equal(properties.UserPoolName, `tinbao-${testStage}-officers`);
  });

  it('lets only admins create officers, who sign in by username', () => {
    assert.deepEqual(properties.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true });
    assert.equal(properties.UsernameAttributes, undefined, 'email or phone number would replace the username');
    assert.equal(properties.AliasAttributes, undefined, 'no sign-in aliases besides the username');
    assert.deepEqual(properties.UsernameConfiguration, { CaseSensitive: false });
  });

  it('requires a strong password: at least 12 characters of every class, no reuse, short-lived temporary passwords', () => {
    const policy = (properties.Policies as { PasswordPolicy: Record<string, unknown> }).PasswordPolicy;
    assert.ok(officerPasswordPolicy.minLength >= 12);
    assert.deepEqual(policy, {
      MinimumLength: officerPasswordPolicy.minLength,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      PasswordHistorySize: officerPasswordPolicy.passwordHistorySize,
      TemporaryPasswordValidityDays: officerPasswordPolicy.tempPasswordValidityDays,
    });
  });

  it('requires MFA for every officer, by authenticator app (TOTP) only: no SMS, no email codes', () => {
    assert.equal(properties.MfaConfiguration, 'ON');
    assert.deepEqual(properties.EnabledMfas, ['SOFTWARE_TOKEN_MFA']);
    assert.equal(properties.SmsConfiguration, undefined, 'the pool can send SMS');
  });

  it('has no self-service account recovery: an admin resets a lost password or authenticator', () => {
    assert.deepEqual(properties.AccountRecoverySetting, { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] });
  });

  it('enforces threat protection on the Plus feature plan (cdk-nag COG8)', () => {
    assert.equal(properties.UserPoolTier, 'PLUS');
    assert.deepEqual(properties.UserPoolAddOns, { AdvancedSecurityMode: 'ENFORCED' });
  });

  it('has no app client, triggers or identity pool here: the console client is in the stateless stack', () => {
    assert.deepEqual(resourcesOfType(template, 'AWS::Cognito::UserPoolClient'), {});
    assert.deepEqual(resourcesOfType(template, 'AWS::Cognito::IdentityPool'), {});
    assert.equal(properties.LambdaConfig, undefined);
  });

  it('has a group per unit of the map in force (168), the city desk and supervisors, and no other', () => {
    const groups = Object.values(resourcesOfType(template, 'AWS::Cognito::UserPoolGroup')).map((group) => group.Properties ?? {});
    for (const group of groups) assert.deepEqual(group.UserPoolId, { Ref: poolId });
    const names = groups.map((group) => String(group.GroupName)).sort();
    const expected = [...unitCodes.map((code) => officerGroups.unit(code)), officerGroups.cityDesk, officerGroups.supervisor].sort();
    assert.deepEqual(names, expected);
    assert.equal(unitCodes.length, 168);
    assert.equal(names.length, unitCodes.length + 2);
    for (const code of ['27154', '26743', '26732']) assert.ok(names.includes(`unit-${code}`), `no group unit-${code}`);
    assert.equal(new Set(names).size, names.length);
    for (const group of groups) assert.ok(String(group.Description).length > 0, `${String(group.GroupName)} has no description`);
  });

  it('names every group so that the officers API reads it: each unit as a unit, city desk and supervisor as roles', () => {
    const names = Object.values(resourcesOfType(template, 'AWS::Cognito::UserPoolGroup')).map((group) => String(group.Properties?.GroupName));
    const officer = officerFromClaims({ sub: 's', username: 'u', groups: names });
    assert.deepEqual([...officer.units].sort(), [...unitCodes].sort());
    assert.equal(officer.cityDesk, true);
    assert.equal(officer.supervisor, true);
  });

  it('has a group per district of the old map when the deployment is on the hcmc-2021 pack', () => {
    const app = buildTestApp({ context: { ...skipBundling, pack: 'hcmc-2021' } });
    try {
      const names = groupNames(Template.fromStack(app.stateful));
      const districts = jurisdiction('hcmc-2021').unitCodes;
      assert.equal(districts.length, 22);
      assert.deepEqual(names, [...districts.map((code) => officerGroups.unit(code)), officerGroups.cityDesk, officerGroups.supervisor].sort());
      assert.equal(names.filter((name) => name.startsWith('unit-')).length, 22);
      assert.ok(names.includes('unit-770') && !names.includes('unit-27154'));
    } finally {
      app.dispose();
    }
  });

  it('refuses an unknown pack at synth, naming the packs it knows', () => {
    assert.deepEqual([...packIds].sort(), ['hcmc-2021', 'hcmc-2025']);
    assert.throws(
      () => buildTestApp({ context: { ...skipBundling, pack: 'hcmc-2019' } }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /hcmc-2019/);
        for (const known of packIds) assert.ok(error.message.includes(known), `the message does not name ${known}: ${error.message}`);
        return true;
      },
    );
  });

  it('has a hosted sign-in domain prefix named after the stage', () => {
    const domains = Object.values(resourcesOfType(template, 'AWS::Cognito::UserPoolDomain')).map((domain) => domain.Properties ?? {});
    assert.deepEqual(domains, [{ Domain: `tinbao-${testStage}`, UserPoolId: { Ref: poolId } }]);
  });

  it('takes another domain prefix from context, and refuses one Cognito would refuse', () => {
    const app = buildTestApp({ context: { ...skipBundling, cognitoDomainPrefix: 'hcmc-police-tips' } });
    try {
      const domains = Object.values(Template.fromStack(app.stateful).findResources('AWS::Cognito::UserPoolDomain')) as { Properties: { Domain: string } }[];
      assert.deepEqual(domains.map((domain) => domain.Properties.Domain), ['hcmc-police-tips']);
    } finally {
      app.dispose();
    }
    for (const prefix of ['Tinbao', 'tinbao-aws', 'my-cognito', '-tinbao', 'tinbao_dev', '']) {
      assert.throws(() => assertCognitoDomainPrefix(prefix), /Invalid Cognito domain prefix/, JSON.stringify(prefix));
    }
  });
});
