/**
 * The contract between the classifier function and whatever decides where a tip goes: the
 * engine in engine.ts, or the fallback that never guesses (explicit-only.ts), both behind
 * {@link TipClassifier}.
 */
import type { PackId } from '../jurisdictions/pack.ts';

/** Crime categories a tip can carry, in the order the form lists them. */
export const categories = [
  'drugs',
  'gambling',
  'theft',
  'robbery',
  'fraud',
  'violence',
  'weapons',
  'wanted_person',
  'prostitution',
  'illegal_residence',
  'loan_sharking',
  'street_racing',
  'public_disorder',
  'other',
] as const;

/** A crime category. */
export type Category = (typeof categories)[number];

/** How fast a tip needs eyes: high = ongoing danger, low = past event or vague. */
export const urgencies = ['high', 'normal', 'low'] as const;

/** An urgency level. */
export type Urgency = (typeof urgencies)[number];

/** Where a routing decision came from. */
export const routingMethods = ['explicit', 'gps', 'text', 'none'] as const;

/** Where a routing decision came from. */
export type RoutingMethod = (typeof routingMethods)[number];

/** What supports a routing decision, kept on the tip so an officer can check it. */
export type RoutingEvidence =
  | { readonly kind: 'code'; readonly code: string }
  /** `source: 'photo'`: the point came from an attached photo's EXIF GPS, not from the form. */
  | { readonly kind: 'point'; readonly lat: number; readonly lon: number; readonly source?: 'photo' }
  | { readonly kind: 'text'; readonly span: string; readonly start: number; readonly end: number };

/** A unit the tip might belong to, with the engine's confidence in it (0 to 1). */
export interface RoutingCandidate {
  readonly unit: string;
  readonly confidence: number;
  readonly method: RoutingMethod;
  readonly evidence: RoutingEvidence | null;
}

/**
 * The routing decision for one tip in one pack. `unit` null means the city duty desk; the
 * candidates then are the shortlist the desk routes from in one click. Codes are the pack's.
 */
export interface RoutingDecision {
  readonly pack: PackId;
  readonly unit: string | null;
  readonly confidence: number;
  readonly method: RoutingMethod;
  readonly evidence: RoutingEvidence | null;
  /** Best first: the chosen unit and the others that fit, or, at the city desk, the shortlist. */
  readonly candidates: readonly RoutingCandidate[];
}

/** The same evidence read on the other generation's map: where the tip lies in the old districts (or the new wards). */
export interface OtherGeneration {
  readonly pack: PackId;
  /** The unit, when the evidence settles one. */
  readonly unit: string | null;
  /** The unit, or the units it may be, best first; empty when the evidence names no place there. */
  readonly units: readonly string[];
  readonly method: RoutingMethod;
}

/** What a classifier needs to know about a tip. */
export interface ClassifierInput {
  readonly channel: 'web' | 'sms';
  readonly text: string;
  /** The unit the tipster picked (a code of the active pack). */
  readonly unit?: string | undefined;
  readonly lat?: number | undefined;
  readonly lon?: number | undefined;
  /**
   * Where an attached photo was taken (its EXIF GPS, within the city), used only when the form
   * gives no point: a photo may have been taken elsewhere or earlier, so it weighs less.
   */
  readonly photoPoint?: { readonly lat: number; readonly lon: number } | undefined;
  /** The category the tipster picked on the form, if any. */
  readonly category?: Category | undefined;
}

/** The full classification of one tip. */
export interface TipClassification {
  readonly routing: RoutingDecision;
  readonly otherGeneration: OtherGeneration | null;
  readonly category: Category;
  readonly urgency: Urgency;
}

/** Decides unit, category and urgency for a tip. Pure and synchronous. */
export interface TipClassifier {
  /** The pack whose units it routes to. */
  readonly pack: PackId;
  classify(input: ClassifierInput): TipClassification;
}
