/**
 * Decides which unit a tip belongs to, from (in this order) an explicit unit code, the GPS
 * point, and the text.
 *
 * Text evidence is scored as log-likelihood ratios. Each place mention adds weight to the units
 * it can mean: a unit named with its keyword ("Quận 1", "Q.Bình Thạnh", "huyện Củ Chi") weighs
 * most, a bare name, a ward, a landmark and a street less. A mention that can mean two units
 * gives both the weight, so two such mentions that agree on one unit single it out; a mention
 * that can mean three or more (a numbered ward, a long arterial) only confirms units that other
 * evidence already names. A softmax over the units plus a "nowhere" hypothesis turns the
 * weights into a confidence; below {@link ROUTING_CONFIDENCE_THRESHOLD} the tip goes to the city
 * desk with its candidates.
 *
 * Where a mention sits changes its weight: the tipster's home or workplace ("tôi ở Q7 nhưng
 * thấy ở …") counts little when the text names another place, a destination ("chạy về hướng
 * …", "bay đi …") or an issuing authority ("truy nã ở Đồng Nai") counts little at all.
 */
import type { AliasKind, JurisdictionPack, PlaceKind } from '../jurisdictions/pack.ts';
import { OUTSIDE } from '../jurisdictions/pack.ts';
import { GpsIndex } from './gps-index.ts';
import { FirstTokenIndex, PhraseTrie } from './phrase-trie.ts';
import type { RoutingCandidate, RoutingDecision, RoutingEvidence } from './types.ts';
import type { NormalisedText, Token } from './vietnamese-text.ts';
import { fold, hasDiacritics, isUpperCase } from './vietnamese-text.ts';

/**
 * Below this confidence a tip goes to the city desk (district null) with its candidates.
 * 0.6 means the best unit must clearly beat both every other unit and "nowhere": one explicit
 * unit name (≈0.97), a unique landmark (≈0.88), a unique street or ward (≈0.67–0.73) pass;
 * two units named equally (≈0.49 each) or a place on a border do not. A misrouted tip costs
 * more than a slower desk routing, so the bar sits above a coin flip between two units.
 */
export const ROUTING_CONFIDENCE_THRESHOLD = 0.6;

/** Metres from a coarse boundary within which the text may confirm or override the GPS point. */
export const GPS_BORDER_MARGIN_METRES = 300;

/** Log-likelihood weights of the kinds of text evidence. */
const W = {
  /** Unit named with its keyword: "Quận 1", "Q.Bình Thạnh", "huyện Củ Chi", "Binh Thanh district". */
  unitKeyword: 5,
  /** Unit name alone: "Bình Thạnh", "Gò Vấp". */
  unitName: 4,
  /** Abbreviation in capitals or distinctive: "GV", "PN", "BTân". */
  abbr: 3.5,
  /** Ambiguous lower-case abbreviation standing alone ("gv" may be "giáo viên"). */
  abbrWeak: 1.5,
  /** Named ward with its keyword: "phường Tân Định", "xã Tân Kiên". */
  wardKeyword: 4,
  /** Named ward alone: "Tân Định". */
  wardName: 2.5,
  /** A ward number that only one unit has ("phường 25": Bình Thạnh). */
  wardNumberUnique: 2.5,
  /** A ward number two units have. */
  wardNumberPair: 1.5,
  landmark: 3.5,
  area: 3,
  /** Street after "đường"/"street". */
  streetKeyword: 3,
  /** Street name alone. */
  streetName: 2.2,
  /** A mention that fits three or more units: it confirms, never decides. */
  support: 1,
  /** A unit named by an English "D1". */
  dNumber: 2,
  /** The "nowhere / cannot tell" hypothesis: the bar every unit has to clear. */
  none: 1.5,
  /** A ward number that contradicts a unit takes this off it. */
  wardConflict: 1,
} as const;

/** Bits of the first-token index. */
const KEYWORD = 1;
const NAME = 2;
const TRIGGER = 4;

/** A pair of candidates splits the weight of a single one. */
const PAIR_FACTOR = 0.7;
/** Further evidence for a unit counts with diminishing returns: 1, 1/2, 1/4, … */
const REPEAT_DECAY = 0.5;

type Context = 'scene' | 'residence' | 'destination' | 'toward' | 'authority' | 'route' | 'near';

const CONTEXT_FACTOR: Record<Context, number> = {
  scene: 1,
  residence: 1, // decided per tip: see scoreText
  destination: 0.15,
  toward: 0.15,
  authority: 0.15,
  route: 0.4,
  near: 0.85,
};
/** A residence mention counts this much when the text names another unit too. */
const RESIDENCE_FACTOR = 0.3;

/** GPS confidence deep inside a unit, and its range near a border. */
const GPS_CONFIDENCE = 0.97;
const GPS_BORDER_FLOOR = 0.65;
/** How much a GPS point that disagrees costs the text that overrides it. */
const GPS_DISSENT_FACTOR = 0.9;

type NameEntry =
  | { readonly type: 'unit'; readonly unit: string; readonly alias: AliasKind; readonly former: boolean }
  | { readonly type: 'ward'; readonly unit: string; readonly keywordOnly: boolean; readonly accented: string }
  | { readonly type: 'place'; readonly kind: PlaceKind; readonly units: readonly string[]; readonly needsKeyword: boolean };

type KeywordRole = 'unit' | 'ward' | 'street';

interface Keyword {
  readonly role: KeywordRole;
  /** Accented spellings accepted when the tipster typed diacritics (lower case); none = any. */
  readonly accents?: readonly string[];
  /** Only when the next token is written after a dot ("x.", "đ."). */
  readonly needsDot?: boolean;
}

interface Mention {
  readonly units: readonly string[];
  readonly weight: number;
  readonly support: boolean;
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly context: Context;
  /** A ward number: it may contradict a unit. */
  readonly wardNumber?: boolean;
}

/** What the text says, before GPS is considered. */
export interface TextScore {
  /** Candidates by confidence, best first. */
  readonly candidates: readonly RoutingCandidate[];
}

const KEYWORDS_BEFORE: readonly [string, Keyword][] = [
  ['quận', { role: 'unit', accents: ['quận'] }],
  ['q', { role: 'unit' }],
  ['huyện', { role: 'unit', accents: ['huyện'] }],
  ['h', { role: 'unit' }],
  ['thành phố', { role: 'unit', accents: ['thành phố'] }],
  ['tp', { role: 'unit' }],
  ['district', { role: 'unit' }],
  ['dist', { role: 'unit' }],
  ['phường', { role: 'ward', accents: ['phường'] }],
  ['p', { role: 'ward' }],
  ['f', { role: 'ward' }],
  ['xã', { role: 'ward', accents: ['xã'] }],
  ['x', { role: 'ward', needsDot: true }],
  ['thị trấn', { role: 'ward', accents: ['thị trấn'] }],
  ['tt', { role: 'ward' }],
  ['ward', { role: 'ward' }],
  ['commune', { role: 'ward' }],
  ['đường', { role: 'street', accents: ['đường'] }],
  ['đ', { role: 'street', needsDot: true }],
  ['phố', { role: 'street', accents: ['phố'] }],
  ['đại lộ', { role: 'street' }],
  ['hẻm', { role: 'street', accents: ['hẻm'] }],
  ['ngõ', { role: 'street', accents: ['ngõ'] }],
  ['street', { role: 'street' }],
];

const KEYWORDS_AFTER = new Map<string, KeywordRole>([
  ['district', 'unit'],
  ['city', 'unit'],
  ['ward', 'ward'],
  ['commune', 'ward'],
  ['street', 'street'],
  ['st', 'street'],
  ['road', 'street'],
  ['rd', 'street'],
  ['avenue', 'street'],
  ['ave', 'street'],
  ['boulevard', 'street'],
  ['blvd', 'street'],
]);

/** Words after a number that make it a quantity or a time, not a unit number ("7 giờ", "15p"). */
const QUANTITY_WORDS = new Set(
  'gio h g phut tieng trieu tr k nghin ngan dong usd do km m met nguoi chiec cai lan ngay thang nam tuoi xe tan kg am pm hours hour minutes min people'.split(' '),
);

const TRIGGERS: readonly [Context, string][] = [
  ...'tôi ở|tui ở|tôi đang ở|tui đang ở|mình ở|em ở|nhà tôi|nhà tui|nhà em|nhà mình|nhà chúng tôi|tôi sống|tui sống|sống ở|sống tại|tôi ở tại|tôi làm ở|tôi làm việc ở|tôi làm việc tại|tôi làm tại|công ty tôi|quê tôi|quê ở|quê quán|hộ khẩu|i live|we live|i m living|i am living|i stay|i am staying|i m staying|my house|my home|my apartment|i work'
    .split('|')
    .map((t): [Context, string] => ['residence', t]),
  ...'về hướng|hướng về|chạy về|chạy vào|chạy ra|chạy sang|chạy qua|chạy lên|trốn về|trốn sang|trốn vào|tẩu thoát về|về phía|bay đi|bay ra|bay về|chuyến về|chở về|đưa về|đi về phía|toward|towards|heading to|heading toward|heading towards|fled to|fled toward|ran to|ran toward|ran towards'
    .split('|')
    .map((t): [Context, string] => ['destination', t]),
  ...'công an tỉnh|ca tỉnh|truy nã ở|truy nã tại|truy nã của|wanted in|wanted by|police in|tòa án|người gốc|gốc ở'
    .split('|')
    .map((t): [Context, string] => ['authority', t]),
  ...'về|to'.split('|').map((t): [Context, string] => ['toward', t]),
  ...'on the way|from the|trên đường từ|trên đường đi|trên đường về'.split('|').map((t): [Context, string] => ['route', t]),
  ...'gần|near|cạnh|sát|đối diện|opposite|next to|close to|bên cạnh'.split('|').map((t): [Context, string] => ['near', t]),
];

/** Tokens that start a new scene: they end a residence clause. */
const SCENE_STARTS = new Set('nhung but thay saw phat hien xay ra tai con'.split(' '));

/** How many tokens each context reaches, at most (residence: the clause). */
const CONTEXT_REACH: Record<Context, number> = { scene: 0, residence: 40, destination: 6, toward: 1, authority: 6, route: 8, near: 3 };

export class DistrictResolver {
  readonly pack: JurisdictionPack;
  readonly gps: GpsIndex;
  private readonly codes: ReadonlySet<string>;
  private readonly names = new PhraseTrie<NameEntry>();
  private readonly keywords = new PhraseTrie<Keyword>();
  private readonly triggers = new PhraseTrie<Context>();
  /** First-token index of the three tries above (bits KEYWORD, NAME, TRIGGER), maybe shared with other tries. */
  private readonly starts: FirstTokenIndex;
  /** "1" → units with that number (Quận 1), former numbers included (Quận 2 → 769). */
  private readonly unitNumbers = new Map<string, string[]>();
  /** "15" → units with a Phường 15. */
  private readonly wardNumbers = new Map<string, string[]>();

  /** `starts` may be shared with other tries so a tip's tokens are looked up once (bits 1, 2, 4 are ours). */
  constructor(pack: JurisdictionPack, starts: FirstTokenIndex = new FirstTokenIndex()) {
    this.pack = pack;
    this.starts = starts;
    this.codes = new Set(pack.units.map((u) => u.code));
    this.gps = new GpsIndex(pack.boundaries, { marginMetres: GPS_BORDER_MARGIN_METRES });
    const keywordOnly = new Set(pack.keywordOnlyWards.map(fold).map((s) => s.trim().replace(/\s+/g, ' ')));
    for (const unit of pack.units) {
      for (const alias of unit.aliases) {
        if (alias.kind === 'number') push(this.unitNumbers, alias.text, unit.code);
        else this.names.add(alias.text, { type: 'unit', unit: unit.code, alias: alias.kind, former: alias.former === true });
      }
      for (const ward of unit.wards) {
        if (/^\d+$/.test(ward.name)) {
          push(this.wardNumbers, ward.name, unit.code);
          continue;
        }
        const folded = fold(ward.name).trim().replace(/\s+/g, ' ');
        this.names.add(ward.name, { type: 'ward', unit: unit.code, keywordOnly: keywordOnly.has(folded), accented: ward.name.toLowerCase() });
      }
    }
    for (const place of pack.places) {
      const entry: NameEntry = { type: 'place', kind: place.kind, units: place.units, needsKeyword: place.needsKeyword === true };
      for (const form of place.forms) this.names.add(form, entry);
    }
    for (const [phrase, keyword] of KEYWORDS_BEFORE) this.keywords.add(phrase, keyword);
    for (const [context, phrase] of TRIGGERS) this.triggers.add(phrase, context);
    this.starts.register(this.keywords, KEYWORD);
    this.starts.register(this.names, NAME);
    this.starts.register(this.triggers, TRIGGER);
  }

  /** Whether the code is a unit of this pack. */
  isUnit(code: string): boolean {
    return this.codes.has(code);
  }

  /** The routing decision for a tip. */
  resolve(
    text: NormalisedText,
    input: { district?: string | undefined; lat?: number | undefined; lon?: number | undefined },
    starts?: Uint8Array,
  ): RoutingDecision {
    if (input.district !== undefined && this.codes.has(input.district)) {
      const evidence: RoutingEvidence = { kind: 'code', code: input.district };
      const chosen: RoutingCandidate = { district: input.district, confidence: 1, method: 'explicit', evidence };
      return { district: input.district, confidence: 1, method: 'explicit', evidence, runnerUp: null, candidates: [chosen] };
    }
    const textCandidates = this.scoreText(text, starts).candidates;
    const point = validPoint(input.lat, input.lon);
    if (point) return this.fuseWithGps(point.lat, point.lon, textCandidates);
    return decide(textCandidates);
  }

  /** Scores the text alone. */
  scoreText(text: NormalisedText, starts?: Uint8Array): TextScore {
    const mentions = this.findMentions(text.tokens, starts ?? this.starts.masks(text.tokens));
    return { candidates: this.score(mentions, text) };
  }

  private fuseWithGps(lat: number, lon: number, text: readonly RoutingCandidate[]): RoutingDecision {
    const location = this.gps.locate(lat, lon);
    const evidence: RoutingEvidence = { kind: 'point', lat, lon };
    const textTop = text[0];
    const textSure = textTop !== undefined && textTop.confidence >= ROUTING_CONFIDENCE_THRESHOLD;
    const near = (code: string): boolean => location.nearby.some((n) => n.code === code);
    const gpsCandidate = (code: string, confidence: number): RoutingCandidate => ({ district: code, confidence, method: 'gps', evidence });

    if (location.code !== null) {
      const deep = location.borderDistance > GPS_BORDER_MARGIN_METRES;
      const g = deep ? GPS_CONFIDENCE : GPS_BORDER_FLOOR + (GPS_CONFIDENCE - GPS_BORDER_FLOOR) * (location.borderDistance / GPS_BORDER_MARGIN_METRES);
      const others = text.filter((c) => c.district !== location.code);
      if (textTop && textTop.district === location.code) {
        // The text confirms the point.
        const confidence = round(1 - (1 - g) * (1 - textTop.confidence));
        return build(gpsCandidate(location.code, confidence), others);
      }
      if (!deep && textSure && textTop && near(textTop.district)) {
        // Near a border the coarse polygon may be wrong: a confident text naming the neighbour wins.
        const chosen: RoutingCandidate = { ...textTop, confidence: round(textTop.confidence * GPS_DISSENT_FACTOR) };
        return build(chosen, [gpsCandidate(location.code, round(g)), ...others.filter((c) => c.district !== textTop.district)]);
      }
      const neighbours = location.nearby
        .filter((n) => n.code !== location.code && !others.some((c) => c.district === n.code))
        .map((n) => gpsCandidate(n.code, round(0.5 * (1 - n.distance / GPS_BORDER_MARGIN_METRES))));
      return build(gpsCandidate(location.code, round(textSure ? g * 0.9 : g)), [...others, ...neighbours]);
    }
    if (location.nearby.length > 0) {
      // Just outside every polygon (a river, a gap, the city line): only text can settle it.
      if (textSure && textTop && near(textTop.district)) return build(textTop, text.slice(1));
      const nearby = location.nearby.map((n) => gpsCandidate(n.code, round(0.5 * (1 - n.distance / GPS_BORDER_MARGIN_METRES))));
      if (textSure && textTop) return build({ ...textTop, confidence: round(textTop.confidence * GPS_DISSENT_FACTOR) }, [...text.slice(1), ...nearby]);
      return decide(mergeCandidates([...text, ...nearby]));
    }
    // The point is outside the city: the tipster may be elsewhere, so the text decides.
    return decide(text);
  }

  /** Finds every place mention in the tokens. */
  private findMentions(tokens: readonly Token[], starts: Uint8Array): Mention[] {
    const masked = maskTraps(tokens);
    const contexts = this.contexts(tokens, starts);
    const mentions: Mention[] = [];
    const n = tokens.length;
    let i = 0;
    while (i < n) {
      if (masked[i]) {
        i++;
        continue;
      }
      const keyword = (starts[i] as number) & KEYWORD ? this.keywordAt(tokens, i, masked) : null;
      if (keyword) {
        const found = this.afterKeyword(tokens, keyword.end, keyword.keyword.role, masked, contexts);
        if (found) {
          // The mention's context is the keyword's: "về Q1" is a destination.
          mentions.push({ ...found, start: i, context: contexts[i] as Context });
          i = found.end;
          continue;
        }
        if (keyword.keyword.role === 'street') {
          // "đường số 7", or a street the gazetteer does not know: the keyword itself is no place.
          i = keyword.end;
          continue;
        }
      }
      const token = tokens[i] as Token;
      if (token.text === 'd' && !token.glued && tokens[i + 1]?.numeric && tokens[i + 1]?.glued) {
        // English "D1": District 1, unless it is a street ("D5 street", "đường D5").
        const number = (tokens[i + 1] as Token).text;
        const after = tokens[i + 2]?.text;
        const units = this.unitNumbers.get(number);
        if (units && !(after && KEYWORDS_AFTER.get(after) === 'street') && !this.keywordAt(tokens, i - 1, masked)) {
          mentions.push({ units, weight: W.dNumber, support: false, label: 'district', start: i, end: i + 2, context: contexts[i] as Context });
        }
        i += 2;
        continue;
      }
      const bare = (starts[i] as number) & NAME ? this.bareAt(tokens, i, contexts) : null;
      if (bare) {
        mentions.push(bare);
        i = bare.end;
        continue;
      }
      i++;
    }
    return mentions;
  }

  /** A unit keyword starting at token i (checked for diacritics and for being a quantity). */
  private keywordAt(tokens: readonly Token[], i: number, masked: readonly boolean[]): { keyword: Keyword; end: number } | null {
    if (i < 0 || i >= tokens.length || masked[i]) return null;
    const token = tokens[i] as Token;
    if (!this.keywords.startsWith(token.text)) return null;
    if (token.glued && tokens[i - 1]?.numeric) return null; // "9h", "15p": a time, not a keyword
    for (const match of this.keywords.matchesAt(tokens, i).reverse()) {
      const keyword = match.values[0] as Keyword;
      const raw = tokens
        .slice(match.start, match.end)
        .map((t) => t.raw.toLowerCase())
        .join(' ');
      if (keyword.accents && hasDiacritics(raw) && !keyword.accents.includes(raw.normalize('NFC'))) continue;
      const next = tokens[match.end];
      if (!next) continue;
      if (keyword.needsDot && !next.sep.trim().startsWith('.')) continue;
      return { keyword, end: match.end };
    }
    return null;
  }

  /** The mention a keyword introduces: a number or a name of the keyword's kind. */
  private afterKeyword(
    tokens: readonly Token[],
    i: number,
    role: KeywordRole,
    masked: readonly boolean[],
    contexts: readonly Context[],
  ): Omit<Mention, 'start'> | null {
    const token = tokens[i];
    if (!token || masked[i]) return null;
    const context = contexts[i] as Context;
    if (token.numeric) {
      const after = tokens[i + 1];
      // "7 giờ", "15p", "20 xe": a quantity, unless punctuation stands between ("Q1: xe SH").
      if (after && QUANTITY_WORDS.has(after.text) && (after.glued || (role !== 'ward' && after.sep.trim() === ''))) return null;
      if (role === 'unit') {
        const units = this.unitNumbers.get(token.text);
        return units ? { units, weight: W.unitKeyword, support: false, label: 'district', end: i + 1, context } : null;
      }
      if (role === 'ward') {
        const units = this.wardNumbers.get(token.text);
        if (!units) return null;
        return wardNumberMention(units, i, context);
      }
      return null;
    }
    const matches = this.names.matchesAt(tokens, i);
    for (let m = matches.length - 1; m >= 0; m--) {
      const match = matches[m] as (typeof matches)[number];
      const entries = match.values;
      if (role === 'unit') {
        const units = unique(entries.filter((e) => e.type === 'unit').map((e) => (e as { unit: string }).unit));
        if (units.length > 0) return { units, weight: W.unitKeyword, support: false, label: 'district', end: match.end, context };
      } else if (role === 'ward') {
        const wards = entries.filter((e): e is Extract<NameEntry, { type: 'ward' }> => e.type === 'ward');
        const units = disambiguateByAccent(wards, tokens, match.start, match.end);
        if (units.length > 0) return sized({ units, weight: W.wardKeyword, label: 'ward', end: match.end, context });
      } else {
        const streets = entries.filter((e): e is Extract<NameEntry, { type: 'place' }> => e.type === 'place' && e.kind === 'street');
        if (streets.length > 0) {
          return sized({ units: unique(streets.flatMap((s) => s.units)), weight: W.streetKeyword, label: 'street', end: match.end, context });
        }
        // A street named after a ward or unit ("đường Tân Sơn Nhì"): usually in or next to it.
        const named = unique(entries.filter((e) => e.type === 'ward').map((e) => (e as { unit: string }).unit));
        if (named.length > 0) return { units: named, weight: W.support, support: true, label: 'street', end: match.end, context };
      }
    }
    return null;
  }

  /** A mention with no keyword before it. */
  private bareAt(tokens: readonly Token[], i: number, contexts: readonly Context[]): Mention | null {
    if (!this.names.startsWith((tokens[i] as Token).text)) return null;
    const matches = this.names.matchesAt(tokens, i);
    for (let m = matches.length - 1; m >= 0; m--) {
      const match = matches[m] as (typeof matches)[number];
      const context = contexts[i] as Context;
      const after = tokens[match.end]?.text;
      const role = after ? KEYWORDS_AFTER.get(after) : undefined;
      const mention = this.interpretBare(match.values, tokens, match.start, match.end, role);
      if (mention) {
        const end = role ? match.end + 1 : match.end;
        return { ...mention, start: i, end, context };
      }
    }
    return null;
  }

  private interpretBare(
    entries: readonly NameEntry[],
    tokens: readonly Token[],
    start: number,
    end: number,
    role: KeywordRole | undefined,
  ): Omit<Mention, 'start' | 'end' | 'context'> | null {
    const unitEntries = entries.filter((e): e is Extract<NameEntry, { type: 'unit' }> => e.type === 'unit');
    const wardEntries = entries.filter((e): e is Extract<NameEntry, { type: 'ward' }> => e.type === 'ward');
    const places = entries.filter((e): e is Extract<NameEntry, { type: 'place' }> => e.type === 'place');
    if (role === 'unit' && unitEntries.length > 0) {
      return { units: unique(unitEntries.map((e) => e.unit)), weight: W.unitKeyword, support: false, label: 'district' };
    }
    if (role === 'ward' && wardEntries.length > 0) {
      return sized({ units: disambiguateByAccent(wardEntries, tokens, start, end), weight: W.wardKeyword, label: 'ward' });
    }
    if (role === 'street') {
      const streets = places.filter((p) => p.kind === 'street');
      if (streets.length > 0) return sized({ units: unique(streets.flatMap((s) => s.units)), weight: W.streetKeyword, label: 'street' });
    }
    // Unit names first.
    const names = unitEntries.filter((e) => e.alias === 'name');
    if (names.length > 0) return { units: unique(names.map((e) => e.unit)), weight: W.unitName, support: false, label: 'district' };
    const raw = tokens.slice(start, end).map((t) => t.raw);
    const abbreviations = unitEntries.filter(
      (e) => e.alias === 'abbr-safe' || (e.alias === 'abbr' && raw.every((r) => isUpperCase(r))),
    );
    if (abbreviations.length > 0) return { units: unique(abbreviations.map((e) => e.unit)), weight: W.abbr, support: false, label: 'district' };
    // Then landmarks and areas.
    const landmarks = places.filter((p) => p.kind !== 'street' && !p.needsKeyword);
    if (landmarks.length > 0) {
      const weight = landmarks.some((p) => p.kind === 'landmark') ? W.landmark : W.area;
      return sized({ units: unique(landmarks.flatMap((p) => p.units)), weight, label: landmarks[0]?.kind ?? 'landmark' });
    }
    // Then wards that may stand alone.
    const wards = wardEntries.filter((e) => !e.keywordOnly);
    if (wards.length > 0) return sized({ units: disambiguateByAccent(wards, tokens, start, end), weight: W.wardName, label: 'ward' });
    const streets = places.filter((p) => p.kind === 'street' && !p.needsKeyword);
    if (streets.length > 0) return sized({ units: unique(streets.flatMap((s) => s.units)), weight: W.streetName, label: 'street' });
    const weak = unitEntries.filter((e) => e.alias === 'abbr');
    if (weak.length > 0) return { units: unique(weak.map((e) => e.unit)), weight: W.abbrWeak, support: false, label: 'district' };
    return null;
  }

  /** The context each token sits in (home, destination, …), from the trigger phrases before it. */
  private contexts(tokens: readonly Token[], starts: Uint8Array): Context[] {
    const contexts: Context[] = new Array<Context>(tokens.length).fill('scene');
    for (let i = 0; i < tokens.length; i++) {
      if (((starts[i] as number) & TRIGGER) === 0) continue;
      const match = this.triggers.longestAt(tokens, i);
      if (!match) continue;
      const context = match.values[0] as Context;
      const reach = CONTEXT_REACH[context];
      for (let j = match.end; j < tokens.length && j < match.end + reach; j++) {
        const token = tokens[j] as Token;
        if (j > match.end && endsClause(token, context)) break;
        contexts[j] = context;
      }
      i = match.end - 1;
    }
    return contexts;
  }

  /** Turns mentions into candidates with confidences. */
  private score(mentions: readonly Mention[], text: NormalisedText): RoutingCandidate[] {
    if (mentions.length === 0) return [];
    // A residence counts fully unless the text also names a place elsewhere.
    const sceneUnits = new Set<string>();
    for (const m of mentions) if (!m.support && m.context !== 'residence' && CONTEXT_FACTOR[m.context] >= 0.5) for (const u of m.units) sceneUnits.add(u);
    const factor = (m: Mention): number => {
      if (m.context !== 'residence') return CONTEXT_FACTOR[m.context];
      return sceneUnits.size > 0 && !m.units.some((u) => sceneUnits.has(u)) ? RESIDENCE_FACTOR : 1;
    };

    const parts = new Map<string, { weights: number[]; best: Mention; bestWeight: number }>();
    const add = (unit: string, weight: number, mention: Mention): void => {
      const entry = parts.get(unit);
      if (!entry) parts.set(unit, { weights: [weight], best: mention, bestWeight: weight });
      else {
        entry.weights.push(weight);
        if (weight > entry.bestWeight) {
          entry.best = mention;
          entry.bestWeight = weight;
        }
      }
    };
    for (const m of mentions) if (!m.support) for (const u of m.units) add(u, m.weight * factor(m), m);
    const primary = new Set(parts.keys());
    for (const m of mentions) {
      if (!m.support) continue;
      const w = m.weight * factor(m);
      for (const u of m.units) if (primary.size === 0 || primary.has(u)) add(u, w, m);
    }
    const totals = new Map<string, number>();
    for (const [unit, entry] of parts) {
      const sorted = entry.weights.sort((a, b) => b - a);
      let total = 0;
      let f = 1;
      for (const w of sorted) {
        total += w * f;
        f *= REPEAT_DECAY;
      }
      totals.set(unit, total);
    }
    // A ward number the unit does not have speaks against it.
    for (const m of mentions) {
      if (!m.wardNumber || factor(m) < 0.5) continue;
      for (const unit of primary) if (unit !== OUTSIDE && !m.units.includes(unit)) totals.set(unit, (totals.get(unit) ?? 0) - W.wardConflict);
    }
    let none = Math.exp(W.none);
    const outside = totals.get(OUTSIDE);
    if (outside !== undefined) {
      none += Math.exp(outside);
      totals.delete(OUTSIDE);
    }
    let sum = none;
    for (const total of totals.values()) sum += Math.exp(total);
    const candidates: RoutingCandidate[] = [];
    for (const [unit, total] of totals) {
      const best = (parts.get(unit) as { best: Mention }).best;
      const start = (text.tokens[best.start] as Token).start;
      const end = (text.tokens[best.end - 1] as Token).end;
      candidates.push({
        district: unit,
        confidence: round(Math.exp(total) / sum),
        method: 'text',
        evidence: { kind: 'text', span: text.source.slice(start, end), start, end },
      });
    }
    return candidates.sort((a, b) => b.confidence - a.confidence || a.district.localeCompare(b.district));
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Weight by how many units a mention may mean: one decides, two split, more only confirm. */
function sized(m: { units: readonly string[]; weight: number; label: string; end?: number; context?: Context }): Mention & { end: number; context: Context } {
  const n = m.units.length;
  const base = { units: m.units, label: m.label, end: m.end ?? 0, start: 0, context: m.context ?? 'scene' };
  if (n <= 1) return { ...base, weight: m.weight, support: false };
  if (n === 2) return { ...base, weight: m.weight * PAIR_FACTOR, support: false };
  return { ...base, weight: W.support, support: true };
}

function wardNumberMention(units: readonly string[], i: number, context: Context): Omit<Mention, 'start'> {
  const base = { units, label: 'ward', end: i + 1, context, wardNumber: true };
  if (units.length === 1) return { ...base, weight: W.wardNumberUnique, support: false };
  if (units.length === 2) return { ...base, weight: W.wardNumberPair, support: false };
  return { ...base, weight: W.support, support: true };
}

/** Wards that fold alike ("Tân Quy" / "Tân Quý") are told apart by the diacritics, when typed. */
function disambiguateByAccent(wards: readonly Extract<NameEntry, { type: 'ward' }>[], tokens: readonly Token[], start: number, end: number): string[] {
  const units = unique(wards.map((w) => w.unit));
  if (units.length < 2) return units;
  const raw = tokens
    .slice(start, end)
    .map((t) => t.raw)
    .join(' ')
    .normalize('NFC')
    .toLowerCase();
  if (!hasDiacritics(raw)) return units;
  const exact = unique(wards.filter((w) => w.accented === raw).map((w) => w.unit));
  return exact.length > 0 ? exact : units;
}

/** Whether a token ends the reach of a context that started before it. */
function endsClause(token: Token, context: Context): boolean {
  const sep = token.sep;
  // A sentence ends at "!", "?", ";", a line break, or a dot followed by a space ("Q.1" goes on).
  if (/[!?;\n]|\.\s/.test(sep)) return true;
  if (context === 'residence') return SCENE_STARTS.has(token.text);
  return /[,()]/.test(sep);
}

/**
 * Tokens that are phone numbers or licence plates: their digits are never unit or ward numbers.
 */
function maskTraps(tokens: readonly Token[]): boolean[] {
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
    // A licence plate: "59-X1 123.45", "51G-222.33", "59X1-12345".
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

/** A usable GPS point, with swapped coordinates put right; null for missing or impossible ones. */
function validPoint(lat: number | undefined, lon: number | undefined): { lat: number; lon: number } | null {
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (lat === 0 && lon === 0) return null;
  // Vietnam lies at latitude 8–24, longitude 102–110: a pair the other way round was swapped.
  if (lat > 100 && lat < 115 && lon > 5 && lon < 25) return { lat: lon, lon: lat };
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

function mergeCandidates(candidates: readonly RoutingCandidate[]): RoutingCandidate[] {
  const best = new Map<string, RoutingCandidate>();
  for (const c of candidates) if ((best.get(c.district)?.confidence ?? -1) < c.confidence) best.set(c.district, c);
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

/** Routes to the chosen candidate; the rest are listed for the officer, best first. */
function build(chosen: RoutingCandidate, others: readonly RoutingCandidate[]): RoutingDecision {
  const rest = mergeCandidates(others.filter((c) => c.district !== chosen.district));
  if (chosen.confidence < ROUTING_CONFIDENCE_THRESHOLD) return decide(mergeCandidates([chosen, ...rest]));
  return {
    district: chosen.district,
    confidence: chosen.confidence,
    method: chosen.method,
    evidence: chosen.evidence,
    runnerUp: rest[0] ?? null,
    candidates: [chosen, ...rest].slice(0, 5),
  };
}

/** Routes to the best candidate if it clears the threshold, else to the city desk with the candidates. */
function decide(candidates: readonly RoutingCandidate[]): RoutingDecision {
  const top = candidates[0];
  if (top && top.confidence >= ROUTING_CONFIDENCE_THRESHOLD) return build(top, candidates.slice(1));
  return {
    district: null,
    confidence: top?.confidence ?? 0,
    method: 'none',
    evidence: null,
    runnerUp: top ?? null,
    candidates: candidates.slice(0, 5),
  };
}
