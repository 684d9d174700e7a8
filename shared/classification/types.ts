/**
 * The contract between the classifier function and whatever decides where a tip goes.
 * The skeleton routes by explicit district code only; the full engine implements the same
 * {@link TipClassifier} interface, so swapping it in touches one line of the handler.
 */

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
export type RoutingMethod = 'explicit' | 'gps' | 'text' | 'none';

/** What supports a routing decision, kept on the tip so an officer can check it. */
export type RoutingEvidence =
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'point'; readonly lat: number; readonly lon: number }
  | { readonly kind: 'text'; readonly span: string; readonly start: number; readonly end: number };

/** A unit the tip might belong to, with the engine's confidence in it (0 to 1). */
export interface RoutingCandidate {
  readonly district: string;
  readonly confidence: number;
  readonly method: RoutingMethod;
  readonly evidence: RoutingEvidence | null;
}

/**
 * The routing decision for one tip. `district` null means the city duty desk; the candidates
 * then let the desk route it in one click.
 */
export interface RoutingDecision {
  readonly district: string | null;
  readonly confidence: number;
  readonly method: RoutingMethod;
  readonly evidence: RoutingEvidence | null;
  readonly runnerUp: RoutingCandidate | null;
  readonly candidates: readonly RoutingCandidate[];
}

/** What a classifier needs to know about a tip. */
export interface ClassifierInput {
  readonly channel: 'web' | 'sms';
  readonly text: string;
  readonly district?: string | undefined;
  readonly lat?: number | undefined;
  readonly lon?: number | undefined;
  /** The category the tipster picked on the form, if any. */
  readonly category?: Category | undefined;
}

/** The full classification of one tip. */
export interface TipClassification {
  readonly routing: RoutingDecision;
  readonly category: Category;
  readonly urgency: Urgency;
}

/** Decides district, category and urgency for a tip. Pure and synchronous. */
export interface TipClassifier {
  classify(input: ClassifierInput): TipClassification;
}
