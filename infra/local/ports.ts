import { createServer } from 'node:net';

/** Region the local stack pretends to be in; DynamoDB Local runs with -sharedDb, so any works. */
export const localRegion = 'ap-southeast-1';

/** Emulators accept any credentials; these make it obvious in a log that nothing real was used. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The local stack's own address book (table, DynamoDB Local, pack), for local tools such as `npm run repack`. */
export const localStackInfoPath = '/_local/stack';

/** A TCP port that was free a moment ago, for a child process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
