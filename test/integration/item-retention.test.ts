/**
 * Every item the pipeline writes expires (issue 11): after a day's worth of everything a stack
 * does (web tips by JSON and by the form, SMS tips and follow-ups, status lookups and tipster
 * messages, officers claiming, noting and replying, the register numbering), every item of every
 * table carries the table's TTL attribute, a time in the future.
 */
import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { idempotencyTable, tipTable } from '../../infra/definitions.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { eventually, officerApi, postForm, postJson, sendGatewaySms, storedTipByCode, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;
const call = officerApi(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'SILENT' });
});

afterAll(async () => {
  await stack?.stop();
});

async function sendSms(from: string, text: string) {
  const answer = await sendGatewaySms(stack.apiUrl, { from, text });
  assert.equal(answer.status, 200, 'the gateway webhook accepted the SMS');
  return answer.json;
}

async function scanAll(tableName: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  const documents = DynamoDBDocumentClient.from(stack.dynamoDb);
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** What kind of item this is, for the failure message: never its content. */
const kindOf = (item: Record<string, unknown>) => String(item.entity ?? String(item.PK ?? item.id ?? '?').split('#')[0]);

describe('retention', () => {
  it('sets a TTL in the future on every item of every table', async () => {
    const web = await postJson(`${stack.apiUrl}/tips`, { text: 'Có nhóm thanh niên đua xe mỗi đêm trên đường Võ Văn Kiệt', unit: '26743' });
    assert.equal(web.status, 202);
    const form = await postForm(`${stack.apiUrl}/tips`, { text: 'Trộm xe máy trước cửa nhà số 10 đường Nguyễn Trãi', language: 'vi' }, { redirect: 'manual' });
    assert.ok(form.status === 303 || form.status === 202, `the form was accepted (${form.status})`);
    const sms = await sendSms('+84903111222', 'Co nguoi ban ma tuy o hem 12 Le Van Sy phuong Nhieu Loc');
    assert.ok(sms.trackingCode, 'the SMS got a tracking code');
    await sendSms('+84903111222', 'Ho thuong dung xe may mau do');

    const trackingCode = String(web.json.trackingCode);
    const secret = String(web.json.secret);
    const stored = await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, trackingCode), waitLimitMs, 'the web tip numbered');
    await eventually(() => storedTipByCode(stack.dynamoDb, stack.tableName, String(sms.trackingCode)), waitLimitMs, 'the SMS tip numbered');
    const id = String(stored.id);
    const succeeded = (answer: { status: number }, what: string) => assert.ok(answer.status >= 200 && answer.status < 300, `${what}: ${answer.status}`);
    succeeded(await call('officer-26743', 'POST', `/tips/${id}/claim`), 'the claim');
    succeeded(await call('officer-26743', 'POST', `/tips/${id}/notes`, { text: 'Đã kiểm tra camera' }), 'the note');
    succeeded(await call('officer-26743', 'POST', `/tips/${id}/messages`, { text: 'Bạn có thể cho biết thời gian cụ thể?' }), 'the reply');
    succeeded(await postJson(`${stack.apiUrl}/tips/status`, { code: trackingCode, secret }), 'the status lookup');
    succeeded(await postJson(`${stack.apiUrl}/tips/status/messages`, { code: trackingCode, secret, text: 'Khoảng 21 giờ mỗi tối' }), 'the tipster message');

    const now = Date.now() / 1000;
    for (const [tableName, attribute] of [
      [stack.tableName, tipTable.timeToLiveAttribute],
      [stack.idempotencyTableName, idempotencyTable.timeToLiveAttribute],
    ] as const) {
      const items = await scanAll(tableName);
      assert.ok(items.length > 0, `${tableName} holds items`);
      const kinds = new Set(items.map(kindOf));
      const lacking = items.filter((item) => typeof item[attribute] !== 'number' || (item[attribute] as number) <= now).map(kindOf);
      assert.deepEqual(lacking, [], `items of ${tableName} without a future ${attribute} (kinds seen: ${[...kinds].join(', ')})`);
    }
    const kinds = new Set((await scanAll(stack.tableName)).map(kindOf));
    for (const kind of ['tip', 'event', 'register']) assert.ok(kinds.has(kind), `the run wrote ${kind} items`);
  });
});
