import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import { sharedSettings } from '../definitions.ts';
import { createApiServer, type HttpHandler } from './api-server.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { localCredentials, localRegion } from './ports.ts';
import { ensureIntakeQueues, ensureTipTable, localResourceNames, type LocalQueues } from './resources.ts';
import { startSqsPoller, type BatchOutcome, type SqsHandler } from './sqs-poller.ts';

/**
 * The development key for hashing tipster secrets. It is public on purpose: the local stack
 * holds no real tips. The cloud reads its key from Secrets Manager.
 */
export const localTrackingPepper = 'tinbao-local-development-pepper (not a secret)';

/** Options of the local stack. */
export interface LocalStackOptions {
  /** HTTP port; 0 picks a free one. */
  readonly port?: number;
  /** Keep DynamoDB and SQS data here across restarts; in memory when absent. */
  readonly dataDir?: string | undefined;
  /** See SqsPollerOptions.retryDelaySeconds. */
  readonly retryDelaySeconds?: number | undefined;
  /** Log level of the functions' Powertools loggers. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  readonly onPollerError?: (error: unknown) => void;
  /** Called after each batch the classifier handled. */
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

/** A running local stack. */
export interface LocalStack {
  readonly apiUrl: string;
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly tableName: string;
  readonly queues: LocalQueues;
  readonly dynamoDb: DynamoDBClient;
  readonly sqs: SQSClient;
  stop(): Promise<void>;
}

/**
 * Starts the whole pipeline on this machine: DynamoDB Local, fauxqs for SQS, the table and
 * queues from the shared definitions, the HTTP API invoking the real handlers, and the SQS
 * event source invoking the real classifier.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
  };
  try {
    const dynamoDbLocal = await startDynamoDbLocal({ dataDir: dataDir && join(dataDir, 'dynamodb') });
    stoppers.push(() => dynamoDbLocal.stop());
    const fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: localRegion, ...(dataDir && { dataDir: join(dataDir, 'sqs') }) });
    stoppers.push(() => fauxqs.stop());
    const sqsEndpoint = `http://127.0.0.1:${fauxqs.port}`;

    const dynamoDb = new DynamoDBClient({ endpoint: dynamoDbLocal.endpoint, region: localRegion, credentials: localCredentials });
    const sqs = new SQSClient({ endpoint: sqsEndpoint, region: localRegion, credentials: localCredentials });
    stoppers.push(async () => {
      dynamoDb.destroy();
      sqs.destroy();
    });
    await ensureTipTable(dynamoDb, localResourceNames.table);
    const queues = await ensureIntakeQueues(sqs, sqsEndpoint);

    // The functions read their configuration at cold start, exactly as in Lambda.
    Object.assign(process.env, {
      ...sharedSettings,
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbLocal.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      TABLE_NAME: localResourceNames.table,
      INTAKE_QUEUE_URL: queues.intakeQueueUrl,
      TRACKING_PEPPER: localTrackingPepper,
      STAGE: 'local',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const [intake, status, classifier, pages] = await Promise.all([
      import('../../functions/intake/handler.ts'),
      import('../../functions/status/handler.ts'),
      import('../../functions/classifier/handler.ts'),
      import('../../functions/http/pages.ts'),
    ]);

    const poller = startSqsPoller({
      client: sqs,
      queueUrl: queues.intakeQueueUrl,
      queueArn: queues.intakeQueueArn,
      handler: classifier.handler as unknown as SqsHandler,
      retryDelaySeconds: options.retryDelaySeconds,
      onError: options.onPollerError,
      onBatch: options.onBatch,
    });
    stoppers.push(() => poller.stop());

    const server = createApiServer(
      { intake: intake.handler as unknown as HttpHandler, status: status.handler as unknown as HttpHandler, classifier: undefined },
      {
        '/': () => pages.tipFormPage('vi'),
        '/en': () => pages.tipFormPage('en'),
        '/status': () => pages.statusFormPage('vi'),
        '/en/status': () => pages.statusFormPage('en'),
      },
    );
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(options.port ?? 3000, '127.0.0.1', () => listening());
    });
    stoppers.push(
      () =>
        new Promise<void>((closed) => {
          server.closeAllConnections();
          server.close(() => closed());
        }),
    );
    const { port } = server.address() as AddressInfo;
    return {
      apiUrl: `http://127.0.0.1:${port}`,
      dynamoDbEndpoint: dynamoDbLocal.endpoint,
      sqsEndpoint,
      tableName: localResourceNames.table,
      queues,
      dynamoDb,
      sqs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
