/**
 * The scan's bundling without its natives (infra/constructs/native-bundling.ts and
 * tools/lambda-natives.mjs): a machine whose install skipped the postinstall gets one line that
 * says what is missing and how to get it, from the synth and from the copy script alike. The
 * asset with the natives is checked on the real scan function in stateless-stack.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, describe, it } from 'vitest';
import { functionBundling } from '../../infra/constructs/bundling-options.ts';
import { lambdaNativesDirectory, lambdaNativesScript, missingLambdaNatives, nativeBundling, sharpNativePackages } from '../../infra/constructs/native-bundling.ts';
import { repositoryRoot } from '../../infra/constructs/tinbao-function.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'tinbao-natives-test-'));
const noNatives = path.join(scratch, 'no-natives');
mkdirSync(noNatives);
// NodejsFunction wants its entry under the project root; node_modules/.cache is ignored by git, ESLint and tsc.
const entries = path.join(repositoryRoot, 'node_modules', '.cache', 'tinbao-native-bundling-test');
mkdirSync(entries, { recursive: true });
const entry = path.join(entries, 'handler.ts');
writeFileSync(entry, "import sharp from 'sharp';\nexport const handler = async (): Promise<string> => typeof sharp;\n");
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(entries, { recursive: true, force: true });
});

describe("the scan's bundling without the natives", () => {
  it('finds them where the postinstall put them on this machine, and misses both in an empty folder', () => {
    assert.deepEqual(missingLambdaNatives(), [], 'run npm run postinstall');
    assert.ok(lambdaNativesDirectory.startsWith(path.join(repositoryRoot, 'node_modules')));
    assert.deepEqual(missingLambdaNatives(noNatives), [...sharpNativePackages]);
  });

  it('stops the synth with one line naming the missing packages and the command that fetches them', () => {
    const app = new App({ outdir: path.join(scratch, 'cdk.out') });
    const stack = new Stack(app, 'NativeBundling');
    // The CDK bundles an asset as the function is made, so that is where the synth stops.
    assert.throws(
      () =>
        new NodejsFunction(stack, 'Scan', {
          entry,
          handler: 'handler',
          projectRoot: repositoryRoot,
          depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
          runtime: lambda.Runtime.NODEJS_24_X,
          architecture: lambda.Architecture.ARM_64,
          bundling: { ...functionBundling, ...nativeBundling(noNatives) },
        }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /^The scan function needs @img\/sharp-linux-arm64 and @img\/sharp-libvips-linux-arm64 for Lambda \(linux-arm64\) in .*: run npm run postinstall$/);
        return true;
      },
    );
  });

  it('makes the copy script refuse in one line, leaving the asset without a half-copied node_modules', () => {
    const asset = path.join(scratch, 'asset');
    mkdirSync(asset);
    const result = spawnSync(process.execPath, [lambdaNativesScript, 'copy', asset, noNatives], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^lambda natives: the scan function needs @img\/sharp-linux-arm64 and @img\/sharp-libvips-linux-arm64 in .*: run npm run postinstall/);
    assert.deepEqual(readdirSync(asset), []);
  });
});
