import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { defaultPackId, jurisdiction } from '../../shared/jurisdictions/index.ts';
import type { PackId } from '../../shared/jurisdictions/pack.ts';
import { classifierEventSource, scanEventSource, sharedSettings, smsAwsEventSource, type FunctionName } from '../definitions.ts';
import { createApiServer, type HttpHandler } from './api-server.ts';
import { startEmulators, type LocalEmulators } from './emulators.ts';
import { createFakeSmsProvider, type FakeSmsProvider } from './fake-sms-provider.ts';
import { createLocalIdentityProvider, localOfficerClientId, type LocalIdentityProvider } from './identity-provider.ts';
import { overlappingInvocations } from './lambda-context.ts';
import { createLocalOnlyServer, listenOnLoopback, localStackInfo } from './local-routes.ts';
import { localStaticPaths, serveStatic, serveVendor } from './static-files.ts';
import { localCredentials, localRegion } from './ports.ts';
import {
  ensureAlertResources,
  ensureEvidenceBucket,
  ensureIdempotencyTable,
  ensureIntakeQueues,
  ensureScanQueues,
  ensureSmsInbound,
  ensureTipTable,
  localResourceNames,
  localResourceNamesFor,
  type LocalQueues,
  type LocalSmsInbound,
} from './resources.ts';
import { logPollerFailure, startSqsPoller, type BatchOutcome, type PollerFailure, type SqsHandler } from './sqs-poller.ts';
import { harmless, observeRequest, observeResponse, observingRecords, type SensitiveObserver } from './sensitive-values.ts';
import { startS3Gateway } from './s3-gateway.ts';
import type { SentNotification } from './s3-notifications.ts';
import { consoleSettings } from '../console-settings.ts';
import { startFakeNotifier, type FakeNotifier } from './fake-notifier.ts';
import { startStreamPoller, type StreamHandler } from './stream-poller.ts';

/**
 * Development secrets of the local stack. They are public on purpose: the local stack holds no
 * real tips. The cloud reads each from Secrets Manager or KMS.
 */
export const localSecrets = {
  trackingPepper: 'tinbao-local-development-pepper (not a secret)',
  smsGatewaySecret: 'tinbao-local-sms-gateway-secret (not a secret)',
  twilioAuthToken: 'tinbao-local-twilio-auth-token',
  /** 32 bytes, base64: the AES key that stands in for the phone KMS key. */
  phoneSealingKey: Buffer.from('tinbao local phone sealing key!!').toString('base64'),
  /** The AWS End User Messaging number the fake provider pretends tipsters text. */
  awsSmsNumber: '+84900000113',
} as const;

export { startEmulators, type LocalEmulators };

/** Options of the local stack. */
export interface LocalStackOptions {
  /** HTTP port of the API and the pages; 0 picks a free one. */
  readonly port?: number;
  /**
   * Port of the local-only server (fake SMS provider, identity provider, stack info), never the
   * API's; 0 picks a free one. Default: the next port after `port` (3001), or 0 when `port` is 0.
   */
  readonly localPort?: number;
  /**
   * Port of the local S3 gateway, the evidence bucket's address (s3-gateway.ts), where browsers
   * post files; 0 picks a free one. Default: two after `port` (3002), or 0 when `port` is 0.
   */
  readonly s3Port?: number;
  /** Keep DynamoDB and SQS data here across restarts; in memory when absent. */
  readonly dataDir?: string | undefined;
  /**
   * Use these emulators instead of starting a DynamoDB Local and a fauxqs of the stack's own
   * (which then outlive the stack). Give each stack on shared emulators its own `namePrefix`.
   */
  readonly emulators?: LocalEmulators | undefined;
  /** Prefix of the tables', queues' and topic's names (default `tinbao-local`). */
  readonly namePrefix?: string | undefined;
  /** The jurisdiction pack (map) to route to; the map in force by default. */
  readonly pack?: PackId | undefined;
  /** See SqsPollerOptions.retryDelaySeconds. */
  readonly retryDelaySeconds?: number | undefined;
  /** Log level of the functions' Powertools loggers. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Told of each failed poll or invocation of the event sources; by default a JSON line on stderr, with no error message in it (none when logLevel is SILENT). */
  readonly onPollerError?: (failure: PollerFailure) => void;
  /** Called after each batch the classifier handled. */
  readonly onBatch?: (outcome: BatchOutcome) => void;
  /** Told of each S3 event notification the gateway put on the scan queue (S3's test event included). */
  readonly onS3Notification?: (notification: SentNotification) => void;
  /**
   * Told of every tip text, phone number and secret the stack sees: in requests, in answers that
   * hand one out, on its queues, at the fake SMS provider, and the stack's own keys (see
   * sensitive-values.ts). The test suite proves no log line holds any of them.
   */
  readonly observeSensitive?: SensitiveObserver | undefined;
}

/** A running local stack. */
export interface LocalStack {
  readonly apiUrl: string;
  /**
   * The local-only server, on 127.0.0.1 beside the API and never on its address: the fake SMS
   * phones (`/_local/sms`), the identity provider (`/_local/idp`, the officers' token issuer),
   * and `/_local/stack` for tools.
   */
  readonly localUrl: string;
  /** The pack the stack routes to. */
  readonly pack: PackId;
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly tableName: string;
  readonly idempotencyTableName: string;
  /** The intake queue and its DLQ; `scan`: the queue the evidence bucket notifies, and its DLQ (named alike). */
  readonly queues: LocalQueues & { readonly scan: LocalQueues };
  readonly smsInbound: LocalSmsInbound;
  /** The evidence bucket (fauxqs's, behind the gateway). */
  readonly evidenceBucketName: string;
  /** The local S3 gateway's URL: the S3 endpoint the functions and browsers use (path-style). */
  readonly s3Url: string;
  readonly dynamoDb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /**
   * S3 through the gateway (path-style), as the functions reach it: a put under `incoming/`
   * notifies the scan, as it would in the cloud.
   */
  readonly s3: S3Client;
  readonly smsProvider: FakeSmsProvider;
  /** What the alert topic delivered to officers' phones and mailboxes (`/_local/alerts`). */
  readonly notifier: FakeNotifier;
  /** Issues officers' tokens, as Cognito does in the cloud. */
  readonly identityProvider: LocalIdentityProvider;
  stop(): Promise<void>;
}

/** Notes what a phone sent when a provider webhook is called, for the fake provider's conversation page. */
function observeSmsWebhooks(provider: FakeSmsProvider) {
  return (event: APIGatewayProxyEventV2) => {
    try {
      const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
      if (event.routeKey === 'POST /sms/inbound') {
        const { from, text } = JSON.parse(raw) as { from?: unknown; text?: unknown };
        if (typeof from === 'string' && typeof text === 'string') provider.recordFromPhone('gateway', from, text);
      } else if (event.routeKey === 'POST /sms/twilio') {
        const fields = new URLSearchParams(raw);
        provider.recordFromPhone('twilio', fields.get('From') ?? '?', fields.get('Body') ?? '');
      }
    } catch {
      // An unreadable body is the handler's to refuse; the fake provider just does not record it.
    }
  };
}

/** The console's configuration as the local stack runs it: the local sign-in and the pack's map (S3 holds a generated one in the cloud). */
function serveConsoleConfig(request: IncomingMessage, response: ServerResponse, url: URL, pack: PackId): boolean {
  if (url.pathname !== '/config.json' || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  // Relative: the console posts the officer's name and password to its own origin, the API's
  // (see consoleSignIn in startLocalStack).
  const body = JSON.stringify({ ...consoleSettings(pack), auth: { type: 'local', tokenUrl: '/_local/idp/token' } });
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}

/**
 * Starts the whole pipeline on this machine: DynamoDB Local, fauxqs for SQS and SNS, the tables,
 * queues and topic from the shared definitions, the HTTP API invoking the real handlers, the SQS
 * event sources invoking the real consumers, and a fake SMS provider.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const pack = options.pack ?? defaultPackId;
  const units = jurisdiction(pack);
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
  };
  const observe = harmless(options.observeSensitive);
  if (observe) for (const secret of [localSecrets.trackingPepper, localSecrets.smsGatewaySecret, localSecrets.twilioAuthToken, localSecrets.phoneSealingKey]) observe(secret, 'secret');
  try {
    const emulators = options.emulators ?? (await startEmulators(dataDir, stoppers));
    const { dynamoDbEndpoint, sqsEndpoint } = emulators;
    const names = options.namePrefix ? localResourceNamesFor(options.namePrefix) : localResourceNames;

    const clientOptions = { region: localRegion, credentials: localCredentials };
    const dynamoDb = new DynamoDBClient({ endpoint: dynamoDbEndpoint, ...clientOptions });
    const sqs = new SQSClient({ endpoint: sqsEndpoint, ...clientOptions });
    const sns = new SNSClient({ endpoint: sqsEndpoint, ...clientOptions });
    // Straight to fauxqs, to make the bucket; everything else goes through the gateway.
    const bucketSetup = new S3Client({ endpoint: sqsEndpoint, forcePathStyle: true, ...clientOptions });
    stoppers.push(async () => {
      dynamoDb.destroy();
      sqs.destroy();
      sns.destroy();
      bucketSetup.destroy();
    });
    await ensureTipTable(dynamoDb, names.table);
    await ensureIdempotencyTable(dynamoDb, names.idempotencyTable);
    const queues = await ensureIntakeQueues(sqs, sqsEndpoint, names);
    const smsInbound = await ensureSmsInbound(sns, sqs, sqsEndpoint, {
      topic: names.smsInboundTopic,
      queue: names.smsInboundQueue,
      deadLetterQueue: names.smsInboundDeadLetterQueue,
    });
    const scanQueues = await ensureScanQueues(sqs, sqsEndpoint, names);
    await ensureEvidenceBucket(bucketSetup, names.evidenceBucket);
    const alertResources = await ensureAlertResources(sns, sqs, sqsEndpoint, names);
    const notifier = startFakeNotifier({ sqs, inboxQueueUrl: alertResources.inboxQueueUrl });
    stoppers.push(() => notifier.stop());

    const smsProvider = createFakeSmsProvider({
      gatewaySecret: localSecrets.smsGatewaySecret,
      sns,
      smsInboundTopicArn: smsInbound.topicArn,
      destinationNumber: localSecrets.awsSmsNumber,
      observeSensitive: observe,
    });
    // Routes are served as soon as the server listens; handlers are added once imported.
    const handlers: Partial<Record<FunctionName, HttpHandler>> = {};
    const pages: Record<string, () => string> = {};
    // The issuer's URL includes the local-only port, known only once that server listens.
    const identity: { provider?: LocalIdentityProvider } = {};
    // The citizen pages' script posts files to the S3 gateway, known once it listens.
    const evidence: { uploadOrigins: readonly string[] } = { uploadOrigins: [] };
    const uploadOrigins = () => evidence.uploadOrigins;
    // The officer console and other static assets, as S3 and CloudFront serve them in the cloud.
    const staticFiles = serveStatic(fileURLToPath(new URL('../../web/', import.meta.url)), { paths: localStaticPaths, uploadOrigins });
    // The console's browser libraries (MapLibre GL JS), from node_modules as the deployment ships them.
    const vendorFiles = serveVendor(fileURLToPath(new URL('../../node_modules/', import.meta.url)));
    // The console signs in from the API's origin (config.json's tokenUrl is relative), so only
    // the token endpoint answers there, as Cognito's sign-in does in the cloud: it gives nothing
    // without an officer's name and password. Moving it to the local-only port would need CORS
    // for the API's origin and the port in config.json, to expose nothing more.
    const consoleSignIn = async (request: IncomingMessage, response: ServerResponse, url: URL) =>
      (await identity.provider?.handleSignIn(request, response, url)) ?? false;
    const noteSmsWebhook = observeSmsWebhooks(smsProvider);
    const server = createApiServer(handlers, pages, {
      extraRoutes: async (request, response, url) =>
        serveConsoleConfig(request, response, url, pack) ||
        (await staticFiles(request, response, url)) ||
        (await vendorFiles(request, response, url)) ||
        (await consoleSignIn(request, response, url)),
      uploadOrigins,
      observe: (event) => {
        noteSmsWebhook(event);
        if (observe) observeRequest(event, observe);
      },
      ...(observe && { observeResult: (_event: APIGatewayProxyEventV2, result: APIGatewayProxyResultV2) => observeResponse(result, observe) }),
    });
    // The stack's info names the S3 gateway, which starts after the servers.
    const stackInfo: { route?: ReturnType<typeof localStackInfo> } = {};
    const localServer = createLocalOnlyServer([
      (request, response, url) => smsProvider.handle(request, response, url),
      (request, response, url) => notifier.handle(request, response, url),
      async (request, response, url) => (await identity.provider?.handle(request, response, url)) ?? false,
      (request, response, url) => stackInfo.route?.(request, response, url) ?? false,
    ]);
    const port = options.port ?? 3000;
    const api = await listenOnLoopback(server, port);
    stoppers.push(api.close);
    const local = await listenOnLoopback(localServer, options.localPort ?? (port === 0 ? 0 : port + 1));
    stoppers.push(local.close);
    const { url: apiUrl } = api;
    const { url: localUrl } = local;
    // The bucket's CORS allows the site's origin: the API's, also as a browser writes it with `localhost`.
    const apiPort = new URL(apiUrl).port;
    const gateway = await startS3Gateway({
      upstream: sqsEndpoint,
      bucket: names.evidenceBucket,
      allowedOrigins: [new URL(apiUrl).origin, `http://localhost:${apiPort}`],
      notifications: { sqs, queueUrl: scanQueues.intakeQueueUrl },
      port: options.s3Port ?? (port === 0 ? 0 : port + 2),
      observeSensitive: observe,
      onNotified: options.onS3Notification,
    });
    stoppers.push(gateway.close);
    evidence.uploadOrigins = [gateway.url];
    const s3 = new S3Client({ endpoint: gateway.url, forcePathStyle: true, ...clientOptions });
    stoppers.push(async () => s3.destroy());
    stackInfo.route = localStackInfo({
      pack,
      tableName: names.table,
      dynamoDbEndpoint,
      sqsEndpoint,
      evidenceBucketName: names.evidenceBucket,
      s3Url: gateway.url,
      queues: { intake: queues, 'sms-inbound': smsInbound, scan: scanQueues },
    });
    const identityProvider = await createLocalIdentityProvider({ issuer: `${localUrl}/_local/idp`, pack });
    identity.provider = identityProvider;
    // Invocations of all the functions overlap in this one process: Powertools keeps each one's
    // state (the logger's function name, the batch processor's records) apart in a store per invocation.
    stoppers.push(overlappingInvocations());

    // The functions read their configuration at cold start, exactly as in Lambda.
    Object.assign(process.env, {
      ...sharedSettings,
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_SNS: sqsEndpoint,
      // Presigned URLs name this endpoint, so browsers post to the gateway, which notifies the scan.
      AWS_ENDPOINT_URL_S3: gateway.url,
      EVIDENCE_BUCKET_NAME: names.evidenceBucket,
      TABLE_NAME: names.table,
      JURISDICTION_PACK: pack,
      IDEMPOTENCY_TABLE_NAME: names.idempotencyTable,
      INTAKE_QUEUE_URL: queues.intakeQueueUrl,
      // The Twilio webhook asks the scan to fetch a message's MMS media through this queue.
      ATTACHMENT_SCAN_QUEUE_URL: scanQueues.intakeQueueUrl,
      TRACKING_PEPPER: localSecrets.trackingPepper,
      SMS_GATEWAY_SECRET: localSecrets.smsGatewaySecret,
      // Locally the fake provider is the gateway, and also stands in for Twilio's and AWS's outbound APIs.
      SMS_GATEWAY_OUTBOUND_URL: `${localUrl}/_local/sms/outbound`,
      SMS_LOCAL_FAKE_OUTBOUND_URL: `${localUrl}/_local/sms/outbound`,
      TWILIO_AUTH_TOKEN: localSecrets.twilioAuthToken,
      PHONE_SEALING_KEY: localSecrets.phoneSealingKey,
      OFFICER_JWT_ISSUER: identityProvider.issuer,
      OFFICER_CLIENT_ID: localOfficerClientId,
      ALERT_TOPIC_ARN: alertResources.topicArn,
      CONSOLE_URL: `${apiUrl}/console/`,
      STAGE: 'local',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const [intake, status, classifier, smsGateway, smsTwilio, smsAws, officers, scan, tipStream, pageModule] = await Promise.all([
      import('../../functions/intake/handler.ts'),
      import('../../functions/status/handler.ts'),
      import('../../functions/classifier/handler.ts'),
      import('../../functions/sms-gateway/handler.ts'),
      import('../../functions/sms-twilio/handler.ts'),
      import('../../functions/sms-aws/handler.ts'),
      import('../../functions/officers/handler.ts'),
      import('../../functions/scan/handler.ts'),
      import('../../functions/tip-stream/handler.ts'),
      import('../../functions/http/pages.ts'),
    ]);
    Object.assign(handlers, {
      intake: intake.handler as unknown as HttpHandler,
      status: status.handler as unknown as HttpHandler,
      smsGateway: smsGateway.handler as unknown as HttpHandler,
      smsTwilio: smsTwilio.handler as unknown as HttpHandler,
      officers: officers.handler as unknown as HttpHandler,
    });
    Object.assign(pages, {
      '/': () => pageModule.tipFormPage('vi', units),
      '/en': () => pageModule.tipFormPage('en', units),
      '/status': () => pageModule.statusFormPage('vi'),
      '/en/status': () => pageModule.statusFormPage('en'),
    });

    const onPollerError = options.onPollerError ?? (options.logLevel === 'SILENT' ? undefined : logPollerFailure);
    // The event source mappings: each queue's consumer, as the definitions batch it.
    const consumers: ReadonlyArray<{ functionName: FunctionName; queue: LocalQueues; handler: unknown; batchSize: number; onBatch?: LocalStackOptions['onBatch'] }> = [
      { functionName: 'classifier', queue: queues, handler: classifier.handler, batchSize: classifierEventSource.batchSize, onBatch: options.onBatch },
      { functionName: 'smsAws', queue: smsInbound, handler: smsAws.handler, batchSize: smsAwsEventSource.batchSize },
      { functionName: 'scan', queue: scanQueues, handler: scan.handler, batchSize: scanEventSource.batchSize },
    ];
    for (const consumer of consumers) {
      const poller = startSqsPoller({
        client: sqs,
        queueUrl: consumer.queue.intakeQueueUrl,
        queueArn: consumer.queue.intakeQueueArn,
        handler: observingRecords(consumer.handler as SqsHandler, observe),
        functionName: consumer.functionName,
        batchSize: consumer.batchSize,
        retryDelaySeconds: options.retryDelaySeconds,
        onError: onPollerError,
        onBatch: consumer.onBatch,
      });
      stoppers.push(() => poller.stop());
    }
    const streamPoller = await startStreamPoller({
      dynamoDb,
      endpoint: dynamoDbEndpoint,
      tableName: names.table,
      handler: tipStream.handler as unknown as StreamHandler,
      functionName: 'tipStream',
      sqs,
      failureQueueUrl: alertResources.failureQueueUrl,
      onError: onPollerError,
    });
    stoppers.push(() => streamPoller.stop());

    return {
      apiUrl,
      localUrl,
      pack,
      dynamoDbEndpoint,
      sqsEndpoint,
      tableName: names.table,
      idempotencyTableName: names.idempotencyTable,
      queues: { ...queues, scan: scanQueues },
      smsInbound,
      evidenceBucketName: names.evidenceBucket,
      s3Url: gateway.url,
      dynamoDb,
      sqs,
      sns,
      s3,
      smsProvider,
      notifier,
      identityProvider,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
