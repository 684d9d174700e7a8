import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { localSecrets, type LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { apiRoutes } from '../../infra/definitions.ts';
import { gatewaySignatureHeadersFor } from '../../shared/sms/webhook-signature.ts';
import { eventually, officerApi, postJson, waitLimitMs } from '../support/helpers.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

const call = officerApi(() => stack);
/**
 * For reads: the desk's and a supervisor's queue summary counts every unit's queues (507 Queries
 * on the map in force), and on DynamoDB Local, loaded by the files beside this one, one of them
 * can miss the SDK's timeouts; the answer is then a 503 with Retry-After, which a client waits
 * out. A read changes nothing, so sending it again is safe; a change that timed out may have
 * been made, so changes are sent once.
 */
const patientCall = officerApi(() => stack, { waitOutUnavailable: true });

/** Finds a tip in a queue by its tracking code, reading every page (the oldest come first). */
async function findInQueue(viewer: string, queue: string, status: string, trackingCode: string): Promise<string | undefined> {
  let cursor: string | undefined;
  do {
    const page = await call(viewer, 'GET', `/queue?queue=${queue}&status=${status}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    const found = (page.json.items as Array<{ id: string; trackingCode: string }> | undefined)?.find((item) => item.trackingCode === trackingCode);
    if (found) return found.id;
    cursor = (page.json.nextCursor as string | null) ?? undefined;
  } while (cursor);
  return undefined;
}

/** Submits a web tip for a unit (or CITY) and waits until an officer can see it; returns its id and credentials. */
async function tipIn(queue: string, text = `Có người bán ma túy ở hẻm ${Math.floor(Math.random() * 900) + 10}`, extra: Record<string, unknown> = {}) {
  // A tip for the city desk names no unit and no place the router could recognise.
  const accepted = await postJson(`${stack.apiUrl}/tips`, queue === 'CITY' ? { text, ...extra } : { text, unit: queue, ...extra });
  assert.equal(accepted.status, 202);
  const trackingCode = String(accepted.json.trackingCode);
  const viewer = queue === 'CITY' ? 'desk' : `officer-${queue}`;
  const id = await eventually(() => findInQueue(viewer, queue, 'NEW', trackingCode), waitLimitMs, 'the tip in its queue');
  const uploads = (accepted.json.uploads ?? []) as Array<{ id: string }>;
  return { id, trackingCode, secret: String(accepted.json.secret), attachmentIds: uploads.map((upload) => upload.id) };
}

describe('authorisation: every officer route × role × unit', () => {
  const officerRoutes = apiRoutes.filter((route) => route.auth === 'officer');
  const bodies: Record<string, unknown> = {
    '/tips/{id}/assign': { assignee: 'supervisor' },
    '/tips/{id}/transfer': { to: 'CITY', reason: 'Địa bàn giáp ranh, chuyển trực ban' },
    '/tips/{id}/status': { status: 'REJECTED', reason: 'spam' },
    '/tips/{id}/notes': { text: 'Ghi chú nội bộ' },
    '/tips/{id}/messages': { text: 'Cảm ơn bạn đã báo tin.' },
    '/tips/{id}/deadline': { days: 10, reason: 'Cần thêm thời gian xác minh' },
  };
  const supervisorOnly = new Set(['/tips/{id}/assign', '/tips/{id}/deadline']);
  // Phường Bến Thành and Phường Bàn Cờ hold the tips; Phường Sài Gòn is a unit with none of them.
  const roles = [null, 'officer-26743', 'officer-26740', 'officer-27154', 'desk', 'supervisor'] as const;
  const seesAll = (user: string) => user === 'desk' || user === 'supervisor';
  /** What the rules say a role gets on a route, for a tip (or queue) of this unit. */
  function expected(user: string | null, path: string, queue: string): number {
    if (user === null) return 401;
    const sees = seesAll(user) || user === `officer-${queue}`;
    if (path === '/queue/summary' || path === '/alerts') return 200;
    // The figures are for those who command: supervisors and the city desk.
    if (path === '/stats') return seesAll(user) ? 200 : 403;
    if (path === '/queue') return sees ? 200 : 403;
    // Only supervisors assign, so only they list a queue's officers.
    if (path === '/queue/officers') return user === 'supervisor' ? 200 : 403;
    if (!sees) return 404;
    // The tip's one file was declared and never uploaded: there is no clean copy to link to yet.
    if (path === '/tips/{id}/attachments/{attachmentId}') return 409;
    // Two tips of one queue were never suggested as duplicates of each other: nothing to dismiss.
    if (path === '/tips/{id}/duplicates/{otherId}/dismiss') return 404;
    return supervisorOnly.has(path) && user !== 'supervisor' ? 403 : 200;
  }

  for (const queue of ['26743', '27154', 'CITY']) {
    for (const user of roles) {
      it(`${user ?? 'no token'} on ${queue}`, async () => {
        for (const route of officerRoutes) {
          // A fresh tip for each change, so one action's effect does not decide the next one's answer.
          const withFile = route.path.includes('{attachmentId}');
          const { id, attachmentIds } = await tipIn(queue, undefined, withFile ? { attachments: [{ fileName: 'anh.jpg', contentType: 'image/jpeg', size: 1000 }] } : {});
          // Linking and dismissing name a second tip of the same queue.
          const other = route.path.includes('{otherId}') ? (await tipIn(queue)).id : 'none';
          const path =
            route.path.replace('{id}', id).replace('{attachmentId}', attachmentIds[0] ?? 'none').replace('{otherId}', other) +
            (route.path === '/queue' || route.path === '/queue/officers' ? `?queue=${queue}` : '');
          const body = route.path === '/tips/{id}/transfer' ? { to: queue === '27154' ? '26743' : '27154', reason: 'Địa bàn giáp ranh, chuyển đơn vị' } : bodies[route.path];
          const answer = await (route.method === 'GET' ? patientCall : call)(user, route.method, path, route.method === 'POST' ? (body ?? {}) : undefined);
          assert.equal(answer.status, expected(user, route.path, queue), `${user} ${route.method} ${route.path} on ${queue}: ${JSON.stringify(answer.json).slice(0, 200)}`);
        }
      });
    }
  }

  it('reads a queue by `queue` (or the officer’s only unit); the old `district` parameter picks none', async () => {
    const { id } = await tipIn('26743');
    const { trackingCode } = (await call('officer-26743', 'GET', `/tips/${id}`)).json.tip as { trackingCode: string };
    const byQueue = await call('officer-26743', 'GET', '/queue?queue=26743&status=NEW&limit=100');
    const byOwnUnit = await call('officer-26743', 'GET', '/queue?status=NEW&limit=100');
    assert.equal(byQueue.status, 200);
    const items = (byQueue.json.items ?? []) as Array<{ id: string; queue: string; pack: string; unit: string | null }>;
    assert.ok(items.length > 0 && items.every((item) => item.queue === '26743' && item.unit === '26743' && item.pack === 'hcmc-2025'));
    assert.deepEqual(items.map((item) => item.id), (byOwnUnit.json.items ?? []).map((item) => item.id));
    assert.ok(await findInQueue('officer-26743', '26743', 'NEW', trackingCode));
    // `district` is no longer read: an officer of one unit gets their own queue, the desk must name one.
    const byOldName = await call('officer-26740', 'GET', '/queue?district=26743&status=NEW&limit=100');
    assert.equal(byOldName.status, 200);
    const oldNameItems = (byOldName.json.items ?? []) as Array<{ id: string; queue?: string }>;
    assert.ok(oldNameItems.every((item) => item.queue === '26740'));
    assert.ok(!oldNameItems.some((item) => item.id === id));
    assert.equal((await call('desk', 'GET', '/queue?district=26743')).status, 400);
    assert.equal((await call('officer-26740', 'GET', '/queue?queue=26743')).status, 403);
    // A district code of the old map names no queue on a deployment of the map in force.
    assert.equal((await call('desk', 'GET', '/queue?queue=760')).status, 400);
  });

  it('refuses a forged or expired token with 401', async () => {
    const forged = `${(await stack.identityProvider.issueToken('officer-26743')).slice(0, -4)}AAAA`;
    const response = await fetch(`${stack.apiUrl}/queue?queue=26743`, { headers: { authorization: `Bearer ${forged}` } });
    assert.equal(response.status, 401);
    const expired = await stack.identityProvider.issueToken('officer-26743', { expiresInSeconds: -60 });
    assert.equal((await fetch(`${stack.apiUrl}/queue?queue=26743`, { headers: { authorization: `Bearer ${expired}` } })).status, 401);
  });

  it('shows an officer of another unit nothing: not in their queue, 404 by id', async () => {
    const { id } = await tipIn('26743');
    const { trackingCode } = (await call('officer-26743', 'GET', `/tips/${id}`)).json.tip as { trackingCode: string };
    assert.equal(await findInQueue('officer-26740', '26740', 'NEW', trackingCode), undefined);
    assert.equal((await call('officer-26740', 'GET', `/tips/${id}`)).status, 404);
    assert.equal((await call('officer-26740', 'GET', `/tips/${randomUUID()}`)).status, 404, 'the same answer as for no tip at all');
  });
});

describe('claims', () => {
  it('give exactly one winner among 50 parallel claims; every other officer gets 409', async () => {
    const { id } = await tipIn('26743');
    const claimants = ['officer-26743', 'officer-26743b', 'desk', 'supervisor'];
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => call(claimants[index % claimants.length]!, 'POST', `/tips/${id}/claim`)));
    assert.equal(answers.filter((answer) => answer.status === 200).length, 1);
    assert.equal(answers.filter((answer) => answer.status === 409).length, 49);
    const detail = await call('officer-26743', 'GET', `/tips/${id}`);
    assert.equal(detail.json.tip?.status, 'ASSIGNED');
    assert.equal((detail.json.events ?? []).filter((event) => event.type === 'CLAIMED').length, 1);
  });
});

describe('transfers', () => {
  it('move a tip to another queue as NEW and record the reason', async () => {
    const { id } = await tipIn('26743');
    await call('officer-26743', 'POST', `/tips/${id}/claim`);
    const moved = await call('officer-26743', 'POST', `/tips/${id}/transfer`, { to: '27154', reason: 'Địa điểm thuộc Phường Bàn Cờ' });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.tip?.queue, '27154');
    assert.equal(moved.json.tip?.unit, '27154');
    assert.equal(moved.json.tip?.pack, 'hcmc-2025');
    assert.deepEqual(moved.json.events, [], 'the trail is no longer 26743’s to read');
    assert.equal((await call('officer-26743', 'GET', `/tips/${id}`)).status, 404, 'after the transfer the tip is no longer 26743’s to see');
    const detailBefore = await call('officer-27154', 'GET', `/tips/${id}`);
    const inNewQueue = await eventually(() => findInQueue('officer-27154', '27154', 'NEW', String(detailBefore.json.tip?.trackingCode)), waitLimitMs, 'the tip in 27154’s queue');
    assert.equal(inNewQueue, id);
    assert.equal(await findInQueue('officer-26743', '26743', 'ASSIGNED', String(detailBefore.json.tip?.trackingCode)), undefined);
    const detail = await call('officer-27154', 'GET', `/tips/${id}`);
    assert.equal(detail.json.tip?.queue, '27154');
    assert.equal(detail.json.tip?.unit, '27154');
    assert.equal(detail.json.tip?.assignee, null);
    const transfer = (detail.json.events ?? []).find((event) => event.type === 'TRANSFERRED');
    assert.equal(transfer?.reason, 'Địa điểm thuộc Phường Bàn Cờ');
    const [before, after] = [transfer?.before as { queue: string; unit: string }, transfer?.after as { queue: string; unit: string }];
    assert.deepEqual([before.queue, after.queue], ['26743', '27154']);
    assert.deepEqual([before.unit, after.unit], ['26743', '27154']);
  });
});

describe('status changes', () => {
  it('follow the state machine and list the allowed moves in a 409', async () => {
    const { id } = await tipIn('26743');
    const tooEarly = await call('officer-26743', 'POST', `/tips/${id}/status`, { status: 'RESOLVED' });
    assert.equal(tooEarly.status, 409);
    assert.deepEqual((tooEarly.json.details as { allowed: string[] }).allowed, ['REJECTED']);
    await call('officer-26743', 'POST', `/tips/${id}/claim`);
    assert.equal((await call('officer-26743', 'POST', `/tips/${id}/status`, { status: 'IN_PROGRESS' })).status, 200);
    const resolved = await call('officer-26743', 'POST', `/tips/${id}/status`, { status: 'RESOLVED' });
    assert.equal(resolved.json.tip?.status, 'RESOLVED');
    const types = (resolved.json.events ?? []).map((event) => event.type);
    assert.deepEqual(types, ['CLASSIFIED', 'CLAIMED', 'STATUS_CHANGED', 'STATUS_CHANGED']);
  });
});

describe('the tipster’s side', () => {
  it('sees officers’ replies and can answer, but never sees notes', async () => {
    const { id, trackingCode, secret } = await tipIn('26743');
    await call('officer-26743', 'POST', `/tips/${id}/notes`, { text: 'Nội bộ: đã kiểm tra camera' });
    await call('officer-26743', 'POST', `/tips/${id}/messages`, { text: 'Bạn có thể cho biết thời gian cụ thể?' });
    const answered = await postJson(`${stack.apiUrl}/tips/status/messages`, { code: trackingCode, secret, text: 'Khoảng 21 giờ mỗi tối' });
    assert.equal(answered.status, 200);
    const messages = answered.json.messages as Array<{ from: string; text: string }>;
    assert.deepEqual(messages.map((message) => [message.from, message.text]), [
      ['officer', 'Bạn có thể cho biết thời gian cụ thể?'],
      ['tipster', 'Khoảng 21 giờ mỗi tối'],
    ]);
    assert.ok(!JSON.stringify(answered.json).includes('camera'));
    const detail = await call('officer-26743', 'GET', `/tips/${id}`);
    assert.ok((detail.json.events ?? []).some((event) => event.type === 'TIPSTER_MESSAGE' && event.text === 'Khoảng 21 giờ mỗi tối'));
  });

  it('gets an officer’s reply by SMS when the tip came by SMS', async () => {
    const phone = '0903777111';
    const body = JSON.stringify({ messageId: randomUUID(), from: phone, to: '8088', text: 'Co nguoi ban ma tuy o hem 12 phuong Ben Thanh', receivedAt: new Date().toISOString() });
    const sms = await fetch(`${stack.apiUrl}/sms/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', ...gatewaySignatureHeadersFor(localSecrets.smsGatewaySecret, body) }, body });
    const { trackingCode } = (await sms.json()) as { trackingCode: string };
    const id = await eventually(() => findInQueue('officer-26743', '26743', 'NEW', trackingCode), waitLimitMs, 'the SMS tip in its queue');
    const detail = await call('officer-26743', 'GET', `/tips/${id}`);
    assert.match(String(detail.json.tip?.senderAlias), /^SMS-/);
    assert.ok(!JSON.stringify(detail.json).includes('903777111'), 'officers never see the number');
    const reply = await call('officer-26743', 'POST', `/tips/${id}/messages`, { text: 'Cảm ơn, chúng tôi đã tiếp nhận.' });
    assert.equal(reply.json.delivered, true);
    const texts = stack.smsProvider.messages.filter((message) => message.phone === '+84903777111' && message.direction === 'to-phone').map((message) => message.text);
    assert.equal(texts.at(-1), `CA TP.HCM (${trackingCode}): Cam on, chung toi da tiep nhan.`);
  });
});
