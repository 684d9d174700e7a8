import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, type TipEnvelope } from '../../shared/tip/envelope.ts';

function envelopeWith(text: string): TipEnvelope {
  return {
    v: 2,
    tipId: '01JD0000000000000000000000',
    trackingCode: 'TB-7Q4K-9XPD',
    receivedAt: '2026-11-25T10:00:00.000Z',
    channel: 'web',
    submission: { text, language: 'vi', unit: '27154' },
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

  it('round-trips a version 2 envelope with the chosen unit', () => {
    const envelope = envelopeWith('a tip text here');
    assert.deepEqual(decodeEnvelope(encodeEnvelope(envelope)), envelope);
  });

  it('still reads a version 1 envelope, whose chosen district becomes the unit of version 2', () => {
    const { submission, ...rest } = envelopeWith('a tip text here');
    const v1 = { ...rest, v: 1, submission: { text: submission.text, language: submission.language, district: '770' } };
    const decoded = decodeEnvelope(JSON.stringify(v1));
    assert.deepEqual(decoded, { ...rest, v: 2, submission: { text: 'a tip text here', language: 'vi', unit: '770' } });
    assert.equal('district' in decoded.submission, false);
  });

  it('reads a version 1 envelope without a district as version 2 without a unit', () => {
    const { submission, ...rest } = envelopeWith('a tip text here');
    const decoded = decodeEnvelope(JSON.stringify({ ...rest, v: 1, submission: { text: submission.text, language: submission.language } }));
    assert.equal(decoded.v, 2);
    assert.deepEqual(decoded.submission, { text: 'a tip text here', language: 'vi' });
  });

  it('refuses an unknown version or a body that is not an envelope', () => {
    const other = JSON.parse(encodeEnvelope(envelopeWith('a tip text here'))) as Record<string, unknown>;
    assert.throws(() => decodeEnvelope(JSON.stringify({ ...other, v: 3 })));
    assert.throws(() => decodeEnvelope(JSON.stringify({ ...other, v: undefined })));
    assert.throws(() => decodeEnvelope(JSON.stringify({ ...other, tipId: 'not-a-ulid' })));
    assert.throws(() => decodeEnvelope('not json'));
  });
});
