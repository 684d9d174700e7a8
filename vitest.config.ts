/**
 * The test projects of `npm test` (see README "Tests"). Projects that talk to DynamoDB and SQS
 * share one DynamoDB Local and one fauxqs per run (test/support/emulators.setup.ts); the browser
 * tests also unpack the packaged Chromium once (test/support/chromium.setup.ts).
 */
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const emulators = 'test/support/emulators.setup.ts';
const chromium = 'test/support/chromium.setup.ts';
/** Captures every log line of a file and fails it if one holds a tip's text, a phone number or a secret. */
const logPrivacy = 'test/support/log-privacy.setup.ts';

/** Tests against running emulators wait for the pipeline; these bound a wait, they time nothing. */
const stackTimeouts = { testTimeout: 120_000, hookTimeout: 180_000 };

/**
 * The 2,000-tip load with DynamoDB and SQS cut off: alone, after every other project, on
 * emulators of its own. Beside other files it made their requests miss the SDK's timeouts (503s
 * where a test waited for an answer); on the shared DynamoDB Local after them, it ran several
 * times slower than on a fresh one.
 */
const loadTests = ['test/integration/fault-injection.test.ts'];

const projects: TestProjectInlineConfiguration[] = [
  { test: { name: 'domain', include: ['test/domain/**/*.test.ts'], testTimeout: 60_000 } },
  { test: { name: 'handlers', include: ['test/handlers/**/*.test.ts'], testTimeout: 60_000 } },
  { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: loadTests, globalSetup: [emulators], setupFiles: [logPrivacy], ...stackTimeouts } },
  { test: { name: 'load', include: loadTests, globalSetup: [emulators], setupFiles: [logPrivacy], sequence: { groupOrder: 1 }, ...stackTimeouts } },
  { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: [emulators, chromium], setupFiles: [logPrivacy], ...stackTimeouts } },
  { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], globalSetup: [emulators], ...stackTimeouts } },
];

export default defineConfig({
  test: {
    projects,
    // Each file runs in a process of its own: handlers read their environment at cold start.
    pool: 'forks',
    // Measured on the 2-core machine: 3 workers finish the suite about a quarter sooner than 2 or 4.
    maxWorkers: 3,
    isolate: true,
    reporters: ['default'],
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts', 'tools/**/*.ts'],
      reporter: ['text', 'text-summary'],
    },
  },
});
