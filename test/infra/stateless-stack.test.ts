import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { tipKeys } from '../../functions/adapters/dynamo-tip-store.ts';
import { esmRequireShim, functionLogRetention } from '../../infra/constructs/tinbao-function.ts';
import {
  alarmThresholds,
  apiRoutes,
  classifierEventSource,
  environmentNames,
  functionDefinitions,
  sharedSettings,
  smsAwsEventSource,
  type FunctionName,
} from '../../infra/definitions.ts';
import { apiThrottle, idempotencyTableActions, originationWildcards, smsFunctionNames, tableActions } from '../../infra/stateless-stack.ts';
import {
  actionsOf,
  allowedActions,
  arnOf,
  exportedValue,
  logicalIdOf,
  propertiesOf,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  synthesizeTemplates,
  testStage,
  type Statement,
} from './support.ts';

const synthesized = synthesizeTemplates();
after(() => synthesized.dispose());

const { stateful, stateless, statefulTemplate, statelessTemplate: template, outdir } = synthesized;
const functionNames = Object.keys(functionDefinitions) as FunctionName[];

const tableId = logicalIdOf(stateful.table);
const queueId = logicalIdOf(stateful.intakeQueue);
const deadLetterQueueId = logicalIdOf(stateful.deadLetterQueue);
const keyId = logicalIdOf(stateful.key);
const secretId = logicalIdOf(stateful.trackingPepper);
const topicId = logicalIdOf(stateless.alarmTopic);
const phoneKeyId = logicalIdOf(stateful.phoneKey);
const idempotencyTableId = logicalIdOf(stateful.idempotencyTable);
const smsQueueId = logicalIdOf(stateful.smsInboundQueue);
const smsDeadLetterQueueId = logicalIdOf(stateful.smsInboundDeadLetterQueue);
const gatewaySecretId = logicalIdOf(stateful.smsGatewaySecret);
const twilioTokenId = logicalIdOf(stateful.twilioAuthToken);
const isSms = (name: FunctionName): boolean => (smsFunctionNames as readonly FunctionName[]).includes(name);

const ids = (name: FunctionName) => {
  const construct = stateless.functions[name];
  return { function: logicalIdOf(construct.function), role: logicalIdOf(construct.role), logGroup: logicalIdOf(construct.logGroup) };
};
const functionProperties = (name: FunctionName) => propertiesOf(template, ids(name).function);

/** What a value in the stateless template refers to in the stateful one. */
const producer = (value: unknown) => exportedValue(statefulTemplate, value);
/** A resource of a statement: cross-stack references resolved to what they point at, anything else as it is. */
const target = (value: unknown) => (value && typeof value === 'object' && 'Fn::ImportValue' in value ? producer(value) : value);

describe('functions', () => {
  for (const name of functionNames) {
    describe(name, () => {
      const properties = functionProperties(name);

      it('runs Node.js 24 on arm64 with the timeout and memory of its definition', () => {
        assert.equal(properties.Runtime, 'nodejs24.x');
        assert.deepEqual(properties.Architectures, ['arm64']);
        assert.equal(properties.Timeout, functionDefinitions[name].timeoutSeconds);
        assert.equal(properties.MemorySize, functionDefinitions[name].memoryMiB);
        assert.equal(properties.Handler, 'index.handler');
      });

      it('traces with X-Ray and logs to its own log group with retention', () => {
        assert.deepEqual(properties.TracingConfig, { Mode: 'Active' });
        assert.deepEqual(properties.LoggingConfig, { LogGroup: { Ref: ids(name).logGroup } });
        const logGroup = propertiesOf(template, ids(name).logGroup);
        assert.equal(logGroup.RetentionInDays, functionLogRetention);
      });

      it('uses its own role without AWS managed policies', () => {
        assert.deepEqual(properties.Role, arnOf(ids(name).role));
        const role = propertiesOf(template, ids(name).role);
        assert.equal(role.ManagedPolicyArns, undefined);
        assert.deepEqual(role.AssumeRolePolicyDocument, {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
          Version: '2012-10-17',
        });
      });

      it('ships an ESM bundle with the require shim, source maps, and every package inside it', () => {
        const code = properties.Code as { S3Key: string };
        const assetDirectory = path.join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
        const bundle = readFileSync(path.join(assetDirectory, 'index.mjs'), 'utf8');
        assert.ok(bundle.startsWith(esmRequireShim), 'the bundle does not start with the createRequire shim');
        assert.ok(existsSync(path.join(assetDirectory, 'index.mjs.map')), 'no source map next to the bundle');
        const imported = [...bundle.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((match) => match[1]);
        const external = imported.filter((specifier) => !specifier?.startsWith('node:'));
        assert.deepEqual(external, [], 'the bundle imports packages at run time instead of bundling them');
        const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
        assert.equal(variables.NODE_OPTIONS, '--enable-source-maps');
      });

      it('loads as an ES module on Node.js 24 and exports the handler', () => {
        const code = properties.Code as { S3Key: string };
        const bundle = path.join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
        // Module initialisation only (environment checks, clients, the pepper): no AWS call is made.
        // The pepper comes from the local-stack variable, so Secrets Manager is not needed.
        // The SMS functions get their local-stack variables too (development secrets, no KMS or Secrets Manager).
        const environment = {
          ...sharedSettings,
          [environmentNames.tableName]: 'tips',
          [environmentNames.intakeQueueUrl]: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/intake',
          [environmentNames.trackingPepper]: 'bundle-smoke-test-pepper-0123456789',
          [environmentNames.idempotencyTableName]: 'idempotency',
          [environmentNames.smsGatewaySecret]: 'bundle-smoke-test-gateway-secret-0123456789',
          [environmentNames.smsGatewayOutboundUrl]: 'https://gateway.invalid/outbound',
          [environmentNames.twilioAuthToken]: 'bundle-smoke-test-twilio-token',
          [environmentNames.phoneSealingKey]: Buffer.alloc(32, 7).toString('base64'),
          [environmentNames.smsOriginationIdentity]: 'phone-0123456789abcdef',
          STAGE: testStage,
          AWS_REGION: 'ap-southeast-1',
        };
        const probe = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); if (typeof m.handler !== 'function') process.exit(3);`;
        const result = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '--eval', probe], {
          env: environment,
          encoding: 'utf8',
          timeout: 30_000,
        });
        assert.equal(result.status, 0, `importing the ${name} bundle failed:\n${result.stderr}`);
      });
    });
  }

  it('get exactly the environment variables they need (no context values set)', () => {
    const sms = [
      environmentNames.tableName,
      environmentNames.intakeQueueUrl,
      environmentNames.trackingPepperSecretArn,
      environmentNames.idempotencyTableName,
      environmentNames.phoneKeyArn,
    ];
    const specific: Record<FunctionName, string[]> = {
      intake: [environmentNames.tableName, environmentNames.intakeQueueUrl, environmentNames.trackingPepperSecretArn],
      status: [environmentNames.tableName, environmentNames.trackingPepperSecretArn],
      classifier: [environmentNames.tableName],
      smsGateway: [...sms, environmentNames.smsGatewaySecretArn],
      smsTwilio: [...sms, environmentNames.twilioAuthTokenSecretArn],
      smsAws: [...sms],
    };
    const references: Partial<Record<string, unknown>> = {
      [environmentNames.idempotencyTableName]: { Ref: idempotencyTableId },
      [environmentNames.phoneKeyArn]: arnOf(phoneKeyId),
      [environmentNames.smsGatewaySecretArn]: { Ref: gatewaySecretId },
      [environmentNames.twilioAuthTokenSecretArn]: { Ref: twilioTokenId },
    };
    for (const name of functionNames) {
      const variables = (functionProperties(name).Environment as { Variables: Record<string, unknown> }).Variables;
      const expected = [...specific[name], ...Object.keys(sharedSettings), 'STAGE', 'NODE_OPTIONS'].sort();
      assert.deepEqual(Object.keys(variables).sort(), expected, `${name} environment`);
      for (const [key, value] of Object.entries(sharedSettings)) assert.equal(variables[key], value, `${name} ${key}`);
      assert.equal(variables.STAGE, testStage);
      assert.deepEqual(producer(variables[environmentNames.tableName]), { Ref: tableId }, `${name} TABLE_NAME`);
      if (specific[name].includes(environmentNames.intakeQueueUrl)) {
        assert.deepEqual(producer(variables[environmentNames.intakeQueueUrl]), { Ref: queueId }, `${name} INTAKE_QUEUE_URL`);
      }
      if (specific[name].includes(environmentNames.trackingPepperSecretArn)) {
        assert.deepEqual(producer(variables[environmentNames.trackingPepperSecretArn]), { Ref: secretId }, `${name} pepper`);
      }
      for (const [variable, reference] of Object.entries(references)) {
        if (specific[name].includes(variable)) assert.deepEqual(producer(variables[variable]), reference, `${name} ${variable}`);
      }
    }
  });
});

describe('least-privilege roles', () => {
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
  const consumer = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];
  const expectedActions: Record<FunctionName, string[]> = {
    intake: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'kms:Decrypt', 'kms:GenerateDataKey', 'secretsmanager:GetSecretValue', 'sqs:SendMessage'],
    status: ['dynamodb:GetItem', 'kms:Decrypt', 'secretsmanager:GetSecretValue'],
    classifier: [
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'kms:Decrypt',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ],
    smsGateway: smsActions,
    smsTwilio: smsActions,
    smsAws: [...smsActions, ...consumer, 'sms-voice:SendTextMessage'],
  };
  const smsForbidden = ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWriteItem', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'sqs:PurgeQueue', 'sns:Publish'];
  const forbidden: Record<FunctionName, string[]> = {
    intake: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:Encrypt'],
    status: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan', 'sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Encrypt'],
    classifier: ['dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:DeleteTable', 'sqs:SendMessage', 'secretsmanager:GetSecretValue', 'kms:Encrypt'],
    smsGateway: [...smsForbidden, 'sqs:ReceiveMessage', 'sms-voice:SendTextMessage'],
    smsTwilio: [...smsForbidden, 'sqs:ReceiveMessage', 'sms-voice:SendTextMessage'],
    smsAws: smsForbidden,
  };

  // Every (action, resource) pair each role is allowed, resources resolved to the stateful stack.
  const table = arnOf(tableId);
  const idempotency = arnOf(idempotencyTableId);
  const intakeQueueArn = arnOf(queueId);
  const pepper = { Ref: secretId };
  const dataKey = arnOf(keyId);
  const phoneKey = arnOf(phoneKeyId);
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
      [['dynamodb:PutItem', 'dynamodb:DeleteItem'], [table]],
      [['sqs:SendMessage'], [intakeQueueArn]],
      [['secretsmanager:GetSecretValue'], [pepper]],
      [['kms:GenerateDataKey', 'kms:Decrypt'], [dataKey]],
    ],
    status: [
      [['dynamodb:GetItem'], [table]],
      [['secretsmanager:GetSecretValue'], [pepper]],
      [['kms:Decrypt'], [dataKey]],
    ],
    classifier: [
      [['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:ConditionCheckItem'], [table]],
      [consumer, [intakeQueueArn]],
      [['kms:Decrypt'], [dataKey]],
    ],
    smsGateway: smsGrants([{ Ref: gatewaySecretId }]),
    smsTwilio: smsGrants([{ Ref: twilioTokenId }]),
    smsAws: [...smsGrants([]), [consumer, [arnOf(smsQueueId)]], [['sms-voice:SendTextMessage'], anyNumberOrPool]],
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

  it('lets the SMS functions only encrypt with the phone key, and no function decrypt with it', () => {
    for (const name of functionNames) {
      const onPhoneKey = grantedPairs(statementsOf(name))
        .filter((pair) => pair.endsWith(` ${JSON.stringify(phoneKey)}`))
        .map((pair) => pair.split(' ')[0]);
      assert.deepEqual(onPhoneKey, isSms(name) ? ['kms:Encrypt'] : [], `${name} on the phone key`);
      assert.ok(!onPhoneKey.includes('kms:Decrypt'), `${name} may decrypt phone numbers`);
      // Nor through a wildcard: no KMS action of any role names "*" or a key other than the two of the stack.
      for (const statement of statementsOf(name).filter((candidate) => actionsOf(candidate).some((action) => action.startsWith('kms:')))) {
        for (const resource of resourcesOf(statement).map(target)) {
          assert.ok([JSON.stringify(dataKey), JSON.stringify(phoneKey)].includes(JSON.stringify(resource)), `${name} uses KMS on ${JSON.stringify(resource)}`);
        }
      }
    }
  });

  it('restricts intake writes to tracking-code items with a dynamodb:LeadingKeys condition', () => {
    const tableStatements = statementsOf('intake').filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
    assert.ok(tableStatements.length > 0);
    const trackingCodePartitions = tipKeys.trackingCode('*').PK;
    for (const statement of tableStatements) {
      assert.deepEqual(statement.Condition, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [trackingCodePartitions] } });
    }
  });

  it('lets functions use the data key only through the services they call', () => {
    const viaServices = (name: FunctionName) =>
      statementsOf(name)
        .filter((statement) => statement.Sid === 'UseDataKey')
        .map((statement) => JSON.stringify(statement.Condition?.StringEquals?.['kms:ViaService']));
    for (const name of functionNames) assert.equal(viaServices(name).length, 1, `${name} UseDataKey statement`);
    assert.match(viaServices('intake')[0] ?? '', /sqs\..*secretsmanager\..*dynamodb\./);
    assert.match(viaServices('status')[0] ?? '', /secretsmanager\..*dynamodb\./);
    for (const name of smsFunctionNames) assert.match(viaServices(name)[0] ?? '', /sqs\..*secretsmanager\..*dynamodb\./, name);
  });

  it('lets the phone key be used without kms:ViaService, since the SMS functions call KMS themselves', () => {
    for (const name of smsFunctionNames) {
      const sealing = statementsOf(name).filter((statement) => statement.Sid === 'SealPhoneNumbers');
      assert.equal(sealing.length, 1, `${name} SealPhoneNumbers statement`);
      assert.deepEqual(actionsOf(sealing[0] as Statement), ['kms:Encrypt']);
      assert.equal(sealing[0]?.Condition, undefined);
    }
  });
});

describe('queue consumer', () => {
  const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')).map((mapping) => mapping.Properties ?? {});

  it('feeds the intake queue to the classifier with partial batch responses and the defined batching', () => {
    const mapping = mappings.find((candidate) => JSON.stringify(candidate.FunctionName) === JSON.stringify({ Ref: ids('classifier').function }));
    assert.ok(mapping, 'the classifier has no event source mapping');
    assert.deepEqual(producer(mapping.EventSourceArn), arnOf(queueId));
    assert.deepEqual(mapping.FunctionResponseTypes, classifierEventSource.reportBatchItemFailures ? ['ReportBatchItemFailures'] : undefined);
    assert.equal(mapping.BatchSize, classifierEventSource.batchSize);
    assert.equal(mapping.MaximumBatchingWindowInSeconds, classifierEventSource.maxBatchingWindowSeconds);
  });

  it('feeds the SMS inbound queue to smsAws with partial batch responses and the defined batching', () => {
    const mapping = mappings.find((candidate) => JSON.stringify(candidate.FunctionName) === JSON.stringify({ Ref: ids('smsAws').function }));
    assert.ok(mapping, 'smsAws has no event source mapping');
    assert.deepEqual(producer(mapping.EventSourceArn), arnOf(smsQueueId));
    assert.equal(smsAwsEventSource.reportBatchItemFailures, true);
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(mapping.BatchSize, smsAwsEventSource.batchSize);
    assert.equal(mapping.MaximumBatchingWindowInSeconds, smsAwsEventSource.maxBatchingWindowSeconds);
  });

  it('has exactly the two consumers', () => {
    assert.equal(mappings.length, 2);
  });

  it('leaves the dead-letter queues alone: no function consumes them', () => {
    for (const mapping of mappings) {
      assert.notDeepEqual(producer(mapping.EventSourceArn), arnOf(deadLetterQueueId));
      assert.notDeepEqual(producer(mapping.EventSourceArn), arnOf(smsDeadLetterQueueId));
    }
  });

  for (const [consumerName, consumedQueueId] of [['classifier', queueId], ['smsAws', smsQueueId]] as const) {
    it(`hides a received message at least six times as long as the ${consumerName}'s timeout`, () => {
      const visibilityTimeout = propertiesOf(statefulTemplate, consumedQueueId).VisibilityTimeout as number;
      const consumerTimeout = functionProperties(consumerName).Timeout as number;
      assert.ok(visibilityTimeout >= 6 * consumerTimeout, `visibility ${visibilityTimeout}s < 6 × ${consumerTimeout}s`);
    });
  }
});

describe('HTTP API', () => {
  const routes = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).map((route) => route.Properties ?? {});
  const integrationTarget = (integrationId: string) => propertiesOf(template, integrationId);

  it('serves exactly the routes of the definition', () => {
    assert.deepEqual(routes.map((route) => route.RouteKey).sort(), apiRoutes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('sends each route to its function through a Lambda proxy integration (payload 2.0)', () => {
    for (const definition of apiRoutes) {
      const route = routes.find((candidate) => candidate.RouteKey === `${definition.method} ${definition.path}`);
      assert.ok(route);
      const target = route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integrationId = target['Fn::Join'][1][1].Ref;
      const integration = integrationTarget(integrationId);
      assert.equal(integration.IntegrationType, 'AWS_PROXY');
      assert.equal(integration.PayloadFormatVersion, '2.0');
      assert.deepEqual(integration.IntegrationUri, arnOf(ids(definition.function).function), `${route.RouteKey as string} target`);
    }
  });

  it('logs access on the default stage without anything that identifies a tipster, and throttles it', () => {
    const stage = propertiesOf(template, logicalIdOf(stateless.apiStage));
    assert.equal(stage.StageName, '$default');
    assert.equal(stage.AutoDeploy, true);
    assert.deepEqual(stage.DefaultRouteSettings, { ThrottlingBurstLimit: apiThrottle.burstLimit, ThrottlingRateLimit: apiThrottle.rateLimit });
    const accessLog = stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    const logGroup = propertiesOf(template, accessLog.DestinationArn['Fn::GetAtt'][0]);
    assert.ok(typeof logGroup.RetentionInDays === 'number' && logGroup.RetentionInDays > 0, 'access logs have no retention');
    assert.match(accessLog.Format, /\$context\.requestId/);
    assert.doesNotMatch(accessLog.Format, /sourceIp|userAgent|identity\.|authorizer\./);
  });

  it('outputs its URL', () => {
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', ['https://', { Ref: logicalIdOf(stateless.httpApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']] } });
  });
});

describe('alarms', () => {
  const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties ?? {});
  const alarmOn = (metricName: string, queueLogicalId: string) => {
    const alarm = alarms.find(
      (candidate) =>
        candidate.Namespace === 'AWS/SQS' &&
        candidate.MetricName === metricName &&
        JSON.stringify((candidate.Dimensions as { Name: string; Value: unknown }[]).map((dimension) => [dimension.Name, producer(dimension.Value)])) ===
          JSON.stringify([['QueueName', { 'Fn::GetAtt': [queueLogicalId, 'QueueName'] }]]),
    );
    assert.ok(alarm, `no ${metricName} alarm on ${queueLogicalId}`);
    return alarm;
  };

  it('fires as soon as a message is in the dead-letter queue', () => {
    const alarm = alarmOn('ApproximateNumberOfMessagesVisible', deadLetterQueueId);
    assert.equal(alarm.Threshold, alarmThresholds.deadLetterMessages);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
  });

  it('fires when the oldest intake message is older than the threshold', () => {
    const alarm = alarmOn('ApproximateAgeOfOldestMessage', queueId);
    assert.equal(alarm.Threshold, alarmThresholds.oldestMessageAgeSeconds);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
  });

  it('fires as soon as an inbound SMS is in the SMS dead-letter queue', () => {
    const alarm = alarmOn('ApproximateNumberOfMessagesVisible', smsDeadLetterQueueId);
    assert.equal(alarm.Threshold, alarmThresholds.deadLetterMessages);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
  });

  it('fires when the oldest inbound SMS is older than the threshold', () => {
    const alarm = alarmOn('ApproximateAgeOfOldestMessage', smsQueueId);
    assert.equal(alarm.Threshold, alarmThresholds.oldestMessageAgeSeconds);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
  });

  it('are the four queue alarms, each notifying the topic on alarm and when it clears, reading one-minute maxima', () => {
    assert.equal(alarms.length, 4);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
      assert.deepEqual(alarm.OKActions, [{ Ref: topicId }]);
      assert.equal(alarm.Period, 60);
      assert.equal(alarm.Statistic, 'Maximum');
      assert.equal(alarm.EvaluationPeriods, 1);
      assert.equal(alarm.TreatMissingData, 'notBreaching');
    }
  });

  it('publishes to a topic encrypted with the customer managed key that refuses non-TLS publishing', () => {
    const topic = propertiesOf(template, topicId);
    assert.deepEqual(producer(topic.KmsMasterKeyId), arnOf(keyId));
    const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy')).map((policy) => policy.Properties ?? {});
    const policy = policies.find((candidate) => JSON.stringify(candidate.Topics) === JSON.stringify([{ Ref: topicId }]));
    assert.ok(policy, 'the alarm topic has no policy');
    const statements = (policy.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    assert.ok(
      statements.some((statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })),
      'the alarm topic does not deny insecure transport',
    );
  });
});
