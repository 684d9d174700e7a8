/**
 * Reports of one incident on the local stack (issue 13): three reports of one street race, a
 * web tip with its point in a ward and two SMS typed without diacritics through the gateway
 * webhook, are offered to the desk as duplicates of each other; two different incidents on the
 * same street are not. The suggestions are the classifier's, read back through GET /tips/{id}.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDuplicateStore } from '../../functions/adapters/dynamo-duplicates.ts';
import { createDynamoRecentTipIndex } from '../../functions/adapters/dynamo-recent-tips.ts';
import { createDocumentClient } from '../../functions/adapters/dynamo-tip-items.ts';
import type { IncidentFeatures } from '../../shared/incidents/features.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { captureLogLines, eventually, officerApi, postJson, sendGatewaySms, storedTipByCode, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;
const logs = captureLogLines();

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN', label: 'duplicates' });
});

afterAll(async () => {
  await stack?.stop();
  logs.restore();
});

const call = officerApi(() => stack);

interface PossibleDuplicate {
  id: string;
  score: number;
  reasons: string[];
}

let nextPhone = 903300000;
/** A fresh sender for each SMS, so no message is read as a follow-up of another. */
function newPhone(): string {
  nextPhone += 1;
  return `0${nextPhone}`;
}

/** The stored tip behind a tracking code, once the classifier has stored and numbered it. */
async function stored(trackingCode: string): Promise<{ id: string; queue: string; category: string; channel: string }> {
  const item = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, trackingCode), waitLimitMs, `tip ${trackingCode} classified`);
  return { id: String(item.id), queue: String(item.queue), category: String(item.category), channel: String(item.channel) };
}

async function webTip(body: Record<string, unknown>) {
  const accepted = await postJson(`${stack.apiUrl}/tips`, body);
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  return stored(String(accepted.json.trackingCode));
}

async function smsTip(text: string) {
  const answer = await sendGatewaySms(stack.apiUrl, { from: newPhone(), text });
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  assert.equal(answer.json.outcome, 'tip');
  return stored(String(answer.json.trackingCode));
}

async function possibleDuplicates(viewer: string, tipId: string): Promise<PossibleDuplicate[]> {
  const answer = await call(viewer, 'GET', `/tips/${encodeURIComponent(tipId)}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  return answer.json.possibleDuplicates as PossibleDuplicate[];
}

/** Waits until the classifier has finished with the tip, its duplicate search included: it logs that last. */
async function searched(tipId: string): Promise<void> {
  await eventually(
    async () => (logs.lines.some((line) => line.includes('"recent tips compared"') && line.includes(tipId)) ? true : undefined),
    waitLimitMs,
    `the duplicate search of ${tipId}`,
  );
}

describe('reports of one incident', () => {
  it('offers a web tip with its point and two SMS without diacritics about one street race as duplicates of each other', async () => {
    // On Lê Văn Sỹ, inside Phường Nhiêu Lộc.
    const web = await webTip({ text: 'Có nhóm thanh niên đua xe, nẹt pô ầm ĩ trên đường Lê Văn Sỹ, rất nguy hiểm cho người đi đường', lat: 10.7893, lon: 106.6787 });
    const firstSms = await smsTip('dang co dua xe tren duong le van sy, bop coi no po om som ca khu');
    const secondSms = await smsTip('mn oi tu nay toi gio tui no dua xe le van sy lang lach nguy hiem qua');
    assert.equal(web.queue, '27142', 'the web tip is routed to its ward by its point');
    assert.deepEqual([firstSms.queue, secondSms.queue], ['CITY', 'CITY'], 'the SMS name only the street: the desk routes them');
    assert.deepEqual([web.category, firstSms.category, secondSms.category], ['street_racing', 'street_racing', 'street_racing']);

    const reports = [web, firstSms, secondSms];
    for (const report of reports) {
      const others = reports.filter((other) => other.id !== report.id).map((other) => other.id).sort();
      const listed = await eventually(
        async () => {
          const duplicates = await possibleDuplicates('desk', report.id);
          return duplicates.length === 2 ? duplicates : undefined;
        },
        waitLimitMs,
        `the possible duplicates of the ${report.channel} tip`,
      );
      assert.deepEqual(listed.map((duplicate) => duplicate.id).sort(), others);
      for (const duplicate of listed) {
        assert.ok(duplicate.score > 0 && duplicate.score <= 1, String(duplicate.score));
        assert.ok(duplicate.reasons.includes('near_in_time') && duplicate.reasons.includes('near_in_place'), JSON.stringify(duplicate.reasons));
      }
      assert.ok((listed[0]?.score ?? 0) >= (listed[1]?.score ?? 0), 'best score first');
    }
    // The ward's officer does not see the desk's tips, so is offered none of them.
    assert.deepEqual(await possibleDuplicates('officer-27142', web.id), []);
  });

  it('does not offer two different incidents on the same street, the same hour', async () => {
    const theft = await webTip({ text: 'Bị trộm xe máy Wave trước nhà số 120 Lê Văn Sỹ, kẻ trộm mặc áo đen' });
    const otherTheft = await smsTip('vua bi moc tui mat dien thoai trong quan ca phe o hem 480 le van sy');
    const drugs = await smsTip('co nguoi ban ma tuy o hem 120 duong le van sy');
    assert.equal(theft.category, otherTheft.category, 'two thefts');
    assert.notEqual(drugs.category, theft.category);
    for (const tip of [theft, otherTheft, drugs]) await searched(tip.id);
    for (const tip of [theft, otherTheft, drugs]) assert.deepEqual(await possibleDuplicates('desk', tip.id), [], `${tip.channel} tip ${tip.id}`);
  });
});

describe('the suggestions and the recent-tips index in the table', () => {
  const at = '2026-11-24T14:05:00.000Z';
  const expiresAt = new Date('2031-11-24T14:00:00.000Z');

  it('keeps each pair for both tips, beside each tip, and never writes over an officer\'s decision', async () => {
    const documents = createDocumentClient(stack.dynamoDb);
    const store = createDynamoDuplicateStore(documents, stack.tableName);
    await store.suggest([{ tipId: 'TIP-A', otherId: 'TIP-B', score: 0.7, reasons: ['near_in_time', 'near_in_place'], at }], expiresAt);
    assert.deepEqual(await store.list('TIP-B'), [{ tipId: 'TIP-B', otherId: 'TIP-A', score: 0.7, reasons: ['near_in_time', 'near_in_place'], state: 'suggested', at }]);
    const { Item } = await documents.send(new GetCommand({ TableName: stack.tableName, Key: { PK: 'TIP#TIP-A', SK: 'DUPLICATE#TIP-B' } }));
    assert.equal(Item?.entity, 'duplicate');
    assert.equal(Item?.expiresAt, Math.floor(expiresAt.getTime() / 1000), 'it expires with the tip');

    await store.setState('TIP-B', 'TIP-A', 'dismissed');
    await store.suggest([{ tipId: 'TIP-A', otherId: 'TIP-B', score: 0.9, reasons: ['same_point'], at }], expiresAt);
    for (const [tipId, otherId] of [['TIP-A', 'TIP-B'], ['TIP-B', 'TIP-A']]) {
      const [side] = await store.list(tipId as string);
      assert.deepEqual([side?.otherId, side?.state, side?.score], [otherId, 'dismissed', 0.7]);
    }

    await store.setState('TIP-C', 'TIP-D', 'linked');
    assert.deepEqual([await store.list('TIP-C'), await store.list('TIP-D')], [[], []], 'a pair never suggested gets no item');
  });

  it('reads the recent tips of the queues asked, received within the range, bounds included', async () => {
    const index = createDynamoRecentTipIndex(createDocumentClient(stack.dynamoDb), stack.tableName);
    const record = (tipId: string, queue: string, receivedAt: string): IncidentFeatures => ({
      tipId,
      pack: 'hcmc-2025',
      queue,
      unit: queue === 'CITY' ? null : queue,
      candidateUnits: queue === 'CITY' ? ['27142', '27154'] : [],
      receivedAt,
      classifiedAt: receivedAt,
      category: 'theft',
      channel: 'sms',
      ...(tipId === 'R1' && { point: { lat: 10.7893, lon: 106.6787 } }),
      places: ['street:le van sy'],
      addresses: ['street:le van sy#120'],
      wording: { folded: 'trom xe may', ...(tipId === 'R1' && { accented: 'trộm xe máy' }) },
    });
    const recorded = [
      record('R1', '27142', '2026-11-24T10:00:00.000Z'),
      record('R2', 'CITY', '2026-11-24T12:00:00.000Z'),
      record('R3', '27142', '2026-11-24T14:00:00.000Z'),
      record('R4', '27154', '2026-11-24T12:00:00.000Z'),
    ];
    for (const features of recorded) await index.record(features, new Date('2026-11-28T14:00:00.000Z'));
    const found = await index.around({ pack: 'hcmc-2025', queues: ['27142', 'CITY'], from: '2026-11-24T10:00:00.000Z', to: '2026-11-24T12:00:00.000Z' });
    assert.deepEqual(found.map((features) => features.tipId).sort(), ['R1', 'R2']);
    assert.deepEqual(found.find((features) => features.tipId === 'R1'), recorded[0], 'a record reads back as it was written');
    assert.deepEqual(await index.around({ pack: 'hcmc-2021', queues: ['27142'], from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' }), []);
  });
});
