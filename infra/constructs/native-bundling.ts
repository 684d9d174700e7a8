import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { repositoryRoot } from './tinbao-function.ts';

/**
 * Where the root postinstall (tools/lambda-natives.mjs install) puts sharp's packages for Lambda
 * (linux-arm64, glibc), which npm leaves out on any other machine: a node_modules of their own
 * that nothing in the project resolves, so the local sharp stays this machine's.
 */
export const lambdaNativesDirectory = path.join(repositoryRoot, 'node_modules', '.lambda-natives', 'linux-arm64', 'node_modules');

/** sharp's binding for Lambda and the libvips it links: both must sit beside sharp in the asset. */
export const sharpNativePackages = ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64'] as const;

/** The script that fetches the natives (postinstall) and copies them into an asset (below). */
export const lambdaNativesScript = path.join(repositoryRoot, 'tools', 'lambda-natives.mjs');

/** The native packages not yet fetched (none after `npm install`). */
export function missingLambdaNatives(directory: string = lambdaNativesDirectory): string[] {
  return sharpNativePackages.filter((name) => !existsSync(path.join(directory, name, 'package.json')));
}

/**
 * Bundling of the one function that ships sharp (the scan): esbuild leaves `sharp` out of the
 * bundle, and once it has bundled, the script copies sharp's JavaScript with its runtime
 * dependencies and the two linux-arm64 packages (from `nativesDirectory`) into the asset's
 * node_modules, where the bundle's `import 'sharp'` finds them on Lambda. No Docker and no
 * network: everything comes from node_modules. Without the natives, bundling stops with one line
 * saying how to get them.
 */
export function nativeBundling(nativesDirectory: string = lambdaNativesDirectory): Partial<BundlingOptions> {
  return {
    externalModules: ['sharp'],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string): string[] => {
        const missing = missingLambdaNatives(nativesDirectory);
        if (missing.length > 0) {
          throw new Error(`The scan function needs ${missing.join(' and ')} for Lambda (linux-arm64) in ${nativesDirectory}: run npm run postinstall`);
        }
        // The synth's own Node.js, every path quoted: the hook runs in a shell.
        return [`"${process.execPath}" "${lambdaNativesScript}" copy "${outputDir}" "${nativesDirectory}"`];
      },
    },
  };
}

/** The scan's bundling, with the natives the postinstall fetched. */
export const sharpBundling = nativeBundling();
