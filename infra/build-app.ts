import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface BuildAppOptions {
  /** Deployment stage; defaults to the `stage` context value (cdk.json sets `dev`), then `dev`. */
  readonly stage?: string;
  /** Where the cloud assembly goes; defaults to the CLI's CDK_OUTDIR or a temporary directory. */
  readonly outdir?: string;
  /**
   * Run cdk-nag's AwsSolutions checks when the app synthesizes; an unacknowledged finding fails the
   * synth (default true). Tests of resource properties turn it off so that a finding is reported once,
   * by the cdk-nag test, instead of as a synth error in every test file.
   */
  readonly nagChecks?: boolean;
}

export interface TinbaoApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** Stage names end up in stack, alias and API names: keep them short and plain. */
const stagePattern = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Builds the tinbao CDK app: a stateful stack (key, table, queues, pepper) and a stateless stack
 * (functions, API, alarms) linked by typed props. The stacks are environment-agnostic and make no
 * context lookups, so synth works offline.
 */
export function buildApp(options: BuildAppOptions = {}): TinbaoApp {
  const app = new App({ outdir: options.outdir });
  const stage: unknown = options.stage ?? app.node.tryGetContext('stage') ?? 'dev';
  if (typeof stage !== 'string' || !stagePattern.test(stage)) {
    throw new Error(`Invalid stage ${JSON.stringify(stage)}: expected ${String(stagePattern)}`);
  }
  Tags.of(app).add('project', 'tinbao');
  Tags.of(app).add('stage', stage);

  const stateful = new StatefulStack(app, `Tinbao-${stage}-Stateful`, {
    stage,
    description: `tinbao ${stage}: data (tips table, intake queue and DLQ, encryption key, tracking pepper)`,
  });
  const stateless = new StatelessStack(app, `Tinbao-${stage}-Stateless`, {
    stage,
    description: `tinbao ${stage}: code (HTTP API, functions, alarms)`,
    table: stateful.table,
    intakeQueue: stateful.intakeQueue,
    deadLetterQueue: stateful.deadLetterQueue,
    key: stateful.key,
    trackingPepper: stateful.trackingPepper,
  });

  if (options.nagChecks ?? true) {
    // cdk-nag 3 runs as a CDK validation plugin (it replaced the v2 Aspect).
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, stateful, stateless };
}
