/**
 * Who may see and do what with a tip, and the plumbing every officer use case shares: loading a
 * tip the officer may see, reading input, writing a change under the version condition.
 *
 * The rule of visibility: an officer sees the queues of their `unit-<code>` groups; the city
 * desk sees every queue, CITY included. Supervisors see what their groups let them see. A tip the
 * officer may not see does not exist for them (404), so its existence is never revealed; a tip
 * they may see but an action their role does not allow is a 403.
 */
import * as z from 'zod';
import type { AttachmentStore } from '../../attachments/ports.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.ts';
import type { FieldReason } from '../../i18n.ts';
import type { Jurisdiction } from '../../jurisdictions/index.ts';
import { StaleTipError, type Officer, type TipEvent } from '../../officers/model.ts';
import type { Clock, IdGenerator, TipChange, TipRepository } from '../../ports.ts';
import { asReportOf, type Tip } from '../../tip/tip.ts';
import { codePointLength } from '../../tip/submission.ts';
import { actionWords, errorText, type ActionWord } from '../../messages.ts';

/** What the reading use cases need. */
export interface TipReadDependencies {
  readonly tips: Pick<TipRepository, 'get' | 'getMany' | 'events' | 'queue'>;
  /** A tip's attachments, for its detail view. */
  readonly attachments: Pick<AttachmentStore, 'list'>;
  readonly clock: Clock;
  /** The deployment's pack: its units are the queues. */
  readonly jurisdiction: Jurisdiction;
}

/** What the use cases that change a tip need. */
export interface TipDependencies extends TipReadDependencies {
  readonly tips: Pick<TipRepository, 'get' | 'getMany' | 'events' | 'queue' | 'update' | 'updateMany' | 'addEvent'>;
  readonly ids: IdGenerator;
}

/** Finds officers by username, for assignment (Cognito in the cloud). */
export interface OfficerDirectory {
  find(username: string): Promise<Officer | undefined>;
  /** The enabled officers of one group (a unit's, the city desk's), by username. */
  members(group: string): Promise<Officer[]>;
}

/** Whether the code names a queue of the pack (a unit or CITY). */
export function isQueueCode(jurisdiction: Pick<Jurisdiction, 'queueCodes'>, code: string): boolean {
  return jurisdiction.queueCodes.includes(code);
}

/** Whether the officer may see the tips of this queue. */
export function canSeeQueue(officer: Officer, queue: string): boolean {
  return officer.cityDesk || officer.units.includes(queue);
}

/** Whether the officer may see this tip. */
export function canSeeTip(officer: Officer, tip: Pick<Tip, 'queue'>): boolean {
  return canSeeQueue(officer, tip.queue);
}

/** The queues the officer may list: every queue for the city desk, else their units. */
export function visibleQueues(officer: Officer, jurisdiction: Pick<Jurisdiction, 'queueCodes'>): readonly string[] {
  return officer.cityDesk ? jurisdiction.queueCodes : jurisdiction.queueCodes.filter((code) => officer.units.includes(code));
}

/** Whether the officer holds the tip. */
export function isAssignee(officer: Officer, tip: Pick<Tip, 'assignee'>): boolean {
  return tip.assignee !== undefined && tip.assignee.id === officer.id;
}

/** The same answer for a tip that does not exist and one the officer may not see. */
export function tipNotFound(): NotFoundError {
  return new NotFoundError(errorText('tipNotFound'));
}

/** The tip, if the officer may see it; otherwise a 404 that does not say whether it exists. */
export async function loadVisibleTip(officer: Officer, tipId: unknown, tips: Pick<TipRepository, 'get'>): Promise<Tip> {
  if (typeof tipId !== 'string' || tipId === '' || tipId.length > 64) throw tipNotFound();
  const tip = await tips.get(tipId);
  if (!tip || !canSeeTip(officer, tip)) throw tipNotFound();
  return tip;
}

/** Refuses anyone but a supervisor, with a 403 (call after the tip is known to be visible). */
export function requireSupervisor(officer: Officer, action: ActionWord): void {
  if (!officer.supervisor) throw new ForbiddenError(errorText('supervisorOnly', { action: actionWords[action] }));
}

/** A 409 for a change to a tip that is resolved or rejected. */
export function closedTip(action: ActionWord): ConflictError {
  return new ConflictError('closed', errorText('closedTip', { action: actionWords[action] }));
}

/** A workflow action on a report linked into an incident: 409 naming the incident, which is worked instead. */
export class LinkedReportError extends ConflictError {
  readonly incidentId: string;

  constructor(incidentId: string) {
    super('linked_report', errorText('linkedReport', { incident: incidentId }), { incidentId });
    this.incidentId = incidentId;
  }
}

/** The tip, if the officer may see it (else 404) and it takes workflow actions of its own (else 409 linked_report). */
export async function loadWorkableTip(officer: Officer, tipId: unknown, tips: Pick<TipRepository, 'get'>): Promise<Tip> {
  const tip = await loadVisibleTip(officer, tipId, tips);
  if (tip.incidentId !== undefined) throw new LinkedReportError(tip.incidentId);
  return tip;
}

/**
 * The reports of a primary as stored, in the order it lists them, read in one request: those
 * gone (expired) or linked elsewhere since are left out.
 */
export async function linkedReports(tips: Pick<TipRepository, 'getMany'>, primary: Pick<Tip, 'id' | 'reports'>): Promise<Tip[]> {
  const ids = primary.reports ?? [];
  if (ids.length === 0) return [];
  const stored = await tips.getMany(ids);
  return ids.flatMap((id) => {
    const report = stored.get(id);
    return report?.incidentId === primary.id ? [report] : [];
  });
}

/**
 * The same change made through an incident, on each of its linked reports: the report takes the
 * primary's workflow (asReportOf) and its own copy of the audit event, which names the incident.
 * Reports gone from the store (expired) or linked elsewhere since are left out.
 */
export async function reportChanges(tips: Pick<TipRepository, 'getMany'>, change: TipChange): Promise<TipChange[]> {
  const primary = change.after;
  return (await linkedReports(tips, change.before)).map((report) => ({ before: report, after: asReportOf(primary, report), event: { ...change.event, tipId: report.id, incidentId: primary.id } }));
}

/**
 * Writes a change of the workflow and its event under the version condition. A change of an
 * incident's primary tip is made on every linked report too, in the same transaction, so the
 * incident is worked as one; a report is never changed on its own (409 linked_report). A lost
 * race becomes a 409 with the given code, so the officer reloads the tip and decides again.
 */
export async function commitChange(
  tips: Pick<TipRepository, 'getMany' | 'update' | 'updateMany'>,
  change: TipChange,
  lostRace: () => ConflictError = concurrentChange,
): Promise<void> {
  if (change.before.incidentId !== undefined) throw new LinkedReportError(change.before.incidentId);
  try {
    const followers = await reportChanges(tips, change);
    if (followers.length === 0) await tips.update(change);
    else await tips.updateMany([change, ...followers]);
  } catch (error) {
    if (error instanceof StaleTipError) throw lostRace();
    throw error;
  }
}

/** Another officer changed the tip while this change was being made. */
export function concurrentChange(): ConflictError {
  return new ConflictError('concurrent_change', errorText('concurrentChange'));
}

/** How often an event that changes nothing else (a note, a message) is retried after a lost race. */
const maxAppendAttempts = 3;

/**
 * Adds an event that changes nothing else on the tip. The store writes it only if the tip is
 * unchanged since it was read; on a lost race the tip is read again and checked again (it may
 * have moved out of the officer's sight, or been closed), then the same event is tried again.
 */
export async function appendEvent(
  tips: Pick<TipRepository, 'addEvent'>,
  first: Tip,
  event: TipEvent,
  reload: () => Promise<Tip>,
): Promise<void> {
  let tip = first;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await tips.addEvent(tip, event);
      return;
    } catch (error) {
      if (!(error instanceof StaleTipError)) throw error;
      if (attempt >= maxAppendAttempts) throw concurrentChange();
      tip = await reload();
    }
  }
}

/**
 * Writes a change built from the tip as last read. On a lost race the tip is read again (and
 * checked again by `reload`, which throws to refuse) and the change built again from it. A
 * build that answers undefined finds nothing left to change (another writer made the same
 * change first): the tip is answered as it is.
 */
export async function retryingChange(
  tips: Pick<TipRepository, 'update'>,
  first: Tip,
  build: (tip: Tip) => TipChange | undefined,
  reload: () => Promise<Tip>,
): Promise<Tip> {
  let tip = first;
  for (let attempt = 1; ; attempt += 1) {
    const change = build(tip);
    if (change === undefined) return tip;
    try {
      await tips.update(change);
      return change.after;
    } catch (error) {
      if (!(error instanceof StaleTipError)) throw error;
      if (attempt >= maxAppendAttempts) throw concurrentChange();
      tip = await reload();
    }
  }
}

/** A change of the tip: the same tip, one version later. */
export function nextVersion(tip: Tip, changes: Partial<Tip>): Tip {
  return { ...tip, ...changes, version: tip.version + 1 };
}

// ---- Reading input -------------------------------------------------------------------------

/** 'required' for a missing value, else the given reason. */
export const requiredOr = (otherwise: FieldReason) => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null ? 'required' : otherwise;

/** Text as a person typed it, NFC and trimmed; a string with a lone surrogate is left as it is (and refused). */
export function normaliseText(raw: string): string {
  return raw.isWellFormed() ? raw.normalize('NFC').trim() : raw;
}

/**
 * What is wrong with typed text, if anything: a lone surrogate, nothing left after trimming
 * (missing), or a length in code points outside the limits (after normalising).
 */
export function textProblem(raw: string, limits: { readonly min: number; readonly max: number }): { reason: FieldReason; limit?: number } | undefined {
  if (!raw.isWellFormed()) return { reason: 'invalidCharacter' };
  const length = codePointLength(normaliseText(raw));
  if (length === 0) return { reason: 'required' };
  if (length < limits.min) return { reason: 'tooShort', limit: limits.min };
  if (length > limits.max) return { reason: 'tooLong', limit: limits.max };
  return undefined;
}

/**
 * Free text typed by a person: no lone surrogates, NFC, trimmed, between the limits in code
 * points. Empty after trimming counts as missing.
 */
export function boundedText(limits: { readonly min: number; readonly max: number }) {
  return z
    .string({ error: requiredOr('notText') })
    .superRefine((raw, context) => {
      const problem = textProblem(raw, limits);
      if (problem) context.addIssue({ code: 'custom', message: problem.reason, ...(problem.limit !== undefined && { params: { limit: problem.limit } }) });
    })
    .transform(normaliseText);
}

/** A whole number between the limits, given as a number or (from a query string) as digits. */
export function boundedInteger(limits: { readonly min: number; readonly max: number }) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: requiredOr('notNumber') })
      .int({ error: 'notWholeNumber' })
      .min(limits.min, { error: 'tooSmall' })
      .max(limits.max, { error: 'tooLarge' }),
  );
}

const queueSchemas = new Map<string, ReturnType<typeof buildQueueCodeSchema>>();

/** A queue code of the pack: a unit's code or CITY (built once per pack). */
export function queueCodeSchema(jurisdiction: Pick<Jurisdiction, 'id' | 'queueCodes'>) {
  let schema = queueSchemas.get(jurisdiction.id);
  if (!schema) {
    schema = buildQueueCodeSchema(jurisdiction);
    queueSchemas.set(jurisdiction.id, schema);
  }
  return schema;
}

function buildQueueCodeSchema(jurisdiction: Pick<Jurisdiction, 'queueCodes'>) {
  return z
    .string({ error: requiredOr('notText') })
    .transform((code) => code.trim().toUpperCase())
    .refine((code) => isQueueCode(jurisdiction, code), { error: 'unknownQueue' });
}
