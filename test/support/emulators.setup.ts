/**
 * Vitest global setup: one DynamoDB Local and one fauxqs for the whole run, started only when a
 * project that needs them runs, however many projects list this file. Each test file then
 * builds its own local stack on them under a name prefix of its own (test/support/stack.ts).
 *
 * The endpoints reach the test workers as environment variables: workers are forked after
 * global setup, with this process's environment.
 */
import { startEmulators, type LocalEmulators } from '../../infra/local/stack.ts';
import { emulatorEnvironment } from './stack.ts';

interface Shared {
  started?: Promise<{ emulators: LocalEmulators; stoppers: Array<() => Promise<void>> }>;
  users: number;
}

// Each project's global setup is loaded in a module graph of its own; this process is shared.
const shared: Shared = ((globalThis as { __tinbaoEmulators?: Shared }).__tinbaoEmulators ??= { users: 0 });

export default async function setup(): Promise<() => Promise<void>> {
  shared.users += 1;
  shared.started ??= (async () => {
    const stoppers: Array<() => Promise<void>> = [];
    return { emulators: await startEmulators(undefined, stoppers), stoppers };
  })();
  const { emulators, stoppers } = await shared.started;
  process.env[emulatorEnvironment.dynamoDbEndpoint] = emulators.dynamoDbEndpoint;
  process.env[emulatorEnvironment.sqsEndpoint] = emulators.sqsEndpoint;
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  };
}
