/**
 * Reports of one incident on the local stack, as officers work them through the API: a web tip
 * and an SMS tip linked into one incident, claimed once (both ASSIGNED, each with its own audit
 * event), shown once in the queue with its number of reports, answered once for both tipsters (the
 * SMS tipster through the fake provider, the web tipster on the status page), and a workflow
 * action on the report refused with 409 linked_report. A suggestion an officer dismisses stays
 * dismissed.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDuplicateStore } from '../../functions/adapters/dynamo-duplicates.ts';
import { createDynamoTipRepository } from '../../functions/adapters/dynamo-tip-store.ts';
import { createDocumentClient, tipItem } from '../../functions/adapters/dynamo-tip-items.ts';
import { StaleTipError, type TipEvent } from '../../shared/officers/model.ts';
import { maxChangesPerTransaction, type TipChange } from '../../shared/ports.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { numberedTip } from '../support/duplicate-fakes.ts';
import { eventually, officerApi, postJson, sendGatewaySms, storedTipByCode, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN', label: 'incidents' });
});

afterAll(async () => {
  await stack?.stop();
});

const call = officerApi(() => stack);
/** An officer of Phường Bàn Cờ, where every tip of this file is routed. */
const officer = 'officer-27154';
const unit = '27154';

let nextPhone = 903700000;
function newPhone(): { local: string; e164: string } {
  nextPhone += 1;
  return { local: `0${nextPhone}`, e164: `+84${nextPhone}` };
}

/** The stored tip item behind a tracking code, once classified and numbered. */
function storedItem(trackingCode: string) {
  return eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, trackingCode), waitLimitMs, `tip ${trackingCode} classified`);
}

/** A web tip for Phường Bàn Cờ, once stored: its id, code and secret. */
async function webTip(text: string) {
  const accepted = await postJson(`${stack.apiUrl}/tips`, { text, unit });
  assert.equal(accepted.status, 202);
  const trackingCode = String(accepted.json.trackingCode);
  const item = await storedItem(trackingCode);
  return { id: String(item.id), trackingCode, secret: String(accepted.json.secret) };
}

/** An SMS tip texted through the Vietnamese gateway, once stored: its id, code and the sender's phone. */
async function smsTip(text: string) {
  const phone = newPhone();
  const answer = await sendGatewaySms(stack.apiUrl, { from: phone.local, text });
  assert.equal(answer.status, 200);
  const trackingCode = String(answer.json.trackingCode);
  const item = await storedItem(trackingCode);
  assert.equal(item.unit, unit, 'the SMS names the ward');
  return { id: String(item.id), trackingCode, phone };
}

function textsTo(e164: string): string[] {
  return stack.smsProvider.messages.filter((message) => message.phone === e164 && message.direction === 'to-phone').map((message) => message.text);
}

type Detail = { tip: Record<string, unknown>; events: Array<Record<string, unknown>>; reports: Array<Record<string, unknown>>; incident: Record<string, unknown> | null };

async function detail(id: string): Promise<Detail> {
  const answer = await call(officer, 'GET', `/tips/${id}`);
  assert.equal(answer.status, 200);
  return answer.json as unknown as Detail;
}

async function queueRows(status: string): Promise<Array<{ id: string; reportCount: number }>> {
  const answer = await call(officer, 'GET', `/queue?queue=${unit}&status=${status}&limit=100`);
  assert.equal(answer.status, 200);
  return answer.json.items as unknown as Array<{ id: string; reportCount: number }>;
}

const duplicates = () => createDynamoDuplicateStore(createDocumentClient(stack.dynamoDb), stack.tableName);

describe('two reports of one incident', () => {
  it('are linked, claimed once, listed once, answered for both tipsters, and the report refuses actions of its own', async () => {
    const web = await webTip('Có hai thanh niên đang bán ma túy trong hẻm 45 Lê Văn Sỹ, phường Bàn Cờ, ngay lúc này');
    const sms = await smsTip('co 2 thanh nien ban ma tuy trong hem 45 Le Van Sy P.Ban Co');
    // The suggestion as the classifier keeps it (whether or not it found this pair itself).
    await duplicates().suggest([{ tipId: web.id, otherId: sms.id, score: 0.8, reasons: ['near_in_time', 'near_in_place'], at: new Date().toISOString() }], new Date(Date.now() + 86_400_000));

    const linked = await call(officer, 'POST', `/tips/${web.id}/duplicates/${sms.id}/link`);
    assert.equal(linked.status, 200, JSON.stringify(linked.json).slice(0, 300));
    const incident = linked.json as unknown as Detail;
    assert.equal(incident.tip.id, web.id);
    assert.equal(incident.tip.reportCount, 2);
    assert.deepEqual(
      incident.reports.map((report) => [report.id, report.trackingCode, report.channel]),
      [[sms.id, sms.trackingCode, 'sms']],
    );
    const report = await detail(sms.id);
    assert.equal(report.tip.incidentId, web.id);
    assert.equal((report.incident as { id: string }).id, web.id);
    assert.deepEqual(report.tip.allowedActions, []);
    for (const tipId of [web.id, sms.id]) {
      const states = (await duplicates().list(tipId)).map((suggestion) => suggestion.state);
      assert.deepEqual(states, ['linked'], `the pair is not suggested any more (${tipId})`);
    }
    const reportItem = await storedItem(sms.trackingCode);
    assert.equal(reportItem.GSI1PK, undefined, 'the report left the queue index');

    // The queue shows the incident once, with its number of reports.
    const fresh = await queueRows('NEW');
    assert.deepEqual(fresh.filter((row) => row.id === web.id || row.id === sms.id).map((row) => [row.id, row.reportCount]), [[web.id, 2]]);

    // One claim: both ASSIGNED, an audit event on each.
    const claimed = await call(officer, 'POST', `/tips/${web.id}/claim`);
    assert.equal(claimed.status, 200);
    for (const tipId of [web.id, sms.id]) {
      const { tip, events } = await detail(tipId);
      assert.equal(tip.status, 'ASSIGNED', tipId);
      assert.equal(tip.assignee, officer);
      assert.deepEqual(events.map((event) => event.type).filter((type) => type === 'REPORT_LINKED' || type === 'CLAIMED'), ['REPORT_LINKED', 'CLAIMED'], tipId);
    }
    const held = await queueRows('ASSIGNED');
    assert.deepEqual(held.filter((row) => row.id === web.id || row.id === sms.id).map((row) => [row.id, row.reportCount]), [[web.id, 2]]);

    // One reply reaches both tipsters.
    const reply = await call(officer, 'POST', `/tips/${web.id}/messages`, { text: 'Cảm ơn bạn đã báo tin, công an phường đang xử lý.' });
    assert.equal(reply.status, 200);
    assert.deepEqual([reply.json.delivered, reply.json.reason], [false, 'web_tip']);
    assert.deepEqual(reply.json.reportDeliveries, [{ id: sms.id, trackingCode: sms.trackingCode, delivered: true }]);
    await eventually(async () => (textsTo(sms.phone.e164).some((text) => text.includes('Cam on ban da bao tin')) ? true : undefined), waitLimitMs, 'the reply texted to the SMS tipster');
    const status = await postJson(`${stack.apiUrl}/tips/status`, { code: web.trackingCode, secret: web.secret });
    assert.equal(status.status, 200);
    assert.ok((status.json.messages as Array<{ text: string }>).some((message) => message.text === 'Cảm ơn bạn đã báo tin, công an phường đang xử lý.'), 'the web tipster reads it on the status page');
    const { events: reportEvents } = await detail(sms.id);
    assert.equal(reportEvents.filter((event) => event.type === 'OFFICER_MESSAGE' && event.public === true).length, 1, 'the report keeps the reply in its own trail');

    // The report takes no workflow action of its own: the answer names the incident.
    const refused = await call(officer, 'POST', `/tips/${sms.id}/status`, { status: 'IN_PROGRESS' });
    assert.equal(refused.status, 409);
    assert.equal(refused.json.error, 'linked_report');
    assert.deepEqual(refused.json.details, { incidentId: web.id });
    assert.equal((await detail(sms.id)).tip.status, 'ASSIGNED');
  });
});

describe('a suggestion dismissed', () => {
  it('is dismissed for both tips and audited on the tip it was dismissed from', async () => {
    const first = await webTip('Có người đánh bạc ăn tiền ở quán cà phê hẻm 12 Lê Văn Sỹ');
    const second = await webTip('Trộm cắp xe máy trước nhà số 80 Lê Văn Sỹ tối qua');
    await duplicates().suggest([{ tipId: first.id, otherId: second.id, score: 0.4, reasons: ['near_in_place'], at: new Date().toISOString() }], new Date(Date.now() + 86_400_000));

    const dismissed = await call(officer, 'POST', `/tips/${first.id}/duplicates/${second.id}/dismiss`);
    assert.equal(dismissed.status, 200);
    const answer = dismissed.json as unknown as Detail;
    assert.equal(answer.tip.id, first.id);
    assert.ok(answer.events.some((event) => event.type === 'DUPLICATE_DISMISSED' && event.otherTipId === second.id));
    for (const [tipId, otherId] of [[first.id, second.id], [second.id, first.id]] as const) {
      const side = (await duplicates().list(tipId)).find((suggestion) => suggestion.otherId === otherId);
      assert.equal(side?.state, 'dismissed');
    }
    assert.equal((await call(officer, 'POST', `/tips/${second.id}/duplicates/${first.id}/link`)).status, 200, 'an officer may still link them later');
    assert.equal((await call(officer, 'POST', `/tips/${first.id}/duplicates/not-a-tip/dismiss`)).status, 404);
  });
});

describe('the table’s updateMany', () => {
  const repository = () => createDynamoTipRepository(createDocumentClient(stack.dynamoDb), stack.tableName, 1825);
  const claimed = (tip: Tip, n: number): TipChange => {
    const event: TipEvent = { id: `01JEVENT${String(n).padStart(18, '0')}`, tipId: tip.id, type: 'CLAIMED', actor: 'officer-27154', at: new Date().toISOString(), public: false };
    return { before: tip, after: { ...tip, status: 'ASSIGNED', assignee: { id: 'sub', username: 'officer-27154' }, version: tip.version + 1 }, event };
  };

  async function seed(count: number, from: number): Promise<Tip[]> {
    const tips = Array.from({ length: count }, (_, index) => numberedTip(from + index, { id: `01JUPDATEMANY${String(from + index).padStart(13, '0')}` }));
    const documents = createDocumentClient(stack.dynamoDb);
    for (let start = 0; start < tips.length; start += 25) {
      const batch = tips.slice(start, start + 25).map((tip) => ({ PutRequest: { Item: tipItem(tip, new Date(Date.now() + 86_400_000)) } }));
      await documents.send(new BatchWriteCommand({ RequestItems: { [stack.tableName]: batch } }));
    }
    return tips;
  }

  it('writes maxChangesPerTransaction tips and their events in one transaction (DynamoDB’s 100 items)', async () => {
    const tips = await seed(maxChangesPerTransaction, 1000);
    await repository().updateMany(tips.map((tip, index) => claimed(tip, index)));
    for (const tip of [tips[0]!, tips.at(-1)!]) {
      const stored = await repository().get(tip.id);
      assert.equal(stored?.status, 'ASSIGNED');
      assert.equal(stored?.version, tip.version + 1);
      assert.deepEqual((await repository().events(tip.id)).map((event) => event.type), ['CLAIMED']);
    }
  });

  it('writes nothing when one tip moved on, and names that tip', async () => {
    const tips = await seed(3, 2000);
    const changes = tips.map((tip, index) => claimed(tip, 100 + index));
    const stale = { ...changes[1]!, before: { ...tips[1]!, version: tips[1]!.version + 5 } };
    const error = await repository()
      .updateMany([changes[0]!, { ...stale, after: { ...stale.after, version: stale.before.version + 1 } }, changes[2]!])
      .then(() => undefined, (failure: unknown) => failure);
    assert.ok(error instanceof StaleTipError, String(error));
    assert.match(error.message, new RegExp(tips[1]!.id));
    for (const tip of tips) {
      assert.equal((await repository().get(tip.id))?.status, 'NEW', tip.id);
      assert.deepEqual(await repository().events(tip.id), []);
    }
  });
});
