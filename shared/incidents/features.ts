/**
 * What the duplicate search compares of a tip, read once when the tip is classified and kept in
 * the recent-tips index (recent-tips.ts): when, what category, where (its GPS point, the streets
 * and landmarks it names, the house or alley numbers on them) and its content words.
 *
 * Places are read with the classifier's own place finder (shared/classification/place-mentions.ts),
 * so "đường Lê Văn Sỹ", "duong le van sy" and "Le Van Sy" are one street. Only the places of the
 * scene count: where the tipster lives or where suspects fled is not where it happened.
 */
import type { Category, RoutingDecision } from '../classification/types.ts';
import type { Mentions } from '../classification/place-mentions.ts';
import { normalise, type Token } from '../classification/vietnamese-text.ts';
import type { Channel } from '../tip/envelope.ts';
import type { Tip } from '../tip/tip.ts';
import { stopWords, wordingOf, type Wording } from './wording.ts';

/** A tip as the duplicate search sees it. */
export interface IncidentFeatures {
  readonly tipId: string;
  readonly pack: string;
  /** The queue the tip was in when it was read: a unit code or CITY. */
  readonly queue: string;
  /** Its unit, or null at the city desk. */
  readonly unit: string | null;
  /** At the city desk: the units of its routing shortlist (the wards a street it names runs through); else empty. */
  readonly candidateUnits: readonly string[];
  readonly receivedAt: string;
  readonly classifiedAt: string;
  readonly category: Category;
  readonly channel: Channel;
  /** The form's GPS point, or the point of an attached photo the routing used. */
  readonly point?: { readonly lat: number; readonly lon: number } | undefined;
  /** The places of the scene it names: `street:<folded name>`, `place:<lexicon id>` for landmarks and areas. */
  readonly places: readonly string[];
  /** House or alley numbers, each with the street it is on when the text says: `street:le van sy#45`, or `#45`. */
  readonly addresses: readonly string[];
  readonly wording: Wording;
}

/** What the reader needs of a tip. */
export type IncidentSource = Pick<Tip, 'id' | 'pack' | 'unit' | 'receivedAt' | 'classifiedAt' | 'category' | 'channel' | 'text' | 'lat' | 'lon' | 'routing'> & {
  readonly queue: string;
};

/** The place finder of the classifier: the same reading of places as the routing's. */
export interface PlaceFinder {
  find(tokens: readonly Token[]): Mentions;
}

/** Reads a tip's features. */
export interface IncidentReader {
  read(tip: IncidentSource): IncidentFeatures;
}

/** Type words before a street's name, folded ("đường", "phố", "hẻm", "đại lộ"). */
const streetTypeWords = new Set(['duong', 'd', 'pho', 'dai', 'lo', 'hem', 'ngo', 'kiet', 'street', 'st', 'road', 'rd', 'avenue', 'ave']);

/** Words that say the number after them is a house or an alley ("hẻm 45", "số 120", "nhà 12"). */
const addressWords = new Set(['hem', 'so', 'nha', 'ngo', 'ngach', 'kiet', 'sn']);

/** Where a mention of a place says the incident is: at the scene, beside it, on the way. */
const sceneContexts = new Set(['scene', 'near', 'route']);

/**
 * How many of a tip's routing candidates make its shortlist. A desk tip counts as in those units
 * (rule.ts sameUnit) and the search reads their queues (find-duplicates.ts searchQueues): one
 * number, so the search always reads the queues the rule may match.
 */
const maxShortlist = 12;

/** How many words of an unknown street's name are read after its type word ("đường Trần Văn Kiểu"). */
const maxUnknownStreetWords = 4;

/**
 * Words that end an unknown street's name ("đường Trần Văn Kiểu gần chợ"), besides the stop
 * words, and the words after "đường" that make it no street at all ("đường dây", "đường ray").
 */
const notStreetNameWords = new Set('gan canh doi dien truoc sau khoang ray mon thuy truyen xe'.split(' '));

/** Syllables of people's names that are stop words elsewhere: Nguyễn Văn Trỗi, Nguyễn Thị Minh Khai. */
const nameSyllables = new Set(['van', 'thi']);

/** Punctuation before a token that ends the clause, and with it an unknown street's name. */
const clauseBreak = /[,.;:!?()]/;

/** Whether the token may be a word of a street's name: letters, in the same clause, not a function word. */
function streetNameWord(token: Token): boolean {
  if (token.numeric || notStreetNameWords.has(token.text) || clauseBreak.test(token.sep)) return false;
  return !stopWords.has(token.text) || nameSyllables.has(token.text);
}

/** Reads tips with the given place finder (the classifier's: `classifierFor(pack).resolver.finder`). */
export function createIncidentReader(finder: PlaceFinder): IncidentReader {
  return {
    read(tip) {
      const { tokens } = normalise(tip.text);
      const place = readPlaces(tokens, finder);
      return {
        tipId: tip.id,
        pack: tip.pack,
        queue: tip.queue,
        unit: tip.unit,
        candidateUnits: tip.unit === null ? shortlistUnits(tip.routing) : [],
        receivedAt: tip.receivedAt,
        classifiedAt: tip.classifiedAt,
        category: tip.category,
        channel: tip.channel,
        point: pointOf(tip),
        places: place.places,
        addresses: place.addresses,
        wording: wordingOf(tokens.filter((_, index) => !place.placeTokens[index])),
      };
    },
  };
}

/** The units of a tip's routing shortlist, best first. */
export function shortlistUnits(routing: Pick<RoutingDecision, 'candidates'>): string[] {
  return routing.candidates.slice(0, maxShortlist).map((candidate) => candidate.unit);
}

/** The form's point, else the photo point the routing used. */
function pointOf(tip: Pick<Tip, 'lat' | 'lon'> & { readonly routing: RoutingDecision }): { lat: number; lon: number } | undefined {
  if (typeof tip.lat === 'number' && typeof tip.lon === 'number' && Number.isFinite(tip.lat) && Number.isFinite(tip.lon)) return { lat: tip.lat, lon: tip.lon };
  const evidence = tip.routing.evidence;
  return evidence?.kind === 'point' ? { lat: evidence.lat, lon: evidence.lon } : undefined;
}

interface PlaceReading {
  readonly places: string[];
  readonly addresses: string[];
  /** Tokens that name places (or are part of an address), left out of the wording. */
  readonly placeTokens: boolean[];
}

/** A street's key from the tokens of its mention, its type words left out. */
function streetKey(tokens: readonly Token[]): string | undefined {
  let start = 0;
  let end = tokens.length;
  while (start < end && streetTypeWords.has((tokens[start] as Token).text)) start++;
  while (end > start && streetTypeWords.has((tokens[end - 1] as Token).text)) end--;
  const name = tokens.slice(start, end).map((token) => token.text).join(' ');
  return name === '' ? undefined : `street:${name}`;
}

function readPlaces(tokens: readonly Token[], finder: PlaceFinder): PlaceReading {
  const placeTokens = new Array<boolean>(tokens.length).fill(false);
  const places = new Set<string>();
  /** The street each token's place names, for addresses beside it. */
  const streetAt = new Map<number, string>();
  const addStreet = (start: number, end: number, key: string) => {
    places.add(key);
    for (let index = start; index < end; index++) streetAt.set(index, key);
  };
  for (const mention of finder.find(tokens).mentions) {
    for (let index = mention.start; index < mention.end; index++) placeTokens[index] = true;
    if (!sceneContexts.has(mention.context)) continue;
    if (mention.kind === 'street' || mention.kind === 'street-bare') {
      const key = streetKey(tokens.slice(mention.start, mention.end));
      if (key) addStreet(mention.start, mention.end, key);
    } else if (mention.kind === 'landmark' || mention.kind === 'area') {
      for (const entry of mention.entries) places.add(`place:${entry.id}`);
    }
  }
  // A street the gazetteer does not know: the words after its type word, up to a stop word.
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (placeTokens[index] || (token.text !== 'duong' && token.text !== 'pho')) continue;
    // "đường số 7": a numbered street.
    const numbered = tokens[index + 1]?.text === 'so' && tokens[index + 2]?.numeric === true;
    let end = numbered ? index + 3 : index + 1;
    while (!numbered && end < tokens.length && end - index <= maxUnknownStreetWords && !placeTokens[end] && streetNameWord(tokens[end] as Token)) end++;
    if (end - index < 3) continue; // a street's name has two words or more
    const key = streetKey(tokens.slice(index, end));
    if (!key) continue;
    addStreet(index, end, key);
    for (let k = index; k < end; k++) placeTokens[k] = true;
  }
  const addresses = new Set<string>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (!token.numeric || streetAt.has(index)) continue;
    const before = tokens[index - 1];
    const after = tokens[index + 1];
    // "hẻm 45", "số 120", or a number right before a street ("45 Lê Văn Sỹ").
    const afterAddressWord = before !== undefined && addressWords.has(before.text);
    const beforeStreet = after !== undefined && streetAt.has(index + 1);
    if (!afterAddressWord && !beforeStreet) continue;
    placeTokens[index] = true;
    if (afterAddressWord && before) placeTokens[index - 1] = true;
    // The street it is on: the one right after (or after "/12"), else the one just before ("đường X số 45").
    let next = index + 1;
    while (next < tokens.length && (tokens[next] as Token).numeric && (tokens[next] as Token).sep.trim() === '/') next++;
    const street = streetAt.get(next) ?? streetAt.get(next + 1) ?? streetAt.get(index - (afterAddressWord ? 2 : 1));
    addresses.add(`${street ?? ''}#${token.text}`);
  }
  return { places: [...places].sort(), addresses: [...addresses].sort(), placeTokens };
}
