/**
 * The JSON shapes officers get. Every field is picked by name, never spread from the stored tip,
 * so nothing added to the tip later (a sender's pseudonym, a sealed number) can leak by accident.
 */
import type { AttachmentView } from '../../attachments/attachment.ts';
import type { PossibleDuplicateView } from '../../incidents/possible-duplicates.ts';
import type { Category, OtherGeneration, RoutingCandidate, RoutingDecision, RoutingEvidence, Urgency } from '../../classification/types.ts';
import type { Language } from '../../i18n.ts';
import type { DeadlineExtension, RejectionReason, TipEvent, TipEventType, TipSnapshot } from '../../officers/model.ts';
import type { Channel, TipFlag } from '../../tip/envelope.ts';
import { allowedActions, allowedStatusChanges, awaitsReply, type Tip, type TipAction, type TipStatus } from '../../tip/tip.ts';
import { daysLeft, isOverdue } from './deadline.ts';

/** How much of the tip's text a queue row shows, in code points. */
export const excerptLength = 140;

/** What a queue row and the detail view share. */
export interface TipHeader {
  readonly id: string;
  readonly trackingCode: string;
  /** Null for the moment between the tip being stored and the register numbering it. */
  readonly registerNumber: string | null;
  /** The queue the tip sits in: a unit code or CITY. */
  readonly queue: string;
  /** The pack (map) the unit codes belong to. */
  readonly pack: string;
  /** The unit's code, or null at the city desk. */
  readonly unit: string | null;
  readonly category: Category;
  readonly urgency: Urgency;
  readonly status: TipStatus;
  readonly channel: Channel;
  readonly receivedAt: string;
  readonly dueAt: string;
  /** Whole days to the deadline, rounded down; negative once overdue. */
  readonly daysLeft: number;
  readonly overdue: boolean;
  /** The username of the officer holding the tip, or null. */
  readonly assignee: string | null;
  /** For SMS tips, the sender's alias such as `SMS-7F3K`; never the number or pseudonym. */
  readonly senderAlias: string | null;
  readonly flags: readonly TipFlag[];
  /** When the tipster last wrote (SMS follow-up or status page); null if never since the tip. */
  readonly tipsterWroteAt: string | null;
  /** The tipster wrote after the last officer reply: the tip waits for an answer. */
  readonly awaitingReply: boolean;
  /** How many reports the tip stands for: 1, or 1 + its linked reports when it is an incident's primary. */
  readonly reportCount: number;
}

/** One row of a queue. */
export interface QueueRow extends TipHeader {
  /** The first 140 code points of the text, with `…` when there is more. */
  readonly excerpt: string;
}

/** A page of a queue. */
export interface QueuePageView {
  readonly items: readonly QueueRow[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  readonly nextCursor: string | null;
}

/** One tip in full, for an officer who may see it. */
export interface TipView extends TipHeader {
  /** For optimistic updates: the version this view was read at. */
  readonly version: number;
  /** The statuses an officer may set now (changeStatus); empty for a closed tip. */
  readonly allowedStatusChanges: readonly TipStatus[];
  /** The other actions the tip takes now (claim, assign, transfer, extendDeadline); roles still decide who may. */
  readonly allowedActions: readonly TipAction[];
  readonly text: string;
  readonly language: Language;
  readonly classifiedAt: string;
  /** Only when the tipster chose to leave it (contact is stored only with consent). */
  readonly contact?: string;
  readonly lat?: number;
  readonly lon?: number;
  /** What the tipster picked on the form, if anything; routing may have overruled it. */
  readonly requestedUnit?: string;
  readonly requestedCategory?: Category;
  readonly routing: RoutingDecision;
  /** Where the tip lies on the other generation's map. */
  readonly otherGeneration: OtherGeneration | null;
  readonly deadlineExtensions: readonly DeadlineExtension[];
  readonly rejection: { readonly reason: RejectionReason; readonly duplicateOf?: string; readonly note?: string } | null;
  /** On a report linked into an incident: the incident's primary tip, worked instead (the report takes no action). */
  readonly incidentId: string | null;
}

/** One entry of the audit trail as officers see it. */
export interface EventView {
  readonly id: string;
  readonly type: TipEventType;
  readonly actor: string;
  readonly at: string;
  readonly before?: TipSnapshot;
  readonly after?: TipSnapshot;
  readonly reason?: string;
  readonly text?: string;
  /** For attachment events: which file of the tip. */
  readonly attachmentId?: string;
  /** On a linked report: the incident the change was made through, or that it joined. */
  readonly incidentId?: string;
  /** For REPORT_LINKED on an incident's primary: the reports that joined it. */
  readonly reportIds?: readonly string[];
  /** For DUPLICATE_DISMISSED: the other tip of the suggestion. */
  readonly otherTipId?: string;
  /** Whether the tipster sees it on the status page (officer replies and tipster messages). */
  readonly public: boolean;
}

/** A report linked into an incident, as the incident's detail lists it. */
export interface IncidentReportView {
  readonly id: string;
  readonly trackingCode: string;
  readonly registerNumber: string | null;
  readonly channel: Channel;
  readonly receivedAt: string;
  /** The report's tipster wrote after the last reply: a report is in no queue, so its incident's page says so. */
  readonly awaitingReply: boolean;
}

/** A report's incident, as the report's detail names it (when the officer may see it). */
export interface IncidentView {
  readonly id: string;
  readonly trackingCode: string;
  readonly registerNumber: string | null;
  readonly reportCount: number;
}

/** A tip, its whole audit trail, oldest first, and its attachments in the order they were sent. */
export interface TipDetailView {
  readonly tip: TipView;
  readonly events: readonly EventView[];
  readonly attachments: readonly AttachmentView[];
  /** On an incident's primary: its linked reports the officer may see, oldest first; else empty. */
  readonly reports: readonly IncidentReportView[];
  /** On a linked report: the incident it belongs to, if the officer may see it; else null. */
  readonly incident: IncidentView | null;
  /** Tips that may be reports of the same incident (suggested, not yet linked or dismissed), that the officer may see, best score first. */
  readonly possibleDuplicates: readonly PossibleDuplicateView[];
}

function excerpt(text: string): string {
  const codePoints = Array.from(text);
  return codePoints.length > excerptLength ? `${codePoints.slice(0, excerptLength).join('')}…` : text;
}

function header(tip: Tip, now: Date): TipHeader {
  return {
    id: tip.id,
    trackingCode: tip.trackingCode,
    registerNumber: tip.registerNumber ?? null,
    queue: tip.queue,
    pack: tip.pack,
    unit: tip.unit,
    category: tip.category,
    urgency: tip.urgency,
    status: tip.status,
    channel: tip.channel,
    receivedAt: tip.receivedAt,
    dueAt: tip.dueAt,
    daysLeft: daysLeft(tip.dueAt, now),
    overdue: isOverdue(tip.dueAt, now),
    assignee: tip.assignee?.username ?? null,
    senderAlias: tip.sender?.alias ?? null,
    flags: [...(tip.flags ?? [])],
    tipsterWroteAt: tip.tipsterWroteAt ?? null,
    awaitingReply: awaitsReply(tip),
    reportCount: 1 + (tip.reports?.length ?? 0),
  };
}

/** A queue row. */
export function toQueueRow(tip: Tip, now: Date): QueueRow {
  return { ...header(tip, now), excerpt: excerpt(tip.text) };
}

function evidenceView(evidence: RoutingEvidence | null): RoutingEvidence | null {
  if (!evidence) return null;
  switch (evidence.kind) {
    case 'code':
      return { kind: 'code', code: evidence.code };
    case 'point':
      return { kind: 'point', lat: evidence.lat, lon: evidence.lon, ...(evidence.source === 'photo' && { source: 'photo' as const }) };
    case 'text':
      return { kind: 'text', span: evidence.span, start: evidence.start, end: evidence.end };
  }
}

function candidateView(candidate: RoutingCandidate): RoutingCandidate {
  return { unit: candidate.unit, confidence: candidate.confidence, method: candidate.method, evidence: evidenceView(candidate.evidence) };
}

function routingView(routing: RoutingDecision): RoutingDecision {
  return {
    pack: routing.pack,
    unit: routing.unit,
    confidence: routing.confidence,
    method: routing.method,
    evidence: evidenceView(routing.evidence),
    candidates: routing.candidates.map(candidateView),
  };
}

function otherGenerationView(other: OtherGeneration | null | undefined): OtherGeneration | null {
  return other ? { pack: other.pack, unit: other.unit, units: [...other.units], method: other.method } : null;
}

/** The full view of a tip. */
export function toTipView(tip: Tip, now: Date): TipView {
  return {
    ...header(tip, now),
    version: tip.version,
    // What the status control offers: the state machine lives in shared/tip/tip.ts only. A
    // linked report is worked through its incident, so it offers nothing of its own.
    allowedStatusChanges: tip.incidentId === undefined ? [...allowedStatusChanges(tip.status)] : [],
    allowedActions: tip.incidentId === undefined ? allowedActions(tip.status) : [],
    text: tip.text,
    language: tip.language,
    classifiedAt: tip.classifiedAt,
    ...(tip.contact ? { contact: tip.contact } : {}),
    ...(tip.lat !== undefined && tip.lon !== undefined ? { lat: tip.lat, lon: tip.lon } : {}),
    ...(tip.requestedUnit !== undefined ? { requestedUnit: tip.requestedUnit } : {}),
    ...(tip.requestedCategory !== undefined ? { requestedCategory: tip.requestedCategory } : {}),
    routing: routingView(tip.routing),
    otherGeneration: otherGenerationView(tip.otherGeneration),
    deadlineExtensions: (tip.deadlineExtensions ?? []).map((extension) => ({
      by: extension.by,
      at: extension.at,
      previousDueAt: extension.previousDueAt,
      dueAt: extension.dueAt,
      reason: extension.reason,
    })),
    rejection: tip.rejection
      ? {
          reason: tip.rejection.reason,
          ...(tip.rejection.duplicateOf !== undefined ? { duplicateOf: tip.rejection.duplicateOf } : {}),
          ...(tip.rejection.note !== undefined ? { note: tip.rejection.note } : {}),
        }
      : null,
    incidentId: tip.incidentId ?? null,
  };
}

/** A linked report in its incident's list. */
export function toIncidentReportView(report: Tip): IncidentReportView {
  return {
    id: report.id,
    trackingCode: report.trackingCode,
    registerNumber: report.registerNumber ?? null,
    channel: report.channel,
    receivedAt: report.receivedAt,
    awaitingReply: awaitsReply(report),
  };
}

/** An incident's primary tip, as one of its reports names it. */
export function toIncidentView(primary: Tip): IncidentView {
  return { id: primary.id, trackingCode: primary.trackingCode, registerNumber: primary.registerNumber ?? null, reportCount: 1 + (primary.reports?.length ?? 0) };
}

function snapshotView(snapshot: TipSnapshot): TipSnapshot {
  return {
    ...(snapshot.status !== undefined ? { status: snapshot.status } : {}),
    ...(snapshot.pack !== undefined ? { pack: snapshot.pack } : {}),
    ...(snapshot.queue !== undefined ? { queue: snapshot.queue } : {}),
    ...(snapshot.unit !== undefined ? { unit: snapshot.unit } : {}),
    ...(snapshot.assignee !== undefined ? { assignee: snapshot.assignee } : {}),
    ...(snapshot.dueAt !== undefined ? { dueAt: snapshot.dueAt } : {}),
    ...(snapshot.category !== undefined ? { category: snapshot.category } : {}),
    ...(snapshot.urgency !== undefined ? { urgency: snapshot.urgency } : {}),
    ...(snapshot.registerNumber !== undefined ? { registerNumber: snapshot.registerNumber } : {}),
  };
}

/** One event as officers see it. */
export function toEventView(event: TipEvent): EventView {
  return {
    id: event.id,
    type: event.type,
    actor: event.actor,
    at: event.at,
    ...(event.before ? { before: snapshotView(event.before) } : {}),
    ...(event.after ? { after: snapshotView(event.after) } : {}),
    ...(event.reason !== undefined ? { reason: event.reason } : {}),
    ...(event.text !== undefined ? { text: event.text } : {}),
    ...(event.attachmentId !== undefined ? { attachmentId: event.attachmentId } : {}),
    ...(event.incidentId !== undefined ? { incidentId: event.incidentId } : {}),
    ...(event.reportIds !== undefined ? { reportIds: [...event.reportIds] } : {}),
    ...(event.otherTipId !== undefined ? { otherTipId: event.otherTipId } : {}),
    public: isPublicEvent(event),
  };
}

/** The events that make up the conversation between tipster and officers. */
export const conversationEventTypes: readonly TipEventType[] = ['OFFICER_MESSAGE', 'TIPSTER_MESSAGE'];

/**
 * Whether the tipster sees the event. Only messages can be public, and a message is unless it
 * says otherwise (tipster messages stored by the SMS path before `public` existed carry no flag).
 */
export function isPublicEvent(event: Pick<TipEvent, 'type' | 'public'>): boolean {
  return conversationEventTypes.includes(event.type) && (event.public as boolean | undefined) !== false;
}

/** Events oldest first; events at the same instant keep the store's order. */
export function oldestFirst<T extends { readonly at: string }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
