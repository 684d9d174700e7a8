/**
 * The commanders' figures through the whole local stack (issue 13): tips sent through the API to
 * two units, some claimed, some verified and closed, one transferred; then `GET /stats` for each
 * unit must match what the stored tips say, computed here from the table itself (categories as
 * classified, claim times from each tip's own timestamps), once the stream has carried every
 * change. Only the supervisor and the desk may read them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { jurisdiction, defaultPackId } from '../../shared/jurisdictions/index.ts';
import { eventually, officerApi, postJson, storedTipByCode, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;
const call = officerApi(() => stack);
const [unitA, unitB] = jurisdiction(defaultPackId).unitCodes.slice(10, 12) as [string, string];

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

interface Figures {
  tips: { total: number; byCategory: Record<string, number> };
  firstClaim: { claimed: number; medianSeconds: number | null };
  verification: { inTime: number; late: number; openPast20Days: number; shareWithin20Days: number | null };
  open: { total: number; overdue: number };
}

const texts = [
  'Có người bán ma túy trong hẻm, tối nào cũng đông người lạ ra vào',
  'Quán cà phê tổ chức đánh bạc, cá độ bóng đá mỗi tối',
  'Bị trộm xe máy trước nhà, kẻ trộm mặc áo đen',
  'Có nhóm thanh niên đua xe trái phép, nẹt pô ầm ĩ cả đêm',
];

function median(values: number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

describe("the commanders' figures", () => {
  it('match the stored tips, per unit, once the stream has carried every change', async () => {
    const marker = randomBytes(3).toString('hex');
    const sent: Array<{ id: string; code: string }> = [];
    for (let index = 0; index < 8; index += 1) {
      const unit = index % 3 === 0 ? unitB : unitA;
      const accepted = await postJson(`${stack.apiUrl}/tips`, { text: `${texts[index % texts.length]} (${marker}-${index})`, unit });
      assert.equal(accepted.status, 202);
      const code = String(accepted.json.trackingCode);
      const stored = await eventually(async () => storedTipByCode(stack.dynamoDb, stack.tableName, code), waitLimitMs, 'the tip stored');
      sent.push({ id: String(stored.id), code });
    }
    const act = async (user: string, id: string, path: string, body?: unknown) => {
      const answer = await call(user, 'POST', `/tips/${id}/${path}`, body ?? {});
      assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.json).slice(0, 200)}`);
    };
    const unitOf = async (id: string) => String((await call('desk', 'GET', `/tips/${id}`)).json.tip?.queue);
    // Claimed by their unit's officers; two of them verified and closed; one rejected at once; one moved.
    for (const tip of sent.slice(0, 5)) await act(`officer-${await unitOf(tip.id)}`, tip.id, 'claim');
    for (const tip of sent.slice(0, 2)) {
      const officer = `officer-${await unitOf(tip.id)}`;
      await act(officer, tip.id, 'status', { status: 'IN_PROGRESS' });
      await act(officer, tip.id, 'status', { status: 'RESOLVED' });
    }
    await act('desk', sent[6]!.id, 'status', { status: 'REJECTED', reason: 'spam' });
    const moved = sent[7]!;
    const movedFrom = await unitOf(moved.id);
    await act('desk', moved.id, 'transfer', { to: movedFrom === unitA ? unitB : unitA, reason: 'Địa bàn giáp ranh, chuyển đơn vị' });

    // What the table says, read here from the stored tips.
    const tips = await Promise.all(sent.map(async (tip) => (await storedTipByCode(stack.dynamoDb, stack.tableName, tip.code))!));
    const expectedFor = (unit: string) => {
      const mine = tips.filter((tip) => tip.queue === unit);
      const byCategory: Record<string, number> = {};
      for (const tip of mine) byCategory[String(tip.category)] = (byCategory[String(tip.category)] ?? 0) + 1;
      const claims = mine.filter((tip) => typeof tip.claimedAt === 'string').map((tip) => (Date.parse(String(tip.claimedAt)) - Date.parse(String(tip.receivedAt))) / 1000);
      const closed = mine.filter((tip) => tip.status === 'RESOLVED' || tip.status === 'REJECTED').length;
      return {
        tips: { total: mine.length, byCategory },
        claimed: claims.length,
        medianSeconds: median(claims.map((seconds) => Math.floor(seconds))),
        inTime: closed,
        open: mine.length - closed,
      };
    };

    for (const unit of [unitA, unitB]) {
      const expected = expectedFor(unit);
      const figures = await eventually(
        async () => {
          const answer = await call('supervisor', 'GET', `/stats?unit=${unit}`);
          assert.equal(answer.status, 200, JSON.stringify(answer.json).slice(0, 300));
          const overall = answer.json.overall as unknown as Figures;
          return overall.tips.total === expected.tips.total && overall.firstClaim.claimed === expected.claimed && overall.verification.inTime === expected.inTime && overall.open.total === expected.open
            ? overall
            : undefined;
        },
        waitLimitMs,
        `the figures of ${unit} caught up with its tips`,
      );
      assert.deepEqual(figures.tips.byCategory, expected.tips.byCategory, `${unit} by category`);
      assert.ok(figures.firstClaim.medianSeconds !== null && expected.medianSeconds !== null && Math.abs(figures.firstClaim.medianSeconds - expected.medianSeconds) <= 1, `${unit} median time to first claim`);
      assert.deepEqual([figures.verification.late, figures.verification.openPast20Days, figures.open.overdue], [0, 0, 0], 'nothing is late yet');
      assert.equal(figures.verification.shareWithin20Days, expected.inTime > 0 ? 1 : null);
    }
    const forbidden = await call(`officer-${unitA}`, 'GET', '/stats');
    assert.equal(forbidden.status, 403);
    const refused = await call('desk', 'GET', '/stats?from=2026-W99');
    assert.equal(refused.status, 400);
    assert.equal((refused.json.issues as Array<{ field: string }>)[0]?.field, 'from');
  });
});
