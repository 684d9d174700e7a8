/**
 * What the desk and the queue get from the API (issue 10, failures 2 and 8), against the local
 * stack: a tip the engine could not place reaches the desk with its candidates and their
 * evidence, and one request sends it to a candidate, audited; a queue row and the tip say when
 * the tipster wrote and nobody has answered yet; the tip carries the status changes allowed
 * now; a tip received today has all 20 days left; and a supervisor gets the unit's officers to
 * assign from.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { verificationDeadlineDays as verificationDays } from '../../shared/tip/tip.ts';
import { eventually, officerApi, postJson, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

interface Candidate {
  unit: string;
  confidence: number;
  method: string;
  evidence: { kind: string; span?: string } | null;
}
interface TipView {
  id: string;
  queue: string;
  status: string;
  daysLeft: number;
  awaitingReply: boolean;
  allowedStatusChanges: string[];
  routing: { unit: string | null; method: string; candidates: Candidate[] };
}
interface QueueItem {
  id: string;
  trackingCode: string;
  daysLeft: number;
  awaitingReply: boolean;
}

const call = officerApi(() => stack);

/** A web tip, once it is in the given queue: its id, row and the tipster's proof. */
async function queuedTip(body: Record<string, unknown>, queue: string, viewer: string) {
  const accepted = await postJson(`${stack.apiUrl}/tips`, body);
  assert.equal(accepted.status, 202);
  const proof = { code: String(accepted.json.trackingCode), secret: String(accepted.json.secret) };
  const row = await eventually(async () => {
    const page = await call(viewer, 'GET', `/queue?queue=${queue}&status=NEW&limit=100`);
    return (page.json.items as QueueItem[] | undefined)?.find((item) => item.trackingCode === proof.code);
  }, waitLimitMs, `the tip in queue ${queue}`);
  return { id: row.id, row, proof };
}

const tipOf = async (viewer: string, id: string) => (await call(viewer, 'GET', `/tips/${encodeURIComponent(id)}`)).json as unknown as { tip: TipView; events: Array<{ type: string; reason?: string }> };

describe('one-click routing at the desk (failure 2)', () => {
  it('shows the candidates of an undecided tip with their evidence, and sends it to one in one request, audited', async () => {
    const { id } = await queuedTip({ text: 'thấy đối tượng truy nã ở chợ Bình Tây' }, 'CITY', 'desk');
    const before = await tipOf('desk', id);
    assert.equal(before.tip.routing.unit, null, 'no unit is sure enough');
    const textCandidates = before.tip.routing.candidates.filter((candidate) => candidate.evidence?.kind === 'text');
    assert.ok(textCandidates.length > 0, 'the desk sees candidates with the words that point to them');
    const candidate = textCandidates[0] as Candidate;
    assert.match(String(candidate.evidence?.span), /Bình Tây/i);
    assert.ok(candidate.confidence > 0 && candidate.confidence < 1);

    const moved = await call('desk', 'POST', `/tips/${encodeURIComponent(id)}/transfer`, { to: candidate.unit, suggested: true });
    assert.equal(moved.status, 200, JSON.stringify(moved.json));
    const after = await tipOf('desk', id);
    assert.equal(after.tip.queue, candidate.unit);
    assert.equal(after.tip.status, 'NEW');
    const transfer = after.events.find((event) => event.type === 'TRANSFERRED');
    assert.equal(transfer?.reason, 'routing_candidate');
    const unitOfficer = await call(`officer-${candidate.unit}`, 'GET', `/tips/${encodeURIComponent(id)}`);
    assert.equal(unitOfficer.status, 200, "the candidate's officers see it now");
  });

  it('refuses a one-click transfer to a unit that is not a candidate, saying so', async () => {
    const { id } = await queuedTip({ text: 'thấy đối tượng truy nã ở chợ Bình Tây' }, 'CITY', 'desk');
    const { tip } = await tipOf('desk', id);
    const candidates = new Set(tip.routing.candidates.map((candidate) => candidate.unit));
    const other = ['26743', '27154', '26740'].find((unit) => !candidates.has(unit)) as string;
    const refused = await call('desk', 'POST', `/tips/${encodeURIComponent(id)}/transfer`, { to: other, suggested: true });
    assert.equal(refused.status, 400);
    assert.deepEqual((refused.json.issues as Array<{ field: string; reason: string }>).map((issue) => [issue.field, issue.reason]), [['to', 'notACandidate']]);
  });
});

describe('a queue that keeps officers up to date (failure 8)', () => {
  it('marks the row and the tip when the tipster wrote, until an officer answers', async () => {
    const { id, row, proof } = await queuedTip({ text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' }, '27154', 'officer-27154');
    assert.equal(row.awaitingReply, false);
    const wrote = await postJson(`${stack.apiUrl}/tips/status/messages`, { ...proof, text: 'Tối nay họ lại bán' });
    assert.equal(wrote.status, 200);
    const marked = await eventually(async () => {
      const page = await call('officer-27154', 'GET', '/queue?queue=27154&status=NEW&limit=100');
      return (page.json.items as QueueItem[]).find((item) => item.id === id && item.awaitingReply);
    }, waitLimitMs, 'the row marked');
    assert.equal(marked.awaitingReply, true);
    assert.equal((await tipOf('officer-27154', id)).tip.awaitingReply, true);

    const replied = await call('officer-27154', 'POST', `/tips/${encodeURIComponent(id)}/messages`, { text: 'Cảm ơn, chúng tôi đang xác minh.' });
    assert.equal(replied.status, 200, JSON.stringify(replied.json));
    assert.equal((await tipOf('officer-27154', id)).tip.awaitingReply, false);
    const page = await call('officer-27154', 'GET', '/queue?queue=27154&status=NEW&limit=100');
    assert.equal((page.json.items as QueueItem[]).find((item) => item.id === id)?.awaitingReply, false);
  });

  it('gives each tip the status changes allowed now, and all its days on the day it arrives', async () => {
    const { id, row } = await queuedTip({ text: 'Có người bán ma túy trong hẻm 12 Lê Văn Sỹ', unit: '27154' }, '27154', 'officer-27154');
    assert.equal(row.daysLeft, verificationDays);
    const fresh = await tipOf('officer-27154', id);
    assert.equal(fresh.tip.daysLeft, verificationDays);
    assert.deepEqual(fresh.tip.allowedStatusChanges, ['REJECTED']);
    assert.equal((await call('officer-27154', 'POST', `/tips/${encodeURIComponent(id)}/claim`)).status, 200);
    assert.deepEqual((await tipOf('officer-27154', id)).tip.allowedStatusChanges, ['IN_PROGRESS', 'REJECTED']);
  });

  it("lists a unit's officers for a supervisor to assign from, and only for a supervisor", async () => {
    const listed = await call('supervisor', 'GET', '/queue/officers?queue=26743');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json, { queue: '26743', officers: [{ username: 'officer-26743' }, { username: 'officer-26743b' }] });
    assert.equal((await call('officer-26743', 'GET', '/queue/officers?queue=26743')).status, 403);
    const { id } = await queuedTip({ text: 'Có người bán ma túy trong hẻm 9 Lê Lợi', unit: '26743' }, '26743', 'officer-26743');
    const assigned = await call('supervisor', 'POST', `/tips/${encodeURIComponent(id)}/assign`, { assignee: 'officer-26743b' });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.json));
  });
});
