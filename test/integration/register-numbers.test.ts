import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoTipRepository } from '../../functions/adapters/dynamo-tip-store.ts';
import { createDocumentClient, tipKeys } from '../../functions/adapters/dynamo-tip-items.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureTipTable } from '../../infra/local/resources.ts';
import { sharedEmulators, uniquePrefix } from '../support/stack.ts';
import type { NewTip } from '../../shared/tip/tip.ts';

// Intake registers must be gap-free and unique per unit and year even when many classifiers
// write at once: 200 tips for one unit at the same moment, some delivered twice.

/** Days the repository keeps a changed tip; these tests only create tips. */
const retentionDays = 1825;

let client: DynamoDBClient;
const tableName = `${uniquePrefix('register')}-tips`;

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: sharedEmulators().dynamoDbEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 10 });
  await ensureTipTable(client, tableName);
});

afterAll(() => {
  client?.destroy();
});

function tip(index: number, unit: string | null, receivedAt = '2026-11-25T03:00:00.000Z', pack = 'hcmc-2025'): NewTip {
  const id = `01JD${String(index).padStart(22, '0')}`;
  return {
    id,
    trackingCode: 'TB-0000-0000',
    channel: 'web',
    receivedAt,
    classifiedAt: receivedAt,
    dueAt: receivedAt,
    text: `tip ${index}`,
    language: 'vi',
    pack,
    unit,
    otherGeneration: null,
    category: 'other',
    urgency: 'normal',
    routing: { pack, unit, confidence: 1, method: unit ? 'explicit' : 'none', evidence: unit ? { kind: 'code', code: unit } : null, candidates: [] },
    status: 'NEW',
  };
}

describe('intake register numbers', () => {
  it('are gap-free and unique under 200 concurrent intakes, duplicates included', async () => {
    const documents = createDocumentClient(client);
    // Four repositories stand for four classifier containers racing for the same counter.
    const containers = Array.from({ length: 4 }, () => createDynamoTipRepository(documents, tableName, retentionDays));
    const repository = containers[0]!;
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    const tips = Array.from({ length: 200 }, (_, index) => tip(index, '27154'));
    // Every tenth tip is delivered twice, at the same time, as SQS may do.
    const deliveries = [...tips, ...tips.filter((_, index) => index % 10 === 0)];
    const outcomes = await Promise.all(deliveries.map((delivery, index) => containers[index % containers.length]!.create(delivery, expiresAt)));
    assert.equal(outcomes.filter((outcome) => outcome === 'created').length, 200);
    assert.equal(outcomes.filter((outcome) => outcome === 'duplicate').length, 20);

    const numbers = await Promise.all(tips.map(async (stored) => (await repository.get(stored.id))?.registerNumber));
    const expected = Array.from({ length: 200 }, (_, index) => `27154/2026/${String(index + 1).padStart(6, '0')}`);
    assert.deepEqual([...numbers].sort(), expected);
    const { Item: counter } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.register('hcmc-2025', '27154', '2026') }));
    assert.deepEqual(tipKeys.register('hcmc-2025', '27154', '2026'), { PK: 'REGISTER#hcmc-2025#27154#2026', SK: 'REGISTER' });
    assert.equal(counter?.last, 200);
  });

  it('run per unit and per year in Vietnam time, and the city desk has its own', async () => {
    const repository = createDynamoTipRepository(createDocumentClient(client), tableName, retentionDays);
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    // 17:30 UTC on 31 December is already 1 January in Ho Chi Minh City.
    await repository.create(tip(1001, '26743', '2026-12-31T17:30:00.000Z'), expiresAt);
    await repository.create(tip(1002, null), expiresAt);
    assert.equal((await repository.get(tip(1001, '26743').id))?.registerNumber, '26743/2027/000001');
    assert.equal((await repository.get(tip(1002, null).id))?.registerNumber, 'CITY/2026/000001');
  });

  it('run per pack: a deployment of the other map keeps registers of its own', async () => {
    const documents = createDocumentClient(client);
    const repository = createDynamoTipRepository(documents, tableName, retentionDays);
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    const receivedAt = '2028-03-01T03:00:00.000Z';
    // The city desk's queue key is CITY on every map: the pack keeps the two registers apart.
    await repository.create(tip(2001, null, receivedAt, 'hcmc-2025'), expiresAt);
    await repository.create(tip(2002, null, receivedAt, 'hcmc-2021'), expiresAt);
    await repository.create(tip(2003, '770', receivedAt, 'hcmc-2021'), expiresAt);
    const [newMap, oldMap, district] = await Promise.all([2001, 2002, 2003].map((index) => repository.get(tip(index, null).id)));
    assert.deepEqual([newMap?.pack, newMap?.registerNumber], ['hcmc-2025', 'CITY/2028/000001']);
    assert.deepEqual([oldMap?.pack, oldMap?.registerNumber], ['hcmc-2021', 'CITY/2028/000001']);
    assert.deepEqual([district?.pack, district?.queue, district?.registerNumber], ['hcmc-2021', '770', '770/2028/000001']);
    const counters = await Promise.all(
      [tipKeys.register('hcmc-2025', 'CITY', '2028'), tipKeys.register('hcmc-2021', 'CITY', '2028'), tipKeys.register('hcmc-2021', '770', '2028')].map(
        async (Key) => (await documents.send(new GetCommand({ TableName: tableName, Key }))).Item?.last,
      ),
    );
    assert.deepEqual(counters, [1, 1, 1]);
  });
});
