import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionDefinitions, type FunctionName } from '../definitions.ts';
import { functionBundling } from './bundling-options.ts';

export { esmRequireShim } from './bundling-options.ts';

/** The repository root: function entries and the lock file are resolved from here, whatever the cwd. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** How long function logs are kept. */
export const functionLogRetention = logs.RetentionDays.THREE_MONTHS;

export interface TinbaoFunctionProps {
  /** Which entry of `functionDefinitions` to deploy: its handler file, timeout and memory. */
  readonly name: FunctionName;
  /** Deployment-specific environment, passed as it is. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Bundling options that replace the project's (bundling-options.ts) one by one: only a function
   * that ships a native package beside its bundle needs them (the scan: native-bundling.ts).
   */
  readonly bundling?: Partial<BundlingOptions> | undefined;
}

/**
 * One tinbao Lambda function with the project's defaults: Node.js 24 on arm64, an ESM bundle
 * built by the local esbuild with every dependency inside (the pinned AWS SDK ships with the
 * code; bundling-options.ts), X-Ray tracing, its own log group with retention, and its own role
 * that starts with no permissions except writing to that log group.
 */
export class TinbaoFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly name: FunctionName;

  public constructor(scope: Construct, id: string, props: TinbaoFunctionProps) {
    super(scope, id);
    const definition = functionDefinitions[props.name];
    this.name = props.name;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: functionLogRetention,
      // Operational logs that expire with the retention above; kept after the stack is gone they would only be orphans.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the default one, which would attach the AWS managed policy
    // AWSLambdaBasicExecutionRole (logs:CreateLogGroup and writes to every log group in the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `tinbao ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(repositoryRoot, definition.entry),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(definition.timeoutSeconds),
      memorySize: definition.memoryMiB,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      // No NODE_OPTIONS=--enable-source-maps: Node then reads the source map and measures the
      // bundle at every cold start, 10–15 % of module initialisation (ADR 0016). The bundle keeps
      // its function names instead, so stack traces stay readable.
      environment: { ...props.environment },
      bundling: { ...functionBundling, ...props.bundling },
    });

    // Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the role's
    // default policy. Acknowledged on that policy only, not on the role or the stack.
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments and PutTelemetryRecords (added by active tracing) support no resource-level ' +
        'permissions, so their resource must be "*". Every other statement in this policy names its resources; ' +
        'test/infra asserts that the X-Ray statement is the only one with a "*" resource.',
    });
  }
}
