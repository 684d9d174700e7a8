/**
 * The local stack as tests use it: on the run's shared emulators (started once by
 * emulators.setup.ts), with table, queue and topic names of its own, so test files running side
 * by side never see each other's tips.
 */
import { randomBytes } from 'node:crypto';
import { startLocalStack, type LocalEmulators, type LocalStack, type LocalStackOptions } from '../../infra/local/stack.ts';

/** Where the global setup leaves the shared emulators' endpoints for the test workers. */
export const emulatorEnvironment = {
  dynamoDbEndpoint: 'TINBAO_TEST_DYNAMODB_ENDPOINT',
  sqsEndpoint: 'TINBAO_TEST_SQS_ENDPOINT',
} as const;

/** The shared emulators; a test project that uses them must list emulators.setup.ts. */
export function sharedEmulators(): LocalEmulators {
  const dynamoDbEndpoint = process.env[emulatorEnvironment.dynamoDbEndpoint];
  const sqsEndpoint = process.env[emulatorEnvironment.sqsEndpoint];
  if (!dynamoDbEndpoint || !sqsEndpoint) {
    throw new Error('No shared emulators: add test/support/emulators.setup.ts to this project\'s globalSetup in vitest.config.ts');
  }
  return { dynamoDbEndpoint, sqsEndpoint };
}

/** A unique name prefix for one test file's resources. */
export function uniquePrefix(label = 'test'): string {
  return `tinbao-${label}-${randomBytes(4).toString('hex')}`;
}

/** Starts a local stack for one test file on the shared emulators. */
export function startTestStack(options: Omit<LocalStackOptions, 'emulators' | 'namePrefix' | 'port' | 'localPort'> = {}): Promise<LocalStack> {
  return startLocalStack({ port: 0, localPort: 0, ...options, emulators: sharedEmulators(), namePrefix: uniquePrefix() });
}
