import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

// The rules that keep the domain pure and the suite honest are only worth something if they fire.
const eslint = new ESLint();

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'fatal');
}

describe('lint rules', () => {
  it('forbid AWS SDK, aws-lambda and Powertools imports under shared/', async () => {
    const code = [
      "import type { SQSClient } from '@aws-sdk/client-sqs';",
      "import type { Context } from 'aws-lambda';",
      "import type { Logger } from '@aws-lambda-powertools/logger';",
      'export type Probe = SQSClient | Context | Logger;',
    ].join('\n');
    assert.deepEqual(await ruleIdsFor(code, 'shared/probe.ts'), ['no-restricted-imports', 'no-restricted-imports', 'no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor(code, 'functions/adapters/probe.ts'), [], 'adapters may use them');
  });

  it('forbid focused, skipped and todo tests', async () => {
    // Assembled from parts, so that this probe is not itself mistaken for a focused test by a text search.
    const call = (object: string, modifier: string, rest: string) => `${object}.${modifier}(${rest});`;
    const code = [
      "import { describe, it, test } from 'node:test';",
      call('it', 'only', "'a', () => {}"),
      call('test', 'skip', "'b', () => {}"),
      call('describe', 'todo', "'c'"),
      "it('d', { skip: true }, () => {});",
    ].join('\n');
    assert.deepEqual(await ruleIdsFor(code, 'test/domain/probe.test.ts'), [
      'no-restricted-properties',
      'no-restricted-properties',
      'no-restricted-properties',
      'no-restricted-syntax',
    ]);
  });
});
