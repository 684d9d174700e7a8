/**
 * The officer use cases: reading queues and tips, notes and replies here, the workflow (claim,
 * assign, transfer, status, deadline) in workflow.ts, re-exported so a handler imports one module.
 * Each takes the signed-in officer, the input as received, and its ports, and checks the
 * officer's rights itself: a gateway authoriser in front is a second fence, not the only one.
 */
import * as z from 'zod';
import { attachmentView } from '../../attachments/attachment.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import { cityDeskQueue } from '../../jurisdictions/index.ts';
import { officerGroups, type Officer, type TipEvent } from '../../officers/model.ts';
import { parseOrThrow } from '../../tip/submission.ts';
import { tipStatuses, type Tip } from '../../tip/tip.ts';
import {
  appendEvent,
  boundedInteger,
  boundedText,
  canSeeTip,
  canSeeQueue,
  loadVisibleTip,
  nextVersion,
  queueCodeSchema,
  requiredOr,
  requireSupervisor,
  retryingChange,
  type OfficerDirectory,
  type TipDependencies,
  type TipReadDependencies,
} from './access.ts';
import { possibleDuplicates, type PossibleDuplicateDependencies } from '../../incidents/possible-duplicates.ts';
import { oldestFirst, toTipView, toEventView, toQueueRow, type TipDetailView, type EventView, type QueuePageView } from './views.ts';
import { errorText } from '../../messages.ts';
import { incidentDetail, replyToIncident, type ReportDelivery } from './incidents.ts';

export { assignTip, changeStatus, claimTip, extendDeadline, transferTip, allowedStatusChanges, statusChanges, InvalidTransitionError } from './workflow.ts';
export type { AssignTipDependencies } from './workflow.ts';
export type { TipDependencies, TipReadDependencies, OfficerDirectory } from './access.ts';

/** Rows per queue page: this many unless asked, never more than the maximum. */
export const queuePageLimits = { default: 25, min: 1, max: 100 } as const;

const listQueueSchemas = new Map<string, ReturnType<typeof buildListQueueSchema>>();

function buildListQueueSchema(deps: Pick<TipReadDependencies, 'jurisdiction'>) {
  return z.object({
    queue: queueCodeSchema(deps.jurisdiction).optional(),
    status: z.enum(tipStatuses, { error: requiredOr('unknownStatus') }).default('NEW'),
    cursor: z.string({ error: 'notText' }).max(2048, { error: 'tooLong' }).optional(),
    limit: boundedInteger(queuePageLimits).optional(),
  });
}

function listQueueSchema(deps: Pick<TipReadDependencies, 'jurisdiction'>) {
  let schema = listQueueSchemas.get(deps.jurisdiction.id);
  if (!schema) {
    schema = buildListQueueSchema(deps);
    listQueueSchemas.set(deps.jurisdiction.id, schema);
  }
  return schema;
}

/**
 * One page of one queue and status (NEW unless asked), high urgency first, then oldest. The queue
 * defaults to the officer's unit when they have exactly one; a queue they may not see is a
 * 403 (queue codes are public, so refusing one reveals nothing). One store query per page.
 */
export async function listQueue(officer: Officer, input: unknown, deps: TipReadDependencies): Promise<QueuePageView> {
  const request = parseOrThrow(listQueueSchema(deps), input ?? {});
  const [onlyUnit, ...otherUnits] = officer.units;
  const queue = request.queue ?? (onlyUnit !== undefined && otherUnits.length === 0 ? onlyUnit : undefined);
  if (queue === undefined) throw new ValidationError([{ field: 'queue', reason: 'required' }]);
  if (!canSeeQueue(officer, queue)) throw new ForbiddenError(errorText('queueForbidden'));

  const page = await deps.tips.queue({ pack: deps.jurisdiction.id, queue, status: request.status, limit: request.limit ?? queuePageLimits.default, cursor: request.cursor });
  const now = deps.clock.now();
  // The store answers for one queue and status; check anyway, so a store bug cannot leak a tip.
  const items = page.tips.filter((tip) => tip.queue === queue && tip.status === request.status && canSeeTip(officer, tip));
  return { items: items.map((tip) => toQueueRow(tip, now)), nextCursor: page.nextCursor ?? null };
}

const officersSchemas = new Map<string, ReturnType<typeof buildOfficersSchema>>();
function buildOfficersSchema(deps: Pick<TipReadDependencies, 'jurisdiction'>) {
  return z.object({ queue: queueCodeSchema(deps.jurisdiction) });
}

/** One officer a supervisor may hand a tip to. */
export interface AssignableOfficer {
  readonly username: string;
}

/**
 * The officers of one queue (its unit's group, or the city desk), for a supervisor's assignment
 * list; others get a 403, as only supervisors assign.
 */
export async function listQueueOfficers(officer: Officer, input: unknown, deps: Pick<TipReadDependencies, 'jurisdiction'> & { readonly directory: OfficerDirectory }): Promise<{ queue: string; officers: AssignableOfficer[] }> {
  let schema = officersSchemas.get(deps.jurisdiction.id);
  if (!schema) officersSchemas.set(deps.jurisdiction.id, (schema = buildOfficersSchema(deps)));
  const { queue } = parseOrThrow(schema, input ?? {});
  requireSupervisor(officer, 'listQueueOfficers');
  if (!canSeeQueue(officer, queue)) throw new ForbiddenError(errorText('queueForbidden'));
  const members = await deps.directory.members(queue === cityDeskQueue ? officerGroups.cityDesk : officerGroups.unit(queue));
  const usernames = [...new Set(members.map((member) => member.username))].sort((a, b) => a.localeCompare(b, 'vi'));
  return { queue, officers: usernames.map((username) => ({ username })) };
}

/** A tip in full with its whole audit trail, oldest first, and its attachments, for an officer who may see it. */
export async function getTip(officer: Officer, tipId: string, deps: TipReadDependencies & Pick<PossibleDuplicateDependencies, 'duplicates'>): Promise<TipDetailView> {
  const tip = await loadVisibleTip(officer, tipId, deps.tips);
  const [events, attachments, incident, duplicates] = await Promise.all([
    deps.tips.events(tip.id),
    deps.attachments.list(tip.id),
    incidentDetail(officer, tip, deps.tips),
    possibleDuplicates(officer, tip, deps),
  ]);
  const now = deps.clock.now();
  return { tip: toTipView(tip, now), events: oldestFirst(events).map(toEventView), attachments: attachments.map((attachment) => attachmentView(attachment, now)), ...incident, possibleDuplicates: duplicates };
}

/** How long a note may be, in code points. */
export const noteTextLimits = { min: 1, max: 5000 } as const;

/** How long a reply to the tipster may be, in code points (it may go out by SMS). */
export const replyTextLimits = { min: 1, max: 1000 } as const;

const noteSchema = z.object({ text: boundedText(noteTextLimits) });
const replySchema = z.object({ text: boundedText(replyTextLimits) });

function messageEvent(officer: Officer, tip: Tip, deps: TipDependencies, type: 'NOTE_ADDED' | 'OFFICER_MESSAGE', text: string): TipEvent {
  return {
    id: deps.ids.next(),
    tipId: tip.id,
    type,
    actor: officer.username,
    at: deps.clock.now().toISOString(),
    text,
    public: type === 'OFFICER_MESSAGE',
  };
}

/**
 * An internal note on a tip, for officers only; the tipster never sees it. Any officer who may
 * see the tip may add one, closed tips included.
 */
export async function addNote(officer: Officer, tipId: string, input: unknown, deps: TipDependencies): Promise<EventView> {
  const tip = await loadVisibleTip(officer, tipId, deps.tips);
  const { text } = parseOrThrow(noteSchema, input ?? {});
  const event = messageEvent(officer, tip, deps, 'NOTE_ADDED', text);
  await appendEvent(deps.tips, tip, event, () => loadVisibleTip(officer, tipId, deps.tips));
  return toEventView(event);
}

/** Why a reply did not go out by SMS; the tipster still reads it on the status page. */
export const undeliveredReasons = [
  /** A web tip: the tipster reads replies on the status page only. */
  'web_tip',
  /** The number sent HUY/STOP: nothing is texted to it until it sends BAT/START. */
  'opted_out',
  /** No outbound SMS is configured for the provider the tipster used. */
  'no_sms_route',
  /** The provider refused the message, or could not be reached. */
  'send_failed',
] as const;
export type UndeliveredReason = (typeof undeliveredReasons)[number];

/** Whether a reply was texted to the tipster, and if not, why. */
export type SmsDelivery = { readonly delivered: true } | { readonly delivered: false; readonly reason: UndeliveredReason };

/**
 * Tells the tipster something: by SMS for SMS tips, on the status page for web tips. The
 * adapter knows how; it reads the tip, never the other way round.
 */
export interface TipsterNotifier {
  /** Resolves with what became of the text; rejects when the provider failed (`send_failed`). */
  notify(tip: Tip, text: string): Promise<SmsDelivery>;
}

/** What replyToTipster needs besides the tip store. */
export interface ReplyDependencies extends TipDependencies {
  readonly notifier: TipsterNotifier;
}

/**
 * A reply as stored, and whether it was also texted to the tipster; on an incident's primary,
 * what became of it for each linked report's tipster too.
 */
export type ReplyResult = { readonly event: EventView; readonly reports?: readonly ReportDelivery[] } & SmsDelivery;

/**
 * A message to the tipster: recorded as a public event (shown on the status page), then passed
 * to the notifier. The answer says whether it went out by SMS and, if not, why; a failed
 * notification does not undo the message.
 */
export async function replyToTipster(officer: Officer, tipId: string, input: unknown, deps: ReplyDependencies): Promise<ReplyResult> {
  const tip = await loadVisibleTip(officer, tipId, deps.tips);
  const { text } = parseOrThrow(replySchema, input ?? {});
  const event = messageEvent(officer, tip, deps, 'OFFICER_MESSAGE', text);
  // An incident answers every tipster: the message goes on each of its reports too.
  if ((tip.reports ?? []).length > 0) {
    const answered = await replyToIncident(officer, tip, event, deps);
    return { event: toEventView(event), ...answered.primary, reports: answered.reports };
  }
  // The tip records the reply too, so its queue row stops showing that the tipster is waiting.
  const current = await retryingChange(deps.tips, tip, (latest) => ({ before: latest, after: nextVersion(latest, { officerRepliedAt: event.at }), event }), () => loadVisibleTip(officer, tipId, deps.tips));
  let delivery: SmsDelivery;
  try {
    delivery = await deps.notifier.notify(current, text);
  } catch {
    delivery = { delivered: false, reason: 'send_failed' };
  }
  return { event: toEventView(event), ...delivery };
}
