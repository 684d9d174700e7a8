/**
 * What an inbound SMS asks for. Tipsters text from basic phones, with or without diacritics,
 * in any case, sometimes with the keyword glued to a colon; anything that is not clearly a
 * command is a tip, because dropping a tip costs far more than answering a question twice.
 */
import { parseTrackingCode, type TrackingCode } from '../tip/tracking-code.ts';
import { toAsciiVietnamese } from './gsm.ts';

/** The intent of one inbound SMS. */
export type SmsCommand =
  /** A status query: `code` is set when `rawCode` reads as a valid tracking code. */
  | { kind: 'status'; code: TrackingCode | undefined; rawCode: string | undefined }
  /** Opt-out: no further messages to this number. */
  | { kind: 'stop' }
  /** Opt back in after a stop. */
  | { kind: 'start' }
  /** A tip or a follow-up to one; `text` may be empty when only the keyword was sent. */
  | { kind: 'tip'; text: string };

/**
 * Opt-out words, matched only as the whole message. HUY is the Vietnamese one; the English
 * ones are the carrier conventions (CTIA, AWS End User Messaging) that phones and people use.
 */
const stopWords = new Set(['huy', 'stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit']);

/** Opt-in words, matched only as the whole message. */
const startWords = new Set(['bat', 'start', 'unstop']);

/** "TT" (tra cứu, look up) as a whole word at the start, then separators before the code. */
const statusPrefix = /^tt(?:[\s:.,#\u2013\u2014-]+|$)/iu;

/** "TG" / "TO GIAC" (tố giác, denounce) on the folded text, ending at a separator or the end. */
const tipKeyword = /^(?:tg|to\s*giac)(?=$|[\s:\u2013\u2014-])/u;

/** Separators a tipster puts between the keyword and the tip; phones turn "--" into a dash. */
const leadingSeparators = /^[\s:\u2013\u2014-]+/u;

/** The most whitespace-separated pieces a typed tracking code comes in ("TB 7Q4K 9XPD"). */
const maxCodePieces = 3;

/** Lower case, no diacritics: how keywords are compared. */
function fold(text: string): string {
  return toAsciiVietnamese(text).toLowerCase();
}

/** The whole message as one keyword, with trailing punctuation ("Hủy.", "STOP!") ignored. */
function wholeMessageKeyword(text: string): string {
  return fold(text).replace(/[\s\p{P}]+$/u, '');
}

/**
 * The status query in the text after "TT", or undefined when that text is clearly not a code
 * but a message, e.g. "TT Củ Chi có người bán ma túy" where TT means thị trấn (town).
 */
function statusQuery(rest: string): SmsCommand | undefined {
  const cleaned = rest.replace(/[\s\p{P}]+$/u, '').trim();
  if (cleaned === '') return { kind: 'status', code: undefined, rawCode: undefined };
  const pieces = cleaned.split(/\s+/u);
  // The code may be typed in pieces and followed by words ("TT TB 7Q4K 9XPD cam on"); take the longest reading.
  for (let count = Math.min(pieces.length, maxCodePieces); count >= 1; count -= 1) {
    const code = parseTrackingCode(pieces.slice(0, count).join(''));
    if (code !== undefined) return { kind: 'status', code, rawCode: cleaned };
  }
  return pieces.length <= maxCodePieces ? { kind: 'status', code: undefined, rawCode: cleaned } : undefined;
}

/**
 * Where a leading tip keyword ends in the original text, or 0 without one. The keyword is
 * matched on the folded text, so each character is folded alone to map the end back.
 */
function tipKeywordEnd(text: string): number {
  let folded = '';
  const ends: number[] = [];
  let offset = 0;
  for (const character of text) {
    offset += character.length;
    for (const foldedCharacter of fold(character)) {
      folded += foldedCharacter;
      ends.push(offset);
    }
    // The longest keyword, "to giac" with some spaces, is short; the rest of a tip need not be folded.
    if (folded.length > 32) break;
  }
  const match = tipKeyword.exec(folded);
  if (!match) return 0;
  return ends[match[0].length - 1] ?? 0;
}

/**
 * Reads an inbound SMS. Stop and start count only as the whole message, "TT" only as a whole
 * word at the start; everything else is a tip, without its leading TG keyword. The tip text is
 * returned in NFC (what the rest of the pipeline expects) with its diacritics intact.
 */
export function parseSmsCommand(text: string): SmsCommand {
  const message = text.normalize('NFC').trim();
  const keyword = wholeMessageKeyword(message);
  if (stopWords.has(keyword)) return { kind: 'stop' };
  if (startWords.has(keyword)) return { kind: 'start' };

  const status = statusPrefix.exec(message);
  if (status) {
    const query = statusQuery(message.slice(status[0].length));
    if (query) return query;
  }

  const end = tipKeywordEnd(message);
  const body = end === 0 ? message : message.slice(end).replace(leadingSeparators, '');
  return { kind: 'tip', text: body.trim() };
}
