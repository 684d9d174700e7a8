import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { fitsOneSegment, isGsm7, smsSegments, toAsciiVietnamese } from '../../shared/sms/gsm.ts';

const vietnamese = 'Tôi thấy một nhóm người đang trộm xe máy ở đường Điện Biên Phủ, Quận Bình Thạnh.';

describe('isGsm7', () => {
  it('accepts the default alphabet, including its accented letters and Greek capitals', () => {
    assert.equal(isGsm7('Hello, world! 0-9 @£$¥ èéùìòÇ ØøÅå Δ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ ¤ ¡¿ ÄÖÑÜ§ äöñüà\r\n'), true);
  });

  it('accepts the extension table', () => {
    assert.equal(isGsm7('^{}\\[~]|€\f'), true);
  });

  it('accepts the empty text', () => {
    assert.equal(isGsm7(''), true);
  });

  it('refuses Vietnamese with diacritics, emoji, typographic quotes and the bare escape character', () => {
    assert.equal(isGsm7('Tố giác'), false);
    assert.equal(isGsm7('đ'), false);
    assert.equal(isGsm7('ok 👍'), false);
    assert.equal(isGsm7('“quoted”'), false);
    assert.equal(isGsm7('a\u001Bb'), false);
    assert.equal(isGsm7('tab\there'), false);
  });
});

describe('smsSegments', () => {
  it('counts the empty text as one GSM-7 SMS', () => {
    assert.deepEqual(smsSegments(''), { encoding: 'GSM-7', units: 0, segments: 1 });
  });

  it('fits 160 GSM-7 septets in one SMS and splits 161 into two', () => {
    assert.deepEqual(smsSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.deepEqual(smsSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 });
  });

  it('puts 153 septets in each part of a long GSM-7 message', () => {
    assert.equal(smsSegments('a'.repeat(306)).segments, 2);
    assert.equal(smsSegments('a'.repeat(307)).segments, 3);
    assert.equal(smsSegments('a'.repeat(459)).segments, 3);
  });

  it('counts extension characters as two septets', () => {
    assert.deepEqual(smsSegments('€'), { encoding: 'GSM-7', units: 2, segments: 1 });
    assert.deepEqual(smsSegments(`${'a'.repeat(158)}€`), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.deepEqual(smsSegments(`${'a'.repeat(159)}€`), { encoding: 'GSM-7', units: 161, segments: 2 });
    assert.deepEqual(smsSegments('{}'.repeat(80)), { encoding: 'GSM-7', units: 320, segments: 3 });
  });

  it('never splits an escape sequence across two parts', () => {
    // 152 septets, then "€" would straddle septets 153–154: it moves whole to part two.
    const straddling = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    assert.equal(smsSegments(straddling).units, 306);
    assert.equal(smsSegments(straddling).segments, 3);
    assert.equal(smsSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`).segments, 2);
  });

  it('fits 70 UCS-2 code units in one SMS and splits 71 into two', () => {
    assert.deepEqual(smsSegments('đ'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 });
    assert.deepEqual(smsSegments('đ'.repeat(71)), { encoding: 'UCS-2', units: 71, segments: 2 });
    assert.equal(smsSegments('đ'.repeat(134)).segments, 2);
    assert.equal(smsSegments('đ'.repeat(135)).segments, 3);
  });

  it('switches the whole message to UCS-2 for one character outside GSM-7', () => {
    assert.deepEqual(smsSegments(`${'a'.repeat(69)}đ`), { encoding: 'UCS-2', units: 70, segments: 1 });
    assert.deepEqual(smsSegments(`${'a'.repeat(70)}đ`), { encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('counts an emoji as two UTF-16 code units and keeps its pair in one part', () => {
    assert.deepEqual(smsSegments('👍'), { encoding: 'UCS-2', units: 2, segments: 1 });
    assert.deepEqual(smsSegments(`${'a'.repeat(68)}👍`), { encoding: 'UCS-2', units: 70, segments: 1 });
    assert.deepEqual(smsSegments(`${'a'.repeat(69)}👍`), { encoding: 'UCS-2', units: 71, segments: 2 });
    // 66 units, then the pair would straddle units 67–68: it moves to part two.
    assert.equal(smsSegments(`${'a'.repeat(66)}👍${'a'.repeat(66)}`).segments, 3);
    assert.equal(smsSegments(`${'a'.repeat(65)}👍${'a'.repeat(67)}`).segments, 2);
  });

  it('sends Vietnamese with diacritics as UCS-2 and the same text stripped as GSM-7', () => {
    const withDiacritics = smsSegments(vietnamese);
    assert.equal(withDiacritics.encoding, 'UCS-2');
    assert.equal(withDiacritics.segments, 2);
    const stripped = smsSegments(toAsciiVietnamese(vietnamese));
    assert.deepEqual(stripped, { encoding: 'GSM-7', units: vietnamese.length, segments: 1 });
  });
});

describe('fitsOneSegment', () => {
  it('follows the single-SMS limit of each encoding', () => {
    assert.equal(fitsOneSegment(''), true);
    assert.equal(fitsOneSegment('a'.repeat(160)), true);
    assert.equal(fitsOneSegment('a'.repeat(161)), false);
    assert.equal(fitsOneSegment(`${'a'.repeat(159)}]`), false);
    assert.equal(fitsOneSegment('ơ'.repeat(70)), true);
    assert.equal(fitsOneSegment('ơ'.repeat(71)), false);
  });
});

describe('toAsciiVietnamese', () => {
  it('strips every Vietnamese diacritic, đ and Đ included', () => {
    assert.equal(
      toAsciiVietnamese('Trực ban Công an Thành phố Hồ Chí Minh, Quận Gò Vấp, Thủ Đức, đường'),
      'Truc ban Cong an Thanh pho Ho Chi Minh, Quan Go Vap, Thu Duc, duong',
    );
    assert.equal(
      toAsciiVietnamese('àáảãạ ăằắẳẵặ âầấẩẫậ èéẻẽẹ êềếểễệ ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ ùúủũụ ưừứửữự ỳýỷỹỵ'),
      'aaaaa aaaaaa aaaaaa eeeee eeeeee iiiii ooooo oooooo oooooo uuuuu uuuuuu yyyyy',
    );
    assert.equal(toAsciiVietnamese('ĂÂÊÔƠƯĐ'), 'AAEOOUD');
  });

  it('reads text already decomposed (NFD) the same as composed text', () => {
    assert.equal(toAsciiVietnamese('Tố giác'.normalize('NFD')), 'To giac');
  });

  it('keeps characters that are not Vietnamese letters', () => {
    assert.equal(toAsciiVietnamese('Số 12/3, ngõ 4 — 50% 👍 €'), 'So 12/3, ngo 4 — 50% 👍 €');
    assert.equal(toAsciiVietnamese('한국'), '한국');
  });
});
