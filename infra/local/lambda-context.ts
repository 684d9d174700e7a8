import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { functionDefinitions, type FunctionName } from '../definitions.ts';
import { localRegion } from './ports.ts';

/** A Lambda context for one local invocation, with the function's configured timeout and memory. */
export function lambdaContext(name: FunctionName): Context {
  const settings = functionDefinitions[name];
  const deadline = Date.now() + settings.timeoutSeconds * 1000;
  const functionName = `tinbao-local-${name}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${localRegion}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(settings.memoryMiB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
