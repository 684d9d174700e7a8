/**
 * When two tips look like reports of one incident, and how alike they are (ADR 0018).
 *
 * Two tips of the same category (or one of them `other`), received within the window of each
 * other, are offered as duplicates when nothing about their places sets them apart and
 *   - they point at the same spot (GPS points a few tens of metres apart, or the same house or
 *     alley number on the same street), or
 *   - they are near in time and near in place (GPS points within a few hundred metres, the same
 *     street or landmark named, or the same unit: a desk tip is in the units of its shortlist), or
 *   - they are worded alike (content words only: wording.ts) and received within a day.
 * Their places set them apart when their GPS points are far apart, when both give house numbers
 * on the street they share and no number is the same, or when both name places and none is the
 * same (then being in one unit says nothing). Two GPS points a few hundred metres apart or more
 * outweigh being in one unit.
 *
 * The score weighs closeness in time, in place and in wording, 0 … 1; the same for both tips.
 */
import type { DuplicateReason } from './ports.ts';
import type { IncidentFeatures } from './features.ts';
import { wordingSimilarity, wordingSize } from './wording.ts';

/** How far apart in time two reports of one incident may be received. */
export const duplicateWindowHours = 72;

/** Within this, two reports are near in time: an incident seen by several people is reported within hours. */
export const nearInTimeHours = 2;

/** GPS points this close are the same spot. */
export const samePointMetres = 50;

/** GPS points this close are near in place. */
export const nearPlaceMetres = 300;

/** GPS points farther apart than this are different places, whatever else the two tips say. */
export const farApartMetres = 1_000;

/** Wording this alike (wording.ts, 0 … 1) is a reason on its own, for reports received within `similarWordingHours`. */
export const similarWordingThreshold = 0.5;

/** How far apart in time two reports alike in wording alone may be: many reports of one category share words. */
export const similarWordingHours = 24;

/** Reports with fewer content trigrams than this are too short for their wording to count. */
export const minWordingTrigrams = 12;

/** How much each closeness counts in the score. */
export const scoreWeights = { time: 0.3, place: 0.4, wording: 0.3 } as const;

/** How close in place, 0 … 1, for each way two tips can be close. */
export const placeCloseness = { samePoint: 1, nearPoint: 0.8, samePlace: 0.6, sameUnit: 0.4 } as const;

const hourMs = 60 * 60 * 1000;
const earthRadiusMetres = 6_371_000;

/** Metres between two points on the Earth (haversine). */
export function distanceMetres(a: { readonly lat: number; readonly lon: number }, b: { readonly lat: number; readonly lon: number }): number {
  const radians = Math.PI / 180;
  const dLat = (b.lat - a.lat) * radians;
  const dLon = (b.lon - a.lon) * radians;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * radians) * Math.cos(b.lat * radians) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusMetres * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** How two tips' places relate. */
export interface PlaceRelation {
  /** Something about their places says they are different places. */
  readonly apart: boolean;
  /** 0 … 1 (placeCloseness); 0 when nothing says they are close. */
  readonly closeness: number;
  readonly samePoint: boolean;
}

/** The relations placeRelation answers, made once: it runs for every pair a search compares. */
const relations = {
  none: { apart: false, closeness: 0, samePoint: false },
  apart: { apart: true, closeness: 0, samePoint: false },
  samePoint: { apart: false, closeness: placeCloseness.samePoint, samePoint: true },
  nearPoint: { apart: false, closeness: placeCloseness.nearPoint, samePoint: false },
  samePlace: { apart: false, closeness: placeCloseness.samePlace, samePoint: false },
  sameUnit: { apart: false, closeness: placeCloseness.sameUnit, samePoint: false },
} as const satisfies Record<string, PlaceRelation>;

const intersects = (a: readonly string[], b: readonly string[]): boolean => a.some((value) => b.includes(value));

/** Whether the two tips give the same number, or different ones, on the streets they share. */
function addressRelation(a: IncidentFeatures, b: IncidentFeatures, sharedStreets: readonly string[]): 'same' | 'different' | 'unknown' {
  // An address is `<street>#<number>` (features.ts); one whose street the text does not say
  // (`#45`) is taken to be on the street the tips share.
  const on = (addresses: readonly string[]) =>
    addresses.flatMap((address) => {
      const hash = address.lastIndexOf('#');
      const street = address.slice(0, hash);
      return street === '' || sharedStreets.includes(street) ? [address.slice(hash + 1)] : [];
    });
  const numbersA = on(a.addresses);
  const numbersB = on(b.addresses);
  if (numbersA.length === 0 || numbersB.length === 0) return 'unknown';
  return intersects(numbersA, numbersB) ? 'same' : 'different';
}

/**
 * Whether two tips are in one unit: the same unit, or a desk tip whose shortlist holds the other's
 * unit (an SMS that names a street, a web report with its point in a ward the street runs through).
 */
function sameUnit(a: IncidentFeatures, b: IncidentFeatures): boolean {
  if (a.unit !== null && b.unit !== null) return a.unit === b.unit;
  if (a.unit !== null) return b.candidateUnits.includes(a.unit);
  if (b.unit !== null) return a.candidateUnits.includes(b.unit);
  return false;
}

/** How the places of two tips relate: their points first, then the places they name, then their units. */
export function placeRelation(a: IncidentFeatures, b: IncidentFeatures): PlaceRelation {
  const metres = a.point && b.point ? distanceMetres(a.point, b.point) : undefined;
  const bothPoints = metres !== undefined;
  if (bothPoints && metres <= samePointMetres) return relations.samePoint;
  if (bothPoints && metres > farApartMetres) return relations.apart;
  const pointsNear = bothPoints && metres <= nearPlaceMetres;
  const shared = a.places.filter((place) => b.places.includes(place));
  if (shared.length > 0) {
    const sharedStreets = shared.filter((place) => place.startsWith('street:'));
    const addresses = sharedStreets.length > 0 ? addressRelation(a, b, sharedStreets) : 'unknown';
    if (addresses === 'same') return relations.samePoint;
    if (addresses === 'different') return relations.apart;
    return pointsNear ? relations.nearPoint : relations.samePlace;
  }
  if (pointsNear) return relations.nearPoint;
  // Both name places, and none is the same: different streets or landmarks.
  if (a.places.length > 0 && b.places.length > 0) return relations.apart;
  // Two points say more than a unit: a few hundred metres apart and more, one unit is no longer near.
  if (!bothPoints && sameUnit(a, b)) return relations.sameUnit;
  return relations.none;
}

/** Why and how much two tips look like one incident. */
export interface DuplicateMatch {
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
}

/** Whether two categories may be one incident's: the same, or one of them `other`. */
export function compatibleCategories(a: IncidentFeatures['category'], b: IncidentFeatures['category']): boolean {
  return a === b || a === 'other' || b === 'other';
}

/** How far apart the two tips were received, in hours. */
export function hoursApart(a: Pick<IncidentFeatures, 'receivedAt'>, b: Pick<IncidentFeatures, 'receivedAt'>): number {
  return Math.abs(Date.parse(a.receivedAt) - Date.parse(b.receivedAt)) / hourMs;
}

/** Wording closeness, 0 when either report is too short for its wording to say anything. */
export function wordingCloseness(a: IncidentFeatures, b: IncidentFeatures): number {
  if (wordingSize(a.wording) < minWordingTrigrams || wordingSize(b.wording) < minWordingTrigrams) return 0;
  return wordingSimilarity(a.wording, b.wording);
}

/** Whether two tips look like reports of one incident, and if so why and how much; the same both ways round. */
export function compareReports(a: IncidentFeatures, b: IncidentFeatures): DuplicateMatch | undefined {
  if (a.tipId === b.tipId || a.pack !== b.pack || !compatibleCategories(a.category, b.category)) return undefined;
  const hours = hoursApart(a, b);
  if (!(hours <= duplicateWindowHours)) return undefined;
  const place = placeRelation(a, b);
  if (place.apart) return undefined;
  const nearTime = hours <= nearInTimeHours;
  const nearPlace = place.closeness >= placeCloseness.sameUnit;
  const placeSuffices = place.samePoint || (nearTime && nearPlace);
  // The wording is the costly part (both reports' trigrams): it is worked out only when it may
  // still make the pair a match, or when it scores one the place already made.
  if (!placeSuffices && hours > similarWordingHours) return undefined;
  const wording = wordingCloseness(a, b);
  const similarWording = wording >= similarWordingThreshold;
  if (!placeSuffices && !similarWording) return undefined;
  const reasons: DuplicateReason[] = [];
  if (nearTime) reasons.push('near_in_time');
  if (nearPlace) reasons.push('near_in_place');
  if (place.samePoint) reasons.push('same_point');
  if (similarWording) reasons.push('similar_wording');
  const time = 1 - hours / duplicateWindowHours;
  const score = scoreWeights.time * time + scoreWeights.place * place.closeness + scoreWeights.wording * wording;
  return { score: Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000, reasons };
}
