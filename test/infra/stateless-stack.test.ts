import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, closeSync, rmSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, it } from 'vitest';
import { officerIssuerForCognito } from '../../functions/adapters/officer-auth.ts';
import { sharpNativePackages } from '../../infra/constructs/native-bundling.ts';
import { esmRequireShim, functionLogRetention, repositoryRoot } from '../../infra/constructs/tinbao-function.ts';
import {
  citizenPages,
  citizenPageSecurityPolicy,
  consolePath,
  consoleSecurityPolicy,
  directoryIndexFunctionCode,
  hstsMaxAge,
  runtimeConfigKey,
  vendorPathPattern,
  webLogRetentionDays,
} from '../../infra/constructs/web-console.ts';
import {
  alarmThresholds,
  apiRoutes,
  classifierEventSource,
  consoleVendorFiles,
  environmentNames,
  functionDefinitions,
  scanEventSource,
  sharedSettings,
  smsAwsEventSource,
  type FunctionName,
} from '../../infra/definitions.ts';
import {
  apiPathPatterns,
  apiThrottle,
  officerTokenValidity,
  userPoolIdVariable,
  webhookFunctionNames,
} from '../../infra/stateless-stack.ts';
import {
  arnOf,
  buildTestApp,
  exportedValue,
  logicalIdOf,
  propertiesOf,
  resource,
  resourcesOfType,
  skipBundling,
  synthesizeTemplates,
  testStage,
  type Statement,
} from './support.ts';
import { consoleLabels } from '../../shared/labels.ts';

const synthesized = synthesizeTemplates();
afterAll(() => synthesized.dispose());

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
const userPoolId = logicalIdOf(stateful.officerPool.userPool);
const userPoolDomainId = logicalIdOf(stateful.officerPool.domain);
const clientId = logicalIdOf(stateless.consoleClient);
const scanQueueId = logicalIdOf(stateful.attachmentScanQueue);
const scanDeadLetterQueueId = logicalIdOf(stateful.attachmentScanDeadLetterQueue);
const evidenceBucketId = logicalIdOf(stateful.evidenceBucket);
const evidenceKeyId = logicalIdOf(stateful.evidenceKey);
/** The folder of a function's code asset in the cloud assembly. */
const assetDirectoryOf = (name: FunctionName) => path.join(outdir, `asset.${(functionProperties(name).Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`);
/** The one package a bundle may import at run time instead of carrying it: the scan's sharp, shipped beside it. */
const shippedBeside: Partial<Record<FunctionName, readonly string[]>> = { scan: ['sharp'] };

const ids = (name: FunctionName) => {
  const construct = stateless.functions[name];
  return { function: logicalIdOf(construct.function), role: logicalIdOf(construct.role), logGroup: logicalIdOf(construct.logGroup) };
};
const functionProperties = (name: FunctionName) => propertiesOf(template, ids(name).function);

/** What a value in the stateless template refers to in the stateful one. */
const producer = (value: unknown) => exportedValue(statefulTemplate, value);
/** A template value with every cross-stack reference in it resolved to what it points at in the stateful stack. */
function resolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolved);
  if (!value || typeof value !== 'object') return value;
  if ('Fn::ImportValue' in value) return producer(value);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolved(inner)]));
}
/** A template `Fn::Join` of strings and Refs as it reads once deployed, with the given value for each Ref. */
function rendered(value: { 'Fn::Join': [string, unknown[]] }, refs: Record<string, string>): string {
  const [separator, parts] = value['Fn::Join'];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const name = (part as { Ref?: string }).Ref;
      assert.ok(name !== undefined && name in refs, `no value for ${JSON.stringify(part)}`);
      return refs[name];
    })
    .join(separator);
}
/** `https://cognito-idp.<region>.amazonaws.com/<pool id>`, the issuer of the pool's tokens. */
const cognitoIssuer: { 'Fn::Join': [string, unknown[]] } = {
  'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: userPoolId }]],
};

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
        // Import and export statements only: the classifier's bundle also holds cue phrases such as "police from".
        const imported = [...bundle.matchAll(/\b(?:import|export)\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*(?:\s*as\s*[\w$]+)?)?\s*from\s*["']([^"']+)["']/g)].map((match) => match[1]);
        assert.ok(imported.includes('node:module'), 'the import of the require shim is read as an import');
        // Node's own modules, with or without `node:` (aws-jwt-verify imports `crypto`), are the only imports left.
        const external = imported.filter((specifier) => specifier === undefined || !isBuiltin(specifier));
        assert.deepEqual([...new Set(external)], [...(shippedBeside[name] ?? [])], 'the bundle imports packages at run time instead of bundling them');
        // No --enable-source-maps at run time (ADR 0016): the map is for reading stacks offline,
        // and the bundle keeps its function names so that stacks in the logs stay readable.
        const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
        assert.equal(variables.NODE_OPTIONS, undefined);
        assert.ok(bundle.includes('function readEnvironment('), 'the bundle lost its function names');
      });

      it('loads as an ES module on Node.js 24 and exports the handler', () => {
        let bundle = path.join(assetDirectoryOf(name), 'index.mjs');
        // The asset's sharp is Lambda's (arm64): the scan's bundle is loaded beside this machine's node_modules instead.
        const beside = shippedBeside[name] ? mkdtempSync(path.join(tmpdir(), 'tinbao-bundle-')) : undefined;
        if (beside) {
          copyFileSync(bundle, path.join(beside, 'index.mjs'));
          symlinkSync(path.join(repositoryRoot, 'node_modules'), path.join(beside, 'node_modules'), 'junction');
          bundle = path.join(beside, 'index.mjs');
        }
        // Module initialisation only (environment checks, clients, the pepper): no AWS call is made.
        // The pepper comes from the local-stack variable, so Secrets Manager is not needed.
        // The SMS functions get their local-stack variables too (development secrets, no KMS or Secrets Manager),
        // and officers a Cognito issuer and client (the verifier fetches no keys until a token arrives).
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
          [environmentNames.officerJwtIssuer]: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_bundleSmoke',
          [environmentNames.officerClientId]: 'bundle-smoke-test-client',
          [environmentNames.evidenceBucketName]: 'tinbao-test-evidence-123456789012-ap-southeast-1',
          [environmentNames.evidenceKeyArn]: 'arn:aws:kms:ap-southeast-1:123456789012:key/00000000-0000-4000-8000-000000000000',
          [environmentNames.alertTopicArn]: 'arn:aws:sns:ap-southeast-1:123456789012:tinbao-test-urgent-alerts',
          [environmentNames.consoleUrl]: 'https://d111111abcdef8.cloudfront.net/console/',
          STAGE: testStage,
          AWS_REGION: 'ap-southeast-1',
        };
        const probe = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); if (typeof m.handler !== 'function') process.exit(3);`;
        const result = spawnSync(process.execPath, ['--input-type=module', '--eval', probe], {
          env: environment,
          encoding: 'utf8',
          timeout: 30_000,
        });
        if (beside) rmSync(beside, { recursive: true, force: true });
        assert.equal(result.status, 0, `importing the ${name} bundle failed:\n${result.stderr}`);
      });
    });
  }

  describe("the scan's natives", () => {
    const asset = () => assetDirectoryOf('scan');
    const filesUnder = (directory: string) => readdirSync(directory, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
    /** ELF e_machine: 183 is AArch64, the CPU of an arm64 Lambda. */
    const elfMachine = (file: string): number => {
      const header = Buffer.alloc(20);
      const descriptor = openSync(file, 'r');
      try {
        readSync(descriptor, header, 0, 20, 0);
      } finally {
        closeSync(descriptor);
      }
      assert.equal(header.subarray(0, 4).toString('latin1'), '\x7fELF', `${file} is not an ELF file`);
      assert.equal(header[5], 1, `${file} is not little-endian`);
      return header.readUInt16LE(18);
    };

    it('ship beside the bundle: sharp with its runtime dependencies, and its binding and libvips for Lambda (aarch64)', () => {
      const modules = path.join(asset(), 'node_modules');
      const sharp = JSON.parse(readFileSync(path.join(modules, 'sharp', 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
      assert.equal(sharp.version, (JSON.parse(readFileSync(path.join(repositoryRoot, 'node_modules', 'sharp', 'package.json'), 'utf8')) as { version: string }).version);
      for (const dependency of Object.keys(sharp.dependencies)) assert.ok(existsSync(path.join(modules, dependency, 'package.json')), `sharp's ${dependency} is missing`);
      for (const name of sharpNativePackages) assert.ok(existsSync(path.join(modules, name, 'package.json')), `${name} is missing`);
      const bindings = filesUnder(path.join(modules, '@img', 'sharp-linux-arm64')).filter((file) => file.endsWith('.node'));
      assert.equal(bindings.length, 1, "sharp's binding");
      assert.equal(elfMachine(bindings[0]!), 183, "sharp's binding is not built for aarch64");
      const libvips = filesUnder(path.join(modules, '@img', 'sharp-libvips-linux-arm64')).filter((file) => /\.so(\.|$)/.test(path.basename(file)));
      assert.ok(libvips.length > 0, 'no libvips shared library');
      for (const library of libvips) assert.equal(elfMachine(library), 183, `${library} is not built for aarch64`);
      assert.ok(!existsSync(path.join(modules, '@img', 'sharp-linux-x64')), "this machine's sharp binding went along");
    });

    it('are only the scan\'s: every other bundle carries neither sharp nor a node_modules folder', () => {
      for (const name of functionNames.filter((candidate) => candidate !== 'scan')) {
        assert.ok(!existsSync(path.join(assetDirectoryOf(name), 'node_modules')), `${name} ships node_modules`);
        assert.doesNotMatch(readFileSync(path.join(assetDirectoryOf(name), 'index.mjs'), 'utf8'), /@img\/sharp-|sharp-libvips/, `${name} bundles sharp`);
      }
    });
  });

  it('get exactly the environment variables they need (no context values set)', () => {
    const sms = [
      environmentNames.tableName,
      environmentNames.intakeQueueUrl,
      environmentNames.trackingPepperSecretArn,
      environmentNames.idempotencyTableName,
      environmentNames.phoneKeyArn,
    ];
    const specific: Record<FunctionName, string[]> = {
      intake: [environmentNames.tableName, environmentNames.intakeQueueUrl, environmentNames.trackingPepperSecretArn, environmentNames.evidenceBucketName],
      status: [environmentNames.tableName, environmentNames.trackingPepperSecretArn],
      classifier: [environmentNames.tableName],
      smsGateway: [...sms, environmentNames.smsGatewaySecretArn],
      smsTwilio: [...sms, environmentNames.twilioAuthTokenSecretArn, environmentNames.attachmentScanQueueUrl],
      smsAws: [...sms],
      officers: [
        environmentNames.tableName,
        environmentNames.officerJwtIssuer,
        environmentNames.officerClientId,
        userPoolIdVariable,
        environmentNames.phoneKeyArn,
        environmentNames.smsGatewaySecretArn,
        environmentNames.twilioAuthTokenSecretArn,
        environmentNames.evidenceBucketName,
      ],
      scan: [environmentNames.tableName, environmentNames.evidenceBucketName, environmentNames.evidenceKeyArn, environmentNames.twilioAuthTokenSecretArn],
      tipStream: [environmentNames.tableName, environmentNames.alertTopicArn, environmentNames.consoleUrl],
    };
    const references: Partial<Record<string, unknown>> = {
      [environmentNames.idempotencyTableName]: { Ref: idempotencyTableId },
      [environmentNames.phoneKeyArn]: arnOf(phoneKeyId),
      [environmentNames.smsGatewaySecretArn]: { Ref: gatewaySecretId },
      [environmentNames.twilioAuthTokenSecretArn]: { Ref: twilioTokenId },
      [userPoolIdVariable]: { Ref: userPoolId },
      [environmentNames.evidenceBucketName]: { Ref: evidenceBucketId },
      [environmentNames.evidenceKeyArn]: arnOf(evidenceKeyId),
    };
    for (const name of functionNames) {
      const variables = (functionProperties(name).Environment as { Variables: Record<string, unknown> }).Variables;
      const expected = [...specific[name], ...Object.keys(sharedSettings), environmentNames.jurisdictionPack, 'STAGE'].sort();
      assert.deepEqual(Object.keys(variables).sort(), expected, `${name} environment`);
      for (const [key, value] of Object.entries(sharedSettings)) assert.equal(variables[key], value, `${name} ${key}`);
      assert.equal(variables.STAGE, testStage);
      assert.equal(variables[environmentNames.jurisdictionPack], 'hcmc-2025', `${name} routes to the map in force unless told otherwise`);
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

  it('tell officers the Cognito issuer and the console client, the same the JWT authorizer checks', () => {
    const variables = (functionProperties('officers').Environment as { Variables: Record<string, unknown> }).Variables;
    assert.deepEqual(resolved(variables[environmentNames.officerJwtIssuer]), cognitoIssuer);
    assert.deepEqual(variables[environmentNames.officerClientId], { Ref: clientId });
    assert.ok(!(environmentNames.officerJwtJwksUri in variables), 'the JWKS URI is derived from the issuer, as Cognito publishes it');
    const authorizer = propertiesOf(template, logicalIdOf(stateless.httpApi.node.findChild('OfficerAuthorizer')));
    const jwt = authorizer.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    assert.deepEqual(jwt.Issuer, variables[environmentNames.officerJwtIssuer]);
    assert.deepEqual(jwt.Audience, [variables[environmentNames.officerClientId]]);
  });
});

// The roles' permissions are in iam.test.ts.

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

  it('feeds the attachment scan queue to the scan with partial batch responses and small batches (each file may be 25 MB)', () => {
    const mapping = mappings.find((candidate) => JSON.stringify(candidate.FunctionName) === JSON.stringify({ Ref: ids('scan').function }));
    assert.ok(mapping, 'the scan has no event source mapping');
    assert.deepEqual(producer(mapping.EventSourceArn), arnOf(scanQueueId));
    assert.equal(scanEventSource.reportBatchItemFailures, true);
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(mapping.BatchSize, scanEventSource.batchSize);
    assert.equal(mapping.MaximumBatchingWindowInSeconds, scanEventSource.maxBatchingWindowSeconds);
  });

  it('has no other consumer, and every consumer reports partial batch failures, so one bad message is retried alone', () => {
    const consumers = {
      [JSON.stringify({ Ref: ids('classifier').function })]: arnOf(queueId),
      [JSON.stringify({ Ref: ids('smsAws').function })]: arnOf(smsQueueId),
      [JSON.stringify({ Ref: ids('scan').function })]: arnOf(scanQueueId),
    };
    // The fourth mapping reads the table's stream (test/infra/tip-stream.test.ts).
    const queueMappings = mappings.filter((mapping) => JSON.stringify(mapping.FunctionName) !== JSON.stringify({ Ref: ids('tipStream').function }));
    assert.equal(queueMappings.length, 3);
    assert.equal(mappings.length, 4);
    for (const mapping of queueMappings) {
      assert.ok(JSON.stringify(mapping.FunctionName) in consumers, `${JSON.stringify(mapping.FunctionName)} consumes ${JSON.stringify(mapping.EventSourceArn)}`);
      assert.deepEqual(producer(mapping.EventSourceArn), consumers[JSON.stringify(mapping.FunctionName)]);
      assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    }
  });

  it('leaves the dead-letter queues alone: no function consumes them', () => {
    for (const mapping of mappings) {
      assert.notDeepEqual(producer(mapping.EventSourceArn), arnOf(deadLetterQueueId));
      assert.notDeepEqual(producer(mapping.EventSourceArn), arnOf(smsDeadLetterQueueId));
      assert.notDeepEqual(producer(mapping.EventSourceArn), arnOf(scanDeadLetterQueueId));
    }
  });

  for (const [consumerName, consumedQueueId] of [['classifier', queueId], ['smsAws', smsQueueId], ['scan', scanQueueId]] as const) {
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

  it('has no CORS configuration: browsers reach it on the pages\' own origin, through CloudFront', () => {
    assert.equal(propertiesOf(template, logicalIdOf(stateless.httpApi)).CorsConfiguration, undefined);
  });
});

describe('officer JWT authorizer', () => {
  const routes = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).map((route) => route.Properties ?? {});
  const authorizers = Object.entries(resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer'));
  const routeFor = (definition: (typeof apiRoutes)[number]) => {
    const route = routes.find((candidate) => candidate.RouteKey === `${definition.method} ${definition.path}`);
    assert.ok(route, `no route ${definition.method} ${definition.path}`);
    return route;
  };

  it('is the one authorizer of the API: a JWT authorizer on the bearer token', () => {
    assert.equal(authorizers.length, 1);
    const [, authorizer] = authorizers[0]!;
    const properties = authorizer.Properties ?? {};
    assert.equal(properties.AuthorizerType, 'JWT');
    assert.deepEqual(properties.ApiId, { Ref: logicalIdOf(stateless.httpApi) });
    assert.deepEqual(properties.IdentitySource, ['$request.header.Authorization']);
  });

  it("trusts the officers' user pool as issuer and the console's app client as audience (client_id of access tokens)", () => {
    const [, authorizer] = authorizers[0]!;
    const jwt = authorizer.Properties?.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    assert.deepEqual(resolved(jwt.Issuer), cognitoIssuer);
    assert.deepEqual(jwt.Audience, [{ Ref: clientId }]);
    // Deployed in a region, it is the issuer the handler expects (functions/adapters/officer-auth.ts).
    const deployed = rendered(cognitoIssuer, { 'AWS::Region': 'ap-southeast-1', 'AWS::URLSuffix': 'amazonaws.com', [userPoolId]: 'ap-southeast-1_Example' });
    assert.equal(deployed, officerIssuerForCognito('ap-southeast-1', 'ap-southeast-1_Example'));
  });

  it('guards exactly the routes the definition marks `auth: officer`', () => {
    const [authorizerId] = authorizers[0]!;
    const officerRoutes = apiRoutes.filter((route) => route.auth === 'officer');
    assert.ok(officerRoutes.length > 0);
    for (const definition of officerRoutes) {
      const route = routeFor(definition);
      assert.equal(route.AuthorizationType, 'JWT', `${definition.method} ${definition.path}`);
      assert.deepEqual(route.AuthorizerId, { Ref: authorizerId }, `${definition.method} ${definition.path}`);
      assert.equal(definition.function, 'officers');
    }
  });

  it('leaves the public routes open: tips, status, tipster messages and the signed SMS webhooks', () => {
    const publicRoutes = apiRoutes.filter((route) => route.auth === undefined);
    assert.ok(publicRoutes.some((route) => route.path === '/tips/status/messages'));
    for (const definition of publicRoutes) {
      const route = routeFor(definition);
      assert.equal(route.AuthorizationType, 'NONE', `${definition.method} ${definition.path}`);
      assert.equal(route.AuthorizerId, undefined, `${definition.method} ${definition.path}`);
      assert.notEqual(definition.function, 'officers', 'the officers function is never served without the authorizer');
    }
  });
});

describe('console app client', () => {
  const client = propertiesOf(template, clientId);
  const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalIdOf(stateless.web.distribution), 'DomainName'] }, consolePath]] };

  it("belongs to the officers' user pool, in the stateless stack next to the distribution it names", () => {
    assert.deepEqual(producer(client.UserPoolId), { Ref: userPoolId });
    assert.deepEqual(Object.keys(resourcesOfType(template, 'AWS::Cognito::UserPoolClient')), [clientId]);
  });

  it('is a public client without a secret, for the authorization code grant (with PKCE) only', () => {
    assert.equal(client.GenerateSecret, false);
    assert.deepEqual(client.AllowedOAuthFlows, ['code']);
    assert.equal(client.AllowedOAuthFlowsUserPoolClient, true);
    assert.deepEqual(client.AllowedOAuthScopes, ['openid']);
    assert.deepEqual(client.SupportedIdentityProviders, ['COGNITO']);
  });

  it('offers no password flow to the browser: tokens come from the hosted sign-in (which enforces TOTP), then refresh', () => {
    assert.deepEqual(client.ExplicitAuthFlows, ['ALLOW_REFRESH_TOKEN_AUTH']);
    assert.equal(client.PreventUserExistenceErrors, 'ENABLED');
    assert.equal(client.EnableTokenRevocation, true);
  });

  it("sends officers back to the console on the distribution's domain after sign-in and sign-out", () => {
    assert.deepEqual(client.CallbackURLs, [consoleUrl]);
    assert.deepEqual(client.LogoutURLs, [consoleUrl]);
  });

  it('issues one-hour access and ID tokens and refresh tokens for one shift', () => {
    assert.deepEqual(client.TokenValidityUnits, { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' });
    assert.equal(client.AccessTokenValidity, officerTokenValidity.accessTokenMinutes);
    assert.equal(client.IdTokenValidity, officerTokenValidity.idTokenMinutes);
    assert.equal(client.RefreshTokenValidity, officerTokenValidity.refreshTokenHours * 60);
  });

  it('outputs the console URL and the client id', () => {
    template.hasOutput('ConsoleUrl', { Value: consoleUrl });
    template.hasOutput('ConsoleClientId', { Value: { Ref: clientId } });
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

  it('fires as soon as an upload notification is in the scan dead-letter queue, and when the oldest waits past the threshold', () => {
    const deadLetter = alarmOn('ApproximateNumberOfMessagesVisible', scanDeadLetterQueueId);
    assert.equal(deadLetter.Threshold, alarmThresholds.deadLetterMessages);
    assert.match(String(deadLetter.AlarmDescription), /redrive/);
    const backlog = alarmOn('ApproximateAgeOfOldestMessage', scanQueueId);
    assert.equal(backlog.Threshold, alarmThresholds.oldestMessageAgeSeconds);
    for (const alarm of [deadLetter, backlog]) {
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
    }
  });

  it("are the seven alarms (six on the queues, one on the stream's failure queue), each notifying the topic on alarm and when it clears, reading one-minute maxima", () => {
    assert.equal(alarms.length, 7);
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

describe('web pages and console', () => {
  const web = stateless.web;
  const bucketId = logicalIdOf(web.bucket);
  const logBucketId = logicalIdOf(web.logBucket);
  const distributionId = logicalIdOf(web.distribution);
  const distribution = propertiesOf(template, distributionId).DistributionConfig as {
    DefaultRootObject: string;
    Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown; S3OriginConfig?: unknown; CustomOriginConfig?: Record<string, unknown> }[];
    DefaultCacheBehavior: Record<string, unknown>;
    CacheBehaviors: Record<string, unknown>[];
    Logging?: unknown;
    WebACLId?: unknown;
  };
  const behaviors = [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors];
  const bucketPolicy = (bucketLogicalId: string) => {
    const policies = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy')).map((policy) => policy.Properties ?? {});
    const policy = policies.find((candidate) => JSON.stringify(candidate.Bucket) === JSON.stringify({ Ref: bucketLogicalId }));
    assert.ok(policy, `no policy for ${bucketLogicalId}`);
    return (policy.PolicyDocument as { Statement: (Statement & { Principal?: unknown })[] }).Statement;
  };
  const headersPolicy = (behavior: Record<string, unknown>) => {
    const reference = behavior.ResponseHeadersPolicyId as { Ref: string };
    return (propertiesOf(template, reference.Ref).ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
  };
  const siteOrigin = distribution.Origins.find((origin) => JSON.stringify(origin.DomainName) === JSON.stringify({ 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] }));
  const apiOrigin = distribution.Origins.find((origin) => origin.CustomOriginConfig !== undefined);
  const behaviorFor = (pattern: string) => distribution.CacheBehaviors.find((behavior) => behavior.PathPattern === pattern);

  it('keeps the pages in a private, versioned, encrypted bucket with server access logs, retained', () => {
    const bucket = resource(template, bucketId);
    const properties = bucket.Properties ?? {};
    assert.deepEqual(properties.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    assert.deepEqual(properties.BucketEncryption, { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    assert.deepEqual(properties.VersioningConfiguration, { Status: 'Enabled' });
    assert.deepEqual(properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.deepEqual(properties.LoggingConfiguration, { DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 'site/' });
    assert.equal(properties.WebsiteConfiguration, undefined, 'the bucket is not a public website');
    assert.equal(bucket.DeletionPolicy, 'Retain');
  });

  it('refuses requests without TLS 1.2 and lets only this distribution read the pages (Origin Access Control)', () => {
    const statements = bucketPolicy(bucketId);
    const denials = statements.filter((statement) => statement.Effect === 'Deny').map((statement) => statement.Condition);
    assert.deepEqual(denials, [{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]);
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    assert.deepEqual(allows, [
      {
        Action: 's3:GetObject',
        Condition: {
          StringEquals: {
            'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]] },
          },
        },
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [arnOf(bucketId), '/*']] },
      },
    ]);
  });

  it('keeps the access logs in a private, encrypted bucket that only S3 logging for the site bucket writes to, for a limited time', () => {
    const bucket = resource(template, logBucketId);
    const properties = bucket.Properties ?? {};
    assert.deepEqual(properties.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    assert.deepEqual(properties.BucketEncryption, { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    assert.deepEqual(properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.deepEqual(properties.LifecycleConfiguration, { Rules: [{ ExpirationInDays: webLogRetentionDays, Status: 'Enabled' }] });
    const statements = bucketPolicy(logBucketId);
    assert.ok(statements.some((statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })));
    assert.deepEqual(
      statements.filter((statement) => statement.Effect === 'Allow'),
      [
        {
          Action: 's3:PutObject',
          Condition: { ArnLike: { 'aws:SourceArn': arnOf(bucketId) }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Resource: { 'Fn::Join': ['', [arnOf(logBucketId), '/site/*']] },
        },
      ],
    );
    assert.equal(bucket.DeletionPolicy, 'Retain');
  });

  it('serves the bucket through CloudFront with Origin Access Control, index.html at the root, HTTPS only', () => {
    assert.equal(distribution.DefaultRootObject, 'index.html');
    assert.ok(siteOrigin, 'the distribution does not serve the site bucket');
    assert.deepEqual(siteOrigin.S3OriginConfig, { OriginAccessIdentity: '' }, 'no legacy origin access identity');
    const oacId = (siteOrigin.OriginAccessControlId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    assert.deepEqual(propertiesOf(template, oacId).OriginAccessControlConfig, {
      Name: (propertiesOf(template, oacId).OriginAccessControlConfig as { Name: string }).Name,
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    for (const behavior of behaviors) assert.equal(behavior.ViewerProtocolPolicy, 'redirect-to-https', String(behavior.PathPattern ?? 'default'));
  });

  it('keeps no viewer logs (they would record the IP address of every citizen who opens the tip pages)', () => {
    assert.equal(distribution.Logging, undefined);
  });

  it('sends a strict CSP with the pages, as the local stack does, plus HSTS, nosniff, no referrer and no framing with everything', () => {
    const pages = headersPolicy(distribution.DefaultCacheBehavior) as { ContentSecurityPolicy: { ContentSecurityPolicy: { 'Fn::Join': [string, unknown[]] }; Override: boolean } };
    // The form's script posts files to the evidence bucket: its name is known at deploy time, rendered here for one account and region.
    const deployed = rendered(resolved(pages.ContentSecurityPolicy.ContentSecurityPolicy) as { 'Fn::Join': [string, unknown[]] }, {
      [evidenceBucketId]: 'tinbao-test-evidence-123456789012-ap-southeast-1',
      'AWS::Region': 'ap-southeast-1',
      'AWS::URLSuffix': 'amazonaws.com',
    });
    assert.equal(deployed, citizenPageSecurityPolicy(['https://tinbao-test-evidence-123456789012-ap-southeast-1.s3.ap-southeast-1.amazonaws.com']));
    assert.equal(pages.ContentSecurityPolicy.Override, true);
    const consoleBehavior = behaviorFor(`${consolePath}*`);
    assert.ok(consoleBehavior, 'no behavior for the console');
    const consoleHeaders = headersPolicy(consoleBehavior);
    const [before, after] = consoleSecurityPolicy('SIGN-IN').split('SIGN-IN');
    assert.deepEqual(resolved(consoleHeaders.ContentSecurityPolicy), {
      ContentSecurityPolicy: { 'Fn::Join': ['', [`${before}https://`, { Ref: userPoolDomainId }, '.auth.', { Ref: 'AWS::Region' }, `.amazoncognito.com${after}`]] },
      Override: true,
    });
    for (const behavior of behaviors) {
      const headers = headersPolicy(behavior);
      const where = String(behavior.PathPattern ?? 'default');
      assert.deepEqual(headers.StrictTransportSecurity, { AccessControlMaxAgeSec: hstsMaxAge.toSeconds(), IncludeSubdomains: true, Override: true }, where);
      assert.deepEqual(headers.ContentTypeOptions, { Override: true }, where);
      assert.deepEqual(headers.ReferrerPolicy, { ReferrerPolicy: 'no-referrer', Override: true }, where);
      assert.deepEqual(headers.FrameOptions, { FrameOption: 'DENY', Override: true }, where);
    }
  });

  it('lets pages run only their own scripts, and the console reach only its origin and the hosted sign-in', () => {
    const directives = (policy: string) => new Map(policy.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    const uploads = 'https://tinbao-test-evidence-123456789012-ap-southeast-1.s3.ap-southeast-1.amazonaws.com';
    assert.deepEqual(directives(citizenPageSecurityPolicy([uploads])).get('connect-src'), ["'self'", uploads], 'the pages reach their origin and the evidence bucket only');
    for (const policy of [citizenPageSecurityPolicy([uploads]), consoleSecurityPolicy('https://tinbao-test.auth.ap-southeast-1.amazoncognito.com')]) {
      const parsed = directives(policy);
      assert.deepEqual(parsed.get('default-src'), ["'none'"]);
      assert.deepEqual(parsed.get('script-src'), ["'self'"]);
      assert.deepEqual(parsed.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(parsed.get('base-uri'), ["'none'"]);
      assert.deepEqual(parsed.get('form-action'), ["'self'"]);
    }
    const consolePolicy = directives(consoleSecurityPolicy('https://tinbao-test.auth.ap-southeast-1.amazoncognito.com'));
    assert.deepEqual(consolePolicy.get('style-src'), ["'self'"]);
    assert.deepEqual(consolePolicy.get('img-src'), ["'self'", 'data:']);
    assert.deepEqual(consolePolicy.get('connect-src'), ["'self'", 'https://tinbao-test.auth.ap-southeast-1.amazoncognito.com']);
  });

  it("sends the API's browser routes to the HTTP API over TLS 1.2, uncached, with the viewer's headers but not its Host", () => {
    assert.ok(apiOrigin, 'the distribution has no API origin');
    assert.deepEqual(resolved(apiOrigin.DomainName), {
      'Fn::Join': ['', [{ Ref: logicalIdOf(stateless.httpApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
    });
    assert.deepEqual(apiOrigin.CustomOriginConfig, { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    const apiBehaviors = distribution.CacheBehaviors.filter((behavior) => behavior.TargetOriginId === apiOrigin.Id);
    assert.deepEqual(apiBehaviors.map((behavior) => behavior.PathPattern).sort(), [...apiPathPatterns].sort());
    for (const behavior of apiBehaviors) {
      assert.equal(behavior.CachePolicyId, '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'CachingDisabled');
      assert.equal(behavior.OriginRequestPolicyId, 'b689b0a8-53d0-40ab-baf2-68738e2966ac', 'AllViewerExceptHostHeader');
      assert.deepEqual(behavior.AllowedMethods, ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
      assert.equal(headersPolicy(behavior).ContentSecurityPolicy, undefined, 'the handlers set the CSP of their HTML answers');
    }
    for (const behavior of distribution.CacheBehaviors.filter((candidate) => candidate.TargetOriginId !== apiOrigin.Id)) {
      assert.deepEqual(behavior.AllowedMethods, ['GET', 'HEAD'], String(behavior.PathPattern));
    }
    assert.deepEqual(distribution.DefaultCacheBehavior.AllowedMethods, ['GET', 'HEAD']);
    assert.equal(distribution.DefaultCacheBehavior.TargetOriginId, siteOrigin?.Id);
  });

  it('reaches every browser route through an API path pattern, and no SMS webhook and no file of web/', () => {
    const matches = (pattern: string, path: string) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern);
    for (const route of apiRoutes) {
      const reached = apiPathPatterns.some((pattern) => matches(pattern, route.path));
      const webhook = (webhookFunctionNames as readonly FunctionName[]).includes(route.function);
      assert.equal(reached, !webhook, `${route.method} ${route.path}`);
    }
    const webFiles = readdirSync(path.join(repositoryRoot, 'web'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `/${path.relative(path.join(repositoryRoot, 'web'), path.join(entry.parentPath, entry.name)).split(path.sep).join('/')}`);
    for (const file of webFiles) assert.ok(!apiPathPatterns.some((pattern) => matches(pattern, file)), `${file} is hidden behind the API`);
    for (const key of citizenPages('hcmc-2025').keys()) assert.ok(!apiPathPatterns.some((pattern) => matches(pattern, `/${key}`)), `/${key} is hidden behind the API`);
  });

  it("serves a folder's index.html, and redirects a folder named without its slash, like the local stack", () => {
    const handler = new Function(`${directoryIndexFunctionCode}; return handler;`)() as (event: unknown) => { uri?: string; statusCode?: number; headers?: Record<string, { value: string }> };
    const request = (uri: string, querystring: Record<string, unknown> = {}) => handler({ request: { uri, querystring } });
    assert.equal(request('/').uri, '/index.html');
    assert.equal(request('/console/').uri, '/console/index.html');
    assert.equal(request('/assets/location.js').uri, '/assets/location.js');
    assert.equal(request('/config.json').uri, '/config.json');
    const redirect = request('/console', { lang: { value: 'en' } });
    assert.equal(redirect.statusCode, 301);
    assert.equal(redirect.headers?.location?.value, '/console/?lang=en');
    assert.equal(request('/en/status').headers?.location?.value, '/en/status/');
    const functions = Object.values(resourcesOfType(template, 'AWS::CloudFront::Function')).map((fn) => fn.Properties ?? {});
    assert.deepEqual(functions.map((fn) => fn.FunctionCode), [directoryIndexFunctionCode]);
    assert.equal((functions[0]?.FunctionConfig as { Runtime: string }).Runtime, 'cloudfront-js-2.0');
    for (const behavior of [distribution.DefaultCacheBehavior, behaviorFor(`${consolePath}*`)]) {
      assert.deepEqual((behavior?.FunctionAssociations as { EventType: string }[]).map((association) => association.EventType), ['viewer-request']);
    }
  });

  it("deploys web/, the citizen pages rendered for the pack and a generated config.json with the console's settings, revalidated on every load", () => {
    const deployments = Object.values(resourcesOfType(template, 'Custom::CDKBucketDeployment')).map((deployment) => deployment.Properties ?? {});
    assert.equal(deployments.length, 1);
    const [deployment] = deployments as [Record<string, unknown>];
    assert.deepEqual(deployment.DestinationBucketName, { Ref: bucketId });
    assert.equal(deployment.Prune, true);
    assert.deepEqual(deployment.SystemMetadata, { 'cache-control': 'no-cache' });
    const keys = deployment.SourceObjectKeys as string[];
    const pages = citizenPages('hcmc-2025');
    assert.deepEqual([...pages.keys()], ['index.html', 'en/index.html', 'status/index.html', 'en/status/index.html']);
    assert.equal(keys.length, 1 + pages.size + 2, "the web folder, each citizen page, config.json and the console's libraries");
    const staged = (key: string) => path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const webFolder = staged(keys[0]!);
    assert.ok(existsSync(path.join(webFolder, 'console', 'index.html')), 'web/console/index.html is not deployed');
    assert.ok(existsSync(path.join(webFolder, 'assets', 'location.js')), 'web/assets/location.js is not deployed');
    assert.ok(existsSync(path.join(webFolder, 'console', 'maps', 'hcmc-2025.geojson')), "the console's map of the pack is not deployed");
    assert.ok(!existsSync(path.join(webFolder, runtimeConfigKey)), "a config.json in web/ would overwrite the generated one");
    for (const key of pages.keys()) assert.ok(!existsSync(path.join(webFolder, key)), `a ${key} in web/ would overwrite the rendered page`);

    // The citizen pages, as the same code renders them for the local stack: the form lists the pack's units.
    [...pages].forEach(([key, html], index) => {
      assert.equal(readFileSync(path.join(staged(keys[1 + index]!), key), 'utf8'), html, `${key} is not the rendered page`);
    });
    const form = pages.get('index.html') ?? '';
    assert.match(form, /<select id="unit" name="unit">/);
    assert.match(form, /<option value="27154"[^>]*>Phường Bàn Cờ</);
    assert.doesNotMatch(form, /<option value="770"/);

    // config.json, each deploy-time value shown as ⟨what it refers to⟩ (through the stateful stack's exports).
    const configIndex = keys.findIndex((key) => existsSync(path.join(staged(key), runtimeConfigKey)));
    const markers = (deployment.SourceMarkers as Record<string, unknown>[])[configIndex] ?? {};
    const label = (value: unknown): string => {
      const target = resolved(value) as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (target.Ref !== undefined) return `⟨${target.Ref}⟩`;
      if (target['Fn::GetAtt'] !== undefined) return `⟨${target['Fn::GetAtt'].join('.')}⟩`;
      return assert.fail(`unexpected deploy-time value ${JSON.stringify(value)}`);
    };
    let config = readFileSync(path.join(staged(keys[configIndex]!), runtimeConfigKey), 'utf8');
    for (const [marker, value] of Object.entries(markers)) config = config.replaceAll(marker, label(value));
    const site = `https://⟨${distributionId}.DomainName⟩`;
    assert.deepEqual(JSON.parse(config), {
      apiUrl: site,
      region: '⟨AWS::Region⟩',
      auth: {
        type: 'cognito',
        domain: `https://⟨${userPoolDomainId}⟩.auth.⟨AWS::Region⟩.amazoncognito.com`,
        clientId: `⟨${clientId}⟩`,
        scope: 'openid',
        redirectUri: `${site}${consolePath}`,
        logoutUri: `${site}${consolePath}`,
      },
      pack: 'hcmc-2025',
      // The names of the domain's codes, from shared/labels.ts: the console restates none.
      labels: JSON.parse(JSON.stringify(consoleLabels())),
    });
  });

  it("ships the console's map library from node_modules under /vendor/, with transport headers but no CSP of the pages", () => {
    const [deployment] = Object.values(resourcesOfType(template, 'Custom::CDKBucketDeployment')).map((d) => d.Properties ?? {}) as [Record<string, unknown>];
    const staged = (deployment.SourceObjectKeys as string[]).map((key) => path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`));
    for (const [urlPath, source] of Object.entries(consoleVendorFiles)) {
      const holder = staged.find((folder) => existsSync(path.join(folder, urlPath)));
      assert.ok(holder, `${urlPath} is not deployed`);
      assert.ok(readFileSync(path.join(holder, urlPath)).equals(readFileSync(path.join(repositoryRoot, 'node_modules', source))), `${urlPath} is not ${source}`);
    }
    assert.ok(Object.keys(consoleVendorFiles).some((urlPath) => urlPath.endsWith('LICENSE.txt')), "MapLibre's BSD licence travels with it");
    const vendor = behaviorFor(vendorPathPattern);
    assert.ok(vendor, 'no behavior for /vendor/*');
    assert.equal(vendor.TargetOriginId, siteOrigin?.Id);
    assert.equal(headersPolicy(vendor).ContentSecurityPolicy, undefined, "a worker obeys its own file's CSP: the pages' default-src 'none' would stop it");
    for (const urlPath of Object.keys(consoleVendorFiles)) assert.ok(urlPath.startsWith(vendorPathPattern.slice(0, -1)), `${urlPath} is outside ${vendorPathPattern}`);
  });

  it('outputs the address of the citizen pages', () => {
    template.hasOutput('WebUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] } });
  });

  it('synthesizes without a web folder, deploying the citizen pages and config.json alone', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'tinbao-web-'));
    const app = buildTestApp({ context: skipBundling, webDirectory: path.join(empty, 'missing') });
    try {
      const deployment = Object.values(Template.fromStack(app.stateless).findResources('Custom::CDKBucketDeployment'))[0] as { Properties: { SourceObjectKeys: string[] } };
      const keys = deployment.Properties.SourceObjectKeys;
      assert.equal(keys.length, citizenPages('hcmc-2025').size + 2);
      const staged = (key: string) => path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      assert.ok(existsSync(path.join(staged(keys[0]!), 'index.html')), 'the citizen form is not deployed');
      assert.ok(keys.some((key) => existsSync(path.join(staged(key), runtimeConfigKey))), 'config.json is not deployed');
    } finally {
      app.dispose();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('leaves the stateful stack independent: the pool knows nothing of the console, its client or the API', () => {
    assert.doesNotMatch(JSON.stringify(statefulTemplate.toJSON()), /Fn::ImportValue/);
    assert.deepEqual(stateful.dependencies, []);
    // The stateless stack waits for the data and for the edge stack's web ACL (edge-firewall.test.ts).
    assert.deepEqual(new Set(stateless.dependencies), new Set([stateful, stateless.edge]));
  });
});

describe('the jurisdiction pack', () => {
  it('reaches every function as JURISDICTION_PACK, and the citizen pages and config.json, when the context picks hcmc-2021', () => {
    const app = buildTestApp({ context: { ...skipBundling, pack: 'hcmc-2021' } });
    try {
      const oldMap = Template.fromStack(app.stateless);
      for (const name of functionNames) {
        const properties = oldMap.toJSON().Resources[logicalIdOf(app.stateless.functions[name].function)].Properties as { Environment: { Variables: Record<string, unknown> } };
        assert.equal(properties.Environment.Variables[environmentNames.jurisdictionPack], 'hcmc-2021', `${name} JURISDICTION_PACK`);
      }
      const deployment = Object.values(oldMap.findResources('Custom::CDKBucketDeployment'))[0] as { Properties: { SourceObjectKeys: string[] } };
      const keys = deployment.Properties.SourceObjectKeys;
      const staged = (key: string) => path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      const form = readFileSync(path.join(staged(keys[1]!), 'index.html'), 'utf8');
      assert.equal(form, citizenPages('hcmc-2021').get('index.html'));
      assert.match(form, /<option value="770">Quận 3</);
      assert.doesNotMatch(form, /<option value="27154"/);
      const configFolder = keys.map(staged).find((folder) => existsSync(path.join(folder, runtimeConfigKey)));
      assert.ok(configFolder, 'config.json is not deployed');
      const config = JSON.parse(readFileSync(path.join(configFolder, runtimeConfigKey), 'utf8')) as { pack?: string };
      assert.equal(config.pack, 'hcmc-2021');
    } finally {
      app.dispose();
    }
  });

  it('fails the synth for an unknown pack, naming the packs it knows', () => {
    assert.throws(
      () => buildTestApp({ context: { ...skipBundling, pack: 'hanoi-2025' } }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /pack/);
        assert.match(error.message, /hanoi-2025/);
        for (const known of ['hcmc-2025', 'hcmc-2021']) assert.ok(error.message.includes(known), `the message does not name ${known}: ${error.message}`);
        return true;
      },
    );
  });
});

describe("the console's base map", () => {
  it('puts a tile provider\'s style in config.json and lets the console reach that origin only, with blob: images for its tiles', () => {
    const style = 'https://tiles.example.vn/styles/hcmc/style.json';
    const app = buildTestApp({ context: { ...skipBundling, mapStyleUrl: style } });
    try {
      const template = Template.fromStack(app.stateless);
      const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as { Properties: { SourceObjectKeys: string[] } };
      const staged = deployment.Properties.SourceObjectKeys.map((key) => path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`));
      const configFolder = staged.find((folder) => existsSync(path.join(folder, runtimeConfigKey)));
      assert.ok(configFolder, 'config.json is not deployed');
      assert.equal((JSON.parse(readFileSync(path.join(configFolder, runtimeConfigKey), 'utf8')) as { mapStyleUrl?: string }).mapStyleUrl, style);
      const policies = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy')).map((policy) => JSON.stringify(policy));
      const consolePolicy = policies.find((policy) => policy.includes('amazoncognito.com'));
      assert.ok(consolePolicy, 'no console policy');
      assert.match(consolePolicy, /connect-src 'self' https:\/\/.*amazoncognito\.com https:\/\/tiles\.example\.vn(;|"|$)/);
      assert.match(consolePolicy, /img-src 'self' data: blob:;/);
    } finally {
      app.dispose();
    }
  });

  it('draws the units alone, with no origin beyond the sign-in, when no style is configured', () => {
    const parsed = new Map(consoleSecurityPolicy('https://sign-in.example').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    assert.deepEqual(parsed.get('connect-src'), ["'self'", 'https://sign-in.example']);
  });

  it('refuses a style that is not an https URL, naming the context value', () => {
    for (const value of ['http://tiles.example.vn/style.json', 'not a url']) {
      assert.throws(() => buildTestApp({ context: { ...skipBundling, mapStyleUrl: value } }), /mapStyleUrl/, value);
    }
  });
});
