import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { intakeQueue, tipTable, type KeyAttribute } from '../../infra/definitions.ts';
import { arnOf, logicalIdOf, propertiesOf, resource, resourcesOfType, synthesizeTemplates } from './support.ts';

const synthesized = synthesizeTemplates();
after(() => synthesized.dispose());

const { stateful, statefulTemplate: template } = synthesized;
const keyId = logicalIdOf(stateful.key);
const tableId = logicalIdOf(stateful.table);
const queueId = logicalIdOf(stateful.intakeQueue);
const deadLetterQueueId = logicalIdOf(stateful.deadLetterQueue);
const secretId = logicalIdOf(stateful.trackingPepper);

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

describe('intake queue and dead-letter queue', () => {
  const queue = propertiesOf(template, queueId);
  const deadLetterQueue = propertiesOf(template, deadLetterQueueId);

  it('redrives to the DLQ after maxReceiveCount receives', () => {
    assert.deepEqual(queue.RedrivePolicy, { deadLetterTargetArn: arnOf(deadLetterQueueId), maxReceiveCount: intakeQueue.maxReceiveCount });
  });

  it('takes visibility timeout, retention and long polling from the definition', () => {
    assert.equal(queue.VisibilityTimeout, intakeQueue.visibilityTimeoutSeconds);
    assert.equal(queue.MessageRetentionPeriod, intakeQueue.retentionPeriodSeconds);
    assert.equal(queue.ReceiveMessageWaitTimeSeconds, intakeQueue.receiveWaitTimeSeconds);
    assert.equal(deadLetterQueue.MessageRetentionPeriod, intakeQueue.deadLetterQueue.retentionPeriodSeconds);
  });

  it('encrypts both queues with the customer managed key', () => {
    assert.deepEqual(queue.KmsMasterKeyId, arnOf(keyId));
    assert.deepEqual(deadLetterQueue.KmsMasterKeyId, arnOf(keyId));
  });

  it('refuses requests without TLS on both queues', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy')).map((policy) => policy.Properties ?? {});
    for (const queueLogicalId of [queueId, deadLetterQueueId]) {
      const policy = policies.find((candidate) => JSON.stringify(candidate.Queues) === JSON.stringify([{ Ref: queueLogicalId }]));
      assert.ok(policy, `no queue policy for ${queueLogicalId}`);
      const statements = (policy.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
      assert.ok(
        statements.some(
          (statement) =>
            statement.Effect === 'Deny' &&
            JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
        `${queueLogicalId} does not deny insecure transport`,
      );
    }
  });
});

describe('tracking pepper secret', () => {
  const secret = resource(template, secretId);

  it('is a generated random string encrypted with the customer managed key and retained', () => {
    assert.equal(secret.Type, 'AWS::SecretsManager::Secret');
    assert.deepEqual(secret.Properties?.KmsKeyId, arnOf(keyId));
    const generated = secret.Properties?.GenerateSecretString as { PasswordLength?: number } | undefined;
    assert.ok(generated, 'the secret value is not generated');
    assert.ok((generated.PasswordLength ?? 32) >= 32, 'the pepper is too short for an HMAC key');
    assert.equal(secret.DeletionPolicy, 'Retain');
  });

  it('is never rotated automatically (rotation would orphan every tracking-code hash)', () => {
    assert.deepEqual(resourcesOfType(template, 'AWS::SecretsManager::RotationSchedule'), {});
  });
});
