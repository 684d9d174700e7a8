/**
 * Turns a tip's place mentions, and its GPS point, into a routing decision in one pack.
 *
 * Text evidence is scored as log-likelihood ratios. Each mention adds weight to the units it
 * can mean in the pack: an administrative name written as such ("phường Bàn Cờ", "p22 Bình
 * Thạnh", "quận 3") weighs most, a bare name, a landmark and a street less. A mention that can
 * mean two units gives both a share, so two such mentions that agree single one out; a mention
 * that covers three or more (an old district read on the 2025 map, a long street) only confirms
 * units named otherwise, or, alone, becomes the shortlist. A softmax over the units plus a
 * "nowhere" hypothesis turns weights into a confidence; below {@link ROUTING_CONFIDENCE_THRESHOLD}
 * the tip goes to the city desk with its candidates: a wrong unit is worse than none.
 */
import type { PackId } from '../jurisdictions/pack.ts';
import { OUTSIDE } from '../jurisdictions/pack.ts';
import type { Location } from './gps-index.ts';
import type { Context, Mention, MentionKind } from './place-mentions.ts';
import type { RoutingCandidate, RoutingDecision, RoutingEvidence } from './types.ts';
import type { NormalisedText, Token } from './vietnamese-text.ts';

/**
 * Below this confidence a tip goes to the city desk with its candidates. 0.6 means the best
 * unit must clearly beat both every other unit and "nowhere": an administrative name written
 * with its type (≈0.97), a unique landmark (≈0.88), a unique street or bare ward (≈0.67–0.73)
 * pass; two units named equally (≈0.49 each) or a place on a border do not.
 */
export const ROUTING_CONFIDENCE_THRESHOLD = 0.6;

/** Log-likelihood weights of the kinds of text evidence. */
const WEIGHT: Record<MentionKind, number> = {
  compound: 5.5,
  commune: 5,
  district: 5,
  'district-bare': 4,
  abbr: 3.5,
  'abbr-weak': 1.5,
  'commune-bare': 2.8,
  'commune-number': 2.5,
  'd-number': 2,
  province: 2,
  landmark: 3.5,
  area: 3,
  street: 3,
  'street-bare': 2.2,
};
/** A mention that fits three or more units: it confirms, never decides. */
const SUPPORT_WEIGHT = 1;
/** The "nowhere / cannot tell" hypothesis: the bar every unit has to clear. */
const NONE_WEIGHT = 1.5;
/** A pair of candidates splits the weight of a single one. */
const PAIR_FACTOR = 0.7;
/** Further evidence for a unit counts with diminishing returns: 1, 1/2, 1/4, … */
const REPEAT_DECAY = 0.5;

const CONTEXT_FACTOR: Record<Context, number> = {
  scene: 1,
  residence: 1, // decided per tip: see scoreMentions
  destination: 0.15,
  toward: 0.15,
  authority: 0.15,
  route: 0.4,
  near: 0.85,
};
/** A residence mention counts this much when the text names another place too. */
const RESIDENCE_FACTOR = 0.3;

/** Administrative names written as such; beside one of them a landmark or a street only confirms. */
const EXPLICIT: ReadonlySet<MentionKind> = new Set(['compound', 'commune', 'district']);
const DESCRIPTIVE: ReadonlySet<MentionKind> = new Set(['landmark', 'area', 'street', 'street-bare']);

/** GPS confidence deep inside a unit, and its floor at a border. */
const GPS_CONFIDENCE = 0.97;
const GPS_BORDER_FLOOR = 0.65;
/** How much a GPS point that disagrees costs the text that overrides it. */
const GPS_DISSENT_FACTOR = 0.9;
/**
 * A photo's point counts this much of the form's: it says where the camera was, maybe before the
 * tip and not at the scene. Deep inside a unit it still routes (0.97 × 0.8 ≈ 0.78), at a border
 * it does not alone, and a sure text naming another unit beats it when the text is the surer.
 */
const PHOTO_GPS_FACTOR = 0.8;

/** The most candidates a decision lists; a shortlist keeps those at least half as likely as the best. */
const MAX_CANDIDATES = 20;
const SHORTLIST_RATIO = 0.5;

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Scores the mentions in one pack: candidates best first. */
export function scoreMentions(mentions: readonly Mention[], text: NormalisedText, pack: PackId): RoutingCandidate[] {
  const scored = mentions.map((m) => ({ mention: m, units: unitsOf(m, pack) })).filter((s) => s.units.length > 0);
  if (scored.length === 0) return [];
  const primaryKinds = (s: (typeof scored)[number]): boolean => !s.mention.qualifier && s.units.length <= 2;
  // A residence counts fully unless the text also names a place elsewhere.
  const sceneUnits = new Set<string>();
  for (const s of scored) if (primaryKinds(s) && s.mention.context !== 'residence' && CONTEXT_FACTOR[s.mention.context] >= 0.5) for (const u of s.units) sceneUnits.add(u);
  const factor = (m: Mention, units: readonly string[]): number => {
    if (m.context !== 'residence') return CONTEXT_FACTOR[m.context];
    return sceneUnits.size > 0 && !units.some((u) => sceneUnits.has(u)) ? RESIDENCE_FACTOR : 1;
  };
  // An administrative name that fits three or more units (an old district on the 2025 map) is
  // not an address on this map: beside it the landmark or street still decides, and it confirms.
  const sceneName = (s: (typeof scored)[number]): boolean => EXPLICIT.has(s.mention.kind) && !s.mention.qualifier && factor(s.mention, s.units) >= 0.5;
  const explicitScene = scored.some((s) => sceneName(s) && s.units.length <= 2);

  interface Part {
    weights: number[];
    best: Mention;
    bestWeight: number;
  }
  const parts = new Map<string, Part>();
  const add = (unit: string, weight: number, mention: Mention): void => {
    const part = parts.get(unit);
    if (!part) parts.set(unit, { weights: [weight], best: mention, bestWeight: weight });
    else {
      part.weights.push(weight);
      if (weight > part.bestWeight) {
        part.best = mention;
        part.bestWeight = weight;
      }
    }
  };
  const supporting: { units: readonly string[]; weight: number; mention: Mention }[] = [];
  for (const { mention, units } of scored) {
    const f = factor(mention, units);
    // Beside an administrative name, a landmark or street only confirms (it is colour, not the address).
    const onlySupport = mention.qualifier || units.length >= 3 || (explicitScene && DESCRIPTIVE.has(mention.kind));
    if (onlySupport) {
      supporting.push({ units, weight: SUPPORT_WEIGHT * f, mention });
      continue;
    }
    const weight = WEIGHT[mention.kind] * (units.length === 2 ? PAIR_FACTOR : 1) * f;
    for (const unit of units) add(unit, weight, mention);
  }
  const primary = new Set([...parts.keys()].filter((u) => u !== OUTSIDE));
  // A scene named as an old district that holds none of the units the other evidence points to
  // ("chợ Bến Thành, quận 5") contradicts it: its full weight is shared among its units, so
  // neither side clears the threshold and both are on the shortlist.
  for (const { units, weight, mention } of supporting) {
    const confirms = primary.size === 0 || units.some((u) => primary.has(u));
    if (!confirms && EXPLICIT.has(mention.kind) && !mention.qualifier && factor(mention, units) >= 0.5) {
      const share = WEIGHT[mention.kind] * factor(mention, units) - Math.log(units.length);
      for (const unit of units) add(unit, share, mention);
      continue;
    }
    for (const unit of units) if (primary.size === 0 || primary.has(unit)) add(unit, weight, mention);
  }

  const totals = new Map<string, number>();
  for (const [unit, part] of parts) {
    let total = 0;
    let f = 1;
    for (const w of part.weights.sort((a, b) => b - a)) {
      total += w * f;
      f *= REPEAT_DECAY;
    }
    totals.set(unit, total);
  }
  let none = Math.exp(NONE_WEIGHT);
  const outside = totals.get(OUTSIDE);
  if (outside !== undefined) {
    none += Math.exp(outside);
    totals.delete(OUTSIDE);
  }
  let sum = none;
  for (const total of totals.values()) sum += Math.exp(total);
  const candidates: RoutingCandidate[] = [];
  for (const [unit, total] of totals) {
    const best = (parts.get(unit) as Part).best;
    candidates.push({ unit, confidence: round(Math.exp(total) / sum), method: 'text', evidence: textEvidence(text, best) });
  }
  return candidates.sort((a, b) => b.confidence - a.confidence || a.unit.localeCompare(b.unit));
}

/** The pack's units a mention may mean; OUTSIDE among them counts for "nowhere in this pack". */
function unitsOf(mention: Mention, pack: PackId): string[] {
  const units = new Set<string>();
  for (const entry of mention.entries) for (const unit of entry.units[pack] ?? []) units.add(unit);
  return [...units];
}

function textEvidence(text: NormalisedText, mention: Mention): RoutingEvidence {
  const start = (text.tokens[mention.start] as Token).start;
  const end = (text.tokens[mention.end - 1] as Token).end;
  return { kind: 'text', span: text.source.slice(start, end), start, end };
}

function mergeCandidates(candidates: readonly RoutingCandidate[]): RoutingCandidate[] {
  const best = new Map<string, RoutingCandidate>();
  for (const c of candidates) if ((best.get(c.unit)?.confidence ?? -1) < c.confidence) best.set(c.unit, c);
  return [...best.values()].sort((a, b) => b.confidence - a.confidence || a.unit.localeCompare(b.unit));
}

/** Routes to the chosen candidate; the rest are listed for the officer, best first. */
function build(pack: PackId, chosen: RoutingCandidate, others: readonly RoutingCandidate[]): RoutingDecision {
  const rest = mergeCandidates(others.filter((c) => c.unit !== chosen.unit));
  if (chosen.confidence < ROUTING_CONFIDENCE_THRESHOLD) return decide(pack, mergeCandidates([chosen, ...rest]));
  return { pack, unit: chosen.unit, confidence: chosen.confidence, method: chosen.method, evidence: chosen.evidence, candidates: [chosen, ...rest].slice(0, 5) };
}

/** Routes to the best candidate if it clears the threshold, else to the city desk with its shortlist. */
export function decide(pack: PackId, candidates: readonly RoutingCandidate[]): RoutingDecision {
  const top = candidates[0];
  if (top && top.confidence >= ROUTING_CONFIDENCE_THRESHOLD) return build(pack, top, candidates.slice(1));
  const shortlist = top ? candidates.filter((c) => c.confidence >= top.confidence * SHORTLIST_RATIO).slice(0, MAX_CANDIDATES) : [];
  return { pack, unit: null, confidence: top?.confidence ?? 0, method: 'none', evidence: null, candidates: shortlist };
}

/** A unit the tipster picked: it routes the tip. */
export function explicitDecision(pack: PackId, unit: string): RoutingDecision {
  const evidence: RoutingEvidence = { kind: 'code', code: unit };
  const chosen: RoutingCandidate = { unit, confidence: 1, method: 'explicit', evidence };
  return { pack, unit, confidence: 1, method: 'explicit', evidence, candidates: [chosen] };
}

/** How the GPS point and the text are weighed together. */
export interface GpsReading {
  readonly lat: number;
  readonly lon: number;
  readonly location: Location;
  readonly marginMetres: number;
  /** The text says the point is where the tipster is, not the scene. */
  readonly pointNotScene: boolean;
  /** The point is an attached photo's, which weighs less than the form's. */
  readonly source?: 'photo' | undefined;
}

/**
 * Weighs the GPS point against the text. Deep inside a unit the point decides, unless the text
 * says it is not the scene and names the scene; near a border a confident text naming the
 * neighbour wins (polygons and phones are both off by some metres); outside every unit only the
 * text can settle it.
 */
export function fuseWithGps(pack: PackId, gps: GpsReading, text: readonly RoutingCandidate[]): RoutingDecision {
  const { location, marginMetres } = gps;
  const photo = gps.source === 'photo';
  const scale = photo ? PHOTO_GPS_FACTOR : 1;
  const evidence: RoutingEvidence = { kind: 'point', lat: gps.lat, lon: gps.lon, ...(photo && { source: 'photo' as const }) };
  const textTop = text[0];
  const textSure = textTop !== undefined && textTop.confidence >= ROUTING_CONFIDENCE_THRESHOLD;
  const near = (code: string): boolean => location.nearby.some((n) => n.code === code);
  const gpsCandidate = (code: string, confidence: number): RoutingCandidate => ({ unit: code, confidence, method: 'gps', evidence });
  const neighbour = (n: { code: string; distance: number }): RoutingCandidate => gpsCandidate(n.code, round(0.5 * scale * (1 - n.distance / marginMetres)));

  if (gps.pointNotScene) {
    // The point is the tipster's hotel or home: the scene is what the text names.
    if (textSure && textTop) return build(pack, textTop, text.slice(1));
    const here = location.code === null ? [] : [gpsCandidate(location.code, round(0.3 * scale))];
    return decide(pack, mergeCandidates([...text, ...here]));
  }
  if (location.code !== null) {
    const deep = location.borderDistance > marginMetres;
    const g = scale * (deep ? GPS_CONFIDENCE : GPS_BORDER_FLOOR + (GPS_CONFIDENCE - GPS_BORDER_FLOOR) * (location.borderDistance / marginMetres));
    const others = text.filter((c) => c.unit !== location.code);
    if (textTop && textTop.unit === location.code) {
      // The text confirms the point.
      return build(pack, gpsCandidate(location.code, round(1 - (1 - g) * (1 - textTop.confidence))), others);
    }
    // A sure text naming a neighbour wins at a border; against a photo's point, wherever it is the surer.
    if (textSure && textTop && ((!deep && near(textTop.unit)) || (photo && textTop.confidence > g))) {
      const chosen: RoutingCandidate = { ...textTop, confidence: round(textTop.confidence * GPS_DISSENT_FACTOR) };
      return build(pack, chosen, [gpsCandidate(location.code, round(g)), ...others.filter((c) => c.unit !== textTop.unit)]);
    }
    const neighbours = location.nearby.filter((n) => n.code !== location.code && !others.some((c) => c.unit === n.code)).map(neighbour);
    return build(pack, gpsCandidate(location.code, round(textSure ? g * 0.9 : g)), [...others, ...neighbours]);
  }
  if (location.nearby.length > 0) {
    // Just outside every polygon (a river, a gap, the city line): only text can settle it.
    if (textSure && textTop && near(textTop.unit)) return build(pack, textTop, text.slice(1));
    const nearby = location.nearby.map(neighbour);
    if (textSure && textTop) return build(pack, { ...textTop, confidence: round(textTop.confidence * GPS_DISSENT_FACTOR) }, [...text.slice(1), ...nearby]);
    return decide(pack, mergeCandidates([...text, ...nearby]));
  }
  // The point is outside the map: the tipster may be elsewhere, so the text decides.
  return decide(pack, text);
}

/** A usable GPS point, with swapped coordinates put right; null for missing or impossible ones. */
export function validPoint(lat: number | undefined, lon: number | undefined): { lat: number; lon: number } | null {
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (lat === 0 && lon === 0) return null;
  // Vietnam lies at latitude 8–24, longitude 102–110: a pair the other way round was swapped.
  if (lat > 100 && lat < 115 && lon > 5 && lon < 25) return { lat: lon, lon: lat };
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}
