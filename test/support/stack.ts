/**
 * The local stack as tests use it: on the run's shared emulators (started once by
 * emulators.setup.ts), with table, queue and topic names of its own, so test files running side
 * by side never see each other's tips.
 */
import { randomBytes } from 'node:crypto';
import { startLocalStack, type LocalEmulators, type LocalStack, type LocalStackOptions } from '../../infra/local/stack.ts';
import { logCapture } from './log-capture.ts';

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

/**
 * Options that put a local stack under the log-privacy check (test/support/log-privacy.setup.ts),
 * for a file that calls startLocalStack itself: the functions log at DEBUG whatever `logLevel`
 * asks, into the capture, and the terminal shows only lines at `logLevel` and above; every
 * sensitive value the stack sees is noted. Without the capture (a project without that setup
 * file) the options are left as they are.
 */
export function privacyCheckedOptions<Options extends LocalStackOptions>(options: Options): Options {
  const capture = logCapture();
  if (!capture) return options;
  capture.shown = options.logLevel ?? 'INFO';
  return { ...options, logLevel: 'DEBUG', observeSensitive: capture.sensitive.add };
}

/** What a test may choose of its stack: everything but where it runs. */
export type TestStackOptions = Omit<LocalStackOptions, 'emulators' | 'namePrefix' | 'port' | 'localPort'> & {
  /** Other emulators than the shared ones (a proxy in front of them, to cut or stall). */
  readonly emulators?: LocalEmulators;
  /** Part of the resources' name prefix, to tell a file's tables and queues apart. */
  readonly label?: string;
};

/** Starts a local stack for one test file on the shared emulators, under the log-privacy check. */
export function startTestStack(options: TestStackOptions = {}): Promise<LocalStack> {
  const { emulators, label, ...rest } = options;
  return startLocalStack(privacyCheckedOptions({ port: 0, localPort: 0, ...rest, emulators: emulators ?? sharedEmulators(), namePrefix: uniquePrefix(label) }));
}
