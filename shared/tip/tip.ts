import type { Category, OtherGeneration, RoutingDecision, Urgency } from '../classification/types.ts';
import type { Language } from '../i18n.ts';
import { cityDeskQueue } from '../jurisdictions/index.ts';
import type { PackId } from '../jurisdictions/pack.ts';
import type { DeadlineExtension, RejectionReason } from '../officers/model.ts';
import type { Channel, TipFlag, TipSender } from './envelope.ts';

/** Where a tip is in its life. RECEIVED is public-only: queued, not yet classified. */
export const tipStatuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED'] as const;

/** The status of a stored tip. */
export type TipStatus = (typeof tipStatuses)[number];

/**
 * The statuses the status change (shared/usecases/officers/workflow.ts) may move a tip to from each status. ASSIGNED is reached only by
 * claimTip or assignTip, and NEW only by transferTip, so neither is a target here.
 */
export const statusChanges: Readonly<Record<TipStatus, readonly TipStatus[]>> = {
  NEW: ['REJECTED'],
  ASSIGNED: ['IN_PROGRESS', 'REJECTED'],
  IN_PROGRESS: ['RESOLVED', 'REJECTED'],
  RESOLVED: [],
  REJECTED: [],
};

/** The statuses changeStatus accepts from this one. */
export function allowedStatusChanges(from: TipStatus): readonly TipStatus[] {
  return statusChanges[from];
}


/** Days the police have to verify a tip after receiving it (Criminal Procedure Code, Art. 147). */
export const verificationDeadlineDays = 20;

const dayMs = 24 * 60 * 60 * 1000;

/** When a tip received at this instant must be verified by. */
export function verificationDueAt(receivedAt: Date): Date {
  return new Date(receivedAt.getTime() + verificationDeadlineDays * dayMs);
}

/** A tip as the classifier made it, before it is stored: routed, ranked and given its deadline. */
export interface NewTip {
  readonly id: string;
  readonly trackingCode: string;
  readonly channel: Channel;
  readonly receivedAt: string;
  readonly classifiedAt: string;
  readonly dueAt: string;
  readonly text: string;
  readonly language: Language;
  readonly contact?: string | undefined;
  readonly lat?: number | undefined;
  readonly lon?: number | undefined;
  /** The unit the tipster picked, if any; routing may still have overruled an invalid one. */
  readonly requestedUnit?: string | undefined;
  readonly requestedCategory?: Category | undefined;
  /** The pack (map) the tip's unit codes belong to: a code alone never says which map it is on. */
  readonly pack: PackId;
  /** The unit's code in `pack`, or null for the city duty desk. */
  readonly unit: string | null;
  /** Where the same evidence lies on the other generation's map (old districts, or new wards). */
  readonly otherGeneration: OtherGeneration | null;
  readonly category: Category;
  readonly urgency: Urgency;
  readonly routing: RoutingDecision;
  readonly status: TipStatus;
  /** For SMS tips: the sender's pseudonym and alias, never the number. */
  readonly sender?: TipSender | undefined;
  readonly flags?: readonly TipFlag[] | undefined;
}

/** A stored tip with its workflow: what officers see and change. */
export interface Tip extends NewTip {
  /** Increases with every change; writes are conditional on it, so a lost race is a 409. */
  readonly version: number;
  /** The queue the tip sits in: a unit code of `pack`, or CITY for the duty desk. */
  readonly queue: string;
  /**
   * The unit's intake register entry, e.g. `26737/2026/000123`: gap-free per unit and year
   * (register.ts). Absent for the moment between the tip being stored and being numbered.
   */
  readonly registerNumber?: string | undefined;
  readonly assignee?: { readonly id: string; readonly username: string } | undefined;
  readonly deadlineExtensions?: readonly DeadlineExtension[] | undefined;
  readonly rejection?: { readonly reason: RejectionReason; readonly duplicateOf?: string | undefined; readonly note?: string | undefined } | undefined;
  /** When the tipster last wrote (an SMS follow-up or a message from the status page). */
  readonly tipsterWroteAt?: string | undefined;
  /** When an officer last replied to the tipster. */
  readonly officerRepliedAt?: string | undefined;
  /** The tip's attachments whose quarantine is flagged and audited on it, each once. */
  readonly quarantinedAttachments?: readonly string[] | undefined;
  /**
   * On a report linked into an incident: the id of the incident's primary tip, which officers work
   * (shared/usecases/officers/incidents.ts). Such a tip is in no queue and takes no workflow action of its own.
   */
  readonly incidentId?: string | undefined;
  /** On an incident's primary tip: the ids of the reports linked into it, oldest link first. */
  readonly reports?: readonly string[] | undefined;
  /** When the tip was first claimed or assigned; kept through transfers (the figures' time to first claim). */
  readonly claimedAt?: string | undefined;
  /** When the tip became RESOLVED or REJECTED (the figures' verified within 20 days). */
  readonly closedAt?: string | undefined;
}

/**
 * What changes when a stored tip is routed again (another map, a photo's point): its pack, unit,
 * queue (the unit's, or the city desk's) and the decision. Status, assignee, register number
 * and deadline stay: the tip is the same case, in another queue.
 */
export function rerouted(routing: RoutingDecision, otherGeneration: OtherGeneration | null): Pick<Tip, 'pack' | 'unit' | 'queue' | 'routing' | 'otherGeneration'> {
  return { pack: routing.pack, unit: routing.unit, queue: routing.unit ?? cityDeskQueue, routing, otherGeneration };
}

/**
 * A report as its incident's primary tip has it worked: the primary's workflow (status, holder,
 * queue, deadline and its extensions, rejection, when it closed) on the report's own id, text,
 * tracking code, register number and tipster, one version later. A report claimed before it was
 * linked keeps when it was first claimed.
 */
export function asReportOf(primary: Tip, report: Tip): Tip {
  return {
    ...report,
    status: primary.status,
    assignee: primary.assignee,
    pack: primary.pack,
    queue: primary.queue,
    unit: primary.unit,
    dueAt: primary.dueAt,
    deadlineExtensions: primary.deadlineExtensions,
    rejection: primary.rejection,
    claimedAt: report.claimedAt ?? primary.claimedAt,
    closedAt: primary.closedAt,
    incidentId: primary.id,
    reports: undefined,
    version: report.version + 1,
  };
}

/** Whether the tipster wrote after the last officer reply: the tip is waiting for an answer. */
export function awaitsReply(tip: Pick<Tip, 'tipsterWroteAt' | 'officerRepliedAt'>): boolean {
  return tip.tipsterWroteAt !== undefined && (tip.officerRepliedAt === undefined || tip.tipsterWroteAt > tip.officerRepliedAt);
}

/** Statuses after which a tip takes no more follow-up messages. */
export const closedTipStatuses: readonly TipStatus[] = ['RESOLVED', 'REJECTED'];

/** What an officer may do to a tip besides a status change, by its status (roles are checked apart). */
export type TipAction = 'claim' | 'assign' | 'transfer' | 'extendDeadline';

/** Claim takes a NEW tip; assign gives a tip not yet being verified; an open tip moves and gets more time. */
const actionStatuses: Readonly<Record<TipAction, readonly TipStatus[]>> = {
  claim: ['NEW'],
  assign: ['NEW', 'ASSIGNED'],
  transfer: ['NEW', 'ASSIGNED', 'IN_PROGRESS'],
  extendDeadline: ['NEW', 'ASSIGNED', 'IN_PROGRESS'],
};

/** Whether a tip of this status takes the action. */
export function takesAction(status: TipStatus, action: TipAction): boolean {
  return actionStatuses[action].includes(status);
}

/** The actions a tip of this status takes, for the console to offer. */
export function allowedActions(status: TipStatus): TipAction[] {
  return (Object.keys(actionStatuses) as TipAction[]).filter((action) => takesAction(status, action));
}

/** What the tracking-code record keeps: enough to find the tip and check its secret, no more. */
export interface TrackingRecord {
  readonly trackingCode: string;
  readonly tipId: string;
  readonly secretHash: string;
  readonly receivedAt: string;
  /** For SMS tips: only this sender may ask for the status by SMS. */
  readonly senderPseudonym?: string | undefined;
}
