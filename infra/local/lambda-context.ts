import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
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

/**
 * The local stand-in for the store the Lambda runtime keeps per invocation when one execution
 * environment runs several at once (Lambda Managed Instances). Powertools (logger, batch) keeps
 * each invocation's state there once AWS_LAMBDA_MAX_CONCURRENCY is set.
 *
 * Why the local stack needs it: in Lambda each function is a bundle of its own, with its own
 * Powertools logger; locally every handler imports the same `functions/adapters/runtime.ts`, so
 * they share one logger, and an invocation that started later would rename the lines of one
 * still running (classifier lines signed `tinbao-local-status`). Within `run`, state is the
 * invocation's own, as under the runtime's AsyncLocalStorage store. Outside any invocation (a
 * test calling a handler directly) it falls back to one shared context, as the runtime's
 * single-invocation store does, instead of throwing as the runtime's concurrent store would.
 */
class LocalInvokeStore extends InvokeStoreBase {
  readonly #invocations = new AsyncLocalStorage<Record<string | symbol, unknown>>();
  readonly #outside: Record<string | symbol, unknown> = {};

  getContext() {
    return this.#invocations.getStore() ?? this.#outside;
  }

  hasContext() {
    return this.#invocations.getStore() !== undefined;
  }

  get<T = unknown>(key: string | symbol): T | undefined {
    return this.getContext()[key] as T | undefined;
  }

  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.getContext()[key] = value;
  }

  run<T>(context: Record<string | symbol, unknown>, fn: () => T): T {
    return this.#invocations.run(context, fn);
  }
}

function invokeStore(): LocalInvokeStore {
  const global = globalThis as { awslambda?: { InvokeStore?: unknown } };
  global.awslambda ??= {};
  if (!(global.awslambda.InvokeStore instanceof LocalInvokeStore)) global.awslambda.InvokeStore = new LocalInvokeStore();
  return global.awslambda.InvokeStore as LocalInvokeStore;
}

/** Local stacks running in this process that asked for overlapping invocations. */
let concurrentStacks = 0;

/**
 * Tells Powertools, for as long as a local stack runs, that invocations overlap in this process:
 * `AWS_LAMBDA_MAX_CONCURRENCY` (only its presence is read), set once the store is installed,
 * since Powertools throws on the variable without a store. Gives the function that takes it
 * back. A child process started meanwhile inherits the variable but not the store: one that
 * loads Powertools needs an environment of its own, as a Lambda bundle has.
 */
export function overlappingInvocations(): () => Promise<void> {
  invokeStore();
  concurrentStacks += 1;
  process.env.AWS_LAMBDA_MAX_CONCURRENCY = '64';
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    concurrentStacks -= 1;
    if (concurrentStacks === 0) delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  };
}

/** Invokes a handler as Lambda does: a fresh context, and state of its own for the whole invocation. */
export function invoke<Event, Result>(name: FunctionName, handler: (event: Event, context: Context) => Promise<Result>, event: Event): Promise<Result> {
  const context = lambdaContext(name);
  return invokeStore().run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
}
