import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import type { IdGenerator } from '../../shared/ports.ts';
import { awsClientSettings } from './aws-client-settings.ts';

/**
 * Clients and telemetry, made once per execution environment and reused by every invocation.
 * Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_DYNAMODB, …), so the
 * local stack needs no code path of its own. The SQS client is in sqs-client.ts, for the
 * functions that send to a queue.
 */
export const logger = new Logger();
export const metrics = new Metrics();
export const dynamoDbClient = new DynamoDBClient(awsClientSettings);

/** ULIDs: unique without coordination and sortable by time. */
export const ulidGenerator: IdGenerator = { next: () => ulid() };
