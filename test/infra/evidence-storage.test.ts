/**
 * The evidence bucket, its key and its handlers' role (infra/constructs/evidence-storage.ts), and
 * its CORS rule for the site's origin (evidence-cors.ts): what S3 keeps and for how long, whom it
 * tells of an upload, who may read what, and from which origin a browser may post. Templates only.
 */
import assert from 'node:assert/strict';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { evidenceBucketName, evidenceCorsRule, evidenceNoncurrentVersionDays, siteOriginOf } from '../../infra/constructs/evidence-storage.ts';
import { evidenceBucket, functionDefinitions, type FunctionName } from '../../infra/definitions.ts';
import { evidenceBucketGrants } from '../../infra/stateless-stack.ts';
import { evidencePrefixes } from '../../shared/attachments/attachment.ts';
import { evidenceRetentionDays } from '../../shared/tip/retention.ts';
import {
  actionsOf,
  allowedActions,
  arnOf,
  buildTestApp,
  logicalIdOf,
  resolvedAgainst,
  resource,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  skipBundling,
  synthesizeTemplates,
  testStage,
  type Statement,
} from './support.ts';

const synthesized = synthesizeTemplates({ context: skipBundling });
afterAll(() => synthesized.dispose());
const { stateful, stateless, statefulTemplate, statelessTemplate } = synthesized;

const bucketId = logicalIdOf(stateful.evidenceBucket);
const keyId = logicalIdOf(stateful.key);
const evidenceKeyId = logicalIdOf(stateful.evidenceKey);
const evidenceRoleId = logicalIdOf(stateful.evidenceHandlerRole);
const scanQueueId = logicalIdOf(stateful.attachmentScanQueue);
const bucket = resource(statefulTemplate, bucketId);
const properties = bucket.Properties ?? {};
/** The bucket's objects under a prefix, by reference, as the bucket's own stack spells them (its policy, the handler role). */
const objectsUnder = (prefix: string) => ({ 'Fn::Join': ['', [arnOf(bucketId), `/${prefix}*`]] });
/** The same, as the functions' grants spell them: from the bucket's fixed name (cdk-nag then names them readably). */
const grantedObjectsUnder = (prefix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::tinbao-${testStage}-evidence-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }, `/${prefix}*`]],
});
const functionNames = Object.keys(functionDefinitions) as FunctionName[];
const ids = (name: FunctionName) => ({ role: logicalIdOf(stateless.functions[name].role) });
const corsRoleId = logicalIdOf(stateless.node.findChild('EvidenceCorsRole'));
/** A resource of a statement: cross-stack references resolved to what they point at. */
const target = resolvedAgainst(statefulTemplate);

/** A template `Fn::Join` as it reads once deployed in a sample account and region. */
function rendered(value: unknown): string {
  const refs: Record<string, string> = { 'AWS::AccountId': '123456789012', 'AWS::Region': 'ap-southeast-1', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(rendered).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  assert.ok(ref !== undefined && ref in refs, `cannot render ${JSON.stringify(value)}`);
  return refs[ref] as string;
}

const bucketPolicyStatements = (): (Statement & { Principal?: unknown })[] => {
  const policy = Object.values(resourcesOfType(statefulTemplate, 'AWS::S3::BucketPolicy')).find((candidate) => JSON.stringify(candidate.Properties?.Bucket) === JSON.stringify({ Ref: bucketId }));
  assert.ok(policy, 'the evidence bucket has no policy');
  return (policy.Properties?.PolicyDocument as { Statement: (Statement & { Principal?: unknown })[] }).Statement;
};

describe('evidence bucket', () => {
  it('has a fixed name of its stage, account and region, which fits S3 for the longest stage in the longest region', () => {
    assert.equal(rendered(properties.BucketName), `tinbao-${testStage}-evidence-123456789012-ap-southeast-1`);
    const longest = evidenceBucketName('a'.repeat(19), '123456789012', 'ap-southeast-1');
    assert.ok(longest.length <= 63, `${longest} has ${longest.length} characters`);
    assert.throws(() => buildApp({ stage: 'a'.repeat(20), context: skipBundling }), /Invalid stage/);
  });

  it('is retained, versioned, with ACLs off and public access blocked', () => {
    assert.equal(bucket.DeletionPolicy, 'Retain');
    assert.equal(bucket.UpdateReplacePolicy, 'Retain');
    assert.deepEqual(properties.VersioningConfiguration, { Status: 'Enabled' });
    assert.deepEqual(properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.deepEqual(properties.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    assert.equal(properties.AccessControl, undefined);
  });

  it('expires uploads after a day and every copy with the tips it belongs to, as the definitions say', () => {
    assert.equal(evidenceBucket.expirationDays, evidenceRetentionDays(1825));
    assert.ok(evidenceBucket.expirationDays > 1825, 'a file must outlive the tip it belongs to');
    assert.deepEqual((properties.LifecycleConfiguration as { Rules: unknown[] }).Rules, [
      {
        Id: 'expire-incoming',
        Prefix: evidencePrefixes.incoming,
        ExpirationInDays: evidenceBucket.incomingExpirationDays,
        NoncurrentVersionExpiration: { NoncurrentDays: evidenceBucket.incomingExpirationDays },
        Status: 'Enabled',
      },
      {
        Id: 'expire-evidence',
        ExpirationInDays: evidenceBucket.expirationDays,
        NoncurrentVersionExpiration: { NoncurrentDays: evidenceNoncurrentVersionDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      },
      { Id: 'remove-expired-delete-markers', ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
    ]);
  });

  it('notifies the scan queue of every upload under incoming/ and of nothing else, once the queue lets it', () => {
    assert.deepEqual(properties.NotificationConfiguration, {
      QueueConfigurations: evidenceBucket.notification.events.map((event) => ({
        Event: event,
        Queue: arnOf(scanQueueId),
        Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } },
      })),
    });
    assert.equal(evidenceBucket.notification.prefix, evidencePrefixes.incoming);
    const queuePolicyId = Object.entries(resourcesOfType(statefulTemplate, 'AWS::SQS::QueuePolicy')).find(
      ([, candidate]) => JSON.stringify(candidate.Properties?.Queues) === JSON.stringify([{ Ref: scanQueueId }]),
    )?.[0];
    assert.ok(queuePolicyId && (bucket.DependsOn ?? []).includes(queuePolicyId), 'S3 checks the destination when the bucket is made: it must wait for the queue policy');
  });

  it('sets no notification through a custom resource (no CDK notifications handler in the app)', () => {
    for (const template of [statefulTemplate, statelessTemplate]) {
      assert.deepEqual(Object.keys(resourcesOfType(template, 'Custom::S3BucketNotifications')), []);
    }
  });

  it('denies reading originals and quarantined files to every principal but the evidence handler role', () => {
    const denies = bucketPolicyStatements().filter((statement) => statement.Sid === 'OnlyEvidenceHandlersReadOriginals');
    assert.deepEqual(denies, [
      {
        Sid: 'OnlyEvidenceHandlersReadOriginals',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [objectsUnder('originals/'), objectsUnder('quarantine/')],
        // By the role's ARN, whatever its session: an account admin can still change the policy, so nobody is locked out.
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': arnOf(evidenceRoleId) } },
      },
    ]);
    const allows = bucketPolicyStatements().filter((statement) => statement.Effect === 'Allow');
    assert.deepEqual(allows, [], 'the bucket policy grants nothing: access is by IAM');
  });

  it('tells the operator which role evidence handlers assume', () => {
    const outputs = statefulTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    assert.deepEqual(outputs.EvidenceHandlerRoleArn?.Value, arnOf(evidenceRoleId));
  });
});

describe('evidence key', () => {
  const key = resource(statefulTemplate, evidenceKeyId);
  const statements = (key.Properties?.KeyPolicy as { Statement: (Statement & { Principal?: unknown })[] }).Statement;

  it('is a key of its own, rotated, kept when the stack goes, with an alias of the stage', () => {
    assert.notEqual(evidenceKeyId, keyId);
    assert.equal(key.Properties?.EnableKeyRotation, true);
    assert.equal(key.DeletionPolicy, 'Retain');
    const aliases = Object.values(resourcesOfType(statefulTemplate, 'AWS::KMS::Alias')).map((alias) => alias.Properties ?? {});
    assert.ok(aliases.some((alias) => alias.AliasName === `alias/tinbao-${testStage}-evidence` && JSON.stringify(alias.TargetKeyId) === JSON.stringify(arnOf(evidenceKeyId))));
  });

  it('lets nobody but the evidence handler role decrypt with it or re-encrypt from it, whatever IAM says; administration stays with the account', () => {
    const root = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } };
    assert.deepEqual(statements, [
      { Action: 'kms:*', Effect: 'Allow', Principal: root, Resource: '*' },
      {
        Sid: 'OnlyEvidenceHandlersDecrypt',
        Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': arnOf(evidenceRoleId) } },
      },
    ]);
  });

  it('reaches the scan as EVIDENCE_KEY_ARN, the key its originals are sealed with', () => {
    const scan = resource(statelessTemplate, logicalIdOf(stateless.functions.scan.function)).Properties as { Environment: { Variables: Record<string, unknown> } };
    assert.deepEqual(resolvedAgainst(statefulTemplate)(scan.Environment.Variables.EVIDENCE_KEY_ARN), arnOf(evidenceKeyId));
  });
});

describe("the evidence bucket's CORS rule", () => {
  const corsResources = Object.values(resourcesOfType(statelessTemplate, 'Custom::EvidenceBucketCors'));
  const distributionId = logicalIdOf(stateless.web.distribution);

  it("is set by the stateless stack for its distribution's origin alone when no site origin is configured", () => {
    assert.equal(properties.CorsConfiguration, undefined, 'the stateful stack cannot know the distribution, so it sets no rule');
    assert.equal(corsResources.length, 1);
    const create = JSON.parse(
      JSON.stringify(corsResources[0]?.Properties?.Create)
        .replaceAll(/\{"Fn::GetAtt":\["[^"]+","DomainName"\]\}/g, '"d1234.cloudfront.net"')
        .replaceAll(/\{"Fn::ImportValue":"[^"]+"\}/g, '"tinbao-test-evidence-123456789012-ap-southeast-1"'),
    ) as { 'Fn::Join': [string, unknown[]] };
    assert.ok(JSON.stringify(corsResources[0]?.Properties?.Create).includes(distributionId), 'the rule names another distribution');
    const call = JSON.parse(rendered(create)) as { service: string; action: string; parameters: { Bucket: string; CORSConfiguration: { CORSRules: unknown[] } } };
    assert.equal(call.action, 'putBucketCors');
    assert.equal(call.parameters.Bucket, 'tinbao-test-evidence-123456789012-ap-southeast-1');
    assert.deepEqual(call.parameters.CORSConfiguration.CORSRules, [evidenceCorsRule(['https://d1234.cloudfront.net'])]);
    assert.deepEqual(corsResources[0]?.Properties?.Update, corsResources[0]?.Properties?.Create, 'a new distribution address updates the rule');
    assert.equal(corsResources[0]?.Properties?.Delete, undefined, 'removing the construct leaves the rule the stateful stack may own by then');
  });

  it('takes the methods, headers, exposed headers and max age of the definitions, and only the one origin', () => {
    assert.deepEqual(evidenceCorsRule(['https://site.example']), {
      AllowedMethods: ['POST'],
      AllowedOrigins: ['https://site.example'],
      AllowedHeaders: [...evidenceBucket.cors.allowedHeaders],
      ExposeHeaders: [...evidenceBucket.cors.exposedHeaders],
      MaxAgeSeconds: evidenceBucket.cors.maxAgeSeconds,
    });
  });

  it('is the stateful stack\'s, for the configured site origin alone, when context names one: no custom resource then', () => {
    const app = buildTestApp({ context: { ...skipBundling, siteOrigin: 'https://tinbao.congan.hochiminhcity.gov.vn' } });
    try {
      const bucketProperties = resource(Template.fromStack(app.stateful), logicalIdOf(app.stateful.evidenceBucket)).Properties ?? {};
      assert.deepEqual(bucketProperties.CorsConfiguration, {
        CorsRules: [
          {
            AllowedMethods: ['POST'],
            AllowedOrigins: ['https://tinbao.congan.hochiminhcity.gov.vn'],
            AllowedHeaders: [...evidenceBucket.cors.allowedHeaders],
            ExposedHeaders: [...evidenceBucket.cors.exposedHeaders],
            MaxAge: evidenceBucket.cors.maxAgeSeconds,
          },
        ],
      });
      assert.deepEqual(Object.keys(Template.fromStack(app.stateless).findResources('Custom::EvidenceBucketCors')), []);
    } finally {
      app.dispose();
    }
  });

  it('refuses a site origin that is not an https origin, naming the context value', () => {
    assert.equal(siteOriginOf('https://tips.example.vn/'), 'https://tips.example.vn');
    for (const value of ['http://tips.example.vn', 'https://tips.example.vn/form', 'not a url', 'https://*.cloudfront.net']) {
      assert.throws(() => siteOriginOf(value), /siteOrigin/, value);
    }
    assert.throws(() => buildTestApp({ context: { ...skipBundling, siteOrigin: 'http://tips.example.vn' } }), /siteOrigin/);
  });
});

describe('who may do what in the evidence bucket', () => {
  const allTemplates = { stateful: statefulTemplate, stateless: statelessTemplate };
  const s3Pairs = (statements: readonly Statement[]) =>
    statements
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => actionsOf(statement).filter((action) => action.startsWith('s3:')).flatMap((action) => resourcesOf(statement).map((resource) => `${action} ${JSON.stringify(target(resource))}`)))
      .sort();
  const evidenceOnly = [evidencePrefixes.original, evidencePrefixes.quarantine].map((prefix) => JSON.stringify(grantedObjectsUnder(prefix)));

  it('is listed by no role of the app, the upload-signing intake included', () => {
    for (const [stack, source] of Object.entries(allTemplates)) {
      for (const role of Object.keys(resourcesOfType(source, 'AWS::IAM::Role'))) {
        const listing = allowedActions(roleStatements(source, role)).filter((action) => /^s3:(List|\*)/.test(action));
        if (role === logicalIdOf(stateless.web.node.findChild('DeploymentRole'))) {
          // The web deployment lists the site bucket and the asset bucket only (checked above): never the evidence bucket.
          const onEvidence = roleStatements(source, role).filter((statement) => /EvidenceBucket|-evidence-/.test(JSON.stringify(resourcesOf(statement).map(target))));
          assert.deepEqual(onEvidence, [], 'the web deployment touches the evidence bucket');
          continue;
        }
        assert.deepEqual(listing, [], `${stack} ${role} may list`);
      }
    }
  });

  it('gives each function exactly its prefixes: intake puts uploads, the scan takes them and writes the copies, officers read clean copies', () => {
    const expected = (name: FunctionName): string[] =>
      ((evidenceBucketGrants as Partial<Record<FunctionName, readonly { actions: readonly string[]; prefixes: readonly string[] }[]>>)[name] ?? [])
        .flatMap((grant) => grant.actions.flatMap((action) => grant.prefixes.map((prefix) => `${action} ${JSON.stringify(grantedObjectsUnder(prefix))}`)))
        .sort();
    assert.deepEqual(expected('intake'), [`s3:PutObject ${JSON.stringify(grantedObjectsUnder('incoming/'))}`]);
    assert.deepEqual(expected('officers'), [`s3:GetObject ${JSON.stringify(grantedObjectsUnder('clean/'))}`]);
    for (const name of functionNames) assert.deepEqual(s3Pairs(statementsOfRole(ids(name).role)), expected(name), `${name} in the evidence bucket`);
  });

  it('lets no function read an original or a quarantined file: only the scan writes them', () => {
    for (const name of functionNames) {
      for (const pair of s3Pairs(statementsOfRole(ids(name).role))) {
        if (!evidenceOnly.some((resource) => pair.endsWith(` ${resource}`))) continue;
        assert.equal(name, 'scan', `${name}: ${pair}`);
        assert.match(pair, /^s3:PutObject /, `the scan: ${pair}`);
      }
    }
  });

  it('lets the evidence handler role, which only this account may assume and only with MFA, read originals and quarantined files and open them, nothing else', () => {
    const role = resourcesOfType(statefulTemplate, 'AWS::IAM::Role')[evidenceRoleId]?.Properties ?? {};
    const trust = role.AssumeRolePolicyDocument as { Statement: (Statement & { Principal: unknown })[] };
    assert.equal(trust.Statement.length, 1);
    const [assume] = trust.Statement;
    assert.equal(assume?.Effect, 'Allow');
    assert.equal(assume?.Action, 'sts:AssumeRole');
    assert.deepEqual(assume?.Condition, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
    assert.deepEqual(assume?.Principal, { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } });
    assert.equal(role.MaxSessionDuration, 3600);
    assert.equal(role.ManagedPolicyArns, undefined);
    const statements = roleStatements(statefulTemplate, evidenceRoleId);
    assert.deepEqual(allowedActions(statements), ['kms:Decrypt', 's3:GetObject']);
    assert.deepEqual(s3Pairs(statements), [evidencePrefixes.original, evidencePrefixes.quarantine].map((prefix) => `s3:GetObject ${JSON.stringify(objectsUnder(prefix))}`).sort());
    const decrypt = statements.find((statement) => actionsOf(statement).includes('kms:Decrypt'));
    assert.deepEqual(resourcesOf(decrypt as Statement), [arnOf(evidenceKeyId)]);
    assert.deepEqual(decrypt?.Condition, { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } });
  });

  it('lets only the scan use the evidence key, to encrypt through S3: no function may decrypt with it', () => {
    const evidenceKey = JSON.stringify(arnOf(evidenceKeyId));
    for (const name of functionNames) {
      const onKey = statementsOfRole(ids(name).role).filter((statement) => resourcesOf(statement).some((resource) => JSON.stringify(target(resource)) === evidenceKey));
      if (name !== 'scan') {
        assert.deepEqual(onKey, [], `${name} uses the evidence key`);
        continue;
      }
      assert.deepEqual(onKey.flatMap(actionsOf), ['kms:GenerateDataKey']);
      assert.deepEqual(onKey[0]?.Condition, { StringEquals: { 'kms:ViaService': [{ 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }] } });
    }
  });

  it("lets the CORS rule's role put the evidence bucket's CORS rule and write its own logs, nothing else", () => {
    const statements = roleStatements(statelessTemplate, corsRoleId);
    assert.deepEqual(allowedActions(statements), ['logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutBucketCORS']);
    const cors = statements.filter((statement) => actionsOf(statement).includes('s3:PutBucketCORS'));
    assert.deepEqual(cors.flatMap((statement) => resourcesOf(statement).map(target)), [arnOf(bucketId)]);
  });
});

function statementsOfRole(roleLogicalId: string): Statement[] {
  return roleStatements(statelessTemplate, roleLogicalId);
}
