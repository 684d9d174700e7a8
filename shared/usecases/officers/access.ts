/**
 * Who may see and do what with a tip, and the plumbing every officer use case shares: loading a
 * tip the officer may see, reading input, writing a change under the version condition.
 *
 * The rule of visibility: an officer sees the queues of their `district-<code>` groups; the city
 * desk sees every queue, CITY included. Supervisors see what their groups let them see. A tip the
 * officer may not see does not exist for them (404), so its existence is never revealed; a tip
 * they may see but an action their role does not allow is a 403.
 */
import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.ts';
import type { FieldReason } from '../../i18n.ts';
import { cityDeskQueue, unitCodes } from '../../jurisdictions/index.ts';
import { StaleCaseError, type CaseStore, type CaseTip, type Officer, type TipEvent } from '../../officers/model.ts';
import type { Clock, IdGenerator } from '../../ports.ts';
import { codePointLength } from '../../tip/submission.ts';

/** What the reading use cases need. */
export interface CaseReadDependencies {
  readonly cases: CaseStore;
  readonly clock: Clock;
}

/** What the use cases that change a tip need. */
export interface CaseDependencies extends CaseReadDependencies {
  readonly ids: IdGenerator;
}

/** Finds officers by username, for assignment (Cognito in the cloud). */
export interface OfficerDirectory {
  find(username: string): Promise<Officer | undefined>;
}

/** Every queue a tip can sit in: the units' codes and the city desk. */
export const queueCodes: readonly string[] = [...unitCodes, cityDeskQueue];

/** Whether the code names a queue (a unit or CITY). */
export function isQueueCode(code: string): boolean {
  return queueCodes.includes(code);
}

/** Whether the officer may see the tips of this queue. */
export function canSeeQueue(officer: Officer, queue: string): boolean {
  return officer.cityDesk || officer.districts.includes(queue);
}

/** Whether the officer may see this tip. */
export function canSeeCase(officer: Officer, tip: Pick<CaseTip, 'queue'>): boolean {
  return canSeeQueue(officer, tip.queue);
}

/** The queues the officer may list: every queue for the city desk, else their districts. */
export function visibleQueues(officer: Officer): readonly string[] {
  return officer.cityDesk ? queueCodes : queueCodes.filter((code) => officer.districts.includes(code));
}

/** Whether the officer holds the tip. */
export function isAssignee(officer: Officer, tip: Pick<CaseTip, 'assignee'>): boolean {
  return tip.assignee !== undefined && tip.assignee.id === officer.id;
}

/** The same answer for a tip that does not exist and one the officer may not see. */
export function caseNotFound(): NotFoundError {
  return new NotFoundError('No tip with this id.');
}

/** The tip, if the officer may see it; otherwise a 404 that does not say whether it exists. */
export async function loadVisibleCase(officer: Officer, tipId: unknown, cases: Pick<CaseStore, 'get'>): Promise<CaseTip> {
  if (typeof tipId !== 'string' || tipId === '' || tipId.length > 64) throw caseNotFound();
  const tip = await cases.get(tipId);
  if (!tip || !canSeeCase(officer, tip)) throw caseNotFound();
  return tip;
}

/** Refuses anyone but a supervisor, with a 403 (call after the tip is known to be visible). */
export function requireSupervisor(officer: Officer, action: string): void {
  if (!officer.supervisor) throw new ForbiddenError(`Only a supervisor may ${action}.`);
}

/** A 409 for a change to a tip that is resolved or rejected. */
export function closedCase(action: string): ConflictError {
  return new ConflictError('closed', `The tip is closed: it cannot be ${action}.`);
}

/**
 * Writes a change and its event under the version condition. A lost race becomes a 409 with
 * the given code, so the officer reloads the tip and decides again.
 */
export async function commitChange(
  cases: Pick<CaseStore, 'update'>,
  change: { readonly before: CaseTip; readonly after: CaseTip; readonly event: TipEvent },
  lostRace: () => ConflictError = concurrentChange,
): Promise<void> {
  try {
    await cases.update(change);
  } catch (error) {
    if (error instanceof StaleCaseError) throw lostRace();
    throw error;
  }
}

/** Another officer changed the tip while this change was being made. */
export function concurrentChange(): ConflictError {
  return new ConflictError('concurrent_change', 'The tip was changed by someone else. Reload it and try again.');
}

/** How often an event that changes nothing else (a note, a message) is retried after a lost race. */
const maxAppendAttempts = 3;

/**
 * Adds an event that changes nothing else on the tip. The store writes it only if the tip is
 * unchanged since it was read; on a lost race the tip is read again and checked again (it may
 * have moved out of the officer's sight, or been closed), then the same event is tried again.
 */
export async function appendEvent(
  cases: Pick<CaseStore, 'addEvent'>,
  first: CaseTip,
  event: TipEvent,
  reload: () => Promise<CaseTip>,
): Promise<void> {
  let tip = first;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await cases.addEvent(tip, event);
      return;
    } catch (error) {
      if (!(error instanceof StaleCaseError)) throw error;
      if (attempt >= maxAppendAttempts) throw concurrentChange();
      tip = await reload();
    }
  }
}

/** A change of the tip: the same tip, one version later. */
export function nextVersion(tip: CaseTip, changes: Partial<CaseTip>): CaseTip {
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

/** A queue code: a unit's code or CITY. */
export const queueCodeSchema = z
  .string({ error: requiredOr('notText') })
  .transform((code) => code.trim().toUpperCase())
  .refine(isQueueCode, { error: 'unknownQueue' });

