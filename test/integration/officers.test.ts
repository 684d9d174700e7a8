import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { localSecrets, type LocalStack } from '../../infra/local/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { apiRoutes } from '../../infra/definitions.ts';
import { gatewaySignatureHeadersFor } from '../../shared/sms/webhook-signature.ts';
import { eventually, postJson, waitLimitMs } from '../support/helpers.ts';

let stack: LocalStack;
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

async function token(username: string): Promise<string> {
  const cached = tokens.get(username);
  if (cached) return cached;
  const issued = await stack.identityProvider.issueToken(username);
  tokens.set(username, issued);
  return issued;
}

async function call(username: string | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (username) headers.authorization = `Bearer ${await token(username)}`;
  const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { items?: Array<{ id: string }>; tip?: Record<string, unknown>; events?: Array<Record<string, unknown>> } };
}

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

/** Submits a web tip for a district and waits until an officer can see it; returns its id and credentials. */
async function tipIn(district: string, text = `Có người bán ma túy ở hẻm ${Math.floor(Math.random() * 900) + 10}`) {
  // A tip for the city desk names no district and no place the router could recognise.
  const accepted = await postJson(`${stack.apiUrl}/tips`, district === 'CITY' ? { text } : { text, district });
  assert.equal(accepted.status, 202);
  const trackingCode = String(accepted.json.trackingCode);
  const viewer = district === 'CITY' ? 'desk' : `officer-${district}`;
  const id = await eventually(() => findInQueue(viewer, district, 'NEW', trackingCode), waitLimitMs, 'the tip in its queue');
  return { id, trackingCode, secret: String(accepted.json.secret) };
}

describe('authorisation: every officer route × role × district', () => {
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
  const roles = [null, 'officer-760', 'officer-761', 'officer-770', 'desk', 'supervisor'] as const;
  const seesAll = (user: string) => user === 'desk' || user === 'supervisor';
  /** What the rules say a role gets on a route, for a tip (or queue) of this district. */
  function expected(user: string | null, path: string, queue: string): number {
    if (user === null) return 401;
    const sees = seesAll(user) || user === `officer-${queue}`;
    if (path === '/queue/summary') return 200;
    if (path === '/queue') return sees ? 200 : 403;
    if (!sees) return 404;
    return supervisorOnly.has(path) && user !== 'supervisor' ? 403 : 200;
  }

  for (const queue of ['760', '770', 'CITY']) {
    for (const user of roles) {
      it(`${user ?? 'no token'} on ${queue}`, async () => {
        for (const route of officerRoutes) {
          // A fresh tip for each change, so one action's effect does not decide the next one's answer.
          const { id } = await tipIn(queue);
          const path = route.path.replace('{id}', id) + (route.path === '/queue' ? `?queue=${queue}` : '');
          const body = route.path === '/tips/{id}/transfer' ? { to: queue === '770' ? '760' : '770', reason: 'Địa bàn giáp ranh, chuyển đơn vị' } : bodies[route.path];
          const answer = await call(user, route.method, path, route.method === 'POST' ? (body ?? {}) : undefined);
          assert.equal(answer.status, expected(user, route.path, queue), `${user} ${route.method} ${route.path} on ${queue}: ${JSON.stringify(answer.json).slice(0, 200)}`);
        }
      });
    }
  }

  it('reads the queue by `district` as the API documents it, and by `queue`', async () => {
    const { id } = await tipIn('760');
    const { trackingCode } = (await call('officer-760', 'GET', `/tips/${id}`)).json.tip as { trackingCode: string };
    const byDistrict = await call('officer-760', 'GET', '/queue?district=760&status=NEW&limit=100');
    const byQueue = await call('officer-760', 'GET', '/queue?queue=760&status=NEW&limit=100');
    assert.equal(byDistrict.status, 200);
    const items = (byDistrict.json.items ?? []) as Array<{ id: string; queue: string }>;
    assert.ok(items.length > 0 && items.every((item) => item.queue === '760'));
    assert.deepEqual(items.map((item) => item.id), (byQueue.json.items ?? []).map((item) => item.id));
    assert.ok(await findInQueue('officer-760', '760', 'NEW', trackingCode));
    assert.equal((await call('officer-761', 'GET', '/queue?district=760')).status, 403);
  });

  it('refuses a forged or expired token with 401', async () => {
    const forged = `${(await token('officer-760')).slice(0, -4)}AAAA`;
    const response = await fetch(`${stack.apiUrl}/queue?queue=760`, { headers: { authorization: `Bearer ${forged}` } });
    assert.equal(response.status, 401);
    const expired = await stack.identityProvider.issueToken('officer-760', { expiresInSeconds: -60 });
    assert.equal((await fetch(`${stack.apiUrl}/queue?queue=760`, { headers: { authorization: `Bearer ${expired}` } })).status, 401);
  });

  it('shows an officer of another district nothing: not in their queue, 404 by id', async () => {
    const { id } = await tipIn('760');
    const { trackingCode } = (await call('officer-760', 'GET', `/tips/${id}`)).json.tip as { trackingCode: string };
    assert.equal(await findInQueue('officer-761', '761', 'NEW', trackingCode), undefined);
    assert.equal((await call('officer-761', 'GET', `/tips/${id}`)).status, 404);
    assert.equal((await call('officer-761', 'GET', `/tips/${randomUUID()}`)).status, 404, 'the same answer as for no tip at all');
  });
});

describe('claims', () => {
  it('give exactly one winner among 50 parallel claims; every other officer gets 409', async () => {
    const { id } = await tipIn('760');
    const claimants = ['officer-760', 'officer-760b', 'desk', 'supervisor'];
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => call(claimants[index % claimants.length]!, 'POST', `/tips/${id}/claim`)));
    assert.equal(answers.filter((answer) => answer.status === 200).length, 1);
    assert.equal(answers.filter((answer) => answer.status === 409).length, 49);
    const detail = await call('officer-760', 'GET', `/tips/${id}`);
    assert.equal(detail.json.tip?.status, 'ASSIGNED');
    assert.equal((detail.json.events ?? []).filter((event) => event.type === 'CLAIMED').length, 1);
  });
});

describe('transfers', () => {
  it('move a tip to another queue as NEW and record the reason', async () => {
    const { id } = await tipIn('760');
    await call('officer-760', 'POST', `/tips/${id}/claim`);
    const moved = await call('officer-760', 'POST', `/tips/${id}/transfer`, { to: '770', reason: 'Địa điểm thuộc Quận 3' });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.tip?.queue, '770');
    assert.deepEqual(moved.json.events, [], 'the trail is no longer 760’s to read');
    assert.equal((await call('officer-760', 'GET', `/tips/${id}`)).status, 404, 'after the transfer the tip is no longer 760’s to see');
    const detailBefore = await call('officer-770', 'GET', `/tips/${id}`);
    const inNewQueue = await eventually(() => findInQueue('officer-770', '770', 'NEW', String(detailBefore.json.tip?.trackingCode)), waitLimitMs, 'the tip in 770’s queue');
    assert.equal(inNewQueue, id);
    assert.equal(await findInQueue('officer-760', '760', 'ASSIGNED', String(detailBefore.json.tip?.trackingCode)), undefined);
    const detail = await call('officer-770', 'GET', `/tips/${id}`);
    assert.equal(detail.json.tip?.queue, '770');
    assert.equal(detail.json.tip?.assignee, null);
    const transfer = (detail.json.events ?? []).find((event) => event.type === 'TRANSFERRED');
    assert.equal(transfer?.reason, 'Địa điểm thuộc Quận 3');
    assert.deepEqual([(transfer?.before as { queue: string }).queue, (transfer?.after as { queue: string }).queue], ['760', '770']);
  });
});

describe('status changes', () => {
  it('follow the state machine and list the allowed moves in a 409', async () => {
    const { id } = await tipIn('760');
    const tooEarly = await call('officer-760', 'POST', `/tips/${id}/status`, { status: 'RESOLVED' });
    assert.equal(tooEarly.status, 409);
    assert.deepEqual((tooEarly.json.details as { allowed: string[] }).allowed, ['REJECTED']);
    await call('officer-760', 'POST', `/tips/${id}/claim`);
    assert.equal((await call('officer-760', 'POST', `/tips/${id}/status`, { status: 'IN_PROGRESS' })).status, 200);
    const resolved = await call('officer-760', 'POST', `/tips/${id}/status`, { status: 'RESOLVED' });
    assert.equal(resolved.json.tip?.status, 'RESOLVED');
    const types = (resolved.json.events ?? []).map((event) => event.type);
    assert.deepEqual(types, ['CLASSIFIED', 'CLAIMED', 'STATUS_CHANGED', 'STATUS_CHANGED']);
  });
});

describe('the tipster’s side', () => {
  it('sees officers’ replies and can answer, but never sees notes', async () => {
    const { id, trackingCode, secret } = await tipIn('760');
    await call('officer-760', 'POST', `/tips/${id}/notes`, { text: 'Nội bộ: đã kiểm tra camera' });
    await call('officer-760', 'POST', `/tips/${id}/messages`, { text: 'Bạn có thể cho biết thời gian cụ thể?' });
    const answered = await postJson(`${stack.apiUrl}/tips/status/messages`, { code: trackingCode, secret, text: 'Khoảng 21 giờ mỗi tối' });
    assert.equal(answered.status, 200);
    const messages = answered.json.messages as Array<{ from: string; text: string }>;
    assert.deepEqual(messages.map((message) => [message.from, message.text]), [
      ['officer', 'Bạn có thể cho biết thời gian cụ thể?'],
      ['tipster', 'Khoảng 21 giờ mỗi tối'],
    ]);
    assert.ok(!JSON.stringify(answered.json).includes('camera'));
    const detail = await call('officer-760', 'GET', `/tips/${id}`);
    assert.ok((detail.json.events ?? []).some((event) => event.type === 'TIPSTER_MESSAGE' && event.text === 'Khoảng 21 giờ mỗi tối'));
  });

  it('gets an officer’s reply by SMS when the tip came by SMS', async () => {
    const phone = '0903777111';
    const body = JSON.stringify({ messageId: randomUUID(), from: phone, to: '8088', text: 'Co nguoi ban ma tuy o hem 12 Quan 1', receivedAt: new Date().toISOString() });
    const sms = await fetch(`${stack.apiUrl}/sms/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', ...gatewaySignatureHeadersFor(localSecrets.smsGatewaySecret, body) }, body });
    const { trackingCode } = (await sms.json()) as { trackingCode: string };
    const id = await eventually(() => findInQueue('officer-760', '760', 'NEW', trackingCode), waitLimitMs, 'the SMS tip in its queue');
    const detail = await call('officer-760', 'GET', `/tips/${id}`);
    assert.match(String(detail.json.tip?.senderAlias), /^SMS-/);
    assert.ok(!JSON.stringify(detail.json).includes('903777111'), 'officers never see the number');
    const reply = await call('officer-760', 'POST', `/tips/${id}/messages`, { text: 'Cảm ơn, chúng tôi đã tiếp nhận.' });
    assert.equal(reply.json.delivered, true);
    const texts = stack.smsProvider.messages.filter((message) => message.phone === '+84903777111' && message.direction === 'to-phone').map((message) => message.text);
    assert.equal(texts.at(-1), `CA TP.HCM (${trackingCode}): Cam on, chung toi da tiep nhan.`);
  });
});
