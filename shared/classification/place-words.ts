/**
 * The words the place finder (place-mentions.ts) reads around place names: type words before
 * and after a name, words that make a number a quantity, the triggers of each context (where the
 * tipster lives, where suspects fled, an authority named), the phrases that say a GPS point is not
 * the scene, and the phone numbers and licence plates whose digits are never unit numbers.
 */
import type { Token } from './vietnamese-text.ts';

/** Where a mention sits in the tip. */
export type Context = 'scene' | 'residence' | 'destination' | 'toward' | 'authority' | 'route' | 'near';

export type Level = 'commune' | 'district' | 'province' | 'street';

export interface Keyword {
  readonly level: Level;
  /** The type this word names; a commune or district of that type is preferred. */
  readonly type?: string;
  /** Accented spellings accepted when the tipster typed diacritics (lower case); none = any. */
  readonly accents?: readonly string[];
  /** Only when the next token is written after a dot ("x.", "đ."). */
  readonly needsDot?: boolean;
}

export const KEYWORDS_BEFORE: readonly [string, Keyword][] = [
  ['phường', { level: 'commune', type: 'Phường', accents: ['phường'] }],
  ['p', { level: 'commune', type: 'Phường' }],
  ['f', { level: 'commune', type: 'Phường' }],
  ['ward', { level: 'commune', type: 'Phường' }],
  ['xã', { level: 'commune', type: 'Xã', accents: ['xã'] }],
  ['x', { level: 'commune', type: 'Xã', needsDot: true }],
  ['commune', { level: 'commune', type: 'Xã' }],
  ['thị trấn', { level: 'commune', type: 'Thị trấn', accents: ['thị trấn'] }],
  ['tt', { level: 'commune', type: 'Thị trấn' }],
  ['đặc khu', { level: 'commune', type: 'Đặc khu', accents: ['đặc khu'] }],
  ['special zone', { level: 'commune', type: 'Đặc khu' }],
  ['quận', { level: 'district', type: 'Quận', accents: ['quận'] }],
  ['q', { level: 'district', type: 'Quận' }],
  ['huyện', { level: 'district', type: 'Huyện', accents: ['huyện'] }],
  ['h', { level: 'district', type: 'Huyện' }],
  ['thành phố', { level: 'district', type: 'Thành phố', accents: ['thành phố'] }],
  ['tp', { level: 'district', type: 'Thành phố' }],
  ['thị xã', { level: 'district', type: 'Thị xã', accents: ['thị xã'] }],
  ['tx', { level: 'district', type: 'Thị xã' }],
  ['district', { level: 'district', type: 'Quận' }],
  ['dist', { level: 'district', type: 'Quận' }],
  ['tỉnh', { level: 'province', accents: ['tỉnh'] }],
  ['province', { level: 'province' }],
  ['đường', { level: 'street', accents: ['đường'] }],
  ['đ', { level: 'street', needsDot: true }],
  ['phố', { level: 'street', accents: ['phố'] }],
  ['đại lộ', { level: 'street' }],
  ['hẻm', { level: 'street', accents: ['hẻm'] }],
  ['ngõ', { level: 'street', accents: ['ngõ'] }],
  ['street', { level: 'street' }],
];

/** English type words written after the name ("Tan Phu ward", "Binh Thanh district"). */
export const KEYWORDS_AFTER: readonly [string, Keyword][] = [
  ['ward', { level: 'commune', type: 'Phường' }],
  ['commune', { level: 'commune', type: 'Xã' }],
  ['town', { level: 'commune', type: 'Thị trấn' }],
  ['special zone', { level: 'commune', type: 'Đặc khu' }],
  ['district', { level: 'district', type: 'Quận' }],
  ['city', { level: 'district', type: 'Thành phố' }],
  ['province', { level: 'province' }],
  ['street', { level: 'street' }],
  ['st', { level: 'street' }],
  ['road', { level: 'street' }],
  ['rd', { level: 'street' }],
  ['avenue', { level: 'street' }],
  ['ave', { level: 'street' }],
  ['boulevard', { level: 'street' }],
  ['blvd', { level: 'street' }],
];

/** Words after a number that make it a quantity or a time, not a unit number ("7 giờ", "15p"). */
export const QUANTITY_WORDS = new Set(
  'gio h g phut tieng trieu tr k nghin ngan dong usd do km m met nguoi ng chiec cai lan ngay thang nam tuoi xe tan kg am pm hours hour minutes min people thg tr'.split(' '),
);

/** Words that may stand between a commune and its district: "phường 5 thuộc quận 3", "(Q9 cũ)". */
export const COMPOUND_GAP = new Set('cu thuoc of in tai'.split(' '));

export const TRIGGERS: readonly [Context, string][] = [
  ...'tôi ở|tui ở|tôi đang ở|tui đang ở|mình ở|em ở|nhà tôi|nhà tui|nhà em|nhà mình|nhà chúng tôi|tôi sống|tui sống|sống ở|sống tại|tôi ở tại|tôi làm ở|tôi làm việc ở|tôi làm việc tại|tôi làm tại|công ty tôi|quê tôi|quê ở|quê quán|hộ khẩu|i live|we live|i m living|i am living|i stay|i am staying|i m staying|my house|my home|my apartment|i work'
    .split('|')
    .map((t): [Context, string] => ['residence', t]),
  ...'về hướng|hướng về|chạy về|chạy vào|chạy ra|chạy sang|chạy qua|chạy lên|trốn về|trốn sang|trốn vào|tẩu thoát về|về phía|bay đi|bay ra|bay về|chuyến về|chở về|đưa về|đi về phía|toward|towards|heading to|heading toward|heading towards|fled to|fled toward|ran to|ran toward|ran towards|rode off towards|rode off toward'
    .split('|')
    .map((t): [Context, string] => ['destination', t]),
  ...'công an tỉnh|ca tỉnh|truy nã ở|truy nã tại|truy nã của|wanted in|wanted by|police in|tòa án|người gốc|gốc ở|xưng là công an|xưng công an|tự xưng công an|tự xưng là công an|mạo danh công an|giả danh công an|giả làm công an|giả công an|xưng là cán bộ|mạo danh cán bộ|giả danh cán bộ|pretending to be police from|claiming to be police from|impersonating police from'
    .split('|')
    .map((t): [Context, string] => ['authority', t]),
  ...'về|to'.split('|').map((t): [Context, string] => ['toward', t]),
  ...'on the way|from the|trên đường từ|trên đường đi|trên đường về'.split('|').map((t): [Context, string] => ['route', t]),
  ...'gần|near|cạnh|sát|đối diện|opposite|next to|close to|bên cạnh'.split('|').map((t): [Context, string] => ['near', t]),
];

/** Tokens that start a new scene: they end a residence clause. */
const SCENE_STARTS = new Set('nhung but thay saw phat hien xay ra tai con bi'.split(' '));

/** How many tokens each context reaches, at most (residence: the clause). */
export const CONTEXT_REACH: Record<Context, number> = { scene: 0, residence: 40, destination: 6, toward: 1, authority: 6, route: 8, near: 3 };

/** Ways of saying that the GPS point sent with the tip is where the tipster is, not the scene. */
export const POINT_NOT_SCENE = [
  'không phải nơi xảy ra',
  'không phải chỗ xảy ra',
  'không phải hiện trường',
  'không phải nơi xảy ra sự việc',
  'vị trí gửi kèm là khách sạn',
  'vị trí gửi kèm là nhà',
  'vị trí gửi kèm là chỗ ở',
  'vị trí gửi kèm là nơi tôi',
  'vị trí đính kèm là khách sạn',
  'vị trí đính kèm là nhà',
  'vị trí tôi gửi là khách sạn',
  'vị trí tôi gửi là nhà',
  'vị trí là khách sạn',
  'vị trí là nhà tôi',
  'vị trí của tôi là',
  'tôi đang ở nhà',
  'tôi đang ở khách sạn',
  'tôi gửi từ nhà',
  'tôi viết từ',
  'gửi từ nhà',
  'gửi từ khách sạn',
  'not where it happened',
  'not the scene',
  'not where the',
  'writing from my',
  'writing from home',
  'writing this from',
  'sending this from',
  'i am at home',
  'i m at home',
  'i am at my hotel',
  'i m at my hotel',
  'from my hotel',
  'location is my hotel',
  'location is my home',
  'location is where i',
  'this is my hotel',
  'this is my home',
];

/** Tokens that are phone numbers or licence plates: their digits are never unit or ward numbers. */
export function maskTraps(tokens: readonly Token[]): boolean[] {
  const masked = new Array<boolean>(tokens.length).fill(false);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!t.numeric) continue;
    // A phone number: 9+ digits, possibly in groups ("0937 000 456", "0903.123.456").
    let digits = t.raw.length;
    let j = i + 1;
    while (j < tokens.length && (tokens[j] as Token).numeric && /^[\s.-]?$/.test((tokens[j] as Token).sep) && digits < 12) {
      digits += (tokens[j] as Token).raw.length;
      j++;
    }
    if (digits >= 9 && (t.raw.startsWith('0') || t.raw.startsWith('84'))) {
      for (let k = i; k < j; k++) masked[k] = true;
      i = j - 1;
      continue;
    }
    // A licence plate: "59-X1 123.45", "51G-222.33", "59X1-12345", "59X2-000.83".
    const series = tokens[i + 1];
    if (t.raw.length === 2 && series && !series.numeric && series.text.length <= 2 && (series.glued || series.sep.trim() === '-')) {
      let k = i + 2;
      if (tokens[k]?.numeric && tokens[k]?.glued && (tokens[k] as Token).raw.length <= 2) k++;
      const serial = tokens[k];
      if (serial?.numeric && serial.raw.length >= 3 && serial.raw.length <= 5) {
        k++;
        if (tokens[k]?.numeric && tokens[k]?.sep.trim() === '.' && (tokens[k] as Token).raw.length === 2) k++;
        for (let m = i; m < k; m++) masked[m] = true;
        i = k - 1;
      }
    }
  }
  return masked;
}

/** Whether a token ends the reach of a context that started before it. */
export function endsClause(token: Token, context: Context): boolean {
  const sep = token.sep;
  // A sentence ends at "!", "?", ";", a line break, or a dot followed by a space ("Q.1" goes on).
  if (/[!?;\n]|\.\s/.test(sep)) return true;
  if (context === 'residence') return SCENE_STARTS.has(token.text);
  return /[,()]/.test(sep);
}

/** Whether a sentence ends between two tokens. */
export const sentenceBreak = (token: Token): boolean => /[!?;\n]|\.\s/.test(token.sep);
