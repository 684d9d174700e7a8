/**
 * Urgent alerts (issue 13) against the local stack: a high-urgency tip alerts its unit (or the
 * desk) through the alert topic, which the fake notifier records as the officers' phones would;
 * the alert names the tip and links to it, and carries no tip text and nothing of the tipster;
 * it goes out once however often the tip is delivered, and again only when a follow-up raises
 * the urgency. "Once" is proven without waiting for a time: the stream is read in order, so when
 * a later tip's alert has arrived, everything before it was handled.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { DeliveredAlert } from '../../infra/local/fake-notifier.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { cityDeskQueue, defaultPackId, jurisdiction } from '../../shared/jurisdictions/index.ts';
import { encodeEnvelope, type TipEnvelope } from '../../shared/tip/envelope.ts';
import { generateTrackingCode } from '../../shared/tip/tracking-code.ts';
import { eventually, officerApi, postJson, sendGatewaySms, storedTipByCode, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;
const call = officerApi(() => stack);
const units = jurisdiction(defaultPackId).unitCodes;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

/** Words no alert may carry: they are only in the tip's text. */
const marker = () => `Z${randomBytes(4).toString('hex')}`;
const urgentText = (word: string) => `Khẩn cấp! Cướp giật vừa xảy ra, ${word} bị đâm bằng dao, đang chảy máu`;

const alertsFor = (trackingCode: string): DeliveredAlert[] => stack.notifier.delivered().filter((alert) => alert.subject.includes(trackingCode));

async function firstAlert(trackingCode: string): Promise<DeliveredAlert> {
  return eventually(async () => alertsFor(trackingCode)[0], waitLimitMs, `the alert of ${trackingCode}`);
}

/** A high-urgency web tip for a unit, once its alert arrived: everything stored before it was handled. */
async function urgentWebTip(unit: string, extra: Record<string, unknown> = {}) {
  const word = marker();
  const accepted = await postJson(`${stack.apiUrl}/tips`, { text: urgentText(word), unit, language: 'vi', ...extra });
  assert.equal(accepted.status, 202);
  const code = String(accepted.json.trackingCode);
  const alert = await firstAlert(code);
  // The alert goes out when the tip is stored; the register numbers it a moment later.
  const stored = await eventually(async () => storedTipByCode(stack.dynamoDb, stack.tableName, code), waitLimitMs, 'the tip numbered');
  return { code, word, alert, id: String(stored.id) };
}

describe('urgent alerts', () => {
  it('alerts the unit once, within seconds, with the code, category, unit, time and a link, and no tip text', async () => {
    const unit = units[3]!;
    const contact = `09${String(randomInt(10_000_000, 99_999_999))}`;
    const tip = await urgentWebTip(unit, { contact, contactOptIn: true });
    assert.equal(tip.alert.attributes.queue, unit, 'the subscriptions filter on the unit');
    assert.equal(tip.alert.attributes.urgency, 'high');
    const unitName = jurisdiction(defaultPackId).findUnit(unit)?.name ?? '';
    assert.ok(tip.alert.text.includes(tip.code) && tip.alert.text.includes(unitName), 'names the tip and the unit');
    assert.match(tip.alert.text, /Cướp, cướp giật|Đánh nhau/u, 'names the category');
    assert.match(tip.alert.text, /\d\d:\d\d \d\d\/\d\d/u, 'says when the tip came');
    assert.ok(tip.alert.text.includes(`/console/#/tip/${tip.id}`), 'links to the tip in the console');
    for (const secret of [tip.word, 'chảy máu', 'bị đâm', contact, contact.slice(1)]) {
      assert.ok(!tip.alert.text.includes(secret) && !tip.alert.subject.includes(secret), 'no tip text and nothing of the tipster');
    }

    // Officers work on it (each change is on the stream again), then a later tip alerts: by then
    // every change of the first was handled, and none alerted again.
    assert.equal((await call(`officer-${unit}`, 'POST', `/tips/${tip.id}/claim`)).status, 200);
    await urgentWebTip(unit);
    assert.equal(alertsFor(tip.code).length, 1, 'one alert for the tip');
  });

  it('sends no second alert when the classifier gets the same tip twice', async () => {
    const unit = units[4]!;
    const word = marker();
    const envelope: TipEnvelope = {
      v: 2,
      tipId: ulid(),
      trackingCode: generateTrackingCode(),
      receivedAt: new Date().toISOString(),
      channel: 'web',
      submission: { text: urgentText(word), unit, language: 'vi' },
    };
    const send = () => stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.intakeQueueUrl, MessageBody: encodeEnvelope(envelope) }));
    await send();
    await firstAlert(envelope.trackingCode);
    await send();
    // The second delivery finds the tip stored and numbered, and stores nothing (it bypassed intake, so no tracking code to look up by).
    await eventually(
      async () => (await stack.dynamoDb.send(new GetItemCommand({ TableName: stack.tableName, Key: { PK: { S: `TIP#${envelope.tipId}` }, SK: { S: 'TIP' } } }))).Item?.registerNumber,
      waitLimitMs,
      'the tip numbered',
    );
    await urgentWebTip(unit);
    assert.equal(alertsFor(envelope.trackingCode).length, 1);
  });

  it('sends no second alert when the stream delivers the same change again, and answers no failure for it', async () => {
    const unit = units[9]!;
    const tip = await urgentWebTip(unit);
    const { Item } = await stack.dynamoDb.send(new GetItemCommand({ TableName: stack.tableName, Key: { PK: { S: `TIP#${tip.id}` }, SK: { S: 'TIP' } } }));
    assert.ok(Item);
    // The stack's own tipStream handler, as the local stream poller invokes it.
    const { handler } = await import('../../functions/tip-stream/handler.ts');
    const record = { eventID: 'replay', eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { NewImage: Item, SequenceNumber: '1', StreamViewType: 'NEW_AND_OLD_IMAGES' } };
    const invoke = handler as unknown as (event: unknown, context: unknown) => Promise<{ batchItemFailures: unknown[] }>;
    for (let delivery = 0; delivery < 2; delivery += 1) {
      const answer = await invoke({ Records: [record] }, { functionName: 'tipStream', awsRequestId: `replay-${delivery}`, getRemainingTimeInMillis: () => 30_000 });
      assert.deepEqual(answer.batchItemFailures, []);
    }
    await urgentWebTip(unit);
    assert.equal(alertsFor(tip.code).length, 1);
  });

  it('alerts the city desk of an urgent tip it could not place', async () => {
    const word = marker();
    const accepted = await postJson(`${stack.apiUrl}/tips`, { text: urgentText(word), language: 'vi' });
    const code = String(accepted.json.trackingCode);
    const alert = await firstAlert(code);
    assert.equal(alert.attributes.queue, cityDeskQueue);
    const feed = await call('desk', 'GET', '/alerts');
    assert.ok((feed.json.alerts as Array<{ trackingCode: string }>).some((item) => item.trackingCode === code), "the desk's console feed has it");
  });

  it('alerts again when an SMS follow-up raises the urgency, and not for a second one', async () => {
    const phone = `09${String(randomInt(10_000_000, 99_999_999))}`;
    const first = await sendGatewaySms(stack.apiUrl, { from: phone, text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ phường Bàn Cờ' });
    const code = String(first.json.trackingCode);
    const stored = await eventually(async () => storedTipByCode(stack.dynamoDb, stack.tableName, code), waitLimitMs, 'the tip stored');
    assert.equal(stored.urgency, 'normal');
    const raised = await sendGatewaySms(stack.apiUrl, { from: phone, text: 'Khẩn cấp, họ đang bán ma túy ngay lúc này, đông người' });
    assert.equal(raised.json.outcome, 'follow_up');
    const alert = await firstAlert(code);
    assert.equal(alert.attributes.queue, String(stored.queue));
    await sendGatewaySms(stack.apiUrl, { from: phone, text: 'Khẩn cấp, bọn họ vẫn đang ở đó ngay lúc này' });
    await eventually(async () => ((await storedTipByCode(stack.dynamoDb, stack.tableName, code))?.version === Number(stored.version) + 2 ? true : undefined), waitLimitMs, 'the second follow-up stored');
    await urgentWebTip(units[5]!);
    assert.equal(alertsFor(code).length, 1);
  });

  it("shows each officer the alerts of their own queues only, the desk every one, and refuses a bad 'since'", async () => {
    const [mine, other] = [units[6]!, units[7]!];
    const tip = await urgentWebTip(mine);
    const codesFor = async (username: string) =>
      ((await call(username, 'GET', `/alerts?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`)).json.alerts as Array<{ trackingCode: string; unitName: string }>).map((alert) => alert.trackingCode);
    assert.ok((await codesFor(`officer-${mine}`)).includes(tip.code));
    assert.ok(!(await codesFor(`officer-${other}`)).includes(tip.code));
    assert.ok((await codesFor('desk')).includes(tip.code));
    const refused = await call('desk', 'GET', '/alerts?since=yesterday');
    assert.equal(refused.status, 400);
    assert.equal((refused.json.issues as Array<{ field: string }>)[0]?.field, 'since');
  });

  it('serves the fake notifier as a page and as JSON', async () => {
    const tip = await urgentWebTip(units[8]!);
    const json = (await (await fetch(`${stack.localUrl}/_local/alerts`, { headers: { accept: 'application/json' } })).json()) as { alerts: DeliveredAlert[] };
    assert.ok(json.alerts.some((alert) => alert.subject.includes(tip.code)));
    const page = await fetch(`${stack.localUrl}/_local/alerts`);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.ok((await page.text()).includes(tip.code));
  });
});
