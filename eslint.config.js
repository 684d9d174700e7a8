// @ts-check
import tseslint from 'typescript-eslint';

const focusedOrSkipped = ['only', 'skip', 'todo'].flatMap((property) =>
  ['it', 'test', 'describe', 'suite'].map((object) => ({
    object,
    property,
    message: 'Focused, skipped or todo tests never land: a test that does not run cannot fail.',
  })),
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.local-data/**', 'test-results/**', 'web/**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
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
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', ...focusedOrSkipped],
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name=/^(skip|todo|only)$/]",
          message: 'Test options must not skip, focus or mark tests todo.',
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
