/**
 * Finds the places a tip mentions: administrative names with or without their type word
 * ("phường Bàn Cờ", "P.5", "quận 3", "Q9 cũ", "Tan Phu ward", "đặc khu Côn Đảo"), district
 * abbreviations ("GV", "TPTĐ"), landmarks and streets, each read against the city's lexicon.
 *
 * A commune written next to a district ("p22 Bình Thạnh", "xã Tóc Tiên, TP Phú Mỹ", "Ward 12,
 * District 10", "phường Phú Mỹ q7") is read as that district's commune: a compound mention, which
 * is how a pre-2025 address names a ward. Where the district has no commune of that name
 * ("phường Diên Hồng (quận 10 cũ)"), the district only qualifies the commune.
 *
 * Where a mention sits is kept too: the tipster's home or workplace ("tôi ở Q7 nhưng …"), where
 * suspects fled ("chạy về hướng …"), an authority named or impersonated ("xưng là công an quận
 * Tân Bình"). And whether the text says that the GPS point sent with it is not the scene ("vị
 * trí gửi kèm là khách sạn tôi đang ở").
 */
import type { AbbreviationKind, LexiconEntry } from '../jurisdictions/pack.ts';
import { FirstTokenIndex, PhraseTrie } from './phrase-trie.ts';
import type { Token } from './vietnamese-text.ts';
import {
  COMPOUND_GAP,
  CONTEXT_REACH,
  KEYWORDS_AFTER,
  KEYWORDS_BEFORE,
  POINT_NOT_SCENE,
  QUANTITY_WORDS,
  TRIGGERS,
  endsClause,
  maskTraps,
  sentenceBreak,
} from './place-words.ts';
import type { Context, Keyword, Level } from './place-words.ts';
import { canonicalAccents, hasDiacritics, isUpperCase } from './vietnamese-text.ts';

export type { Context } from './place-words.ts';


/** How a place was written; decides its weight. */
export type MentionKind =
  /** A commune after its type word: "phường Bàn Cờ", "xã Nhà Bè", "Tan Phu ward". */
  | 'commune'
  /** A commune's name alone: "Thảo Điền". */
  | 'commune-bare'
  /** A ward number after its type word, with no district beside it: "phường 15". */
  | 'commune-number'
  /** A commune with its district: "p22 Bình Thạnh", "xã Lý Nhơn, huyện Cần Giờ". */
  | 'compound'
  /** A district after its type word, or a numbered one: "quận 3", "Q9", "TP Thủ Dầu Một". */
  | 'district'
  /** A district's name alone: "Gò Vấp", "Thủ Dầu Một". */
  | 'district-bare'
  /** A safe abbreviation: "GV", "TPTĐ", "BTân". */
  | 'abbr'
  /** An abbreviation that may be a word: lower-case "gv" (giáo viên). */
  | 'abbr-weak'
  /** An English "D1". */
  | 'd-number'
  | 'province'
  | 'landmark'
  | 'area'
  | 'street'
  | 'street-bare';

/** One place the tip names. */
export interface Mention {
  /** What the words may mean; more than one entry when they are ambiguous. */
  readonly entries: readonly LexiconEntry[];
  readonly kind: MentionKind;
  /** Tokens [start, end). */
  readonly start: number;
  readonly end: number;
  readonly context: Context;
  /** A district beside a commune it has no commune of that name for: it only qualifies it. */
  readonly qualifier?: boolean;
  /** Every entry the words matched before the type word's preference, for joining with a district. */
  readonly matched?: readonly LexiconEntry[];
}

/** What the finder reports for a tip. */
export interface Mentions {
  readonly mentions: readonly Mention[];
  /** The tip says the GPS point sent with it is where the tipster is, not the scene. */
  readonly pointNotScene: boolean;
}

/** A lexicon form in the names trie. */
class NameHit {
  readonly entry: LexiconEntry;
  private readonly form: string;
  #accented: string | undefined;

  constructor(entry: LexiconEntry, form: string) {
    this.entry = entry;
    this.form = form;
  }

  /**
   * The form as written, for telling apart names that fold alike ("Thanh An", "Thạnh An").
   * Worked out on first use: only names that fold alike typed with diacritics need it, and
   * doing it for all 4,000 forms was a fifth of the trie's cold start.
   */
  get accented(): string {
    return (this.#accented ??= canonicalAccents(this.form));
  }
}

interface AbbreviationHit {
  readonly entry: LexiconEntry;
  readonly kind: AbbreviationKind;
}

/** Bits of the first-token index (the cue lexicon uses 8 and 16). */
const KEYWORD = 1;
const NAME = 2;
const TRIGGER = 4;
const ABBREVIATION = 32;
const POINT_CUE = 64;

const COMMUNE_KINDS: ReadonlySet<MentionKind> = new Set(['commune', 'commune-bare', 'commune-number']);
const DISTRICT_KINDS: ReadonlySet<MentionKind> = new Set(['district', 'district-bare', 'abbr', 'abbr-weak', 'd-number']);

export class MentionFinder {
  private readonly names = new PhraseTrie<NameHit>();
  private readonly abbreviations = new PhraseTrie<AbbreviationHit>();
  private readonly keywords = new PhraseTrie<Keyword>();
  private readonly keywordsAfter = new PhraseTrie<Keyword>();
  private readonly triggers = new PhraseTrie<Context>();
  private readonly pointCues = new PhraseTrie<true>();
  private readonly starts: FirstTokenIndex;

  /** `starts` may be shared with other tries so a tip's tokens are looked up once (bits 1, 2, 4, 32, 64 are ours). */
  constructor(entries: readonly LexiconEntry[], starts: FirstTokenIndex = new FirstTokenIndex()) {
    this.starts = starts;
    for (const entry of entries) {
      entry.forms.forEach((form, k) => {
        const folded = entry.folded?.[k];
        // The pack's folded tokens when it has them: folding 4,000 forms was most of the trie's cold start.
        if (folded === undefined) this.names.add(form, new NameHit(entry, form));
        else if (folded !== '') this.names.addTokens(folded.split(' '), new NameHit(entry, form));
      });
      for (const abbreviation of entry.abbreviations ?? []) this.abbreviations.add(abbreviation.text, { entry, kind: abbreviation.kind });
    }
    for (const [phrase, keyword] of KEYWORDS_BEFORE) this.keywords.add(phrase, keyword);
    for (const [phrase, keyword] of KEYWORDS_AFTER) this.keywordsAfter.add(phrase, keyword);
    for (const [context, phrase] of TRIGGERS) this.triggers.add(phrase, context);
    for (const phrase of POINT_NOT_SCENE) this.pointCues.add(phrase, true);
    this.starts.register(this.keywords, KEYWORD);
    this.starts.register(this.names, NAME);
    this.starts.register(this.triggers, TRIGGER);
    this.starts.register(this.abbreviations, ABBREVIATION);
    this.starts.register(this.pointCues, POINT_CUE);
  }

  /** Every place mention of the tokens, compounds joined. */
  find(tokens: readonly Token[], masks: Uint8Array = this.starts.masks(tokens)): Mentions {
    const masked = maskTraps(tokens);
    const contexts = this.contexts(tokens, masks);
    const found: Mention[] = [];
    let pointNotScene = false;
    const n = tokens.length;
    let i = 0;
    while (i < n) {
      const mask = masks[i] as number;
      if (mask & POINT_CUE && this.pointCues.longestAt(tokens, i)) pointNotScene = true;
      if (masked[i]) {
        i++;
        continue;
      }
      const keyword = mask & KEYWORD ? this.keywordAt(tokens, i, masked) : null;
      if (keyword) {
        const mention = this.afterKeyword(tokens, keyword.end, keyword.keyword, masked);
        if (mention) {
          // The mention's context is the keyword's: "về Q1" is a destination.
          found.push({ ...mention, start: i, context: contexts[i] as Context });
          i = mention.end;
          continue;
        }
        if (keyword.keyword.level === 'street') {
          // "đường số 7", or a street the gazetteer does not know: the keyword itself is no place.
          i = keyword.end;
          continue;
        }
      }
      const token = tokens[i] as Token;
      if (token.text === 'd' && !token.glued && tokens[i + 1]?.numeric && tokens[i + 1]?.glued && !masked[i + 1]) {
        // English "D1": District 1, unless it is a street ("D5 street", "đường D5").
        const entries = this.districtNumber((tokens[i + 1] as Token).text);
        const after = this.keywordsAfter.longestAt(tokens, i + 2);
        const street = after?.values[0]?.level === 'street' || this.keywordAt(tokens, i - 1, masked)?.keyword.level === 'street';
        if (entries.length > 0 && !street) {
          found.push({ entries, kind: 'd-number', start: i, end: i + 2, context: contexts[i] as Context });
        }
        i += 2;
        continue;
      }
      const bare = mask & (NAME | ABBREVIATION) ? this.bareAt(tokens, i, found[found.length - 1]) : null;
      if (bare) {
        found.push({ ...bare, start: i, context: contexts[i] as Context });
        i = bare.end;
        continue;
      }
      i++;
    }
    return { mentions: joinCompounds(found, tokens), pointNotScene };
  }

  /** A type word starting at token i (checked for diacritics and for being a quantity or a time). */
  private keywordAt(tokens: readonly Token[], i: number, masked: readonly boolean[]): { keyword: Keyword; end: number } | null {
    if (i < 0 || i >= tokens.length || masked[i]) return null;
    const token = tokens[i] as Token;
    if (!this.keywords.startsWith(token.text)) return null;
    if (token.glued && tokens[i - 1]?.numeric) return null; // "9h", "15p": a time, not a keyword
    for (const match of this.keywords.matchesAt(tokens, i).reverse()) {
      const keyword = match.values[0] as Keyword;
      const raw = spanText(tokens, match.start, match.end);
      if (keyword.accents && hasDiacritics(raw) && !keyword.accents.includes(raw.normalize('NFC'))) continue;
      const next = tokens[match.end];
      if (!next) continue;
      if (keyword.needsDot && !next.sep.trim().startsWith('.')) continue;
      return { keyword, end: match.end };
    }
    return null;
  }

  /** The place a type word introduces: a number or a name of the type word's level. */
  private afterKeyword(tokens: readonly Token[], i: number, keyword: Keyword, masked: readonly boolean[]): Omit<Mention, 'start' | 'context'> | null {
    const token = tokens[i];
    if (!token || masked[i]) return null;
    if (token.numeric) {
      const after = tokens[i + 1];
      // "7 giờ", "15p", "20 xe": a quantity, unless punctuation stands between ("Q1: xe SH").
      if (after && QUANTITY_WORDS.has(after.text) && (after.glued || (keyword.level !== 'commune' && after.sep.trim() === ''))) return null;
      if (keyword.level === 'district') {
        const entries = this.districtNumber(token.text);
        return entries.length > 0 ? { entries, kind: 'district', end: i + 1 } : null;
      }
      if (keyword.level === 'commune') {
        const entries = this.nameMatches(tokens, i).find((m) => m.end === i + 1)?.values.map((h) => h.entry).filter((e) => e.level === 'commune') ?? [];
        return entries.length > 0 ? { entries, kind: 'commune-number', end: i + 1 } : null;
      }
      return null;
    }
    if (keyword.level === 'district') {
      const abbreviation = this.abbreviationAt(tokens, i, true);
      const named = this.namedAt(tokens, i, keyword);
      if (named && (!abbreviation || named.end >= abbreviation.end)) return named;
      if (abbreviation) return { entries: abbreviation.entries, kind: 'district', end: abbreviation.end };
      return null;
    }
    return this.namedAt(tokens, i, keyword);
  }

  /** Entries of the keyword's level named at token i, longest name first. */
  private namedAt(tokens: readonly Token[], i: number, keyword: Keyword): Omit<Mention, 'start' | 'context'> | null {
    const matches = this.nameMatches(tokens, i);
    for (let m = matches.length - 1; m >= 0; m--) {
      const match = matches[m] as (typeof matches)[number];
      const hits = match.values.filter((h) => levelOf(h.entry) === keyword.level && !/^\d+$/.test(h.entry.name));
      if (hits.length === 0) continue;
      const matched = byAccent(hits, spanText(tokens, match.start, match.end));
      const entries = prefer(matched, keyword);
      if (keyword.level === 'commune') return { entries, kind: 'commune', end: match.end, matched };
      if (keyword.level === 'district') return { entries, kind: 'district', end: match.end };
      if (keyword.level === 'province') return { entries, kind: 'province', end: match.end };
      return { entries, kind: 'street', end: match.end };
    }
    if (keyword.level === 'street') {
      // A street named after a commune or district ("đường Tân Sơn Nhì"): in or next to it; it only confirms.
      const match = matches[matches.length - 1];
      const named = match?.values.filter((h) => h.entry.level === 'commune' || h.entry.level === 'district') ?? [];
      if (match && named.length > 0) return { entries: named.map((h) => h.entry), kind: 'street', end: match.end, qualifier: true };
    }
    return null;
  }

  /** A mention with no type word before it (maybe one after it: "Tan Phu ward"). */
  private bareAt(tokens: readonly Token[], i: number, previous: Mention | undefined): Omit<Mention, 'start' | 'context'> | null {
    const matches = this.nameMatches(tokens, i);
    const abbreviation = this.abbreviationAt(tokens, i, false, previous);
    for (let m = matches.length - 1; m >= 0; m--) {
      const match = matches[m] as (typeof matches)[number];
      if (abbreviation && abbreviation.end > match.end) break;
      const after = this.keywordsAfter.longestAt(tokens, match.end);
      const afterKeyword = after ? (after.values[0] as Keyword) : undefined;
      const raw = spanText(tokens, match.start, match.end);
      if (afterKeyword) {
        const hits = match.values.filter((h) => levelOf(h.entry) === afterKeyword.level && !/^\d+$/.test(h.entry.name));
        if (hits.length > 0) {
          const matched = byAccent(hits, raw);
          const entries = prefer(matched, afterKeyword);
          const kind: MentionKind = afterKeyword.level === 'commune' ? 'commune' : afterKeyword.level === 'district' ? 'district' : afterKeyword.level === 'province' ? 'province' : 'street';
          return { entries, kind, end: after?.end ?? match.end, matched };
        }
      }
      const reading = this.bareReading(match.values, raw);
      if (reading) return { ...reading, end: match.end };
    }
    return abbreviation ? { entries: abbreviation.entries, kind: abbreviation.weak ? 'abbr-weak' : 'abbr', end: abbreviation.end } : null;
  }

  /** What a name alone means: a district, a landmark, a commune, a province, a street — in that order. */
  private bareReading(hits: readonly NameHit[], raw: string): { entries: LexiconEntry[]; kind: MentionKind } | null {
    const usable = hits.filter((h) => !h.entry.keywordOnly && !h.entry.needsKeyword && !/^\d+$/.test(h.entry.name));
    const of = (level: string) => usable.filter((h) => h.entry.level === level);
    const districts = of('district');
    if (districts.length > 0) return { entries: byAccent(districts, raw), kind: 'district-bare' };
    const landmarks = of('landmark');
    if (landmarks.length > 0) return { entries: landmarks.map((h) => h.entry), kind: 'landmark' };
    const areas = of('area');
    if (areas.length > 0) return { entries: areas.map((h) => h.entry), kind: 'area' };
    const communes = of('commune');
    const current = communes.filter((h) => h.entry.generation === 'current');
    if (communes.length > 0) return { entries: byAccent(current.length > 0 ? current : communes, raw), kind: 'commune-bare' };
    const provinces = of('province');
    if (provinces.length > 0) return { entries: provinces.map((h) => h.entry), kind: 'province' };
    const streets = of('street');
    if (streets.length > 0) return { entries: streets.map((h) => h.entry), kind: 'street-bare' };
    return null;
  }

  /** A district abbreviation at token i, if its kind allows it here. */
  private abbreviationAt(tokens: readonly Token[], i: number, afterKeyword: boolean, previous?: Mention): { entries: LexiconEntry[]; end: number; weak: boolean } | null {
    if (!this.abbreviations.startsWith((tokens[i] as Token).text)) return null;
    const match = this.abbreviations.longestAt(tokens, i);
    if (!match) return null;
    const raw = tokens.slice(match.start, match.end).map((t) => t.raw);
    const capitals = raw.every((r) => isUpperCase(r));
    // Right after a commune ("p17 gv", "PN p.15"), an abbreviation names that commune's district.
    const besideCommune = previous !== undefined && COMMUNE_KINDS.has(previous.kind) && previous.end === i;
    const strong: LexiconEntry[] = [];
    const weak: LexiconEntry[] = [];
    for (const hit of match.values) {
      if (hit.kind === 'abbr-safe' || afterKeyword) strong.push(hit.entry);
      else if (hit.kind === 'abbr' && (capitals || besideCommune)) strong.push(hit.entry);
      else if (hit.kind === 'abbr') weak.push(hit.entry);
    }
    if (strong.length > 0) return { entries: strong, end: match.end, weak: false };
    if (weak.length > 0) return { entries: weak, end: match.end, weak: true };
    return null;
  }

  /** Districts with this number: "Quận 3", and the numbered districts merged away ("Quận 9"). */
  private districtNumber(number: string): LexiconEntry[] {
    const node = this.names.lookup([number]);
    return (node ?? []).map((h) => h.entry).filter((e) => e.level === 'district');
  }

  private nameMatches(tokens: readonly Token[], i: number) {
    return this.names.startsWith((tokens[i] as Token).text) ? this.names.matchesAt(tokens, i) : [];
  }

  /** The context each token sits in (home, destination, …), from the trigger phrases before it. */
  private contexts(tokens: readonly Token[], masks: Uint8Array): Context[] {
    const contexts: Context[] = new Array<Context>(tokens.length).fill('scene');
    for (let i = 0; i < tokens.length; i++) {
      if (((masks[i] as number) & TRIGGER) === 0) continue;
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
}

/** Which level a lexicon entry answers to after a type word. */
function levelOf(entry: LexiconEntry): Level | 'other' {
  if (entry.level === 'commune' || entry.level === 'district' || entry.level === 'province' || entry.level === 'street') return entry.level;
  return 'other';
}

/** The raw text of tokens [start, end), lower case, single-spaced. */
function spanText(tokens: readonly Token[], start: number, end: number): string {
  return tokens
    .slice(start, end)
    .map((t) => t.raw.toLowerCase())
    .join(' ');
}

/** Names that fold alike ("Thanh An", "Thạnh An") are told apart by the diacritics, when typed. */
function byAccent(hits: readonly NameHit[], raw: string): LexiconEntry[] {
  const entries = [...new Set(hits.map((h) => h.entry))];
  if (entries.length < 2 || !hasDiacritics(raw)) return entries;
  const typed = canonicalAccents(raw);
  const exact = [...new Set(hits.filter((h) => h.accented === typed).map((h) => h.entry))];
  return exact.length > 0 ? exact : entries;
}

/**
 * Of the entries a type word and a name match, the ones it most likely means: the keyword's own
 * type first ("xã Củ Chi" is the commune, "thị trấn Củ Chi" the old township), and of those the
 * map in force ("phường Phú Mỹ" is today's ward; the old one of Quận 7 needs its district).
 */
function prefer(entries: readonly LexiconEntry[], keyword: Keyword): LexiconEntry[] {
  const typed = keyword.type ? entries.filter((e) => e.type === keyword.type || (keyword.type === 'Quận' && e.type === 'Huyện')) : [];
  const pool = typed.length > 0 ? typed : [...entries];
  if (keyword.level !== 'commune') return pool;
  const current = pool.filter((e) => e.generation === 'current');
  return current.length > 0 ? current : pool;
}

/** Whether two mentions stand side by side: nothing but punctuation, or one linking word, between. */
function adjacent(tokens: readonly Token[], first: Mention, second: Mention): boolean {
  if (second.start < first.end) return false;
  const gap = second.start - first.end;
  if (gap > 1) return false;
  if (gap === 1 && !COMPOUND_GAP.has((tokens[first.end] as Token).text)) return false;
  for (let k = first.end; k <= second.start; k++) if (sentenceBreak(tokens[k] as Token)) return false;
  return true;
}

/**
 * Joins a commune and the district beside it into one mention of that district's commune
 * ("p22 Bình Thạnh"), whichever comes first. A district beside a commune it has none of that
 * name for only qualifies it.
 */
function joinCompounds(mentions: readonly Mention[], tokens: readonly Token[]): Mention[] {
  const out: Mention[] = [];
  for (let k = 0; k < mentions.length; k++) {
    const first = mentions[k] as Mention;
    const second = mentions[k + 1];
    if (second && adjacent(tokens, first, second)) {
      const commune = COMMUNE_KINDS.has(first.kind) && DISTRICT_KINDS.has(second.kind) ? first : COMMUNE_KINDS.has(second.kind) && DISTRICT_KINDS.has(first.kind) ? second : undefined;
      const district = commune === first ? second : commune === second ? first : undefined;
      if (commune && district) {
        const districtIds = new Set(district.entries.map((e) => e.id));
        const joined = (commune.matched ?? commune.entries).filter((e) => e.parents?.some((p) => districtIds.has(p)));
        if (joined.length > 0) {
          out.push({ entries: joined, kind: 'compound', start: first.start, end: second.end, context: first.context });
          k++;
          continue;
        }
        if (commune.kind !== 'commune-number') {
          out.push(first === district ? { ...first, qualifier: true } : first);
          out.push(second === district ? { ...second, qualifier: true } : second);
          k++;
          continue;
        }
      }
    }
    out.push(first);
  }
  return out;
}
