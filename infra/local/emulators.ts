import { join } from 'node:path';
import { Server as NetServer } from 'node:net';
import { startFauxqs } from 'fauxqs';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { localRegion } from './ports.ts';

/** Emulators already running (a test run's shared DynamoDB Local and fauxqs). */
export interface LocalEmulators {
  readonly dynamoDbEndpoint: string;
  /** fauxqs: SQS, SNS and S3 on one endpoint. */
  readonly sqsEndpoint: string;
}

/**
 * Runs `start` with every server it opens on the wildcard address bound to 127.0.0.1 instead.
 * fauxqs 2.4 listens on 0.0.0.0 whatever its `host` option says (that option only names its
 * queue URLs), and an emulator holding tips must not be reachable from the network.
 */
async function listeningOnLoopback<T>(start: () => Promise<T>): Promise<T> {
  const original = NetServer.prototype.listen;
  NetServer.prototype.listen = function listen(this: NetServer, ...args: unknown[]) {
    const [first] = args;
    if (first !== null && typeof first === 'object' && ['0.0.0.0', '::', undefined].includes((first as { host?: string }).host)) {
      args[0] = { ...first, host: '127.0.0.1' };
    }
    return (original as (...listenArgs: unknown[]) => NetServer).apply(this, args);
  } as typeof original;
  try {
    return await start();
  } finally {
    NetServer.prototype.listen = original;
  }
}

/**
 * Starts DynamoDB Local and fauxqs, both on 127.0.0.1 only, keeping their data in `dataDir` when
 * given (fauxqs keeps its S3 objects there too); their stoppers join the stack's.
 */
export async function startEmulators(dataDir: string | undefined, stoppers: Array<() => Promise<void>>): Promise<LocalEmulators> {
  const dynamoDbLocal = await startDynamoDbLocal({ dataDir: dataDir && join(dataDir, 'dynamodb') });
  stoppers.push(() => dynamoDbLocal.stop());
  const fauxqs = await listeningOnLoopback(() =>
    startFauxqs({ port: 0, logger: false, defaultRegion: localRegion, ...(dataDir && { dataDir: join(dataDir, 'sqs') }) }),
  );
  stoppers.push(() => fauxqs.stop());
  return { dynamoDbEndpoint: dynamoDbLocal.endpoint, sqsEndpoint: `http://127.0.0.1:${fauxqs.port}` };
}
