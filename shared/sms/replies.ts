/**
 * What tinbao texts back. Every reply is Vietnamese without diacritics, so it stays in GSM-7,
 * and fits one SMS: a two-part reply costs twice, and on some basic phones arrives out of order
 * or not at all. Tests hold each reply to that budget with the longest inputs it can get.
 */
import type { TipStatus } from '../tip/tip.ts';
import { fitsOneSegment, toAsciiVietnamese } from './gsm.ts';

/** The sender as tipsters know it: Công an Thành phố Hồ Chí Minh. */
const sender = 'CA TP.HCM';

/** Every reply that might reach someone in danger ends by pointing at the emergency number. */
const emergency = 'Khan cap goi 113.';

/** A status in words a tipster understands; internal workflow names mean nothing to them. */
const statusWords: Readonly<Record<TipStatus | 'RECEIVED', string>> = {
  RECEIVED: 'dang phan loai',
  NEW: 'dang cho xu ly',
  ASSIGNED: 'da giao can bo',
  IN_PROGRESS: 'dang xac minh',
  RESOLVED: 'da giai quyet',
  REJECTED: 'da dong',
};

/**
 * Typographic characters phones and office keyboards insert that are not in GSM 03.38; one of
 * them alone would switch a whole reply to UCS-2, so they become their plain equivalents.
 */
const typographic: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u2018\u2019\u201A\u201B\u2032]/gu, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033]/gu, '"'],
  [/[\u2010-\u2015\u2212]/gu, '-'],
  [/\u2026/gu, '...'],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/gu, ' '],
  [/[\u200B-\u200D\u2060\uFEFF]/gu, ''],
];

/** Vietnamese text as GSM-7 can carry it: no diacritics, no typographic quotes or dashes. */
function plain(text: string): string {
  let result = toAsciiVietnamese(text);
  for (const [pattern, replacement] of typographic) result = result.replace(pattern, replacement);
  return result;
}

/**
 * The status line with the unit name, cut short with "..." if needed: the status matters more
 * than the full name, and the reply must stay one SMS.
 */
function statusReply(code: string, words: string, unitName: string | null): string {
  const head = `${sender}: tin bao ${code} ${words}.`;
  const tail = ` ${emergency}`;
  if (unitName === null) return head + tail;
  const unit = Array.from(plain(unitName).trim());
  for (let length = unit.length; length > 0; length -= 1) {
    const name = length === unit.length ? `${unit.join('')}.` : `${unit.slice(0, length).join('').trimEnd()}...`;
    const reply = `${head} Don vi: ${name}${tail}`;
    if (fitsOneSegment(reply)) return reply;
  }
  return head + tail;
}

/** The SMS replies, each one GSM-7 segment except the relayed officer message. */
export const smsReplies = {
  /** The tip is stored: its code and secret, shown this once, and how to follow it. */
  tipAccepted(code: string, secret: string): string {
    return `${sender} da nhan tin bao. Ma: ${code}, ma bi mat: ${secret} (giu kin). Xem ket qua: soan TT ${code}. ${emergency}`;
  },

  /**
   * A message soon after a tip that reports another place or crime: a tip of its own, with its
   * own code, and the sender is told so (the earlier tip keeps its code).
   */
  newMatterAccepted(code: string, secret: string): string {
    return `${sender}: da mo tin bao MOI (vu viec khac). Ma: ${code}, ma bi mat: ${secret} (giu kin). Xem: soan TT ${code}. ${emergency}`;
  },

  /** A message from a number with an open tip, added to that tip rather than opening a new one. */
  followUpAdded(code: string): string {
    return `${sender} da bo sung tin nhan cua ban vao tin bao ${code}. Xem ket qua: soan TT ${code}. ${emergency}`;
  },

  /** Where the tip is, and which unit holds it; null while it is still being routed. */
  status(code: string, status: TipStatus | 'RECEIVED', unitName: string | null): string {
    return statusReply(code, statusWords[status], unitName);
  },

  /** No tip with that code was sent from this number; the same answer whether the code exists or not. */
  statusNotFound(): string {
    return `${sender}: khong tim thay tin bao voi ma nay tu so dien thoai cua ban. Kiem tra lai ma, vd: TT TB-7Q4K-9XPD. ${emergency}`;
  },

  /** How to ask for a status, for a TT without a readable code. */
  statusUsage(): string {
    return `${sender}: de xem ket qua, soan TT va ma tin bao, vd: TT TB-7Q4K-9XPD. De gui tin bao, soan noi dung vu viec. ${emergency}`;
  },

  /** Confirms the opt-out, which carriers require, and how to undo it. */
  stopped(): string {
    return `${sender} se khong nhan tin den so nay nua. Tin bao da gui van duoc xu ly. Soan BAT de nhan lai tin. ${emergency}`;
  },

  /** Confirms the opt-in after a stop. */
  resumed(): string {
    return `${sender} se nhan tin lai den so nay. Soan HUY de ngung nhan tin. ${emergency}`;
  },

  /** Too many messages from this number this hour; the message is kept, not dropped. */
  rateLimited(limitPerHour: number): string {
    return `${sender} da luu tin nhan cua ban. So nay da gui qua ${limitPerHour} tin/gio, vui long cho it phut roi gui tiep. ${emergency}`;
  },

  /** Only the keyword arrived, with nothing to report. */
  /** Too short to act on ("alo", "hi", "test"): no tip is opened, the sender is asked for more. */
  needsDetails(): string {
    return `${sender}: tin nhan qua ngan, chua du de xu ly. Vui long soan ro: chuyen gi, o dau, khi nao. ${emergency}`;
  },

  emptyTip(): string {
    return `${sender}: tin nhan chua co noi dung. Vui long soan noi dung vu viec: gi, o dau, khi nao. ${emergency}`;
  },

  /**
   * An officer's reply relayed to the tipster. It is the officer's text, so it may run to
   * several SMS; it is still made GSM-7 so a long reply costs 153 characters a part, not 67.
   */
  officerMessage(code: string, text: string): string {
    return `${sender} (${code}): ${plain(text).trim()}`;
  },
} as const;
