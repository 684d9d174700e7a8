import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoTipRepository } from '../../functions/adapters/dynamo-tip-store.ts';
import { createDocumentClient, tipItem, tipKeys } from '../../functions/adapters/dynamo-tip-items.ts';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { registerCounterExpiresAt } from '../../shared/tip/register.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureTipTable } from '../../infra/local/resources.ts';
import { sharedEmulators, uniquePrefix } from '../support/stack.ts';
import type { NewTip } from '../../shared/tip/tip.ts';

// Intake registers must be gap-free and unique per unit and year even when many classifiers
// write at once: 200 tips for one unit at the same moment, some delivered twice. The tip is
// stored first and numbered moments later (functions/adapters/dynamo-register.ts), so these also
// cover a delivery that stopped in between, and a tip changed or moved before its number came.

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

  it('number a tip whose first delivery stopped after storing it, once, when the message comes again', async () => {
    const documents = createDocumentClient(client);
    const repository = createDynamoTipRepository(documents, tableName, retentionDays);
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    const receivedAt = '2029-05-01T03:00:00.000Z';
    const stopped = tip(3001, '26743', receivedAt);
    // What the first delivery left: the tip in its queue, no number, no first event.
    await documents.send(new PutCommand({ TableName: tableName, Item: tipItem({ ...stopped, queue: '26743', version: 1 }, expiresAt) }));
    assert.equal((await repository.get(stopped.id))?.registerNumber, undefined);
    assert.equal(await repository.create(stopped, expiresAt), 'duplicate');
    assert.equal(await repository.create(stopped, expiresAt), 'duplicate');
    assert.equal((await repository.get(stopped.id))?.registerNumber, '26743/2029/000001');
    const events = await repository.events(stopped.id);
    assert.deepEqual(
      events.map((event) => [event.type, event.after?.registerNumber]),
      [['CLASSIFIED', '26743/2029/000001']],
    );
  });

  it('number a tip moved to another queue before its number came in the queue it is in', async () => {
    const documents = createDocumentClient(client);
    const repository = createDynamoTipRepository(documents, tableName, retentionDays);
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    const receivedAt = '2030-02-01T03:00:00.000Z';
    const moved = tip(4001, null, receivedAt);
    // Stored at the desk, then moved by an officer to 27154 before the register got to it.
    await documents.send(new PutCommand({ TableName: tableName, Item: tipItem({ ...moved, unit: '27154', queue: '27154', version: 2 }, expiresAt) }));
    await repository.create(moved, expiresAt);
    assert.equal((await repository.get(moved.id))?.registerNumber, '27154/2030/000001');
    const { Item: desk } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.register('hcmc-2025', 'CITY', '2030') }));
    assert.equal(desk, undefined, 'the desk register gave no number');
  });

  it('carry a change made from a tip read before its number onto the numbered tip, so the number is never written away', async () => {
    const documents = createDocumentClient(client);
    const repository = createDynamoTipRepository(documents, tableName, retentionDays);
    const expiresAt = new Date('2031-01-01T00:00:00Z');
    const early = tip(5001, '27154', '2030-06-01T03:00:00.000Z');
    await documents.send(new PutCommand({ TableName: tableName, Item: tipItem({ ...early, queue: '27154', version: 1 }, expiresAt) }));
    const before = (await repository.get(early.id))!;
    await documents.send(new UpdateCommand({ TableName: tableName, Key: tipKeys.tip(early.id), UpdateExpression: 'SET registerNumber = :n', ExpressionAttributeValues: { ':n': '27154/2030/000001' } }));
    const after = { ...before, status: 'ASSIGNED' as const, version: 2 };
    const event = { id: 'e1', tipId: early.id, type: 'CLAIMED' as const, actor: 'officer-a', at: '2030-06-01T03:01:00.000Z', public: false };
    // Numbering is no officer's competing change: the claim is made, onto the numbered tip.
    await repository.update({ before, after, event });
    const claimed = await repository.get(early.id);
    assert.deepEqual([claimed?.status, claimed?.version, claimed?.registerNumber], ['ASSIGNED', 2, '27154/2030/000001']);
    // A real competing change (the version moved) is still a lost race.
    const stale = { ...before, status: 'IN_PROGRESS' as const, version: 2 };
    await assert.rejects(repository.update({ before, after: stale, event: { ...event, id: 'e2' } }), { name: 'StaleTipError' });
  });

  it('keep each counter until a retention period after its year ends, like the tips it numbered', async () => {
    const documents = createDocumentClient(client);
    const { Item: counter } = await documents.send(new GetCommand({ TableName: tableName, Key: tipKeys.register('hcmc-2025', '27154', '2026') }));
    const expected = Math.floor(registerCounterExpiresAt('2026', retentionDays).getTime() / 1000);
    assert.equal(counter?.expiresAt, expected);
    // The register year ends at midnight in Ho Chi Minh City, seven hours before UTC's.
    assert.equal(registerCounterExpiresAt('2026', 0).toISOString(), '2026-12-31T17:00:00.000Z');
  });
});
