import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { intakeQueue } from '../../infra/definitions.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import type { BatchOutcome } from '../../infra/local/sqs-poller.ts';
import { encodeEnvelope, type TipEnvelope } from '../../shared/tip/envelope.ts';
import { generateTrackingCode } from '../../shared/tip/tracking-code.ts';
import { eventually, waitLimitMs } from '../support/helpers.ts';

let stack: LocalStack;
const batches: BatchOutcome[] = [];

beforeAll(async () => {
  // Failed records come back at once instead of after the 180 s visibility timeout; the queue
  // itself keeps the definitions' settings, including its redrive policy.
  stack = await startTestStack({ retryDelaySeconds: 0, logLevel: 'SILENT', onBatch: (outcome) => batches.push(outcome) });
});

afterAll(async () => {
  await stack?.stop();
});

let sequence = 0;
function envelope(unit: string): TipEnvelope {
  sequence += 1;
  return {
    v: 2,
    tipId: `01JD${String(Date.now()).padStart(16, '0')}${String(sequence).padStart(6, '0')}`.slice(0, 26),
    trackingCode: generateTrackingCode(),
    receivedAt: new Date().toISOString(),
    channel: 'web',
    submission: { text: `Tin báo thử nghiệm số ${sequence}`, unit, language: 'vi' },
  };
}

async function itemsOfTip(tipId: string): Promise<Array<Record<string, { S?: string }>>> {
  const { Items = [] } = await stack.dynamoDb.send(
    new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: `TIP#${tipId}` } }, ConsistentRead: true }),
  );
  return Items as Array<Record<string, { S?: string }>>;
}

describe('the classifier consuming the intake queue', () => {
  it('stores a tip once when its message is delivered twice', async () => {
    const tip = envelope('26743');
    const body = encodeEnvelope(tip);
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.intakeQueueUrl, MessageBody: body }));
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.intakeQueueUrl, MessageBody: body }));
    const received = () => batches.flatMap((batch) => batch.receivedMessageIds).length;
    const before = received();
    await eventually(async () => {
      const { Attributes } = await stack.sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queues.intakeQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return Attributes?.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0' ? true : undefined;
    }, waitLimitMs, 'the queue to drain');
    assert.ok(received() >= before + 2, 'the classifier received both deliveries');
    const items = await itemsOfTip(tip.tipId);
    assert.equal(items.filter((item) => item.SK?.S === 'TIP').length, 1, 'one tip');
    assert.equal(items.filter((item) => item.SK?.S?.startsWith('EVENT#')).length, 1, 'one classification event');
  });

  it('still reads a version 1 message, which called the chosen unit `district`, as version 2', async () => {
    const { v: _version, submission: { unit, ...submission }, ...rest } = envelope('27154');
    const legacy = { v: 1, ...rest, submission: { ...submission, district: unit } };
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.intakeQueueUrl, MessageBody: JSON.stringify(legacy) }));
    const stored = await eventually(async () => (await itemsOfTip(legacy.tipId)).find((item) => item.SK?.S === 'TIP'), waitLimitMs, 'the version 1 tip stored');
    assert.equal(stored.pack?.S, 'hcmc-2025');
    assert.equal(stored.unit?.S, '27154');
    assert.equal(stored.requestedUnit?.S, '27154');
    assert.equal(stored.district, undefined);
    assert.equal(stored.GSI1PK?.S, 'QUEUE#hcmc-2025#27154#NEW');
  });

  it('parks a message that always fails in the DLQ after 5 receives, and stores the rest of its batch', async () => {
    const good = [envelope('27154'), envelope('27139'), envelope('27142')];
    const poison = '{"v":1,"tipId":"not a tip"}';
    const { Successful = [] } = await stack.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.queues.intakeQueueUrl,
        Entries: [
          { Id: 'g0', MessageBody: encodeEnvelope(good[0]!) },
          { Id: 'poison', MessageBody: poison },
          { Id: 'g1', MessageBody: encodeEnvelope(good[1]!) },
          { Id: 'g2', MessageBody: encodeEnvelope(good[2]!) },
        ],
      }),
    );
    const poisonId = Successful.find((entry) => entry.Id === 'poison')?.MessageId;
    assert.ok(poisonId);

    const parked = await eventually(async () => {
      const { Messages = [] } = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.deadLetterQueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }));
      return Messages.find((message) => message.Body === poison);
    }, 15000, 'the poison message in the DLQ');
    assert.equal(parked.Body, poison);

    const failures = batches.flatMap((batch) => batch.failedMessageIds).filter((id) => id === poisonId).length;
    assert.equal(failures, intakeQueue.maxReceiveCount, 'the classifier saw it once per receive');
    const poisonBatches = batches.filter((batch) => batch.receivedMessageIds.includes(poisonId));
    assert.ok(poisonBatches.some((batch) => batch.receivedMessageIds.length > 1), 'it failed inside a batch with other records');
    for (const tip of good) {
      const items = await itemsOfTip(tip.tipId);
      assert.equal(items.filter((item) => item.SK?.S === 'TIP').length, 1, `tip ${tip.tipId} stored`);
    }
  });
});
