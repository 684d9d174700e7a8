import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PackId } from '../../shared/jurisdictions/pack.ts';
import { localStackInfoPath } from './ports.ts';

/**
 * The local stack's own pages and endpoints, which have no counterpart in the cloud and no
 * sign-in: the fake SMS provider (`/_local/sms`: every fake phone's conversation, tracking codes
 * and secrets included; the outbound API the functions text through; a phone texting AWS End
 * User Messaging), the identity provider's directory and keys (`/_local/idp`), and the stack's
 * address book for tools (`/_local/stack`). They listen on a port of their own, on 127.0.0.1,
 * so that nothing reaching the API's address (a forwarded port, a tunnel to show the citizen
 * form to a colleague) reaches them. The one exception is the identity provider's token
 * endpoint, which the console calls from the API's origin: see `handleSignIn`.
 */

/** Answers a request, or returns false when it is not for it. */
export type LocalRoute = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean> | boolean;

/** A queue and its DLQ, as local tools reach them. */
interface QueuePair {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/** The queues with a DLQ, by the name `npm run redrive -- --queue` takes. */
export type LocalQueueName = 'intake' | 'sms-inbound' | 'scan';

/** What `/_local/stack` tells local tools. */
export interface LocalStackInfo {
  readonly pack: PackId;
  readonly tableName: string;
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  /** The evidence bucket, and the S3 gateway in front of it (s3-gateway.ts), the S3 endpoint to use. */
  readonly evidenceBucketName: string;
  readonly s3Url: string;
  /** The queues with a DLQ, by the name `npm run redrive -- --queue` takes. */
  readonly queues: { readonly [name in LocalQueueName]: QueuePair };
}

/** Tells local tools where this stack keeps its tips, files and queues (`npm run repack`, `npm run redrive`). */
export function localStackInfo(
  info: Omit<LocalStackInfo, 'queues'> & { queues: Record<LocalQueueName, { intakeQueueUrl: string; deadLetterQueueUrl: string }> },
): LocalRoute {
  const { queues, ...rest } = info;
  const pair = (queue: { intakeQueueUrl: string; deadLetterQueueUrl: string }): QueuePair => ({ queueUrl: queue.intakeQueueUrl, deadLetterQueueUrl: queue.deadLetterQueueUrl });
  const body: LocalStackInfo = {
    ...rest,
    queues: { intake: pair(queues.intake), 'sms-inbound': pair(queues['sms-inbound']), scan: pair(queues.scan) },
  };
  return (request, response, url) => {
    if (url.pathname !== localStackInfoPath || request.method !== 'GET') return false;
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    response.end(JSON.stringify(body));
    return true;
  };
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(JSON.stringify(body));
}

/** The local-only server: each route in turn, 404 for anything none of them answers. */
export function createLocalOnlyServer(routes: readonly LocalRoute[]): Server {
  return createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      for (const route of routes) if (await route(request, response, url)) return;
      sendJson(response, 404, { message: 'Not Found' });
    } catch {
      // A body the fake provider cannot read, for instance: a development tool, a plain 500.
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
      else response.end();
    }
  });
}

/** Listens on 127.0.0.1 only (0 picks a free port) and gives the server's URL and its stopper. */
export async function listenOnLoopback(server: Server, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      listening();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
