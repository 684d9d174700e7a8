import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, type TipEnvelope } from '../../shared/tip/envelope.ts';

function envelopeWith(text: string): TipEnvelope {
  return {
    v: 1,
    tipId: '01JD0000000000000000000000',
    trackingCode: 'TB-7Q4K-9XPD',
    receivedAt: '2026-11-25T10:00:00.000Z',
    channel: 'web',
    submission: { text, language: 'vi', district: '770' },
  };
}

describe('queue envelope', () => {
  const awkward = [
    'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ',
    'emoji 😀🚨👮‍♂️ and flags 🇻🇳',
    'NUL \u0000 inside',
    'U+FFFF \uffff and U+FFFE \ufffe',
    'DEL \u007f, C1 \u0085, line separator \u2028',
    'quotes " and backslash \\ and \\u0041 literal',
  ];

  for (const text of awkward) {
    it(`round-trips ${JSON.stringify(text).slice(0, 40)} exactly`, () => {
      const body = encodeEnvelope(envelopeWith(text));
      assert.equal(decodeEnvelope(body).submission.text, text);
    });
  }

  it('is printable ASCII only, which SQS and every emulator accept', () => {
    const body = encodeEnvelope(envelopeWith(awkward.join(' ')));
    assert.match(body, /^[\u0020-\u007e]*$/);
  });

  it('round-trips every BMP character that is not a surrogate', () => {
    let text = '';
    for (let code = 0; code <= 0xffff; code += 1) if (code < 0xd800 || code > 0xdfff) text += String.fromCharCode(code);
    assert.equal(decodeEnvelope(encodeEnvelope(envelopeWith(text))).submission.text, text);
  });

  it('refuses an unknown version or a body that is not an envelope', () => {
    const other = JSON.parse(encodeEnvelope(envelopeWith('a tip text here'))) as Record<string, unknown>;
    assert.throws(() => decodeEnvelope(JSON.stringify({ ...other, v: 2 })));
    assert.throws(() => decodeEnvelope(JSON.stringify({ ...other, tipId: 'not-a-ulid' })));
    assert.throws(() => decodeEnvelope('not json'));
  });
});
