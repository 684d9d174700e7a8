import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import { classifierEventSource, functionDefinitions, sharedSettings } from '../../infra/definitions.ts';
import { createApiServer, type HttpHandler } from '../../infra/local/api-server.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureIntakeQueues, ensureTipTable, type LocalQueues } from '../../infra/local/resources.ts';
import { buildTestApp } from './support.ts';

// What `npm start` creates must be what `cdk deploy` creates: this test builds both from their
// own code paths and compares the properties that change behaviour.

type Resource = { Type: string; Properties: Record<string, unknown> };

const { stateful, stateless, dispose } = buildTestApp();
const statefulTemplate = Template.fromStack(stateful).toJSON() as { Resources: Record<string, Resource> };
const statelessTemplate = Template.fromStack(stateless).toJSON() as { Resources: Record<string, Resource> };

function resourcesOfType(template: { Resources: Record<string, Resource> }, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

const sortBy = <T>(items: T[], key: (item: T) => string): T[] => [...items].sort((a, b) => key(a).localeCompare(key(b)));

let dynamoDbLocal: DynamoDbLocal;
let fauxqs: FauxqsServer;
let dynamoDb: DynamoDBClient;
let sqs: SQSClient;
let queues: LocalQueues;
const tableName = 'drift-tips';

before(async () => {
  dynamoDbLocal = await startDynamoDbLocal();
  fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: localRegion });
  const sqsEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  dynamoDb = new DynamoDBClient({ endpoint: dynamoDbLocal.endpoint, region: localRegion, credentials: localCredentials });
  sqs = new SQSClient({ endpoint: sqsEndpoint, region: localRegion, credentials: localCredentials });
  await ensureTipTable(dynamoDb, tableName);
  queues = await ensureIntakeQueues(sqs, sqsEndpoint, { intakeQueue: 'drift-intake', deadLetterQueue: 'drift-intake-dlq' });
});

after(async () => {
  dispose();
  dynamoDb?.destroy();
  sqs?.destroy();
  await fauxqs?.stop();
  await dynamoDbLocal?.stop();
});

describe('local and cloud resources', () => {
  it('have the same table keys, attribute types, indexes and TTL', async () => {
    const [[, cloudTable] = []] = resourcesOfType(statefulTemplate, 'AWS::DynamoDB::Table');
    assert.ok(cloudTable, 'the template has a table');
    const cloud = cloudTable.Properties as {
      KeySchema: unknown[];
      AttributeDefinitions: Array<{ AttributeName: string }>;
      GlobalSecondaryIndexes: Array<{ IndexName: string; KeySchema: unknown[]; Projection: { ProjectionType: string } }>;
      TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
      BillingMode: string;
    };
    const { Table: local } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
    assert.ok(local);
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

  it('have the same queue visibility, retention, wait time and redrive to the DLQ', async () => {
    const cloudQueues = resourcesOfType(statefulTemplate, 'AWS::SQS::Queue');
    const [intakeId, cloudIntake] = cloudQueues.find(([, queue]) => queue.Properties.RedrivePolicy) ?? [];
    assert.ok(intakeId && cloudIntake, 'the template has a queue with a redrive policy');
    const redrive = cloudIntake.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: number };
    const dlqId = redrive.deadLetterTargetArn['Fn::GetAtt'][0];
    const cloudDlq = statefulTemplate.Resources[dlqId];
    assert.ok(cloudDlq, 'the redrive target is a queue of the stack');

    const attributes = async (queueUrl: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
    const localIntake = await attributes(queues.intakeQueueUrl);
    const localDlq = await attributes(queues.deadLetterQueueUrl);

    assert.equal(Number(localIntake.VisibilityTimeout), cloudIntake.Properties.VisibilityTimeout);
    assert.equal(Number(localIntake.MessageRetentionPeriod), cloudIntake.Properties.MessageRetentionPeriod);
    assert.equal(Number(localIntake.ReceiveMessageWaitTimeSeconds), cloudIntake.Properties.ReceiveMessageWaitTimeSeconds);
    const localRedrive = JSON.parse(localIntake.RedrivePolicy ?? '{}') as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    assert.equal(Number(localRedrive.maxReceiveCount), redrive.maxReceiveCount);
    assert.equal(localRedrive.deadLetterTargetArn, queues.deadLetterQueueArn, 'the local intake queue redrives to the local DLQ');
    assert.equal(Number(localDlq.MessageRetentionPeriod), cloudDlq.Properties.MessageRetentionPeriod);
  });

  it('consume the queue with the same batch settings', () => {
    const [[, mapping] = []] = resourcesOfType(statelessTemplate, 'AWS::Lambda::EventSourceMapping');
    assert.ok(mapping);
    assert.equal(mapping.Properties.BatchSize, classifierEventSource.batchSize, 'the local poller receives batches of this size');
    assert.equal(mapping.Properties.MaximumBatchingWindowInSeconds, classifierEventSource.maxBatchingWindowSeconds);
    assert.deepEqual(mapping.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
  });

  it('give functions the same settings, timeouts and memory', () => {
    const functions = resourcesOfType(statelessTemplate, 'AWS::Lambda::Function').filter(([, fn]) => (fn.Properties.Runtime as string | undefined)?.startsWith('nodejs24'));
    const expected = Object.values(functionDefinitions)
      .map((definition) => [definition.timeoutSeconds, definition.memoryMiB].join('/'))
      .sort();
    assert.deepEqual(functions.map(([, fn]) => [fn.Properties.Timeout, fn.Properties.MemorySize].join('/')).sort(), expected);
    for (const [id, fn] of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const [name, value] of Object.entries(sharedSettings)) assert.equal(variables[name], value, `${id} ${name}`);
    }
  });

  it('serve the same routes', async () => {
    const cloudRoutes = resourcesOfType(statelessTemplate, 'AWS::ApiGatewayV2::Route').map(([, route]) => String(route.Properties.RouteKey)).sort();
    const invoked: string[] = [];
    const stub: HttpHandler = async (event) => {
      invoked.push(event.routeKey);
      return { statusCode: 204 };
    };
    const server = createApiServer({ intake: stub, status: stub, classifier: undefined }, {});
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    try {
      const { port } = server.address() as AddressInfo;
      for (const routeKey of cloudRoutes) {
        const [method, path] = routeKey.split(' ');
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
        assert.equal(response.status, 204, `${routeKey} reaches a handler locally`);
      }
      const unknown = await fetch(`http://127.0.0.1:${port}/not-a-route`, { method: 'POST', body: '{}' });
      assert.equal(unknown.status, 404);
    } finally {
      server.close();
    }
    assert.deepEqual(invoked.sort(), cloudRoutes);
    assert.ok(cloudRoutes.length >= 2);
  });
});
