/**
 * `npm test` runs this first: what the suite needs from the machine beyond `npm install`, checked
 * in a second, so a missing piece is one line saying what to install rather than a stack trace
 * from a child process minutes later. Today that is Java 17+ for DynamoDB Local.
 */
import { assertJavaAvailable, JavaMissingError } from '../infra/local/dynamodb-local.ts';

try {
  assertJavaAvailable();
} catch (error) {
  if (!(error instanceof JavaMissingError)) throw error;
  console.error(error.message);
  process.exit(1);
}
