/**
 * How alike two reports are worded. Only content words count: the words nearly every Vietnamese
 * tip shares (có, ở, tại, người, đang, công an, xin, …), place words (đường, phường, quận, hẻm,
 * số, the names of places themselves) and numbers are left out, so two reports of different
 * incidents on one street do not look alike because of the street. Place is its own signal
 * (features.ts, rule.ts).
 *
 * The measure is the Sørensen–Dice coefficient of the character trigrams of the content words
 * (trigram-utils, ADR 0018), on the text folded (no diacritics, đ → d, lower case): a report
 * typed without diacritics on a phone reads as the one typed with them. When both reports were
 * written with diacritics, the trigrams with diacritics count too, so words that fold alike but
 * differ ("bán", "bạn") pull two reports apart.
 */
import { trigrams as paddedTrigrams } from 'trigram-utils';
import { canonicalAccents, hasDiacritics, type Token } from '../classification/vietnamese-text.ts';

/**
 * Words that say nothing about what happened, folded: function words, pronouns, the words of
 * asking the police for help, time words, place type words, and the SMS shorthand for all of
 * them ("ko", "dc", "ng").
 */
const stopWordList = [
  // Function words and pronouns.
  'ai anh ay bi bo boi cac cai can cho chi chinh chua chung co cu cua cung da dang day de deu di do duoc duoi em gi gio giua ha hai hay het ho hoac hon hom khi khong kia la lai lam le len luc minh moi mot muon nao nay neu ngay nghe nghi ngoai nguoi nhieu nhu nhung no noi nua o oi ong phia qua ra rang rat roi sang sao se sau so ta tai tam tao the thi thoi thay biet xem toi tren trong truoc tu tui tung va vai van vao ve vi voi vua xin xong',
  // SMS shorthand, and English fillers.
  'ak bik bit cx dc dk hk hok j k ko kg kh khg mn mk ng ntn r ss t thik tk tl trc vs vj z and are at for from in is it of on the there this to was were with',
  // Asking the police, reporting.
  'bao cong an ca cs canh sat giup kiem tra xu ly phan anh to giac tin vui long nho nhanh gap khan cap lien he dia hien',
  // Time words.
  'bay gio hien nay hom qua toi dem khuya trua chieu sang som muon ngay thang nam tuan phut tieng am pm',
  // Place type words.
  'duong pho hem ngo ngach kiet phuong quan huyen xa tp thi tinh khu ap to dai lo quoc nha canh gan doi ben cach street st road ward district city',
];

/** The stop words, folded. */
export const stopWords: ReadonlySet<string> = new Set(stopWordList.join(' ').split(' '));

/** A report's content words, folded and, when it was written with diacritics, as written. */
export interface Wording {
  /** The content words folded, one space between. */
  readonly folded: string;
  /** The same words with their diacritics (lower case, tone marks placed the modern way); absent when the report has none. */
  readonly accented?: string;
}

/**
 * A report counts as written with diacritics when at least this share of its content words
 * carries one: words such as "xe" or "ma" have none in any spelling.
 */
export const accentedShare = 0.25;

/** Whether a token is a content word: letters, more than one of them, and not a stop word. */
export function isContentWord(token: Token): boolean {
  return !token.numeric && token.text.length > 1 && !stopWords.has(token.text);
}

/** The wording of the tokens that are content words, in the order written. */
export function wordingOf(tokens: readonly Token[]): Wording {
  const words = tokens.filter(isContentWord);
  const folded = words.map((token) => token.text).join(' ');
  const written = words.map((token) => token.raw);
  const marked = written.filter(hasDiacritics).length;
  if (words.length === 0 || marked / words.length < accentedShare) return { folded };
  // Spelled once for all: canonicalAccents goes character by character and no word holds a space.
  return { folded, accented: canonicalAccents(written.join(' ')) };
}

/**
 * A text's trigrams (trigram-utils pads it with a space at both ends) with their counts, and how
 * many there are: counted once per wording, as a search compares its tip with a hundred others.
 */
interface Trigrams {
  readonly counts: ReadonlyMap<string, number>;
  readonly total: number;
}

function trigramsOfText(text: string): Trigrams {
  const list = paddedTrigrams(text);
  const counts = new Map<string, number>();
  for (const trigram of list) counts.set(trigram, (counts.get(trigram) ?? 0) + 1);
  return { counts, total: list.length };
}

/** The Sørensen–Dice coefficient of two trigram multisets: 0 … 1, 1 for the same text. */
function dice(a: Trigrams, b: Trigrams): number {
  const total = a.total + b.total;
  if (total === 0) return 0;
  // The shared count is the same from either side: walk the smaller.
  const [fewer, more] = a.counts.size <= b.counts.size ? [a.counts, b.counts] : [b.counts, a.counts];
  let shared = 0;
  for (const [trigram, count] of fewer) {
    const other = more.get(trigram);
    if (other !== undefined) shared += Math.min(count, other);
  }
  return (2 * shared) / total;
}

/** Each wording's trigrams, folded and with diacritics, each worked out the first time it is needed. */
const foldedTrigrams = new WeakMap<Wording, Trigrams>();
const accentedTrigrams = new WeakMap<Wording, Trigrams>();

function trigramsOf(cache: WeakMap<Wording, Trigrams>, wording: Wording, text: string): Trigrams {
  let trigrams = cache.get(wording);
  if (!trigrams) {
    trigrams = trigramsOfText(text);
    cache.set(wording, trigrams);
  }
  return trigrams;
}

/** How many trigrams a wording has (its folded content words), for the rule's minimum. */
export function wordingSize(wording: Wording): number {
  return trigramsOf(foldedTrigrams, wording, wording.folded).total;
}

/**
 * How alike two wordings are, 0 … 1, symmetric. Folded always; with diacritics as well when
 * both have them, the mean of the two.
 */
export function wordingSimilarity(a: Wording, b: Wording): number {
  if (a.folded === '' || b.folded === '') return 0;
  const folded = dice(trigramsOf(foldedTrigrams, a, a.folded), trigramsOf(foldedTrigrams, b, b.folded));
  if (a.accented === undefined || b.accented === undefined) return folded;
  return (folded + dice(trigramsOf(accentedTrigrams, a, a.accented), trigramsOf(accentedTrigrams, b, b.accented))) / 2;
}
