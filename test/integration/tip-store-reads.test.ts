/**
 * Reading several tips at once (TipRepository.getMany, functions/adapters/dynamo-tip-store.ts):
 * against DynamoDB Local, more ids than one BatchGetItem takes, with some never stored; and, with
 * aws-sdk-client-mock because no emulator leaves keys unprocessed, the keys DynamoDB gives back
 * are asked again until read, and a read that never completes is an error rather than a tip
 * silently missing.
 */
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createDynamoTipRepository } from '../../functions/adapters/dynamo-tip-store.ts';
import { createDocumentClient, tipItem, tipKeys } from '../../functions/adapters/dynamo-tip-items.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureTipTable } from '../../infra/local/resources.ts';
import { sharedEmulators, uniquePrefix } from '../support/stack.ts';
import { storedTip } from '../support/tip-fakes.ts';

const retentionDays = 1825;
const tableName = `${uniquePrefix('tip-reads')}-tips`;
let client: DynamoDBClient;

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: sharedEmulators().dynamoDbEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 10 });
  await ensureTipTable(client, tableName);
});

afterAll(() => {
  client?.destroy();
});

const idOf = (n: number) => `01JD0000000000000000${String(n).padStart(6, '0')}`;

describe('reading several tips at once', () => {
  it('reads more ids than one request takes, gives every stored tip by id and leaves out the ids never stored', async () => {
    const documents = createDocumentClient(client);
    const stored = Array.from({ length: 120 }, (_, n) => storedTip({ id: idOf(n), trackingCode: `TB-${String(n).padStart(4, '0')}-TEST`, text: `Tin báo số ${n}` }));
    const expiresAt = new Date(Date.now() + 86_400_000);
    for (let start = 0; start < stored.length; start += 25) {
      await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: stored.slice(start, start + 25).map((tip) => ({ PutRequest: { Item: tipItem(tip, expiresAt) } })) } }));
    }
    const asked = Array.from({ length: 150 }, (_, n) => idOf(n));
    const found = await createDynamoTipRepository(documents, tableName, retentionDays).getMany([...asked, idOf(3)]);
    assert.deepEqual([...found.keys()].sort(), stored.map((tip) => tip.id).sort());
    assert.equal(found.get(idOf(77))?.text, 'Tin báo số 77');
    assert.equal(found.has(idOf(130)), false);
  });

  it('asks again for the keys DynamoDB left unprocessed, and fails when they stay unread', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: localRegion, credentials: localCredentials }));
    const mock = mockClient(documents);
    try {
      const [first, second] = [storedTip({ id: idOf(1) }), storedTip({ id: idOf(2) })];
      const expiresAt = new Date(Date.now() + 86_400_000);
      mock
        .on(BatchGetCommand)
        .resolvesOnce({ Responses: { [tableName]: [tipItem(first, expiresAt)] }, UnprocessedKeys: { [tableName]: { Keys: [tipKeys.tip(second.id)] } } })
        .resolvesOnce({ Responses: { [tableName]: [tipItem(second, expiresAt)] } });
      const tips = createDynamoTipRepository(documents, tableName, retentionDays);
      const found = await tips.getMany([first.id, second.id]);
      assert.deepEqual([...found.keys()].sort(), [first.id, second.id]);
      const asks = mock.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[tableName]?.Keys);
      assert.deepEqual(asks, [[tipKeys.tip(first.id), tipKeys.tip(second.id)], [tipKeys.tip(second.id)]]);

      mock.reset();
      mock.on(BatchGetCommand).resolves({ Responses: { [tableName]: [] }, UnprocessedKeys: { [tableName]: { Keys: [tipKeys.tip(first.id)] } } });
      await assert.rejects(tips.getMany([first.id]), /left 1 tips unread/);
    } finally {
      mock.restore();
    }
  });
});
