// @ts-check
import vitest from '@vitest/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Imports run infra → functions → shared, never back up: the domain knows nothing of Lambda or
 * the CDK, and a handler never reaches into the CDK app. A relative import that climbs into a
 * layer above (or into tools/ or test/) is refused.
 */
const upwardImport = (layers, message) => ({ regex: `^(\\.\\.?/)+(\\.\\./)*(${layers.join('|')})/`, message });

/**
 * `import { z } from 'zod'` (or its default export) binds zod's whole namespace, and esbuild then
 * bundles all 64 of its locales into every function (about 350 KB that the citizens never see:
 * their messages are ours, shared/messages.ts). A namespace import lets esbuild keep what is used.
 */
const zodAsNamespace = {
  selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > :matches(ImportSpecifier[importKind!='type'], ImportDefaultSpecifier)",
  message: "Import zod as a namespace, import * as z from 'zod', so the bundles leave its locales out.",
};

/** Vitest's ways of not running a test; forbidden, because a test that does not run cannot fail. */
const notRunning = ['only', 'skip', 'todo', 'skipIf', 'runIf', 'fails'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.local-data/**', 'test-results/**', 'coverage/**', 'web/**/*.js', 'web/vendor/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-syntax': ['error', zodAsNamespace],
    },
  },
  {
    // shared/ is the pure domain: it must run anywhere, so no cloud SDK or Lambda types leak in.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', 'aws-sdk', 'aws-sdk/*'], message: 'shared/ is pure domain code: put AWS SDK calls in a functions/ adapter behind a port.' },
            { group: ['aws-lambda', '@types/aws-lambda'], message: 'shared/ must not depend on Lambda event types.' },
            { group: ['@aws-lambda-powertools/*', '@middy/*', 'aws-cdk-lib', 'aws-cdk-lib/*'], message: 'shared/ must not depend on runtime or infrastructure libraries.' },
            upwardImport(['functions', 'infra', 'tools', 'test'], 'shared/ is the bottom layer: it imports nothing from functions/, infra/, tools/ or test/.'),
          ],
        },
      ],
    },
  },
  {
    // functions/ sits between: it may use shared/, never the CDK app or the local stack.
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], message: 'functions/ run in Lambda: no CDK at run time.' },
            upwardImport(['infra', 'tools', 'test'], 'functions/ import from shared/ only; settings the CDK app needs from a function live in functions/ and infra/ reads them.'),
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { vitest },
    rules: {
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
      'vitest/no-import-node-test': 'error',
      'vitest/valid-title': ['error', { allowArguments: true }],
      'vitest/no-identical-title': 'error',
      // No empty tests: every test asserts something, directly or through a helper that does.
      'vitest/expect-expect': [
        'error',
        { assertFunctionNames: ['assert', 'assert.*', 'expect', 'expect*', 'assert*', '*.assert*', 'check*', 'refuses*', 'routes*', 'both', 'template.has*'] },
      ],
      'no-restricted-properties': [
        'error',
        ...notRunning.flatMap((property) =>
          ['it', 'test', 'describe', 'suite', 'bench'].map((object) => ({
            object,
            property,
            message: 'Focused, skipped, conditional or todo tests never land: a test that does not run cannot fail.',
          })),
        ),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: `Property[key.name=/^(${notRunning.join('|')})$/]`,
          message: 'Test options must not skip, focus or mark tests todo.',
        },
        {
          selector: `MemberExpression[object.type='MemberExpression'][property.name=/^(${notRunning.join('|')})$/]`,
          message: 'Chained forms such as it.concurrent.only or describe.sequential.skip do not land either.',
        },
        {
          selector: "CallExpression[callee.property.name='skip'][callee.object.type='Identifier'][callee.object.name=/^(ctx|context|t|task)$/]",
          message: 'A test must not skip itself at run time.',
        },
      ],
    },
  },
  {
    // Command-line tools and the local stack talk to a person on the terminal.
    files: ['tools/**/*.ts', 'infra/local/**/*.ts', 'infra/app.ts'],
    rules: { 'no-console': 'off' },
  },
);
