import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetBucketLifecycleConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Template } from 'aws-cdk-lib/assertions';
import type { AddressInfo } from 'node:net';
import {
  apiRoutes,
  classifierEventSource,
  tipStreamEventSource,
  environmentNames,
  functionDefinitions,
  scanEventSource,
  sharedSettings,
  smsAwsEventSource,
  type FunctionName,
} from '../../infra/definitions.ts';
import { createApiServer, type HttpHandler } from '../../infra/local/api-server.ts';
import { localTokenLifetimeSeconds, seededOfficers } from '../../infra/local/identity-provider.ts';
import { consoleSecurityPolicy as localConsoleSecurityPolicy, staticPageSecurityPolicyFor } from '../../infra/local/static-files.ts';
import { startS3Gateway, type S3Gateway } from '../../infra/local/s3-gateway.ts';
import type { S3EventNotification, SentNotification } from '../../infra/local/s3-notifications.ts';
import { lambdaContext } from '../../infra/local/lambda-context.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import {
  ensureEvidenceBucket,
  ensureIdempotencyTable,
  ensureIntakeQueues,
  ensureScanQueues,
  ensureSmsInbound,
  ensureTipTable,
  localResourceNamesFor,
  type LocalQueues,
  type LocalSmsInbound,
} from '../../infra/local/resources.ts';
import { defaultPackId } from '../../shared/jurisdictions/index.ts';
import { sharedEmulators, uniquePrefix } from '../support/stack.ts';
import { buildTestApp, exportedValue, logicalIdOf, skipBundling } from './support.ts';

// What `npm start` creates must be what `cdk deploy` creates: this test builds both from their
// own code paths and compares the properties that change behaviour.

type Resource = { Type: string; Properties: Record<string, unknown> };

// Only templates are compared, so the functions are not bundled.
const { stateful, stateless, dispose } = buildTestApp({ context: skipBundling });
const statefulTemplate = Template.fromStack(stateful).toJSON() as { Resources: Record<string, Resource> };
const statelessTemplate = Template.fromStack(stateless).toJSON() as { Resources: Record<string, Resource> };
// With a site origin known before the deploy, the bucket's CORS rule is in the stateful template, where it can be read.
const withSiteOrigin = buildTestApp({ context: { ...skipBundling, siteOrigin: 'https://tips.example.vn' } });
const corsTemplate = Template.fromStack(withSiteOrigin.stateful).toJSON() as { Resources: Record<string, Resource> };
/** The CDK's custom resource handler (AwsCustomResource, for the evidence bucket's CORS rule): a deployment tool, no function of the app. */
const customResourceHandler = /^AWS679f53fac002430cb0da5b7982bd2287/;

function resourcesOfType(template: { Resources: Record<string, Resource> }, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

const sortBy = <T>(items: T[], key: (item: T) => string): T[] => [...items].sort((a, b) => key(a).localeCompare(key(b)));

let dynamoDb: DynamoDBClient;
let sqs: SQSClient;
let sns: SNSClient;
let s3: S3Client;
let queues: LocalQueues;
let smsInbound: LocalSmsInbound;
let scanQueues: LocalQueues;
let gateway: S3Gateway;
/** What the local S3 gateway told the scan queue, in order. */
const notified: SentNotification[] = [];
let onNotified: (() => void) | undefined;
// The local stack's own code paths, with names of this file's own, on the run's shared emulators.
const names = localResourceNamesFor(uniquePrefix('drift'));
/** The origin the local gateway lets browsers post from, as the cloud bucket lets the site's. */
const siteOrigin = 'http://127.0.0.1:3000';
const tableName = names.table;
const idempotencyTableName = names.idempotencyTable;

beforeAll(async () => {
  const { dynamoDbEndpoint, sqsEndpoint } = sharedEmulators();
  dynamoDb = new DynamoDBClient({ endpoint: dynamoDbEndpoint, region: localRegion, credentials: localCredentials });
  sqs = new SQSClient({ endpoint: sqsEndpoint, region: localRegion, credentials: localCredentials });
  // fauxqs serves SNS on the same endpoint as SQS, as in the local stack.
  sns = new SNSClient({ endpoint: sqsEndpoint, region: localRegion, credentials: localCredentials });
  await ensureTipTable(dynamoDb, tableName);
  await ensureIdempotencyTable(dynamoDb, idempotencyTableName);
  queues = await ensureIntakeQueues(sqs, sqsEndpoint, names);
  smsInbound = await ensureSmsInbound(sns, sqs, sqsEndpoint, {
    topic: names.smsInboundTopic,
    queue: names.smsInboundQueue,
    deadLetterQueue: names.smsInboundDeadLetterQueue,
  });
  scanQueues = await ensureScanQueues(sqs, sqsEndpoint, names);
  // fauxqs serves S3 on the same endpoint too; the local stack's gateway in front of it plays the bucket's notification and CORS.
  s3 = new S3Client({ endpoint: sqsEndpoint, region: localRegion, credentials: localCredentials, forcePathStyle: true });
  await ensureEvidenceBucket(s3, names.evidenceBucket);
  gateway = await startS3Gateway({
    upstream: sqsEndpoint,
    bucket: names.evidenceBucket,
    allowedOrigins: [siteOrigin],
    notifications: { sqs, queueUrl: scanQueues.intakeQueueUrl },
    onNotified: (notification) => {
      notified.push(notification);
      onNotified?.();
    },
  });
});

afterAll(async () => {
  dispose();
  withSiteOrigin.dispose();
  await gateway?.close();
  s3?.destroy();
  dynamoDb?.destroy();
  sqs?.destroy();
  sns?.destroy();
});

describe('local and cloud resources', () => {
  it('have the same table keys, attribute types, indexes and TTL', async () => {
    const cloudTable = statefulTemplate.Resources[logicalIdOf(stateful.table)];
    assert.ok(cloudTable, 'the template has the tips table');
    const cloud = cloudTable.Properties as {
      KeySchema: unknown[];
      AttributeDefinitions: Array<{ AttributeName: string }>;
      GlobalSecondaryIndexes: Array<{ IndexName: string; KeySchema: unknown[]; Projection: { ProjectionType: string } }>;
      TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
      BillingMode: string;
      StreamSpecification: { StreamViewType: string };
    };
    const { Table: local } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
    assert.ok(local);
    // The same stream of changes, which tipStream reads in both (infra/local/stream-poller.ts locally).
    assert.deepEqual(local.StreamSpecification, { StreamEnabled: true, StreamViewType: cloud.StreamSpecification.StreamViewType });
    assert.deepEqual(local.KeySchema, cloud.KeySchema);
    assert.deepEqual(sortBy(local.AttributeDefinitions ?? [], (a) => a.AttributeName ?? ''), sortBy(cloud.AttributeDefinitions, (a) => a.AttributeName));
    assert.deepEqual(
      sortBy(local.GlobalSecondaryIndexes ?? [], (index) => index.IndexName ?? '').map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: { ProjectionType: index.Projection?.ProjectionType },
      })),
      sortBy(cloud.GlobalSecondaryIndexes, (index) => index.IndexName).map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: { ProjectionType: index.Projection.ProjectionType },
      })),
    );
    assert.equal(local.BillingModeSummary?.BillingMode, cloud.BillingMode);
    const { TimeToLiveDescription } = await dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    assert.equal(TimeToLiveDescription?.AttributeName, cloud.TimeToLiveSpecification.AttributeName);
    assert.equal(TimeToLiveDescription?.TimeToLiveStatus, cloud.TimeToLiveSpecification.Enabled ? 'ENABLED' : 'DISABLED');
  });

  it('have the same idempotency table key, attribute type, billing and TTL', async () => {
    const cloudTable = statefulTemplate.Resources[logicalIdOf(stateful.idempotencyTable)];
    assert.ok(cloudTable, 'the template has the idempotency table');
    const cloud = cloudTable.Properties as {
      KeySchema: unknown[];
      AttributeDefinitions: unknown[];
      GlobalSecondaryIndexes?: unknown[];
      TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
      BillingMode: string;
    };
    const { Table: local } = await dynamoDb.send(new DescribeTableCommand({ TableName: idempotencyTableName }));
    assert.ok(local);
    assert.deepEqual(local.KeySchema, cloud.KeySchema);
    assert.deepEqual(local.AttributeDefinitions, cloud.AttributeDefinitions);
    assert.equal(local.GlobalSecondaryIndexes, undefined);
    assert.equal(cloud.GlobalSecondaryIndexes, undefined);
    assert.equal(local.BillingModeSummary?.BillingMode, cloud.BillingMode);
    const { TimeToLiveDescription } = await dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: idempotencyTableName }));
    assert.equal(TimeToLiveDescription?.AttributeName, cloud.TimeToLiveSpecification.AttributeName);
    assert.equal(TimeToLiveDescription?.TimeToLiveStatus, cloud.TimeToLiveSpecification.Enabled ? 'ENABLED' : 'DISABLED');
  });

  // The local queues exist once before() has run, hence the functions.
  const queuePairs = [
    { name: 'intake', cloudQueue: stateful.intakeQueue, cloudDlq: stateful.deadLetterQueue, local: (): LocalQueues => queues },
    { name: 'SMS inbound', cloudQueue: stateful.smsInboundQueue, cloudDlq: stateful.smsInboundDeadLetterQueue, local: (): LocalQueues => smsInbound },
    { name: 'attachment scan', cloudQueue: stateful.attachmentScanQueue, cloudDlq: stateful.attachmentScanDeadLetterQueue, local: (): LocalQueues => scanQueues },
  ] as const;

  for (const pair of queuePairs) {
    const { name } = pair;
    it(`have the same ${name} queue visibility, retention, wait time and redrive to its DLQ`, async () => {
      const cloudQueue = statefulTemplate.Resources[logicalIdOf(pair.cloudQueue)];
      assert.ok(cloudQueue, `the template has the ${name} queue`);
      const redrive = cloudQueue.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: number };
      const dlqId = redrive.deadLetterTargetArn['Fn::GetAtt'][0];
      assert.equal(dlqId, logicalIdOf(pair.cloudDlq), `the ${name} queue redrives to its own DLQ`);
      const cloudDlq = statefulTemplate.Resources[dlqId];
      assert.ok(cloudDlq, 'the redrive target is a queue of the stack');

      const attributes = async (queueUrl: string) =>
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
      const localQueue = await attributes(pair.local().intakeQueueUrl);
      const localDlq = await attributes(pair.local().deadLetterQueueUrl);

      assert.equal(Number(localQueue.VisibilityTimeout), cloudQueue.Properties.VisibilityTimeout);
      assert.equal(Number(localQueue.MessageRetentionPeriod), cloudQueue.Properties.MessageRetentionPeriod);
      assert.equal(Number(localQueue.ReceiveMessageWaitTimeSeconds), cloudQueue.Properties.ReceiveMessageWaitTimeSeconds);
      const localRedrive = JSON.parse(localQueue.RedrivePolicy ?? '{}') as { deadLetterTargetArn: string; maxReceiveCount: number | string };
      assert.equal(Number(localRedrive.maxReceiveCount), redrive.maxReceiveCount);
      assert.equal(localRedrive.deadLetterTargetArn, pair.local().deadLetterQueueArn, `the local ${name} queue redrives to its local DLQ`);
      assert.equal(Number(localDlq.MessageRetentionPeriod), cloudDlq.Properties.MessageRetentionPeriod);
      assert.equal(localDlq.RedrivePolicy, undefined, 'a DLQ has no DLQ of its own');
      assert.equal(cloudDlq.Properties.RedrivePolicy, undefined, 'a DLQ has no DLQ of its own');
    });
  }

  it('subscribe the SMS inbound queue to the inbound topic with the same raw message delivery', async () => {
    const subscriptions = resourcesOfType(statefulTemplate, 'AWS::SNS::Subscription');
    assert.equal(subscriptions.length, 1, 'the template has one subscription');
    const [[, cloudSubscription] = []] = subscriptions;
    assert.ok(cloudSubscription);
    assert.equal(cloudSubscription.Properties.Protocol, 'sqs');
    assert.deepEqual(cloudSubscription.Properties.Endpoint, { 'Fn::GetAtt': [logicalIdOf(stateful.smsInboundQueue), 'Arn'] });

    const { Subscriptions: localSubscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: smsInbound.topicArn }));
    assert.equal(localSubscriptions.length, 1, 'the local topic has one subscription');
    const [localSubscription] = localSubscriptions;
    assert.equal(localSubscription?.Protocol, 'sqs');
    assert.equal(localSubscription?.Endpoint, smsInbound.intakeQueueArn, 'the local topic delivers to the local SMS inbound queue');
    const { Attributes: local = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: localSubscription?.SubscriptionArn }));
    assert.equal(local.RawMessageDelivery, String(cloudSubscription.Properties.RawMessageDelivery));
    assert.equal(local.RawMessageDelivery, 'true');
  });

  it('consume the queues with the same batch settings', () => {
    const mappings = resourcesOfType(statelessTemplate, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    assert.equal(mappings.length, 4);
    const stream = mappings.find((candidate) => JSON.stringify(candidate.FunctionName) === JSON.stringify({ Ref: logicalIdOf(stateless.functions.tipStream.function) }));
    // The local stream poller reads these same settings (batch size, retries, filter) from tipStreamEventSource.
    assert.equal(stream?.BatchSize, tipStreamEventSource.batchSize);
    assert.equal(stream?.MaximumRetryAttempts, tipStreamEventSource.retryAttempts);
    assert.deepEqual(stream?.FilterCriteria, { Filters: [{ Pattern: JSON.stringify(tipStreamEventSource.filterPattern) }] });
    for (const [name, settings] of [['classifier', classifierEventSource], ['smsAws', smsAwsEventSource], ['scan', scanEventSource]] as const) {
      const mapping = mappings.find((candidate) => JSON.stringify(candidate.FunctionName) === JSON.stringify({ Ref: logicalIdOf(stateless.functions[name].function) }));
      assert.ok(mapping, `${name} has an event source mapping`);
      assert.equal(mapping.BatchSize, settings.batchSize, `the local ${name} poller receives batches of this size`);
      assert.equal(mapping.MaximumBatchingWindowInSeconds, settings.maxBatchingWindowSeconds);
      assert.deepEqual(mapping.FunctionResponseTypes, settings.reportBatchItemFailures ? ['ReportBatchItemFailures'] : undefined);
    }
  });

  it('give all functions the same settings, timeouts and memory', () => {
    const names = Object.keys(functionDefinitions) as FunctionName[];
    const functions = resourcesOfType(statelessTemplate, 'AWS::Lambda::Function').filter(
      ([id, fn]) => (fn.Properties.Runtime as string | undefined)?.startsWith('nodejs24') && !customResourceHandler.test(id),
    );
    assert.deepEqual(
      functions.map(([id]) => id).sort(),
      names.map((name) => logicalIdOf(stateless.functions[name].function)).sort(),
      'the template deploys exactly the defined functions',
    );
    for (const name of names) {
      const cloud = statelessTemplate.Resources[logicalIdOf(stateless.functions[name].function)];
      assert.ok(cloud);
      // The local stack invokes each handler with this context (infra/local/lambda-context.ts).
      const local = lambdaContext(name);
      assert.equal(Number(local.memoryLimitInMB), cloud.Properties.MemorySize, `${name} memory`);
      const localTimeoutSeconds = Math.round(local.getRemainingTimeInMillis() / 1000);
      assert.equal(localTimeoutSeconds, cloud.Properties.Timeout, `${name} timeout`);
      const variables = (cloud.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const [setting, value] of Object.entries(sharedSettings)) assert.equal(variables[setting], value, `${name} ${setting}`);
      // `npm start` and startLocalStack route to the map in force unless told otherwise, as a deployment does.
      assert.equal(variables[environmentNames.jurisdictionPack], defaultPackId, `${name} ${environmentNames.jurisdictionPack}`);
    }
  });

  it('serve the same routes, with the same path parameters, each reaching the function the template integrates', async () => {
    const cloudRoutes = resourcesOfType(statelessTemplate, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    const cloudRouteKeys = cloudRoutes.map((route) => String(route.RouteKey)).sort();
    // Which function each cloud route invokes: its integration's Lambda function, by name.
    const functionOf = new Map<string, FunctionName>();
    for (const route of cloudRoutes) {
      const integrationId = (route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      const uri = JSON.stringify(statelessTemplate.Resources[integrationId]?.Properties.IntegrationUri);
      const name = (Object.keys(functionDefinitions) as FunctionName[]).find((candidate) => uri === JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stateless.functions[candidate].function), 'Arn'] }));
      assert.ok(name, `${String(route.RouteKey)} integrates no defined function`);
      functionOf.set(String(route.RouteKey), name);
    }
    // A tip id that cannot be mistaken for a fixed segment such as `status`.
    const sampleId = '01J9ZTB7Q3V5X8K2M4N6P8R0ST';
    const invoked: { routeKey: string; functionName: FunctionName; pathParameters: unknown }[] = [];
    const handlers = Object.fromEntries(
      apiRoutes.map((route) => [
        route.function,
        (async (event) => {
          invoked.push({ routeKey: event.routeKey, functionName: route.function, pathParameters: event.pathParameters });
          return { statusCode: 204 };
        }) satisfies HttpHandler,
      ]),
    );
    const server = createApiServer(handlers, {});
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    try {
      const { port } = server.address() as AddressInfo;
      for (const routeKey of cloudRouteKeys) {
        const [method = '', template = ''] = routeKey.split(' ');
        const path = template.replaceAll(/\{\w+\}/g, sampleId);
        const before = invoked.length;
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
        assert.equal(response.status, 204, `${routeKey} reaches a handler locally`);
        const call = invoked[before];
        assert.equal(call?.routeKey, routeKey, `${method} ${path} is served as another route locally`);
        const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
        assert.deepEqual(call?.pathParameters, names.length > 0 ? Object.fromEntries(names.map((name) => [name, sampleId])) : undefined, `${routeKey} path parameters`);
      }
      const unknown = await fetch(`http://127.0.0.1:${port}/not-a-route`, { method: 'POST', body: '{}' });
      assert.equal(unknown.status, 404);
      // The officers' routes answer GET and POST only as defined: another method is no route in either place.
      const wrongMethod = await fetch(`http://127.0.0.1:${port}/queue`, { method: 'POST', body: '{}' });
      assert.equal(wrongMethod.status, 404);
    } finally {
      server.close();
    }
    assert.deepEqual(invoked.map((call) => call.routeKey).sort(), cloudRouteKeys);
    for (const call of invoked) assert.equal(call.functionName, functionOf.get(call.routeKey), `${call.routeKey} reaches another function locally`);
    assert.ok(cloudRouteKeys.some((key) => key.startsWith('GET ')), 'no GET route was compared');
    assert.ok(cloudRouteKeys.some((key) => key.includes('{')), 'no route with a path parameter was compared');
  });

  it("give officers the same groups: every group a local officer is in exists in the user pool, and the pool has no other kind", () => {
    const cloudGroups = resourcesOfType(statefulTemplate, 'AWS::Cognito::UserPoolGroup').map(([, group]) => String(group.Properties.GroupName)).sort();
    const localGroups = [...new Set(seededOfficers().flatMap((officer) => officer.groups))].sort();
    assert.deepEqual(localGroups, cloudGroups, 'the seeded local officers cover exactly the groups of the user pool');
    assert.equal(cloudGroups.length, 168 + 2);
  });

  it('give officers the same groups on the old map too, when both are told to use hcmc-2021', () => {
    const oldMap = buildTestApp({ context: { ...skipBundling, pack: 'hcmc-2021' } });
    try {
      const template = Template.fromStack(oldMap.stateful).toJSON() as { Resources: Record<string, Resource> };
      const cloudGroups = resourcesOfType(template, 'AWS::Cognito::UserPoolGroup').map(([, group]) => String(group.Properties.GroupName)).sort();
      const localGroups = [...new Set(seededOfficers('hcmc-2021').flatMap((officer) => officer.groups))].sort();
      assert.deepEqual(localGroups, cloudGroups);
      assert.equal(cloudGroups.length, 22 + 2);
    } finally {
      oldMap.dispose();
    }
  });

  it('issue officers access tokens that live as long', () => {
    const client = resourcesOfType(statelessTemplate, 'AWS::Cognito::UserPoolClient').map(([, found]) => found.Properties);
    assert.equal(client.length, 1);
    const [properties] = client as [Record<string, unknown>];
    assert.equal((properties.TokenValidityUnits as { AccessToken: string }).AccessToken, 'minutes');
    assert.equal(Number(properties.AccessTokenValidity) * 60, localTokenLifetimeSeconds);
  });

  it('send the pages and the console with the same Content-Security-Policy (the cloud console may also reach the hosted sign-in)', () => {
    const policies = new Map(
      resourcesOfType(statelessTemplate, 'AWS::CloudFront::ResponseHeadersPolicy').map(([id, policy]) => [
        id,
        (policy.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy?: { ContentSecurityPolicy: unknown } } }).SecurityHeadersConfig.ContentSecurityPolicy?.ContentSecurityPolicy,
      ]),
    );
    // The pages' script may post files to the evidence bucket: its regional origin in the cloud, the S3 gateway locally.
    const pages = policies.get(logicalIdOf(stateless.web.pageHeaders)) as { 'Fn::Join': [string, unknown[]] };
    const bucketName = 'tinbao-test-evidence-123456789012-ap-southeast-1';
    const cloudPages = pages['Fn::Join'][1]
      .map((part) => {
        if (typeof part === 'string') return part;
        const reference = (part && typeof part === 'object' && 'Fn::ImportValue' in part ? exportedValue(Template.fromStack(stateful), part) : part) as { Ref?: string };
        const values: Record<string, string> = { [logicalIdOf(stateful.evidenceBucket)]: bucketName, 'AWS::Region': 'ap-southeast-1', 'AWS::URLSuffix': 'amazonaws.com' };
        assert.ok(reference.Ref !== undefined && reference.Ref in values, `unexpected ${JSON.stringify(part)} in the pages' CSP`);
        return values[reference.Ref];
      })
      .join('');
    const cloudUploads = `https://${bucketName}.s3.ap-southeast-1.amazonaws.com`;
    assert.equal(cloudPages, staticPageSecurityPolicyFor([cloudUploads]));
    const withoutUploads = (policy: string, uploads: string) => policy.replace(` ${uploads}`, '');
    assert.equal(withoutUploads(cloudPages, cloudUploads), withoutUploads(staticPageSecurityPolicyFor([gateway.url]), gateway.url), 'the pages differ in more than where files go');
    // The console's policy names the sign-in domain, known at deploy time: render it for one region.
    const consolePolicy = policies.get(logicalIdOf(stateless.web.consoleHeaders)) as { 'Fn::Join': [string, unknown[]] };
    const refs: Record<string, string> = { [logicalIdOf(stateful.officerPool.domain)]: 'tinbao-test', 'AWS::Region': 'ap-southeast-1' };
    const rendered = consolePolicy['Fn::Join'][1]
      .map((part) => {
        if (typeof part === 'string') return part;
        const reference = (part && typeof part === 'object' && 'Fn::ImportValue' in part ? exportedValue(Template.fromStack(stateful), part) : part) as { Ref?: string };
        const name = reference.Ref;
        assert.ok(name !== undefined && name in refs, `unexpected ${JSON.stringify(part)} in the console CSP`);
        return refs[name];
      })
      .join('');
    const signIn = 'https://tinbao-test.auth.ap-southeast-1.amazoncognito.com';
    const directives = (policy: string) => Object.fromEntries(policy.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
    const cloud = directives(rendered);
    const local = directives(localConsoleSecurityPolicy);
    assert.deepEqual({ ...cloud, 'connect-src': cloud['connect-src']?.filter((source) => source !== signIn) }, local);
    assert.deepEqual(cloud['connect-src'], [...(local['connect-src'] ?? []), signIn]);
  });
});

describe('local and cloud evidence buckets', () => {
  const cloudBucket = statefulTemplate.Resources[logicalIdOf(stateful.evidenceBucket)];

  it('expire the same prefixes after the same days (the cloud also expires old versions: it is versioned, the local bucket is not)', async () => {
    assert.ok(cloudBucket, 'the template has the evidence bucket');
    type CloudRule = { Id: string; Prefix?: string; ExpirationInDays?: number };
    const cloud = (cloudBucket.Properties.LifecycleConfiguration as { Rules: CloudRule[] }).Rules.filter((rule) => rule.ExpirationInDays !== undefined);
    const { Rules: local = [] } = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: names.evidenceBucket }));
    const expiring = (rules: { id?: string; prefix?: string; days?: number }[]) => sortBy(rules.map((rule) => `${rule.id} ${rule.prefix ?? ''} ${rule.days}`), (rule) => rule);
    assert.deepEqual(
      expiring(local.map((rule) => ({ id: rule.ID, prefix: rule.Filter?.Prefix ?? rule.Prefix, days: rule.Expiration?.Days }))),
      expiring(cloud.map((rule) => ({ id: rule.Id, prefix: rule.Prefix, days: rule.ExpirationInDays }))),
    );
    assert.equal(cloud.length, 2, 'uploads and everything');
  });

  it('notify the scan queue of the same uploads: under incoming/ only', async () => {
    const cloudPrefixes = (cloudBucket?.Properties.NotificationConfiguration as { QueueConfigurations: { Filter: { S3Key: { Rules: { Name: string; Value: string }[] } } }[] }).QueueConfigurations.map(
      (configuration) => configuration.Filter.S3Key.Rules.find((rule) => rule.Name === 'prefix')?.Value,
    );
    assert.deepEqual(cloudPrefixes, ['incoming/']);
    const gatewayClient = new S3Client({ endpoint: gateway.url, region: localRegion, credentials: localCredentials, forcePathStyle: true });
    const ids = '01J9ZTB7Q3V5X8K2M4N6P8R0ST/01J9ZTB7Q3V5X8K2M4N6P8R0SV';
    const keyWasNotified = () => notified.some((notification) => 'Records' in notification.body && (notification.body as S3EventNotification).Records.some((record) => record.s3.object.key.startsWith('incoming')));
    const incomingNotified = new Promise<void>((done) => {
      onNotified = () => {
        if (keyWasNotified()) done();
      };
      onNotified();
    });
    try {
      // Outside the prefix first: the gateway notifies in order, so once the upload is told of, the other had its turn.
      await gatewayClient.send(new PutObjectCommand({ Bucket: names.evidenceBucket, Key: `clean/${ids}`, Body: 'clean copy' }));
      await gatewayClient.send(new PutObjectCommand({ Bucket: names.evidenceBucket, Key: `incoming/${ids}`, Body: 'upload' }));
      await incomingNotified;
    } finally {
      gatewayClient.destroy();
    }
    const keys = notified.flatMap((notification) => ('Records' in notification.body ? (notification.body as S3EventNotification).Records.map((record) => record.s3.object.key) : []));
    assert.deepEqual(keys.map((key) => decodeURIComponent(key)), [`incoming/${ids}`], 'the local bucket notified of something the cloud bucket would not');
    assert.ok(notified.some((notification) => 'Event' in notification.body && notification.body.Event === 's3:TestEvent'), 'S3 sends a test event when the notification is set, locally too');
  });

  it("let browsers post from the site's origin with the same CORS methods, and nothing else", async () => {
    const [rule] = (corsTemplate.Resources[logicalIdOf(withSiteOrigin.stateful.evidenceBucket)]?.Properties.CorsConfiguration as { CorsRules: { AllowedMethods: string[] }[] }).CorsRules;
    assert.ok(rule, 'the cloud bucket has a CORS rule');
    const preflight = (method: string, origin = siteOrigin) =>
      fetch(`${gateway.url}/${names.evidenceBucket}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method } });
    const allowed = await preflight('POST');
    assert.equal(allowed.headers.get('access-control-allow-origin'), siteOrigin);
    assert.deepEqual(allowed.headers.get('access-control-allow-methods')?.split(/,\s*/).sort(), [...rule.AllowedMethods].sort());
    for (const method of ['PUT', 'DELETE', 'GET'].filter((candidate) => !rule.AllowedMethods.includes(candidate))) {
      assert.equal((await preflight(method)).headers.get('access-control-allow-origin'), null, `${method} is allowed locally`);
    }
    assert.equal((await preflight('POST', 'https://elsewhere.example')).headers.get('access-control-allow-origin'), null, 'another origin is allowed locally');
  });
});
