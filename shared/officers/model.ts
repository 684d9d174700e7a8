/**
 * The officers' side of a tip: who may see and change it, its workflow, its audit trail.
 * The use cases in shared/usecases/officers/ work on these types through the ports below.
 */
import type { Category, Urgency } from '../classification/types.ts';
import type { Channel } from '../tip/envelope.ts';
import type { Tip, TipStatus } from '../tip/tip.ts';

/** A signed-in officer, as the identity provider's groups describe them. */
export interface Officer {
  /** The identity provider's stable subject id. */
  readonly id: string;
  readonly username: string;
  /** District codes from `district-<code>` groups. */
  readonly districts: readonly string[];
  /** `city-desk`: sees every unit and the unrouted queue. */
  readonly cityDesk: boolean;
  /** `supervisor`: assigns work and grants deadline extensions. */
  readonly supervisor: boolean;
}

/** Group names in the identity provider (Cognito user pool groups). */
export const officerGroups = {
  district: (code: string) => `district-${code}`,
  cityDesk: 'city-desk',
  supervisor: 'supervisor',
} as const;

/** Reads an officer from the identity provider's subject, username and groups. */
export function officerFromClaims(claims: { sub: string; username: string; groups: readonly string[] }): Officer {
  const districts = claims.groups.filter((group) => /^district-\d{3}$/.test(group)).map((group) => group.slice('district-'.length));
  return {
    id: claims.sub,
    username: claims.username,
    districts,
    cityDesk: claims.groups.includes(officerGroups.cityDesk),
    supervisor: claims.groups.includes(officerGroups.supervisor),
  };
}

/** Why a tip was rejected. */
export const rejectionReasons = ['false', 'duplicate', 'spam'] as const;

/** A rejection reason. */
export type RejectionReason = (typeof rejectionReasons)[number];

/** One extension of the legal deadline, granted by a supervisor. */
export interface DeadlineExtension {
  readonly by: string;
  readonly at: string;
  readonly previousDueAt: string;
  readonly dueAt: string;
  readonly reason: string;
}

/** At most this many extensions (Criminal Procedure Code Art. 147 as applied here). */
export const maxDeadlineExtensions = 2;

/** Each extension adds at most two months. */
export const maxExtensionMonths = 2;

/** A tip as officers work on it: the stored tip plus its workflow state. */
export interface CaseTip extends Tip {
  /** Increases with every change; writes are conditional on it, so a lost race is a 409. */
  readonly version: number;
  /** The queue the tip sits in: a unit code, or CITY for the duty desk. */
  readonly queue: string;
  /** The unit's intake register entry, e.g. `760/2026/000123`: gap-free per unit and year. */
  readonly registerNumber: string;
  readonly assignee?: { readonly id: string; readonly username: string } | undefined;
  readonly deadlineExtensions?: readonly DeadlineExtension[] | undefined;
  readonly rejection?: { readonly reason: RejectionReason; readonly duplicateOf?: string | undefined; readonly note?: string | undefined } | undefined;
}

/** Kinds of events in a tip's audit trail and conversation. */
export const tipEventTypes = [
  'CLASSIFIED',
  'CLAIMED',
  'ASSIGNED',
  'TRANSFERRED',
  'STATUS_CHANGED',
  'NOTE_ADDED',
  'OFFICER_MESSAGE',
  'TIPSTER_MESSAGE',
  'DEADLINE_EXTENDED',
] as const;

/** A kind of tip event. */
export type TipEventType = (typeof tipEventTypes)[number];

/** The fields of a tip an event records before and after a change. */
export interface TipSnapshot {
  readonly status?: TipStatus;
  readonly queue?: string;
  readonly district?: string | null;
  readonly assignee?: string | null;
  readonly dueAt?: string;
  readonly category?: Category;
  readonly urgency?: Urgency;
}

/**
 * One entry of a tip's audit trail: who, what, when, before and after. Officer messages and
 * tipster messages are also the conversation the tipster sees (`public`); notes are internal.
 */
export interface TipEvent {
  readonly id: string;
  readonly tipId: string;
  readonly type: TipEventType;
  /** An officer's username, `tipster`, or `system:<component>`. */
  readonly actor: string;
  readonly at: string;
  readonly before?: TipSnapshot | undefined;
  readonly after?: TipSnapshot | undefined;
  readonly reason?: string | undefined;
  readonly text?: string | undefined;
  readonly public: boolean;
  /** For tipster messages: how they arrived. */
  readonly channel?: Channel | undefined;
}

/** A page of one queue. */
export interface QueuePage {
  readonly tips: readonly CaseTip[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string | undefined;
}

/** The officers' view of the tips table. */
export interface CaseStore {
  get(tipId: string): Promise<CaseTip | undefined>;
  /** The tip's events, oldest first. */
  events(tipId: string): Promise<TipEvent[]>;
  /** One page of one queue and status, high urgency first, then oldest; one Query per page. */
  queue(query: { readonly queue: string; readonly status: TipStatus; readonly limit: number; readonly cursor?: string | undefined }): Promise<QueuePage>;
  /**
   * Writes the changed tip and its audit event in one transaction, only if the stored tip still
   * has `before.version`; otherwise throws StaleCaseError.
   */
  update(change: { readonly before: CaseTip; readonly after: CaseTip; readonly event: TipEvent }): Promise<void>;
  /** Adds an event that changes nothing else on the tip (a note, a message), in the same way. */
  addEvent(tip: CaseTip, event: TipEvent): Promise<void>;
}

/** Another writer changed the tip first. */
export class StaleCaseError extends Error {
  constructor(tipId: string) {
    super(`Tip ${tipId} changed while this change was being made`);
    this.name = 'StaleCaseError';
  }
}
