import assert from 'node:assert/strict';
import { ValidationError } from '../../shared/errors.ts';

/** The error a promise was refused with; fails the test when it was fulfilled instead. */
export function refusal(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => assert.fail('expected a refusal'),
    (error: unknown) => error,
  );
}

/** The field, reason and limit of each issue of a ValidationError; fails the test for any other error. */
export function issuesOf(error: unknown): Array<[string, string, number | undefined]> {
  assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
  return error.issues.map((issue) => [issue.field, issue.reason, issue.limit]);
}
