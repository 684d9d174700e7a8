/**
 * eSMS's short-code protocol (shared/sms/esms.ts): the `sign` of an inbound message, the
 * request's check, its time of receipt and the XML answer. The signature vectors were computed
 * with another implementation, OpenSSL's, over the UTF-8 bytes (`printf '%s' … | openssl md5`,
 * then `-binary | base64`), not with the code under test.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { esmsInboundSchema, esmsReceivedAt, esmsReplyXml, signEsmsMessage, verifyEsmsRequest } from '../../shared/sms/esms.ts';

/** The private key of eSMS's own example. */
const privateKey = '17417a0d20114d36a902e49cad0e97f3';
const cpid = 'tinbao-cp';

const vectors = [
  {
    fields: { cpid, smsid: '9d1f0c2e', content: 'Co nguoi ban ma tuy o hem 45 Le Van Sy', receiverTime: '20261201083015' },
    base64: 'NPn81mOdlgWQml/W7flXGA==',
    hex: '34f9fcd6639d9605909a5fd6edf95718',
  },
  {
    fields: { cpid, smsid: '9d1f0c2f', content: 'Có người bán ma túy ở hẻm 45 Lê Văn Sỹ', receiverTime: '20261201083015' },
    base64: 'tTJlgjtLU19WyXK0SEb12A==',
    hex: 'b53265823b4b535f56c972b44846f5d8',
  },
  // eSMS's worked example: hash("abcdef", "1234", "xyz") = MD5("abcdef1234xyz" + key).
  { fields: { cpid: 'abcdef', smsid: '1234', content: 'xyz', receiverTime: '' }, base64: 'O85nc2XByOhTm8a8t2rYKA==', hex: '3bce677365c1c8e8539bc6bcb76ad828' },
];

describe('the sign of an inbound eSMS message', () => {
  it('is the MD5 of cpid + smsid + content + receiverTime + key over UTF-8, as another implementation computes it', () => {
    for (const vector of vectors) assert.equal(signEsmsMessage(privateKey, vector.fields), vector.base64);
  });

  it('accepts the digest in base64 or in hex, either case', () => {
    for (const vector of vectors.slice(0, 2)) {
      for (const sign of [vector.base64, vector.hex, vector.hex.toUpperCase()]) {
        assert.equal(verifyEsmsRequest({ privateKey, cpid }, { ...vector.fields, sign }), undefined, sign);
      }
    }
  });

  it('refuses a missing sign, a wrong one, one made with another key, and a signed request for another CP', () => {
    const [vector] = vectors as [(typeof vectors)[0]];
    assert.equal(verifyEsmsRequest({ privateKey, cpid }, { ...vector.fields }), 'missing_signature');
    assert.equal(verifyEsmsRequest({ privateKey, cpid }, { ...vector.fields, sign: '  ' }), 'missing_signature');
    assert.equal(verifyEsmsRequest({ privateKey, cpid }, { ...vector.fields, sign: vector.base64.slice(1) }), 'bad_signature');
    assert.equal(verifyEsmsRequest({ privateKey: `${privateKey}0`, cpid }, { ...vector.fields, sign: vector.base64 }), 'bad_signature');
    const other = vectors[2]!;
    assert.equal(verifyEsmsRequest({ privateKey, cpid }, { ...other.fields, sign: other.base64 }), 'unknown_cpid');
  });

  it('is refused when any signed field is changed', () => {
    fc.assert(
      fc.property(fc.constantFrom('cpid', 'smsid', 'content', 'receiverTime'), fc.string({ minLength: 1, maxLength: 8 }), (field, extra) => {
        const vector = vectors[1]!;
        const changed = { ...vector.fields, [field]: `${vector.fields[field]}${extra}` };
        assert.notEqual(verifyEsmsRequest({ privateKey, cpid }, { ...changed, sign: vector.base64 }), undefined);
      }),
    );
  });
});

describe('an inbound eSMS message', () => {
  it('reads the time of receipt in Vietnam time, and refuses impossible times', () => {
    assert.equal(esmsReceivedAt('20261201083015'), '2026-12-01T01:30:15.000Z');
    assert.equal(esmsReceivedAt('20260101003000'), '2025-12-31T17:30:00.000Z');
    for (const bad of ['20260231120000', '20261301120000', '20261201250000', '2026120108301', '2026-12-01T08:30', '']) assert.equal(esmsReceivedAt(bad), undefined, bad);
  });

  it('reads the sender written internationally without + as E.164, and names each bad field', () => {
    const parsed = esmsInboundSchema.parse({ sender: '84903123456', content: 'Có người bán ma túy', serviceNumber: '8079', keyword: 'TB', smsid: 'a1', receiverTime: '20261201083015' });
    assert.deepEqual(parsed, { sender: '+84903123456', content: 'Có người bán ma túy', serviceNumber: '8079', keyword: 'TB', smsid: 'a1', receiverTime: '2026-12-01T01:30:15.000Z' });
    const refused = esmsInboundSchema.safeParse({ sender: '84', content: 'x', serviceNumber: '', smsid: 'a1', receiverTime: '20261301083015' });
    assert.equal(refused.success, false);
    assert.deepEqual(refused.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).sort(), ['receiverTime: notDateTime', 'sender: badPhone', 'serviceNumber: required']);
  });
});

describe('the XML answer', () => {
  it('carries the reply, the message id and the receiver, escaped', () => {
    assert.equal(
      esmsReplyXml({ message: 'Đã nhận tin báo TB-7K3M-Q9PX <mã> & "bí mật"', smsid: 'a1', receiver: '84903123456' }),
      '<ClientResponse><Message>Đã nhận tin báo TB-7K3M-Q9PX &lt;mã&gt; &amp; "bí mật"</Message><Smsid>a1</Smsid><Receiver>84903123456</Receiver></ClientResponse>',
    );
    assert.equal(esmsReplyXml({ message: null, smsid: 'a1', receiver: '84903123456' }), '<ClientResponse><Message></Message><Smsid>a1</Smsid><Receiver>84903123456</Receiver></ClientResponse>');
  });

  it('is well-formed XML whatever the text: no markup and no character XML cannot hold gets through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (message, smsid) => {
        const xml = esmsReplyXml({ message, smsid, receiver: '84903123456' });
        const inner = xml.replace(/^<ClientResponse><Message>/, '').replace(/<\/Receiver><\/ClientResponse>$/, '');
        assert.equal((inner.match(/</g) ?? []).length, 4, 'only the four tags in between');
        assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/u);
        assert.ok(xml.isWellFormed());
      }),
    );
  });
});
