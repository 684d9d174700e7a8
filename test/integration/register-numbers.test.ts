import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createDynamoTipRepository, tipKeys } from '../../functions/adapters/dynamo-tip-store.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureTipTable } from '../../infra/local/resources.ts';
import { sharedEmulators, uniquePrefix } from '../support/stack.ts';
import type { Tip } from '../../shared/tip/tip.ts';

// Intake registers must be gap-free and unique per unit and year even when many classifiers
// write at once: 200 tips for one district at the same moment, some delivered twice.

let client: DynamoDBClient;
const tableName = `${uniquePrefix('register')}-tips`;

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: sharedEmulators().dynamoDbEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 10 });
  await ensureTipTable(client, tableName);
});

afterAll(() => {
  client?.destroy();
});

function tip(index: number, district: string | null, receivedAt = '2026-11-25T03:00:00.000Z'): Tip {
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
    district,
    category: 'other',
    urgency: 'normal',
    routing: { district, confidence: 1, method: district ? 'explicit' : 'none', evidence: null, runnerUp: null, candidates: [] },
    status: 'NEW',
  };
}

describe('intake register numbers', () => {
  it('are gap-free and unique under 200 concurrent intakes, duplicates included', async () => {
    const documents = createDocumentClient(client);
    // Four repositories stand for four classifier containers racing for the same counter.
    const containers = Array.from({ length: 4 }, () => createDynamoTipRepository(documents, tableName));
    const repository = containers[0]!;
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    const tips = Array.from({ length: 200 }, (_, index) => tip(index, '760'));
    // Every tenth tip is delivered twice, at the same time, as SQS may do.
    const deliveries = [...tips, ...tips.filter((_, index) => index % 10 === 0)];
    const outcomes = await Promise.all(deliveries.map((delivery, index) => containers[index % containers.length]!.create(delivery, expiresAt)));
    assert.equal(outcomes.filter((outcome) => outcome === 'created').length, 200);
    assert.equal(outcomes.filter((outcome) => outcome === 'duplicate').length, 20);

    const numbers = await Promise.all(tips.map(async (stored) => (await repository.get(stored.id))?.registerNumber));
    const expected = Array.from({ length: 200 }, (_, index) => `760/2026/${String(index + 1).padStart(6, '0')}`);
    assert.deepEqual([...numbers].sort(), expected);
    const { Item: counter } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.register('760', '2026') }));
    assert.equal(counter?.last, 200);
  });

  it('run per unit and per year in Vietnam time, and the city desk has its own', async () => {
    const repository = createDynamoTipRepository(createDocumentClient(client), tableName);
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    // 17:30 UTC on 31 December is already 1 January in Ho Chi Minh City.
    await repository.create(tip(1001, '770', '2026-12-31T17:30:00.000Z'), expiresAt);
    await repository.create(tip(1002, null), expiresAt);
    assert.equal((await repository.get(tip(1001, '770').id))?.registerNumber, '770/2027/000001');
    assert.equal((await repository.get(tip(1002, null).id))?.registerNumber, 'CITY/2026/000001');
  });
});
