import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientSettings } from './aws-client-settings.ts';

/**
 * The SQS client, made once per execution environment, in a module of its own so that only the
 * functions that send to a queue (intake and the SMS webhooks) load and build it.
 */
export const sqsClient = new SQSClient(awsClientSettings);
