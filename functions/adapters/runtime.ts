import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientSettings } from './aws-client-settings.ts';

/**
 * Clients and telemetry, made once per execution environment and reused by every invocation.
 * Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_DYNAMODB, …), so the
 * local stack needs no code path of its own. Every function reads or writes the table, so the
 * DynamoDB client is built here; a client only some functions use is built where they ask for
 * it (SQS in sqs-client.ts; KMS, Cognito and End User Messaging behind their variables), so no
 * function pays at cold start for a client it never calls.
 */
export const logger = new Logger();
export const metrics = new Metrics();
export const dynamoDbClient = new DynamoDBClient(awsClientSettings);

/** ULIDs (ids.ts): re-exported so the handlers take their runtime pieces from one module. */
export { ulidGenerator } from './ids.ts';
