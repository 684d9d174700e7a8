import { LogLevel, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * Bundled dependencies that are CommonJS call `require`, which an ES module does not have.
 * esbuild's shim calls the global `require` when there is one, so the bundle defines it.
 */
export const esmRequireShim = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled: in a module of its own so that whatever else bundles code to
 * compare with the functions (the cold-start baselines of `npm run bench -- coldstart`) bundles
 * it the same way, through the same NodejsFunction bundling.
 */
export const functionBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: esmRequireShim,
  // Whitespace and syntax minified, identifiers kept: with no --enable-source-maps at run time
  // (ADR 0016), a stack trace in the logs still names its functions. Keeping them costs 2–4 % of
  // module initialisation; mapping stacks through the source map at run time cost 10–15 %.
  minify: false,
  esbuildArgs: { '--minify-whitespace': true, '--minify-syntax': true },
  // The map is still written next to the bundle (never loaded by the runtime), to read a stack
  // trace's lines and columns back to the TypeScript sources offline.
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  // Nothing is external: the bundle carries the AWS SDK versions the lock file pins,
  // not whichever version the Lambda runtime happens to ship.
  externalModules: [],
  // esbuild is a devDependency, so bundling runs locally and never needs Docker.
  forceDockerBundling: false,
  logLevel: LogLevel.WARNING,
};
