/**
 * A tip's workflow: the state machine and the use cases that move a tip through it (claim,
 * assign, transfer, change of status, deadline extension).
 *
 *   NEW ──claim/assign──▶ ASSIGNED ──▶ IN_PROGRESS ──▶ RESOLVED
 *    │                   │  ▲  (reassign)  │
 *    └───────────────────┴──┴──────────────┴──────────▶ REJECTED (false, duplicate, spam)
 *
 * Any open tip can be transferred to another queue, where it starts again as NEW with no
 * assignee. RESOLVED and REJECTED are final.
 *
 * Every use case checks, in this order: that the officer may see the tip (else 404, the same as
 * a tip that does not exist), that their role allows the action (403), the input (400), and that
 * the tip's state allows it (409). Each change is written with its audit event under the version
 * condition, so two officers can never both win. Reports linked into one incident are worked as
 * one (incidents.ts): a change of the incident's primary tip is made on every report in the same
 * transaction (commitChange), and a report takes no action of its own (409 `linked_report`).
 */
import * as z from 'zod';
import { ConflictError, ForbiddenError, ValidationError, type FieldIssue } from '../../errors.ts';
import type { FieldReason } from '../../i18n.ts';
import { cityDeskQueue } from '../../jurisdictions/index.ts';
import { maxDeadlineExtensions, maxExtensionMonths, rejectionReasons, type Officer, type RejectionReason, type TipEvent } from '../../officers/model.ts';
import { parseOrThrow } from '../../tip/submission.ts';
import { allowedStatusChanges, closedTipStatuses, takesAction, tipStatuses, type Tip, type TipStatus } from '../../tip/tip.ts';
import {
  boundedInteger,
  boundedText,
  canSeeTip,
  closedTip,
  commitChange,
  isAssignee,
  loadWorkableTip,
  nextVersion,
  normaliseText,
  queueCodeSchema,
  requiredOr,
  requireSupervisor,
  textProblem,
  type TipDependencies,
  type OfficerDirectory,
} from './access.ts';
import { addDays, maxExtensionDays } from './deadline.ts';
import { toTipView, type TipView } from './views.ts';
import type { SystemReason } from '../../labels.ts';
import { statusNames } from '../../labels.ts';
import { errorText, joinLocalized } from '../../messages.ts';

// ---- The state machine ---------------------------------------------------------------------

export { allowedStatusChanges, statusChanges } from '../../tip/tip.ts';

/** Whether the tip is resolved or rejected. */
export function isClosed(status: TipStatus): boolean {
  return closedTipStatuses.includes(status);
}

/** A refused status change: a 409 whose details list where the tip may go from here. */
export class InvalidTransitionError extends ConflictError {
  readonly from: TipStatus;
  readonly to: TipStatus;
  readonly allowed: readonly TipStatus[];

  constructor(from: TipStatus, to: TipStatus) {
    const allowed = allowedStatusChanges(from);
    super(
      'invalid_transition',
      allowed.length > 0
        ? errorText('invalidTransition', { from: statusNames[from], to: statusNames[to], allowed: joinLocalized(allowed.map((status) => statusNames[status])) })
        : errorText('closedTransition', { from: statusNames[from], to: statusNames[to] }),
      { from, to, allowed: [...allowed] },
    );
    this.from = from;
    this.to = to;
    this.allowed = allowed;
  }
}

// ---- Helpers -------------------------------------------------------------------------------

function newEvent(
  tip: Tip,
  officer: Officer,
  deps: TipDependencies,
  fields: Pick<TipEvent, 'type'> & Partial<Pick<TipEvent, 'before' | 'after' | 'reason' | 'text'>>,
): TipEvent {
  return {
    id: deps.ids.next(),
    tipId: tip.id,
    actor: officer.username,
    at: deps.clock.now().toISOString(),
    public: false,
    ...fields,
  };
}

function validation(field: string, reason: FieldIssue['reason'], limit?: number): ValidationError {
  return new ValidationError([limit === undefined ? { field, reason } : { field, reason, limit }]);
}

const alreadyClaimed = () => new ConflictError('already_claimed', errorText('alreadyClaimed'));

/** How often a claim is tried again when the tip changed but is still unclaimed. */
const maxClaimAttempts = 3;

// ---- Claim ---------------------------------------------------------------------------------

/**
 * The officer takes a NEW tip from a queue they see: it becomes ASSIGNED to them. Of officers
 * claiming at once exactly one wins; the others get 409 `already_claimed`.
 */
export async function claimTip(officer: Officer, tipId: string, deps: TipDependencies): Promise<TipView> {
  let tip = await loadWorkableTip(officer, tipId, deps.tips);
  for (let attempt = 1; ; attempt += 1) {
    if (tip.status === 'ASSIGNED' || tip.status === 'IN_PROGRESS') throw alreadyClaimed();
    if (isClosed(tip.status)) throw closedTip('claimed');
    const after = nextVersion(tip, { status: 'ASSIGNED', assignee: { id: officer.id, username: officer.username }, claimedAt: tip.claimedAt ?? deps.clock.now().toISOString() });
    const event = newEvent(tip, officer, deps, {
      type: 'CLAIMED',
      before: { status: tip.status, assignee: null },
      after: { status: 'ASSIGNED', assignee: officer.username },
    });
    try {
      await commitChange(deps.tips, { before: tip, after, event }, alreadyClaimed);
      return toTipView(after, deps.clock.now());
    } catch (error) {
      // The tip changed since it was read. Most often another officer claimed it; if it is
      // still NEW (something else changed), look again and try once more.
      if (!(error instanceof ConflictError) || attempt >= maxClaimAttempts) throw error;
      tip = await loadWorkableTip(officer, tipId, deps.tips);
      if (tip.status !== 'NEW') throw alreadyClaimed();
    }
  }
}

// ---- Assign --------------------------------------------------------------------------------

const assignSchema = z.object({
  assignee: z
    .string({ error: requiredOr('notText') })
    .transform((username) => username.trim())
    .pipe(z.string().min(1, { error: 'required' }).max(128, { error: 'tooLong' })),
});

/** What assignTip needs besides the tip store. */
export interface AssignTipDependencies extends TipDependencies {
  readonly directory: OfficerDirectory;
}

/**
 * A supervisor gives a NEW or ASSIGNED tip to an officer who may see it. Giving it to the
 * officer who already holds it changes nothing.
 */
export async function assignTip(supervisor: Officer, tipId: string, input: unknown, deps: AssignTipDependencies): Promise<TipView> {
  const tip = await loadWorkableTip(supervisor, tipId, deps.tips);
  requireSupervisor(supervisor, 'assignTips');
  const { assignee: username } = parseOrThrow(assignSchema, input ?? {});
  if (isClosed(tip.status)) throw closedTip('assigned');
  if (!takesAction(tip.status, 'assign')) {
    throw new ConflictError('in_progress', errorText('reassignInProgress'));
  }
  const assignee = await deps.directory.find(username);
  if (!assignee) throw validation('assignee', 'unknownOfficer');
  if (!canSeeTip(assignee, tip)) throw validation('assignee', 'officerCannotSee');
  if (tip.status === 'ASSIGNED' && tip.assignee?.id === assignee.id) return toTipView(tip, deps.clock.now());

  const after = nextVersion(tip, { status: 'ASSIGNED', assignee: { id: assignee.id, username: assignee.username }, claimedAt: tip.claimedAt ?? deps.clock.now().toISOString() });
  const event = newEvent(tip, supervisor, deps, {
    type: 'ASSIGNED',
    before: { status: tip.status, assignee: tip.assignee?.username ?? null },
    after: { status: 'ASSIGNED', assignee: assignee.username },
  });
  await commitChange(deps.tips, { before: tip, after, event });
  return toTipView(after, deps.clock.now());
}

// ---- Transfer ------------------------------------------------------------------------------

/** How long the reason for a transfer or an extension may be, in code points. */
export const reasonLimits = { min: 5, max: 500 } as const;

const transferSchemas = new Map<string, ReturnType<typeof buildTransferSchema>>();

function buildTransferSchema(deps: Pick<TipDependencies, 'jurisdiction'>) {
  const to = queueCodeSchema(deps.jurisdiction);
  return {
    /** A transfer the officer explains. */
    written: z.object({ to, reason: boundedText(reasonLimits) }),
    /** One of the routing's candidates picked in one click: the suggestion is the reason. */
    suggested: z.object({ to, reason: boundedText(reasonLimits).optional(), suggested: z.literal(true) }),
  };
}

function transferSchema(deps: Pick<TipDependencies, 'jurisdiction'>) {
  let schema = transferSchemas.get(deps.jurisdiction.id);
  if (!schema) {
    schema = buildTransferSchema(deps);
    transferSchemas.set(deps.jurisdiction.id, schema);
  }
  return schema;
}

/** The reason recorded when an officer sends a tip to one of its routing candidates in one click. */
export const routingCandidateReason: SystemReason = 'routing_candidate';

/**
 * Moves an open tip to another unit's queue or to the city desk, where it starts again as NEW
 * with no assignee. Any officer who may see the tip may transfer it; the reason is recorded.
 */
export async function transferTip(officer: Officer, tipId: string, input: unknown, deps: TipDependencies): Promise<TipView> {
  const tip = await loadWorkableTip(officer, tipId, deps.tips);
  const schemas = transferSchema(deps);
  const suggested = (input as { suggested?: unknown } | null)?.suggested === true;
  const { to, reason: written } = suggested ? parseOrThrow(schemas.suggested, input) : parseOrThrow(schemas.written, input ?? {});
  if (!takesAction(tip.status, 'transfer')) throw closedTip('transferred');
  if (to === tip.queue) throw validation('to', 'sameQueue');
  if (suggested && !(tip.routing.pack === deps.jurisdiction.id && tip.routing.candidates.some((c) => c.unit === to))) throw validation('to', 'notACandidate');
  const reason = written ?? routingCandidateReason;

  const unit = to === cityDeskQueue ? null : to;
  const after = nextVersion(tip, { queue: to, unit, pack: deps.jurisdiction.id, status: 'NEW', assignee: undefined });
  const event = newEvent(tip, officer, deps, {
    type: 'TRANSFERRED',
    before: { queue: tip.queue, unit: tip.unit, status: tip.status, assignee: tip.assignee?.username ?? null },
    after: { queue: to, unit, status: 'NEW', assignee: null },
    reason,
  });
  await commitChange(deps.tips, { before: tip, after, event });
  return toTipView(after, deps.clock.now());
}

// ---- Change of status ----------------------------------------------------------------------

/** How long a rejection note may be, in code points. */
export const rejectionNoteLimits = { min: 1, max: 1000 } as const;

const isRejectionReason = (value: string): value is RejectionReason => (rejectionReasons as readonly string[]).includes(value);

const statusChangeSchema = z
  .object({
    status: z.enum(tipStatuses, { error: requiredOr('unknownStatus') }),
    reason: z.string({ error: 'notText' }).optional(),
    duplicateOf: z
      .string({ error: 'notText' })
      .transform((id) => id.trim())
      .pipe(z.string().min(1, { error: 'required' }).max(64, { error: 'tooLong' }))
      .optional(),
    note: boundedText(rejectionNoteLimits).optional(),
  })
  .superRefine((change, context) => {
    const issue = (field: string, message: FieldReason, limit?: number) =>
      context.addIssue({ code: 'custom', path: [field], message, ...(limit !== undefined && { params: { limit } }) });
    if (change.status === 'REJECTED') {
      const reason = change.reason?.trim();
      if (!reason) issue('reason', 'required');
      else if (!isRejectionReason(reason)) issue('reason', 'unknownRejectionReason');
      if (reason === 'duplicate' && change.duplicateOf === undefined) issue('duplicateOf', 'required');
      if (reason !== 'duplicate' && change.duplicateOf !== undefined) issue('duplicateOf', 'notApplicable');
      return;
    }
    // Other changes take an optional free-text reason; the rejection fields do not apply.
    const problem = change.reason === undefined ? undefined : textProblem(change.reason, reasonLimits);
    if (problem) issue('reason', problem.reason, problem.limit);
    if (change.duplicateOf !== undefined) issue('duplicateOf', 'notApplicable');
    if (change.note !== undefined) issue('note', 'notApplicable');
  })
  .transform((change) => ({
    status: change.status,
    reason: change.status === 'REJECTED' ? change.reason?.trim() : change.reason === undefined ? undefined : normaliseText(change.reason),
    duplicateOf: change.duplicateOf,
    note: change.note,
  }));

/**
 * Moves a tip along the state machine: ASSIGNED → IN_PROGRESS → RESOLVED, or REJECTED (with a
 * reason: false, duplicate of another tip, or spam) from any open status. Only the assignee or a
 * supervisor may move an assigned tip; any officer who sees a NEW tip may reject it. A change
 * the state machine does not allow is a 409 listing the statuses that are allowed.
 */
export async function changeStatus(officer: Officer, tipId: string, input: unknown, deps: TipDependencies): Promise<TipView> {
  const tip = await loadWorkableTip(officer, tipId, deps.tips);
  const held = tip.status === 'ASSIGNED' || tip.status === 'IN_PROGRESS';
  if (held && !isAssignee(officer, tip) && !officer.supervisor) {
    throw new ForbiddenError(errorText('statusHolderOnly'));
  }
  const change = parseOrThrow(statusChangeSchema, input ?? {});
  if (!allowedStatusChanges(tip.status).includes(change.status)) throw new InvalidTransitionError(tip.status, change.status);

  let rejection: Tip['rejection'];
  if (change.status === 'REJECTED') {
    if (change.duplicateOf !== undefined) {
      // The original must be another tip this officer may see; one they may not see is refused
      // the same way as one that does not exist.
      const original = change.duplicateOf === tip.id ? undefined : await deps.tips.get(change.duplicateOf);
      if (!original || !canSeeTip(officer, original)) throw validation('duplicateOf', change.duplicateOf === tip.id ? 'invalid' : 'unknownTip');
    }
    rejection = {
      reason: change.reason as RejectionReason,
      ...(change.duplicateOf !== undefined && { duplicateOf: change.duplicateOf }),
      ...(change.note !== undefined && { note: change.note }),
    };
  }

  const after = nextVersion(tip, { status: change.status, ...(rejection && { rejection }), ...(isClosed(change.status) && { closedAt: deps.clock.now().toISOString() }) });
  const event = newEvent(tip, officer, deps, {
    type: 'STATUS_CHANGED',
    before: { status: tip.status },
    after: { status: change.status },
    ...(change.reason !== undefined && { reason: change.reason }),
    ...(change.note !== undefined && { text: change.note }),
  });
  await commitChange(deps.tips, { before: tip, after, event });
  return toTipView(after, deps.clock.now());
}

// ---- Deadline extension --------------------------------------------------------------------

/** At most this many days per extension, whatever the months (two months are at most 62 days). */
export const maxExtensionDaysEver = 62;

const extensionSchema = z.object({
  days: boundedInteger({ min: 1, max: maxExtensionDaysEver }),
  reason: boundedText(reasonLimits),
});

/**
 * A supervisor extends an open tip's verification deadline: at most `maxDeadlineExtensions`
 * times, each by at most `maxExtensionMonths` calendar months from the current deadline.
 */
export async function extendDeadline(supervisor: Officer, tipId: string, input: unknown, deps: TipDependencies): Promise<TipView> {
  const tip = await loadWorkableTip(supervisor, tipId, deps.tips);
  requireSupervisor(supervisor, 'extendDeadlines');
  const { days, reason } = parseOrThrow(extensionSchema, input ?? {});
  if (!takesAction(tip.status, 'extendDeadline')) throw closedTip('extended');
  const extensions = tip.deadlineExtensions ?? [];
  if (extensions.length >= maxDeadlineExtensions) {
    throw new ConflictError('extension_limit', errorText('extensionLimit', { n: maxDeadlineExtensions }), {
      max: maxDeadlineExtensions,
    });
  }
  const limit = maxExtensionDays(tip.dueAt, maxExtensionMonths);
  if (days > limit) throw validation('days', 'tooLarge', limit);

  const now = deps.clock.now().toISOString();
  const dueAt = addDays(tip.dueAt, days).toISOString();
  const after = nextVersion(tip, {
    dueAt,
    deadlineExtensions: [...extensions, { by: supervisor.username, at: now, previousDueAt: tip.dueAt, dueAt, reason }],
  });
  const event = newEvent(tip, supervisor, deps, {
    type: 'DEADLINE_EXTENDED',
    before: { dueAt: tip.dueAt },
    after: { dueAt },
    reason,
  });
  await commitChange(deps.tips, { before: tip, after, event });
  return toTipView(after, deps.clock.now());
}
