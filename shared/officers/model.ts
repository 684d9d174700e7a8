/**
 * The officers' side of a tip: who may see and change it, its workflow, its audit trail.
 * The use cases in shared/usecases/officers/ work on these types through the ports below.
 */
import type { Category, Urgency } from '../classification/types.ts';
import type { Channel } from '../tip/envelope.ts';
import type { NewTip, Tip, TipStatus } from '../tip/tip.ts';

/** A signed-in officer, as the identity provider's groups describe them. */
export interface Officer {
  /** The identity provider's stable subject id. */
  readonly id: string;
  readonly username: string;
  /** Unit codes of the active pack, from `unit-<code>` groups. */
  readonly units: readonly string[];
  /** `city-desk`: sees every unit and the unrouted queue. */
  readonly cityDesk: boolean;
  /** `supervisor`: assigns work and grants deadline extensions. */
  readonly supervisor: boolean;
}

/** Group names in the identity provider (Cognito user pool groups). */
export const officerGroups = {
  unit: (code: string) => `unit-${code}`,
  cityDesk: 'city-desk',
  supervisor: 'supervisor',
} as const;

/** Reads an officer from the identity provider's subject, username and groups. */
export function officerFromClaims(claims: { sub: string; username: string; groups: readonly string[] }): Officer {
  const units = claims.groups.filter((group) => /^unit-[0-9A-Za-z]{1,12}$/.test(group)).map((group) => group.slice('unit-'.length));
  return {
    id: claims.sub,
    username: claims.username,
    units,
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
  /** Moved to the units of another map (npm run repack). */
  'REPACKED',
  /** An attached file failed the scan; `reason` is the quarantine reason, `attachmentId` the file. */
  'ATTACHMENT_QUARANTINED',
  /** An officer opened an attachment's clean copy (every view is audited). */
  'ATTACHMENT_VIEWED',
  /** A photo's GPS moved a tip routed by its text (or not at all) to another unit. */
  'ROUTED_BY_PHOTO',
  /** Reports joined an incident: on the primary (`reportIds`) and on each report (`incidentId`). */
  'REPORT_LINKED',
  /** An officer decided a suggested duplicate is another incident (`otherTipId`). */
  'DUPLICATE_DISMISSED',
] as const;

/** A kind of tip event. */
export type TipEventType = (typeof tipEventTypes)[number];

/** The fields of a tip an event records before and after a change. */
export interface TipSnapshot {
  readonly status?: TipStatus;
  /** The pack (map) the queue and unit codes belong to. */
  readonly pack?: string;
  readonly queue?: string;
  readonly unit?: string | null;
  readonly assignee?: string | null;
  readonly dueAt?: string;
  readonly category?: Category;
  readonly urgency?: Urgency;
  /** On the first event: the register entry the tip got. */
  readonly registerNumber?: string;
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
  /** For attachment events: which file of the tip. */
  readonly attachmentId?: string | undefined;
  /** On a linked report: the incident (its primary tip) the change was made through, or that it joined. */
  readonly incidentId?: string | undefined;
  /** For REPORT_LINKED on an incident: the reports that joined it. */
  readonly reportIds?: readonly string[] | undefined;
  /** For DUPLICATE_DISMISSED: the other tip of the suggestion. */
  readonly otherTipId?: string | undefined;
}

/** The first event of every tip: the classifier's routing decision, stored with the tip. */
export function classifiedEvent(tip: NewTip, queue: string): TipEvent {
  return {
    id: '0',
    tipId: tip.id,
    type: 'CLASSIFIED',
    actor: 'system:classifier',
    at: tip.classifiedAt,
    public: false,
    after: { status: tip.status, pack: tip.pack, queue, unit: tip.unit, category: tip.category, urgency: tip.urgency, dueAt: tip.dueAt },
    reason: tip.routing.method,
  };
}

/** A page of one queue. */
export interface QueuePage {
  readonly tips: readonly Tip[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string | undefined;
}

/** Another writer changed the tip first. */
export class StaleTipError extends Error {
  constructor(tipId: string) {
    super(`Tip ${tipId} changed while this change was being made`);
    this.name = 'StaleTipError';
  }
}
