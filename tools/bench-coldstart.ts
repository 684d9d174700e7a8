/**
 * Cold start (issue 11), per function, from the synthesized assets: the app is built and
 * synthesized in-process (as `cdk synth` does, cdk-nag off) into a temporary cloud assembly, and
 * each function's bundle is read from its asset folder (the template's Code.S3Key names it).
 * Beside each, a baseline: an empty handler that only builds the AWS SDK clients the function
 * builds at cold start, bundled by the same NodejsFunction bundling
 * (infra/constructs/bundling-options.ts). Reported: bundle size, and module initialisation in
 * fresh processes, from the start of the first line of code to the `handler` export being
 * ready (`await import(bundle)`), with the NODE_OPTIONS the template sets (none since ADR 0016)
 * and with --enable-source-maps. The time Node takes to get to that first line is reported apart.
 *
 * Each child gets the environment its function gets from the template, with dummy values for
 * the references, and the local-stack variables instead of the Secrets Manager ARNs: in the
 * cloud those functions fetch their secrets at cold start (one GetSecretValue each, and a
 * Secrets Manager client), which no local measurement includes. A child that opens a socket
 * while initialising says so.
 *
 * The scan ships sharp beside its bundle, built for Lambda (linux-arm64): its bundle is measured
 * from a folder whose node_modules is this machine's, so that the same import loads this
 * machine's sharp; the natives it ships are reported apart from its bundle's size.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { buildApp } from '../infra/build-app.ts';
import { functionBundling } from '../infra/constructs/bundling-options.ts';
import { repositoryRoot } from '../infra/constructs/tinbao-function.ts';
import { environmentNames, functionDefinitions, type FunctionName } from '../infra/definitions.ts';
import { numberFlags, pairedRatios, report, spread, type ResultRow } from './bench-support.ts';

/** The budget: a function's initialisation at most 1.5 × its baseline's. */
const budget = { ratio: 1.5, atLeast: false };

/** AWS SDK clients a function can build at cold start. */
type SdkClient = 'dynamoDb' | 'documents' | 'sqs' | 'kms' | 'cognito' | 'pinpoint' | 's3' | 'sns';

/** How a baseline builds each client: as functions/adapters/ builds it, with the same settings. */
const clientCode: Record<SdkClient, { imports: string; build: string }> = {
  dynamoDb: { imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", build: 'new DynamoDBClient(awsClientSettings)' },
  // createDocumentClient (functions/adapters/dynamo-tip-items.ts) wraps the DynamoDB client; always built after it.
  documents: {
    imports: "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    build: 'DynamoDBDocumentClient.from(clients[0], { marshallOptions: { removeUndefinedValues: true } })',
  },
  sqs: { imports: "import { SQSClient } from '@aws-sdk/client-sqs';", build: 'new SQSClient(awsClientSettings)' },
  kms: { imports: "import { KMSClient } from '@aws-sdk/client-kms';", build: 'new KMSClient(awsClientSettings)' },
  cognito: { imports: "import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';", build: 'new CognitoIdentityProviderClient(awsClientSettings)' },
  pinpoint: { imports: "import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';", build: 'new PinpointSMSVoiceV2Client(awsClientSettings)' },
  s3: { imports: "import { S3Client } from '@aws-sdk/client-s3';", build: 'new S3Client(awsClientSettings)' },
  sns: { imports: "import { SNSClient } from '@aws-sdk/client-sns';", build: 'new SNSClient(awsClientSettings)' },
};

/**
 * The SDK clients each function's modules build at cold start, given its environment (read
 * from the handlers and functions/adapters/: runtime.ts, sqs-client.ts, phone-vault.ts,
 * officer-directory.ts, sms-outbox.ts, s3-client.ts). A change there needs a change here. Intake
 * and officers build their S3 client on the first tip with files or link asked for, not at cold start.
 */
const clientsAtColdStart: Record<FunctionName, (environment: Record<string, string>) => SdkClient[]> = {
  intake: () => ['dynamoDb', 'documents', 'sqs'],
  status: () => ['dynamoDb', 'documents'],
  classifier: () => ['dynamoDb', 'documents'],
  smsGateway: (environment) => ['dynamoDb', 'documents', 'sqs', ...(environment.PHONE_KEY_ARN ? (['kms'] as const) : [])],
  smsTwilio: (environment) => ['dynamoDb', 'documents', 'sqs', ...(environment.PHONE_KEY_ARN ? (['kms'] as const) : [])],
  // The reply outbox builds its End User Messaging client at once when an origination identity is set.
  smsAws: (environment) => [
    'dynamoDb',
    'documents',
    'sqs',
    ...(environment.PHONE_KEY_ARN ? (['kms'] as const) : []),
    ...(environment.SMS_ORIGINATION_IDENTITY && !environment.SMS_LOCAL_FAKE_OUTBOUND_URL ? (['pinpoint'] as const) : []),
  ],
  // officers builds its End User Messaging client only when a reply goes out.
  officers: (environment) => ['dynamoDb', 'documents', ...(environment.PHONE_KEY_ARN ? (['kms'] as const) : []), ...(environment.USER_POOL_ID ? (['cognito'] as const) : [])],
  scan: () => ['dynamoDb', 'documents', 's3'],
  tipStream: () => ['dynamoDb', 'documents', 'sns'],
};

function baselineSource(clients: readonly SdkClient[]): string {
  const settings = JSON.stringify(pathToFileURL(join(repositoryRoot, 'functions/adapters/aws-client-settings.ts')).pathname);
  return [
    `import { awsClientSettings } from ${settings};`,
    ...clients.map((client) => clientCode[client].imports),
    '/** A cold-start baseline (tools/bench-coldstart.ts): the same SDK clients as the function, and nothing else. */',
    'const clients: unknown[] = [];',
    ...clients.map((client) => `clients.push(${clientCode[client].build});`),
    'export const handler = async (): Promise<number> => clients.length;',
    '',
  ].join('\n');
}

/** The secrets the cloud functions read from Secrets Manager, and the local-stack variable that replaces each. */
const localSecrets: Record<string, { variable: string; value: string }> = {
  [environmentNames.trackingPepperSecretArn]: { variable: environmentNames.trackingPepper, value: 'tinbao-bench-pepper-0123456789abcdef' },
  [environmentNames.smsGatewaySecretArn]: { variable: environmentNames.smsGatewaySecret, value: 'tinbao-bench-gateway-secret-0123456789' },
  [environmentNames.twilioAuthTokenSecretArn]: { variable: environmentNames.twilioAuthToken, value: 'tinbao-bench-twilio-auth-token' },
};

/** Secrets a function reads only when a request needs them, never at cold start: the scan's Twilio token, for MMS media. */
const secretsReadLater: Partial<Record<FunctionName, readonly string[]>> = { scan: [environmentNames.twilioAuthTokenSecretArn] };

/** Dummy values for the variables whose template value is a reference (a table name, a queue URL, …). */
const dummyValues: Record<string, string> = {
  [environmentNames.tableName]: 'tinbao-bench-tips',
  [environmentNames.idempotencyTableName]: 'tinbao-bench-idempotency',
  [environmentNames.intakeQueueUrl]: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/tinbao-bench-intake',
  [environmentNames.attachmentScanQueueUrl]: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/tinbao-bench-attachment-scan',
  [environmentNames.phoneKeyArn]: 'arn:aws:kms:ap-southeast-1:123456789012:key/00000000-0000-4000-8000-000000000000',
  [environmentNames.officerJwtIssuer]: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_TinbaoBench',
  [environmentNames.officerClientId]: 'tinbaobenchclient0123456789',
  [environmentNames.userPoolId]: 'ap-southeast-1_TinbaoBench',
  [environmentNames.evidenceBucketName]: 'tinbao-bench-evidence-123456789012-ap-southeast-1',
  [environmentNames.evidenceKeyArn]: 'arn:aws:kms:ap-southeast-1:123456789012:key/00000000-0000-4000-8000-000000000001',
};

/** What Lambda itself puts in every function's environment (credentials are dummies: nothing is called). */
function lambdaVariables(name: FunctionName): Record<string, string> {
  return {
    AWS_REGION: 'ap-southeast-1',
    AWS_DEFAULT_REGION: 'ap-southeast-1',
    AWS_LAMBDA_FUNCTION_NAME: `tinbao-bench-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(functionDefinitions[name].memoryMiB),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    TZ: ':UTC',
  };
}

interface ColdStartSubject {
  readonly name: FunctionName;
  readonly bundle: string;
  readonly baseline: string;
  readonly environment: Record<string, string>;
  readonly nodeOptions: string | undefined;
  /** Secret ARNs the cloud function reads at cold start (replaced by local variables here). */
  readonly secrets: string[];
  readonly clients: SdkClient[];
  /** KiB of packages shipped beside the bundle (the scan's sharp and its Lambda natives); 0 for the others. */
  readonly shippedKiB: number;
}

/** Bytes of every file under a folder. */
function folderBytes(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/**
 * A bundle that imports packages shipped beside it (the scan's sharp, for Lambda's arm64) is
 * copied, with its map, into a folder whose node_modules is the project's, so that it loads this
 * machine's build of them; any other bundle is measured where it is.
 */
function loadableBundle(asset: string, cleanup: string[]): { bundle: string; shippedKiB: number } {
  const shipped = join(asset, 'node_modules');
  if (!existsSync(shipped)) return { bundle: join(asset, 'index.mjs'), shippedKiB: 0 };
  const beside = mkdtempSync(join(tmpdir(), 'tinbao-bench-beside-'));
  cleanup.push(beside);
  for (const file of ['index.mjs', 'index.mjs.map']) copyFileSync(join(asset, file), join(beside, file));
  symlinkSync(join(repositoryRoot, 'node_modules'), join(beside, 'node_modules'), 'junction');
  return { bundle: join(beside, 'index.mjs'), shippedKiB: folderBytes(shipped) / 1024 };
}

function assetFolder(fn: lambda.Function, outdir: string): string {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const code = Stack.of(cfn).resolve(cfn.code) as { s3Key?: unknown };
  if (typeof code.s3Key !== 'string') throw new Error(`${fn.node.path}: no asset key in its Code`);
  return join(outdir, `asset.${code.s3Key.replace(/\.zip$/, '')}`);
}

function templateVariables(fn: lambda.Function): Record<string, unknown> {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  return ((Stack.of(cfn).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined)?.variables ?? {}) as Record<string, unknown>;
}

/** Synthesizes the app and the baselines; the folders to remove afterwards are in `cleanup`. */
function synthesize(cleanup: string[]): ColdStartSubject[] {
  const started = performance.now();
  const appOut = mkdtempSync(join(tmpdir(), 'tinbao-bench-cdk-'));
  cleanup.push(appOut);
  const { app, stateless } = buildApp({ stage: 'bench', outdir: appOut, nagChecks: false });
  app.synth();
  const functions = Object.keys(functionDefinitions) as FunctionName[];
  const subjects = functions.map((name) => {
    const fn = stateless.functions[name].function;
    const variables = templateVariables(fn);
    const environment: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [key, value] of Object.entries(variables)) {
      if (key === 'NODE_OPTIONS') continue;
      const secret = localSecrets[key];
      if (secret) {
        if (!secretsReadLater[name]?.includes(key)) secrets.push(key);
        environment[secret.variable] = secret.value;
      } else {
        environment[key] = typeof value === 'string' ? value : (dummyValues[key] ?? `tinbao-bench-${key.toLowerCase()}`);
      }
    }
    const nodeOptions = typeof variables.NODE_OPTIONS === 'string' ? variables.NODE_OPTIONS : undefined;
    const { bundle, shippedKiB } = loadableBundle(assetFolder(fn, appOut), cleanup);
    return { name, bundle, environment, nodeOptions, secrets, clients: clientsAtColdStart[name](environment), shippedKiB };
  });
  const synthMs = performance.now() - started;

  // The baselines' entries must sit under the project root (NodejsFunction's rule), where esbuild
  // finds node_modules; node_modules/.cache is ignored by git, ESLint and tsc.
  const entries = join(repositoryRoot, 'node_modules/.cache/tinbao-bench-coldstart');
  mkdirSync(entries, { recursive: true });
  cleanup.push(entries);
  const baselineOut = mkdtempSync(join(tmpdir(), 'tinbao-bench-baselines-'));
  cleanup.push(baselineOut);
  const baselineApp = new App({ outdir: baselineOut });
  const stack = new Stack(baselineApp, 'ColdStartBaselines');
  const baselines = new Map<FunctionName, lambda.Function>();
  for (const subject of subjects) {
    const entry = join(entries, `${subject.name}.ts`);
    writeFileSync(entry, baselineSource(subject.clients));
    baselines.set(
      subject.name,
      new NodejsFunction(stack, `${subject.name}Baseline`, {
        entry,
        handler: 'handler',
        projectRoot: repositoryRoot,
        depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_24_X,
        bundling: functionBundling,
      }),
    );
  }
  baselineApp.synth();
  console.log(`  synthesized the app (${(synthMs / 1000).toFixed(0)} s) and ${subjects.length} baselines (${((performance.now() - started - synthMs) / 1000).toFixed(0)} s)`);
  return subjects.map((subject) => ({ ...subject, baseline: join(assetFolder(baselines.get(subject.name)!, baselineOut), 'index.mjs') }));
}

/** One fresh process: ms from process start to the first line, and from there to a ready `handler`. */
interface Sample {
  readonly start: number;
  readonly init: number;
  readonly sockets: number;
}

function probe(bundle: string | undefined): string {
  const load = bundle
    ? `const module = await import(${JSON.stringify(pathToFileURL(bundle).href)}); const ready = performance.now(); if (typeof module.handler !== 'function') process.exit(3);`
    : 'const ready = performance.now();';
  return [
    "import { subscribe } from 'node:diagnostics_channel';",
    'let sockets = 0;',
    "for (const name of ['net.client.socket', 'undici:request:create', 'http.client.request.start']) subscribe(name, () => { sockets += 1; });",
    'const start = performance.now();',
    load,
    'process.stdout.write(JSON.stringify({ start, init: ready - start, sockets }));',
  ].join('\n');
}

function sample(bundle: string | undefined, environment: Record<string, string>, nodeOptions: string | undefined): Sample {
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', probe(bundle)], {
    env: { ...environment, ...(nodeOptions && { NODE_OPTIONS: nodeOptions }) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`initialising ${bundle ?? 'an empty process'} failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as Sample;
}

const kib = (path: string): number => statSync(path).size / 1024;

/** Runs the cold-start section: `npm run bench -- coldstart [--runs 7]`. */
export async function runColdStartBenchmark(args: readonly string[] = []): Promise<void> {
  const { runs } = numberFlags(args, { runs: 7 });
  const cleanup: string[] = [];
  try {
    const subjects = synthesize(cleanup);
    // As deployed (the NODE_OPTIONS of the function's template, if any), and with source maps
    // enabled at run time, as the construct did before ADR 0016, unless that is how it is deployed.
    const sourceMaps = '--enable-source-maps';
    const modesOf = (subject: ColdStartSubject) =>
      subject.nodeOptions === sourceMaps ? [{ key: 'deployed', options: sourceMaps }] : [{ key: 'deployed', options: subject.nodeOptions }, { key: 'source maps', options: sourceMaps }];
    type Key = `${FunctionName} ${'handler' | 'baseline'} ${string}`;
    const samples = new Map<Key | 'empty', Sample[]>();
    const add = (key: Key | 'empty', value: Sample) => samples.set(key, [...(samples.get(key) ?? []), value]);
    // Round-robin, so the machine's load drifts over every variant alike.
    for (let run = 0; run < runs; run += 1) {
      add('empty', sample(undefined, lambdaVariables('intake'), undefined));
      for (const subject of subjects) {
        const environment = { ...lambdaVariables(subject.name), ...subject.environment };
        for (const mode of modesOf(subject)) {
          add(`${subject.name} handler ${mode.key}`, sample(subject.bundle, environment, mode.options));
          add(`${subject.name} baseline ${mode.key}`, sample(subject.baseline, environment, mode.options));
        }
      }
    }
    const inits = (key: Key) => (samples.get(key) ?? []).map((value) => value.init);
    const rows: ResultRow[] = [];
    const notes: string[] = [];
    for (const subject of subjects) {
      rows.push({
        path: 'cold start',
        measure: `${subject.name}: bundle`,
        unit: 'KiB',
        value: spread([kib(subject.bundle)]),
        floor: spread([kib(subject.baseline)]),
        floorLabel: 'baseline',
        ratio: spread([kib(subject.bundle) / kib(subject.baseline)]),
      });
      for (const mode of modesOf(subject)) {
        const handler = inits(`${subject.name} handler ${mode.key}`);
        const baseline = inits(`${subject.name} baseline ${mode.key}`);
        const label =
          mode.key === 'deployed' ? `init as deployed (${mode.options ? `NODE_OPTIONS=${mode.options}` : 'no NODE_OPTIONS'})` : `init with NODE_OPTIONS=${mode.options ?? ''} (not deployed)`;
        rows.push({
          path: 'cold start',
          measure: `${subject.name}: ${label}`,
          unit: 'ms',
          value: spread(handler),
          floor: spread(baseline),
          floorLabel: 'baseline',
          ratio: pairedRatios(handler, baseline),
          goal: budget,
        });
      }
      const sockets = Math.max(...[...samples.entries()].filter(([key]) => key.startsWith(`${subject.name} handler`)).flatMap(([, list]) => list.map((value) => value.sockets)));
      notes.push(
        `${subject.name}: ${kib(`${subject.bundle}.map`).toFixed(0)} KiB source map; clients ${subject.clients.join(', ')}` +
          (subject.shippedKiB > 0 ? `; ships ${(subject.shippedKiB / 1024).toFixed(1)} MiB beside the bundle (sharp and its linux-arm64 natives, in its node_modules)` : '') +
          (subject.secrets.length > 0 ? `; in the cloud also fetches ${subject.secrets.join(', ')} at cold start (not measured)` : '') +
          (sockets > 0 ? `; OPENED ${sockets} CONNECTIONS WHILE INITIALISING` : ''),
      );
    }
    const empty = spread((samples.get('empty') ?? []).map((value) => value.start));
    const starts = spread([...samples.entries()].filter(([key]) => key !== 'empty').flatMap(([, list]) => list.map((value) => value.start)));
    console.log(`  ${runs} fresh processes per variant, round-robin; init is await import(bundle) until the handler export is ready`);
    report(rows);
    console.log(`  process start to the first line of code: ${starts.median.toFixed(0)} ms (${starts.min.toFixed(0)}–${starts.max.toFixed(0)}); an empty process ${empty.median.toFixed(0)} ms`);
    for (const note of notes) console.log(`  ${note}`);
  } finally {
    for (const path of cleanup) rmSync(path, { recursive: true, force: true });
  }
}

if (import.meta.main) await runColdStartBenchmark(process.argv.slice(2));
