import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ESLint } from 'eslint';

// The rules that keep the domain pure, the layers in order and the suite honest are only worth
// something if they fire.
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

  it('keep imports running infra → functions → shared, never back up', async () => {
    const imports = (...paths: string[]) => [...paths.map((path, i) => `import { v${i} } from '${path}';`), `export const all = [${paths.map((_, i) => `v${i}`).join(', ')}];`].join('\n');
    // shared/ imports nothing from the layers above it, however deep the file.
    assert.deepEqual(await ruleIdsFor(imports('../functions/http/request.ts', '../../infra/definitions.ts'), 'shared/tip/probe.ts'), [
      'no-restricted-imports',
      'no-restricted-imports',
    ]);
    assert.deepEqual(await ruleIdsFor(imports('../../../tools/compile-pack.ts'), 'shared/usecases/officers/probe.ts'), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor(imports('../ports.ts', './tracking-code.ts'), 'shared/tip/probe.ts'), [], 'within shared/ is fine');
    // functions/ may use shared/, never infra/.
    assert.deepEqual(await ruleIdsFor(imports('../../infra/definitions.ts'), 'functions/intake/probe.ts'), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor(imports('../../shared/ports.ts', '../http/request.ts'), 'functions/intake/probe.ts'), []);
    // infra/ may use both.
    assert.deepEqual(await ruleIdsFor(imports('../functions/http/request.ts', '../shared/ports.ts'), 'infra/probe.ts'), []);
  });

  it("forbid focused, skipped, conditional and todo tests in all of vitest forms, and Node's own test runner", async () => {
    // Assembled from parts, so that this probe is not itself mistaken for a focused test by a text search.
    const call = (object: string, modifier: string, rest: string) => `${object}.${modifier}(${rest});`;
    const probes: Array<[string, string]> = [
      [call('it', 'only', "'a', () => { expect(1).toBe(1); }"), 'focused it'],
      [call('test', 'skip', "'b', () => { expect(1).toBe(1); }"), 'skipped test'],
      [call('describe', 'todo', "'c'"), 'todo describe'],
      [`${call('it', 'skipIf', 'true')}`.replace(');', ")('d', () => { expect(1).toBe(1); });"), 'skipIf'],
      [`${call('describe', 'runIf', 'false')}`.replace(');', ")('e', () => {});"), 'runIf'],
      [call('it.concurrent', 'only', "'f', () => { expect(1).toBe(1); }"), 'chained only'],
      ["it('g', { skip: true }, () => { expect(1).toBe(1); });", 'skip option'],
      ["it('h', (ctx) => { ctx.skip(); expect(1).toBe(1); });", 'skip at run time'],
      ["it('i', () => {});", 'empty test'],
      [`import { it } from '${['node', 'test'].join(':')}';`, "node's own test runner"],
    ];
    for (const [probe, what] of probes) {
      const code = `import { describe, expect, it, test } from 'vitest';\n${probe}\n`;
      assert.ok((await ruleIdsFor(code, 'test/domain/probe.test.ts')).length > 0, `${what} is refused`);
    }
    const honest = "import { expect, it } from 'vitest';\nit('j', () => { expect(1).toBe(1); });\n";
    assert.deepEqual(await ruleIdsFor(honest, 'test/domain/probe.test.ts'), [], 'a plain test passes');
  });

  it("import zod as a namespace, which keeps zod's locales out of the function bundles", async () => {
    const use = 'export const s = z.string();';
    assert.deepEqual(await ruleIdsFor(`import { z } from 'zod';\n${use}\n`, 'shared/probe.ts'), ['no-restricted-syntax']);
    assert.deepEqual(await ruleIdsFor(`import z from 'zod';\n${use}\n`, 'functions/intake/probe.ts'), ['no-restricted-syntax']);
    assert.deepEqual(await ruleIdsFor(`import * as z from 'zod';\n${use}\n`, 'shared/probe.ts'), []);
    assert.deepEqual(await ruleIdsFor("import type { ZodType } from 'zod';\nexport type T = ZodType;\n", 'shared/probe.ts'), [], 'types cost nothing');
  });
});
