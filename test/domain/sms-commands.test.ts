import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseSmsCommand } from '../../shared/sms/commands.ts';
import { parseTrackingCode } from '../../shared/tip/tracking-code.ts';

/** A well-formed code (valid check character), and the same code as people type it. */
const code = 'TB-YTJN-JM0P';

describe('parseSmsCommand: status', () => {
  it('reads TT followed by a tracking code, however it is typed', () => {
    assert.equal(parseTrackingCode(code), code);
    for (const message of [
      `TT ${code}`,
      'tt tbytjnjm0p',
      'Tt ytjn-jm0p',
      `  TT    ${code}  `,
      `tt: ${code}`,
      `TT:${code}`,
      `TT-${code}`,
      `TT ${code}.`,
      'TT TB YTJN JM0P',
      'TT TB-YTJN-JMOP',
      `TT ${code} cam on`,
      `TT ${code} cảm ơn anh chị nhiều`,
      `TT\n${code}`,
    ]) {
      const command = parseSmsCommand(message);
      assert.equal(command.kind, 'status', message);
      assert.equal(command.kind === 'status' && command.code, code, message);
    }
  });

  it('keeps what followed TT as rawCode', () => {
    assert.deepEqual(parseSmsCommand(`tt ${code}`), { kind: 'status', code, rawCode: code });
    assert.deepEqual(parseSmsCommand(`TT ${code} cam on`), { kind: 'status', code, rawCode: `${code} cam on` });
  });

  it('returns no code for TT alone', () => {
    for (const message of ['TT', 'tt', ' TT ', 'TT:', 'TT.']) {
      assert.deepEqual(parseSmsCommand(message), { kind: 'status', code: undefined, rawCode: undefined }, message);
    }
  });

  it('returns the raw text but no code when what follows TT is not a valid code', () => {
    assert.deepEqual(parseSmsCommand('TT abc'), { kind: 'status', code: undefined, rawCode: 'abc' });
    assert.deepEqual(parseSmsCommand('TT TB-YTJN-JM0Q'), { kind: 'status', code: undefined, rawCode: 'TB-YTJN-JM0Q' });
    assert.deepEqual(parseSmsCommand('tt tb ytjn jm'), { kind: 'status', code: undefined, rawCode: 'tb ytjn jm' });
  });

  it('treats TT glued to other letters as the start of a tip', () => {
    for (const message of ['TTT', 'TTHC quận 3 có người lạ', 'Tôi thấy một vụ trộm', 'TTB-YTJN-JM0P']) {
      assert.deepEqual(parseSmsCommand(message), { kind: 'tip', text: message }, message);
    }
  });

  it('treats TT followed by a sentence without a code as a tip, so no report is lost', () => {
    const message = 'TT Củ Chi có người bán ma túy gần chợ';
    assert.deepEqual(parseSmsCommand(message), { kind: 'tip', text: message });
  });
});

describe('parseSmsCommand: stop and start', () => {
  it('reads the opt-out words as the whole message, in any case and with or without diacritics', () => {
    for (const message of [
      'HUY', 'HỦY', 'huỷ', 'Huy', 'hủy', 'HỦY'.normalize('NFD'), 'STOP', 'stop', 'Stop', ' stop ', 'STOP.', 'Hủy!',
      'STOPALL', 'UNSUBSCRIBE', 'unsubscribe', 'CANCEL', 'END', 'end', 'QUIT', 'quit!!',
    ]) {
      assert.deepEqual(parseSmsCommand(message), { kind: 'stop' }, message);
    }
  });

  it('reads the opt-in words as the whole message', () => {
    for (const message of ['START', 'start', 'BAT', 'BẬT', 'bật', 'Bật.', 'UNSTOP', 'unstop']) {
      assert.deepEqual(parseSmsCommand(message), { kind: 'start' }, message);
    }
  });

  it('does not read a keyword that starts a longer message', () => {
    for (const message of ['HUY bo cuoc hen', 'Hủy bỏ cuộc hẹn', 'stop it', 'STOP ALL', 'bắt được kẻ trộm', 'start now', 'ending']) {
      assert.deepEqual(parseSmsCommand(message), { kind: 'tip', text: message }, message);
    }
  });
});

describe('parseSmsCommand: tips', () => {
  it('keeps an ordinary message as the tip, trimmed but otherwise as sent', () => {
    const message = 'Có người bán ma túy ở hẻm 12 Nguyễn Trãi, Q.1 — khoảng 22h!';
    assert.deepEqual(parseSmsCommand(`  ${message}\n`), { kind: 'tip', text: message });
  });

  it('removes a leading TG or TO GIAC keyword, in any case and with or without diacritics', () => {
    const report = 'Có người bán ma túy ở hẻm 12';
    for (const prefix of [
      'TG ', 'tg ', 'Tg:', 'TG: ', 'TG - ', 'TG-', 'TG – ', 'TOGIAC ', 'togiac:', 'TO GIAC ', 'to giac: ',
      'TỐ GIÁC ', 'Tố giác: ', 'tố giác - ', 'TỐ GIÁC '.normalize('NFD'), 'Tố  giác ', 'TG  \n ',
    ]) {
      assert.deepEqual(parseSmsCommand(prefix + report), { kind: 'tip', text: report }, prefix);
    }
  });

  it('keeps the diacritics and case of the tip text after the keyword', () => {
    assert.deepEqual(parseSmsCommand('TG Đường Lê Lợi có CƯỚP'), { kind: 'tip', text: 'Đường Lê Lợi có CƯỚP' });
  });

  it('returns the tip in NFC when it arrives decomposed', () => {
    const report = 'Trộm xe ở Quận Gò Vấp';
    assert.deepEqual(parseSmsCommand(`TG ${report}`.normalize('NFD')), { kind: 'tip', text: report });
    assert.deepEqual(parseSmsCommand(report.normalize('NFD')), { kind: 'tip', text: report });
  });

  it('returns an empty tip for the keyword alone', () => {
    for (const message of ['TG', 'tg', 'TG   ', 'TG:', ' TG - ', 'Tố giác', 'TOGIAC', 'to giac :', '']) {
      assert.deepEqual(parseSmsCommand(message), { kind: 'tip', text: '' }, JSON.stringify(message));
    }
  });

  it('does not remove a keyword glued to a word', () => {
    for (const message of ['TGDD bị trộm', 'Togiacx', 'Tố giácnhé', 'TG/abc']) {
      assert.deepEqual(parseSmsCommand(message), { kind: 'tip', text: message }, message);
    }
  });

  it('does not take a keyword-looking word later in the message', () => {
    const message = 'Tôi muốn TG vụ trộm';
    assert.deepEqual(parseSmsCommand(message), { kind: 'tip', text: message });
  });
});
