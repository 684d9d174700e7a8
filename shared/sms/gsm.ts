/**
 * SMS encoding arithmetic. A message that stays in the GSM 03.38 alphabet travels as 7-bit
 * septets (160 per single SMS); one character outside it switches the whole message to UCS-2
 * (70 per single SMS), which more than doubles what a reply costs. Vietnamese with diacritics
 * is always UCS-2, so replies are written without them.
 */

/** GSM 03.38 default alphabet, one septet each. The escape character itself is left out on purpose. */
const basicCharacters = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

/** GSM 03.38 extension table: each is sent as escape plus a character, so two septets. */
const extensionCharacters = new Set('\f^{}\\[~]|€');

/** Septets in one single-part GSM-7 message, and per part once the 6-septet concatenation header is needed. */
const gsmSingle = 160;
const gsmPart = 153;
/** UTF-16 code units in one single-part UCS-2 message, and per part once the header is needed. */
const ucs2Single = 70;
const ucs2Part = 67;

/** How a text is encoded and how many parts it is sent as. */
export interface SmsSegmentation {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  readonly units: number;
  readonly segments: number;
}

/** True when the text can be sent in the GSM 03.38 alphabet (default table or extension table). */
export function isGsm7(text: string): boolean {
  for (const character of text) {
    if (!basicCharacters.has(character) && !extensionCharacters.has(character)) return false;
  }
  return true;
}

/**
 * Packs character sizes greedily into parts. Carriers never split an escape sequence or a
 * surrogate pair across two parts, so a two-unit character that does not fit moves whole to the
 * next part, and a long message can need one part more than units / perPart suggests.
 */
function countParts(sizes: readonly number[], total: number, single: number, perPart: number): number {
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return parts;
}

/** The encoding a text needs and how many SMS parts it takes; an empty text is still one SMS. */
export function smsSegments(text: string): SmsSegmentation {
  const gsm = isGsm7(text);
  const sizes: number[] = [];
  for (const character of text) {
    // A code point is one septet in GSM-7 unless it is escaped; in UCS-2 its UTF-16 length.
    sizes.push(gsm ? (extensionCharacters.has(character) ? 2 : 1) : character.length);
  }
  const units = sizes.reduce((sum, size) => sum + size, 0);
  return gsm
    ? { encoding: 'GSM-7', units, segments: countParts(sizes, units, gsmSingle, gsmPart) }
    : { encoding: 'UCS-2', units, segments: countParts(sizes, units, ucs2Single, ucs2Part) };
}

/** True when the text goes out as one SMS, the budget every tinbao reply is written to. */
export function fitsOneSegment(text: string): boolean {
  return smsSegments(text).segments === 1;
}

/**
 * Vietnamese without diacritics ("Công an Quận 1" → "Cong an Quan 1"), the way Vietnamese
 * people already text to stay in GSM-7. Characters that are not Vietnamese letters are kept.
 */
export function toAsciiVietnamese(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      // đ is a letter of its own, not d plus a mark, so NFD leaves it alone.
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      // Recompose what NFD split apart that is not a diacritic (Hangul syllables, for one).
      .normalize('NFC')
  );
}
