/**
 * Encryption at rest across every stack. Every resource type the app deploys is listed below with
 * what it keeps at rest, so a new kind of resource fails here until someone decides how it is
 * encrypted. Whatever holds tips, tipsters' messages, queued tips, inbound SMS or secrets is
 * encrypted with the customer managed data key; the rest says why it is not.
 */
import assert from 'node:assert/strict';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, it } from 'vitest';
import { arnOf, logicalIdOf, resolvedAgainst, resourcesOfType, skipBundling, synthesizeTemplates, type TemplateResource } from './support.ts';

const synthesized = synthesizeTemplates({ context: skipBundling });
afterAll(() => synthesized.dispose());

const { stateful, stateless, statefulTemplate, statelessTemplate, edgeTemplate } = synthesized;
const templates: Readonly<Record<string, Template>> = { stateful: statefulTemplate, stateless: statelessTemplate, edge: edgeTemplate };
const dataKey = arnOf(logicalIdOf(stateful.key));
/** A value of any stack's template, with the stateless stack's imports resolved to the stateful stack. */
const resolved = resolvedAgainst(statefulTemplate);

/**
 * How each kind of resource keeps its data at rest.
 * - `data key`: encrypted with the customer managed data key (checked per resource below);
 * - otherwise, why the data key is not used.
 */
const atRest: Readonly<Record<string, 'data key' | string>> = {
  'AWS::DynamoDB::Table': 'data key',
  'AWS::SQS::Queue': 'data key',
  'AWS::SNS::Topic': 'data key',
  'AWS::SecretsManager::Secret': 'data key',
  'AWS::S3::Bucket':
    'the evidence bucket: the data key by default, the evidence key for originals (checked below); the site bucket: SSE-S3, it holds only the public pages and config.json; the log bucket: SSE-S3, the only encryption S3 server access logging writes to',
  'AWS::Logs::LogGroup':
    'encrypted by CloudWatch Logs with its own keys; the logs hold no tip text, phone number or secret (the privacy tests), every group expires (checked below), and the WAF log group is in us-east-1, where the data key is not',
  'AWS::KMS::Key': 'the keys themselves, rotated yearly (stateful-stack.test.ts)',
  'Custom::EvidenceBucketCors': "the evidence bucket's CORS rule, set by a deployment",
  'AWS::KMS::Alias': 'a name for a key',
  'AWS::Cognito::UserPool': "officers' accounts, encrypted at rest by Cognito, which takes no customer managed key for them",
  'AWS::Cognito::UserPoolGroup': 'a group name',
  'AWS::Cognito::UserPoolDomain': 'a domain prefix',
  'AWS::Cognito::UserPoolClient': 'app client settings; the client has no secret',
  'AWS::Lambda::Function': 'code and environment variables that are names and ARNs, never secrets (secrets are read from Secrets Manager)',
  'AWS::Lambda::LayerVersion': "the AWS CLI layer of BucketDeployment's handler",
  'AWS::Lambda::EventSourceMapping': 'settings',
  'AWS::Lambda::Permission': 'a resource policy',
  'AWS::IAM::Role': 'a policy',
  'AWS::IAM::Policy': 'a policy',
  'AWS::SQS::QueuePolicy': 'a policy',
  'AWS::SNS::TopicPolicy': 'a policy',
  'AWS::SNS::Subscription': 'settings',
  'AWS::S3::BucketPolicy': 'a policy',
  'AWS::ApiGatewayV2::Api': 'settings',
  'AWS::ApiGatewayV2::Stage': 'settings',
  'AWS::ApiGatewayV2::Route': 'settings',
  'AWS::ApiGatewayV2::Integration': 'settings',
  'AWS::ApiGatewayV2::Authorizer': 'settings',
  'AWS::CloudFront::Distribution': 'settings; it caches only the public pages (the API is never cached)',
  'AWS::CloudFront::Function': 'code of the public site',
  'AWS::CloudFront::OriginAccessControl': 'settings',
  'AWS::CloudFront::ResponseHeadersPolicy': 'settings',
  'AWS::CloudWatch::Alarm': 'settings',
  'AWS::WAFv2::WebACL': 'rules',
  'AWS::WAFv2::LoggingConfiguration': 'settings',
  'Custom::CDKBucketDeployment': 'the deployment of the public pages',
};

const everyResource = (): [stack: string, id: string, resource: TemplateResource][] =>
  Object.entries(templates).flatMap(([stack, template]) =>
    Object.entries(template.toJSON().Resources as Record<string, TemplateResource>).map(([id, found]) => [stack, id, found] as [string, string, TemplateResource]),
  );
const ofType = (type: string): [stack: string, id: string, properties: Record<string, unknown>][] =>
  Object.entries(templates).flatMap(([stack, template]) =>
    Object.entries(resourcesOfType(template, type)).map(([id, found]) => [stack, id, found.Properties ?? {}] as [string, string, Record<string, unknown>]),
  );

describe('encryption at rest', () => {
  it('is decided for every kind of resource the app deploys', () => {
    const undecided = [...new Set(everyResource().map(([, , found]) => found.Type))].filter((type) => !(type in atRest));
    assert.deepEqual(undecided, [], `say how these keep their data at rest: ${undecided.join(', ')}`);
  });

  it('uses the data key for both tables', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    assert.deepEqual(tables.map(([, id]) => id).sort(), [logicalIdOf(stateful.table), logicalIdOf(stateful.idempotencyTable)].sort());
    for (const [stack, id, properties] of tables) {
      assert.deepEqual(properties.SSESpecification, { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: dataKey }, `${stack} ${id}`);
    }
  });

  it('uses the data key for every queue, the dead-letter queues included', () => {
    const queues = ofType('AWS::SQS::Queue');
    for (const queue of [
      stateful.intakeQueue,
      stateful.deadLetterQueue,
      stateful.smsInboundQueue,
      stateful.smsInboundDeadLetterQueue,
      stateful.attachmentScanQueue,
      stateful.attachmentScanDeadLetterQueue,
    ]) {
      assert.ok(queues.some(([, id]) => id === logicalIdOf(queue)), `${queue.node.path} is not among the queues`);
    }
    for (const [stack, id, properties] of queues) {
      assert.deepEqual(resolved(properties.KmsMasterKeyId), dataKey, `${stack} ${id}`);
      assert.equal(properties.SqsManagedSseEnabled, undefined, `${stack} ${id} uses SQS-owned keys`);
    }
  });

  it('uses the data key for every topic: the inbound SMS topic and the alarm topic', () => {
    const topics = ofType('AWS::SNS::Topic');
    for (const topic of [stateful.smsInboundTopic, stateless.alarmTopic]) assert.ok(topics.some(([, id]) => id === logicalIdOf(topic)), topic.node.path);
    for (const [stack, id, properties] of topics) assert.deepEqual(resolved(properties.KmsMasterKeyId), dataKey, `${stack} ${id}`);
  });

  it('uses the data key for every secret: the pepper, the gateway secret and the Twilio token', () => {
    const secrets = ofType('AWS::SecretsManager::Secret');
    for (const secret of [stateful.trackingPepper, stateful.smsGatewaySecret, stateful.twilioAuthToken]) assert.ok(secrets.some(([, id]) => id === logicalIdOf(secret)), secret.node.path);
    for (const [stack, id, properties] of secrets) assert.deepEqual(properties.KmsKeyId, dataKey, `${stack} ${id}`);
  });

  const blockAll = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

  it('keeps the two web buckets under SSE-S3 and the evidence bucket under the data key, every bucket with public access blocked', () => {
    const buckets = ofType('AWS::S3::Bucket');
    const evidenceBucket = logicalIdOf(stateful.evidenceBucket);
    assert.deepEqual(
      buckets.map(([, id]) => id).sort(),
      [logicalIdOf(stateless.web.bucket), logicalIdOf(stateless.web.logBucket), evidenceBucket].sort(),
      'a new bucket needs a decision here',
    );
    for (const [stack, id, properties] of buckets) {
      const expected =
        id === evidenceBucket
          ? { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: dataKey } }] }
          : { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
      assert.deepEqual(properties.BucketEncryption, expected, `${stack} ${id}`);
      assert.deepEqual((properties.PublicAccessBlockConfiguration as Record<string, boolean> | undefined) ?? {}, blockAll, `${stack} ${id}`);
    }
  });

  it('refuses every request to the evidence bucket without TLS 1.2', () => {
    const policies = Object.values(resourcesOfType(statefulTemplate, 'AWS::S3::BucketPolicy')).map((policy) => policy.Properties ?? {});
    const bucket = logicalIdOf(stateful.evidenceBucket);
    const policy = policies.find((candidate) => JSON.stringify(candidate.Bucket) === JSON.stringify({ Ref: bucket }));
    const statements = (policy?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [];
    const everything = [arnOf(bucket), { 'Fn::Join': ['', [arnOf(bucket), '/*']] }];
    const denies = (condition: unknown) =>
      statements.some(
        (statement) =>
          statement.Effect === 'Deny' &&
          statement.Action === 's3:*' &&
          JSON.stringify(statement.Principal) === JSON.stringify({ AWS: '*' }) &&
          JSON.stringify(statement.Resource) === JSON.stringify(everything) &&
          JSON.stringify(statement.Condition) === JSON.stringify(condition),
      );
    assert.ok(denies({ Bool: { 'aws:SecureTransport': 'false' } }), 'the evidence bucket takes requests without TLS');
    assert.ok(denies({ NumericLessThan: { 's3:TlsVersion': 1.2 } }), 'the evidence bucket takes TLS below 1.2');
  });

  it('seals originals and quarantined files with the evidence key: the bucket refuses them under any other key or none', () => {
    const bucket = logicalIdOf(stateful.evidenceBucket);
    const policy = Object.values(resourcesOfType(statefulTemplate, 'AWS::S3::BucketPolicy')).find((candidate) => JSON.stringify(candidate.Properties?.Bucket) === JSON.stringify({ Ref: bucket }));
    const statements = (policy?.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [];
    const sealing = statements.filter((statement) => statement.Sid === 'SealOriginalsWithTheEvidenceKey');
    assert.equal(sealing.length, 1);
    assert.deepEqual(sealing[0], {
      Sid: 'SealOriginalsWithTheEvidenceKey',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: ['originals/', 'quarantine/'].map((prefix) => ({ 'Fn::Join': ['', [arnOf(bucket), `/${prefix}*`]] })),
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': arnOf(logicalIdOf(stateful.evidenceKey)) } },
    });
  });

  it('lets every log group expire, and none uses a key it could lose access to', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    assert.ok(groups.some(([stack]) => stack === 'edge'), 'the web ACL log group is among them');
    for (const [stack, id, properties] of groups) {
      assert.ok(typeof properties.RetentionInDays === 'number' && properties.RetentionInDays <= 90, `${stack} ${id} keeps its logs ${String(properties.RetentionInDays)} days`);
      assert.equal(properties.KmsKeyId, undefined, `${stack} ${id}: a key here needs a key policy for CloudWatch Logs (see the reason above)`);
    }
  });

  it('never makes the evidence key any resource\'s default: the scan names it on each original it writes', () => {
    const evidenceKey = JSON.stringify(arnOf(logicalIdOf(stateful.evidenceKey)));
    for (const [stack, id, found] of everyResource()) {
      if (found.Type.startsWith('AWS::IAM::') || found.Type === 'AWS::KMS::Alias' || found.Type === 'AWS::Lambda::Function' || found.Type === 'AWS::S3::BucketPolicy') continue;
      assert.ok(!JSON.stringify(resolved(found.Properties ?? {})).includes(evidenceKey), `${stack} ${id} (${found.Type}) uses the evidence key`);
    }
  });

  it('never uses the phone key for a resource: it seals numbers inside records only', () => {
    const phoneKey = JSON.stringify(arnOf(logicalIdOf(stateful.phoneKey)));
    for (const [stack, id, found] of everyResource()) {
      if (found.Type.startsWith('AWS::IAM::') || found.Type === 'AWS::KMS::Alias' || found.Type === 'AWS::Lambda::Function') continue;
      assert.ok(!JSON.stringify(resolved(found.Properties ?? {})).includes(phoneKey), `${stack} ${id} (${found.Type}) uses the phone key`);
    }
  });
});
