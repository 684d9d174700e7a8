import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { cityDesk, jurisdiction, packIds } from '../../shared/jurisdictions/index.ts';
import { fitsOneSegment, isGsm7, smsSegments, toAsciiVietnamese } from '../../shared/sms/gsm.ts';
import { smsReplies } from '../../shared/sms/replies.ts';
import { tipStatuses, type TipStatus } from '../../shared/tip/tip.ts';

/** The longest inputs each reply can get: codes and secrets have a fixed length. */
const code = 'TB-XXXX-XXXX';
const secret = 'XXXX-XXXX-XXXX-XXXX';
/** The longest unit name of a pack, as it goes out without diacritics. */
const longestUnitNameOf = (packId: string): string =>
  jurisdiction(packId)
    .units.map((unit) => unit.name)
    .reduce((longest, name) => (toAsciiVietnamese(name).length > toAsciiVietnamese(longest).length ? name : longest));
const longestUnitNames = packIds.map(longestUnitNameOf);
const statuses: readonly (TipStatus | 'RECEIVED')[] = ['RECEIVED', ...tipStatuses];

function assertOneGsmSegment(reply: string): void {
  assert.ok(isGsm7(reply), `not GSM-7: ${reply}`);
  assert.ok(fitsOneSegment(reply), `more than one SMS (${smsSegments(reply).units} septets): ${reply}`);
  assert.equal(reply, reply.trim());
}

describe('SMS replies', () => {
  it('picks the longest unit name of each pack as the test input', () => {
    assert.deepEqual(packIds, ['hcmc-2025', 'hcmc-2021']);
    assert.equal(longestUnitNameOf('hcmc-2025'), 'Phường Đông Hưng Thuận');
    assert.equal(longestUnitNameOf('hcmc-2021'), 'Thành phố Thủ Đức');
  });

  it('fit one GSM-7 SMS each, with the longest inputs', () => {
    const replies = [
      smsReplies.tipAccepted(code, secret),
      smsReplies.followUpAdded(code),
      smsReplies.statusNotFound(),
      smsReplies.statusUsage(),
      smsReplies.stopped(),
      smsReplies.resumed(),
      smsReplies.rateLimited(Number.MAX_SAFE_INTEGER),
      smsReplies.emptyTip(),
      smsReplies.needsDetails(),
      smsReplies.newMatterAccepted(code, secret),
      ...statuses.flatMap((status) => [
        ...longestUnitNames.map((name) => smsReplies.status(code, status, name)),
        smsReplies.status(code, status, cityDesk.name),
        smsReplies.status(code, status, null),
      ]),
    ];
    for (const reply of replies) assertOneGsmSegment(reply);
  });

  it('name the longest unit of each pack in full, without shortening it', () => {
    for (const name of longestUnitNames) {
      assert.ok(smsReplies.status(code, 'IN_PROGRESS', name).includes(`Don vi: ${toAsciiVietnamese(name)}.`), name);
    }
  });

  it('give the code, the secret, how to ask for the status and the emergency number when a tip is accepted', () => {
    const reply = smsReplies.tipAccepted('TB-7Q4K-9XPD', 'K7M2-9QXD-3HTB-0WZE');
    assert.match(reply, /TB-7Q4K-9XPD/);
    assert.match(reply, /K7M2-9QXD-3HTB-0WZE/);
    assert.match(reply, /TT TB-7Q4K-9XPD/);
    assert.match(reply, /113/);
  });

  it('name the tip a follow-up was added to', () => {
    assert.match(smsReplies.followUpAdded('TB-7Q4K-9XPD'), /TB-7Q4K-9XPD/);
  });

  it('put every status in words, with the unit without diacritics', () => {
    const words: Record<TipStatus | 'RECEIVED', string> = {
      RECEIVED: 'dang phan loai',
      NEW: 'dang cho xu ly',
      ASSIGNED: 'da giao can bo',
      IN_PROGRESS: 'dang xac minh',
      RESOLVED: 'da giai quyet',
      REJECTED: 'da dong',
    };
    for (const status of statuses) {
      const reply = smsReplies.status('TB-7Q4K-9XPD', status, 'Phường Gò Vấp');
      assert.ok(reply.includes(words[status]), reply);
      assert.ok(reply.includes('TB-7Q4K-9XPD'), reply);
      assert.ok(reply.includes('Phuong Go Vap'), reply);
    }
    assert.ok(smsReplies.status(code, 'ASSIGNED', cityDesk.name).includes('Truc ban Cong an Thanh pho Ho Chi Minh'));
  });

  it('leave the unit out while the tip is still being routed', () => {
    assert.doesNotMatch(smsReplies.status(code, 'RECEIVED', null), /Don vi/);
  });

  it('shorten a unit name that would not fit, keeping the status', () => {
    const longName = `Công an ${'Phường Tân Thới Nhất '.repeat(10)}`;
    const reply = smsReplies.status(code, 'IN_PROGRESS', longName);
    assertOneGsmSegment(reply);
    assert.equal(smsSegments(reply).units, 160, 'the name should use all the room there is');
    assert.ok(reply.includes('dang xac minh'));
    assert.ok(reply.includes('Don vi: Cong an Phuong Tan Thoi Nhat'));
    assert.ok(reply.includes('...'));
    assert.match(reply, /113\.$/);
  });

  it('tell a tipster who stopped messages how to resume', () => {
    assert.match(smsReplies.stopped(), /\bBAT\b/);
  });

  it('mention the hourly limit and the emergency number when rate limited', () => {
    const reply = smsReplies.rateLimited(10);
    assert.match(reply, /\b10\b/);
    assert.match(reply, /113/);
  });

  it('are written without diacritics', () => {
    const replies = [
      smsReplies.tipAccepted(code, secret),
      smsReplies.statusNotFound(),
      smsReplies.statusUsage(),
      smsReplies.stopped(),
      smsReplies.resumed(),
      smsReplies.emptyTip(),
      smsReplies.needsDetails(),
      smsReplies.newMatterAccepted(code, secret),
    ];
    for (const reply of replies) assert.equal(toAsciiVietnamese(reply), reply);
  });
});

describe('officer messages', () => {
  it('start with the sender and the tracking code', () => {
    assert.ok(smsReplies.officerMessage('TB-7Q4K-9XPD', 'Xin cảm ơn.').startsWith('CA TP.HCM (TB-7Q4K-9XPD): '));
  });

  it('go out as GSM-7 when the officer writes Vietnamese, typographic punctuation included', () => {
    const text = '“Cảm ơn anh” — chúng tôi đã tiếp nhận và đang xác minh… Đề nghị anh giữ bí mật, không tự ý can thiệp.';
    const reply = smsReplies.officerMessage('TB-7Q4K-9XPD', text);
    assert.ok(isGsm7(reply), reply);
    assert.equal(
      reply,
      'CA TP.HCM (TB-7Q4K-9XPD): "Cam on anh" - chung toi da tiep nhan va dang xac minh... De nghi anh giu bi mat, khong tu y can thiep.',
    );
  });

  it('may run to several SMS', () => {
    const reply = smsReplies.officerMessage('TB-7Q4K-9XPD', 'Đề nghị anh liên hệ. '.repeat(20));
    assert.ok(isGsm7(reply));
    assert.ok(smsSegments(reply).segments > 1);
  });
});
