/**
 * Vietnamese text normalisation for matching: Unicode NFC, lower case, diacritics stripped
 * (đ → d), punctuation and spacing collapsed into token boundaries. Tokens keep their offsets
 * in the input so a match can be shown to an officer as the span the tipster actually wrote.
 *
 * The fold is a per-code-unit table built once, so normalising a tip is one pass over it.
 * Letters and digits are split into separate tokens ("Q1" → "q", "1"; "15h30" → "15", "h",
 * "30"), so "Q1", "Q.1", "q 1" and "quận 1" all reach the matcher as the same token pairs;
 * whether two tokens were written glued is kept for the rules that care (times, money).
 */

/** One token of a folded text. */
export class Token {
  constructor(
    source: string,
    text: string,
    start: number,
    end: number,
    numeric: boolean,
    glued: boolean,
    previousEnd: number,
  ) {
    this.source = source;
    this.text = text;
    this.start = start;
    this.end = end;
    this.numeric = numeric;
    this.glued = glued;
    this.previousEnd = previousEnd;
  }

  private readonly source: string;
  /** Folded form: lower-case ASCII letters or digits (numbers without leading zeros). */
  readonly text: string;
  /** Offset of the first code unit in the (NFC) input. */
  readonly start: number;
  /** Offset one past the last code unit in the (NFC) input. */
  readonly end: number;
  /** True for a run of digits. */
  readonly numeric: boolean;
  /** True when the token follows the previous one with nothing in between ("q1", "15h"). */
  readonly glued: boolean;
  /** Where the previous token ended (0 for the first token). */
  private readonly previousEnd: number;

  /** The token as written (NFC), to check diacritics or capitals when the fold loses them. */
  get raw(): string {
    return this.source.slice(this.start, this.end);
  }

  /** What stands between the previous token and this one, as written ("", " ", ".", ". ", ", "). */
  get sep(): string {
    return this.source.slice(this.previousEnd, this.start);
  }
}

/** A tip after normalisation. */
export interface NormalisedText {
  /** The input in NFC, which token offsets refer to. */
  readonly source: string;
  /** Same length as `source`: folded characters, with every non-alphanumeric one a space. */
  readonly folded: string;
  readonly tokens: readonly Token[];
}

const SPACE = 32;
/** Marks a combining diacritic left in the text: dropped from the token it sits in. */
const JOIN = 1;

/**
 * Below U+2000, only Basic Latin, Latin-1, Latin Extended-A and -B (U+0000–U+024F) and Latin
 * Extended Additional (U+1E00–U+1EFF, the precomposed Vietnamese letters) hold characters that
 * fold to a–z or 0–9; every other code unit stays a SPACE. Folding only these ranges gives the
 * same table as folding all 8,192 code units at a tenth of the cold-start cost
 * (test/domain/fold-table.test.ts compares the two).
 */
const FOLDED_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x024f],
  [0x1e00, 0x1eff],
];

/** The fold of one code unit other than a combining mark: its a–z/0–9 code, or SPACE. */
function foldCodeUnit(c: number): number {
  const base = String.fromCharCode(c).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const folded = base === 'đ' || base === 'ð' ? 'd' : base;
  return folded.length === 1 && /[a-z0-9]/.test(folded) ? folded.charCodeAt(0) : SPACE;
}

function buildFoldTable(): Uint8Array {
  const table = new Uint8Array(0x2000).fill(SPACE);
  for (const [first, last] of FOLDED_RANGES) for (let c = first; c <= last; c++) table[c] = foldCodeUnit(c);
  table.fill(JOIN, 0x300, 0x370);
  // Vietnamese d with stroke, both cases.
  table[0x0110] = 'd'.charCodeAt(0);
  table[0x0111] = 'd'.charCodeAt(0);
  // The apostrophe-like marks inside English words ("don't") join rather than split.
  table[0x27] = JOIN;
  table[0x2019] = JOIN;
  return table;
}

/** code unit → folded ASCII code (SPACE for separators, JOIN for combining marks). */
const foldTable = buildFoldTable();

const combining = /[\u0300-\u036f]/;

/** Folds one string: NFC, lower case, no diacritics, đ → d, every other character a space. */
export function fold(text: string): string {
  return normaliseInternal(text).folded;
}

function normaliseInternal(input: string): { source: string; folded: string } {
  const source = combining.test(input) ? input.normalize('NFC') : input;
  const n = source.length;
  const buf = n <= scratch.length ? scratch : (scratch = new Uint8Array(n * 2));
  for (let i = 0; i < n; i++) {
    const c = source.charCodeAt(i);
    buf[i] = c < 0x2000 ? (foldTable[c] as number) : SPACE;
  }
  // Short texts (cue phrases, most tips) skip TextDecoder, whose JavaScript wrapper costs more
  // than the decoding: it showed at cold start, when the tries fold their phrases. The codes are
  // all ASCII, so both give the same string.
  const folded = n <= 256 ? String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]) : latin1.decode(buf.subarray(0, n));
  return { source, folded };
}

let scratch = new Uint8Array(4096);
const latin1 = new TextDecoder('latin1');

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/** Normalises a tip and cuts it into tokens. */
export function normalise(input: string): NormalisedText {
  const { source, folded } = normaliseInternal(input);
  const tokens: Token[] = [];
  let prevEnd = 0;
  cut(folded, (text, start, end, digit) => {
    const glued = tokens.length > 0 && start === prevEnd;
    tokens.push(new Token(source, text, start, end, digit, glued, prevEnd));
    prevEnd = end;
  });
  return { source, folded, tokens };
}

/** Folds a phrase into its token texts, as {@link normalise} would cut it (without building tokens: the tries fold thousands of phrases at cold start). */
export function foldTokens(phrase: string): string[] {
  const texts: string[] = [];
  cut(normaliseInternal(phrase).folded, (text) => texts.push(text));
  return texts;
}

/** A phrase's folded tokens joined by single spaces, as the packs store their forms (`LexiconEntry.folded`). */
export function foldedPhrase(phrase: string): string {
  return foldTokens(phrase).join(' ');
}

/** Cuts folded text into tokens: runs of letters or of digits, combining marks dropped, numbers without leading zeros. */
function cut(folded: string, emit: (text: string, start: number, end: number, digit: boolean) => void): void {
  const n = folded.length;
  let i = 0;
  while (i < n) {
    let c = folded.charCodeAt(i);
    if (!isAlnum(c)) {
      i++;
      continue;
    }
    const start = i;
    const digit = isDigit(c);
    let hasJoin = false;
    i++;
    while (i < n) {
      c = folded.charCodeAt(i);
      if (c === JOIN) {
        hasJoin = true;
        i++;
        continue;
      }
      if (!isAlnum(c) || isDigit(c) !== digit) break;
      i++;
    }
    let end = i;
    while (end > start && folded.charCodeAt(end - 1) === JOIN) end--;
    let text = folded.slice(start, end);
    if (hasJoin) text = text.replace(/\u0001/g, '');
    if (digit && text.length > 1 && text.charCodeAt(0) === 48) text = text.replace(/^0+(?=\d)/, '');
    emit(text, start, end, digit);
  }
}

/** True when the raw token carries any Vietnamese diacritic (so the fold lost information). */
export function hasDiacritics(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) > 127) return true;
  return false;
}

/** True when the raw token is written in capitals ("GV", "PN"). */
export function isUpperCase(raw: string): boolean {
  return raw.length > 0 && raw === raw.toUpperCase() && raw !== raw.toLowerCase();
}

/** Tone marks, decomposed. */
const TONE = /[\u0300\u0301\u0303\u0309\u0323]/;
/** "oà", "oé", "uỷ" written with the tone on the second vowel of a final diphthong (older style). */
const OLD_STYLE_TONE = /(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\p{L}\p{M}])/gu;

/**
 * The spelling of a name for comparing diacritics: NFC, lower case, and the tone mark where
 * the modern convention puts it, so "Hoà" and "Hòa", "Thuỷ" and "Thủy" compare equal.
 */
export function canonicalAccents(text: string): string {
  const decomposed = text.normalize('NFD').toLowerCase();
  return (TONE.test(decomposed) ? decomposed.replace(OLD_STYLE_TONE, '$1$3$2') : decomposed).normalize('NFC').replace(/\s+/g, ' ').trim();
}
