import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../../infra/local/lambda-context.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { toSqsRecord } from '../../infra/local/sqs-poller.ts';
import { encodeEnvelope } from '../../shared/tip/envelope.ts';
import { generateTrackingCode } from '../../shared/tip/tracking-code.ts';
import { postForm, postJson } from '../support/helpers.ts';
import { pageSecurityPolicyFor } from '../../functions/http/security-headers.ts';
import { unavailableRetryAfterSeconds } from '../../functions/http/unavailable.ts';
import { errorMessages } from '../../shared/messages.ts';

// The emulators cannot be made to fail on demand; aws-sdk-client-mock forces these paths on the
// functions' own clients while everything else stays real.
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'SILENT' });
});

afterAll(async () => {
  await stack?.stop();
});

async function trackingCodeItems(): Promise<number> {
  const { Items = [] } = await stack.dynamoDb.send(new ScanCommand({ TableName: stack.tableName, FilterExpression: 'begins_with(PK, :code)', ExpressionAttributeValues: { ':code': { S: 'CODE#' } } }));
  return Items.length;
}

describe('when SQS is unavailable', () => {
  it('answers 503 with Retry-After in the request language, and leaves no tracking code behind', async () => {
    const { sqsClient } = await import('../../functions/adapters/sqs-client.ts');
    const sqsMock = mockClient(sqsClient);
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('Service unavailable: internal detail'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    try {
      const codesBefore = await trackingCodeItems();
      const response = await postJson(`${stack.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), String(unavailableRetryAfterSeconds));
      assert.equal(response.json.error, 'unavailable');
      assert.equal(response.json.message, errorMessages.unavailable.vi);
      assert.match(String(response.json.correlationId), /^[0-9a-f-]{36}$/);
      assert.ok(!response.text.includes('internal detail'), 'the cause is not exposed');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await trackingCodeItems(), codesBefore, 'the reserved code was released');

      const page = await postForm(`${stack.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm 45', language: 'en' });
      assert.equal(page.status, 503);
      assert.equal(page.headers.get('retry-after'), String(unavailableRetryAfterSeconds));
      assert.ok(page.text.includes(errorMessages.unavailable.en));
      assert.equal(page.headers.get('content-security-policy'), pageSecurityPolicyFor([new URL(stack.s3Url).origin]), 'the form page may upload evidence');
    } finally {
      sqsMock.restore();
    }
  });
});

describe('when SQS refuses a tip for a reason no retry mends', () => {
  it('answers an opaque 500 with a correlation id, and leaves no tracking code behind', async () => {
    const { sqsClient } = await import('../../functions/adapters/sqs-client.ts');
    const sqsMock = mockClient(sqsClient);
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('Invalid parameter: internal detail'), { name: 'InvalidParameterValue', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    try {
      const codesBefore = await trackingCodeItems();
      const response = await postJson(`${stack.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' });
      assert.equal(response.status, 500);
      assert.equal(response.json.error, 'internal_error');
      assert.match(String(response.json.correlationId), /^[0-9a-f-]{36}$/);
      assert.ok(!response.text.includes('internal detail'), 'the cause is not exposed');
      assert.ok(!response.text.includes('stack'), 'no stack trace');
      assert.equal(await trackingCodeItems(), codesBefore, 'the reserved code was released');

      const page = await postForm(`${stack.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm 45', language: 'en' });
      assert.equal(page.status, 500);
      assert.match(page.text, /Your tip was not recorded/);
      assert.equal(page.headers.get('content-security-policy'), pageSecurityPolicyFor([new URL(stack.s3Url).origin]), 'the form page may upload evidence');
    } finally {
      sqsMock.restore();
    }
  });
});

describe('when DynamoDB fails while classifying', () => {
  it('reports only the failed record, so SQS retries it and not its neighbours', async () => {
    const { handler } = await import('../../functions/classifier/handler.ts');
    const records = ['26743', '26740'].map((unit, index) =>
      toSqsRecord(
        {
          MessageId: `message-${index}`,
          ReceiptHandle: `receipt-${index}`,
          Body: encodeEnvelope({
            v: 2,
            tipId: `01JD00000000000000000000X${index}`,
            trackingCode: generateTrackingCode(),
            receivedAt: new Date().toISOString(),
            channel: 'web',
            submission: { text: 'Tin báo thử nghiệm lỗi', unit, language: 'vi' },
          }),
        },
        stack.queues.intakeQueueArn,
      ),
    );
    // The document client sends on its own, so it is mocked as a class; only transactions fail.
    const dynamoMock = mockClient(DynamoDBDocumentClient);
    // The register counter is read first; an empty table has none yet.
    dynamoMock.on(GetCommand).resolves({});
    // The duplicate search after the store finds no recent tip.
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
    dynamoMock.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      const key = String(input.TransactItems?.find((item) => item.Put)?.Put?.Item?.PK ?? '');
      if (key.endsWith('X0')) throw Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
      return {};
    });
    try {
      const invoke = handler as unknown as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
      const response = await invoke({ Records: records }, lambdaContext('classifier'));
      assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'message-0' }]);
    } finally {
      dynamoMock.restore();
    }
  });
});
