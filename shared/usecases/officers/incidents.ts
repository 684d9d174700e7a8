/**
 * Reports of one incident, as officers work them. The classifier suggests that two tips may be
 * about the same thing (shared/incidents/); an officer links the reports into one incident or
 * dismisses the suggestion.
 *
 * An incident is its PRIMARY tip: it keeps `reports`, the ids of the tips linked into it, and each
 * report keeps `incidentId`. Reports leave the queue (the queue shows the incident once, with its
 * number of reports) and are worked as one: every workflow change of the primary is made on each
 * report in the same transaction, with an audit event on each (access.ts commitChange), and a
 * report takes no workflow action of its own. A reply on the primary reaches every tipster.
 *
 * Linking never lengthens a deadline: the incident takes the earliest of its reports' legal
 * deadlines, so the one row in the queue shows the deadline that binds.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { DuplicateSuggestionStore } from '../../incidents/ports.ts';
import { StaleTipError, type Officer, type TipEvent, type TipSnapshot } from '../../officers/model.ts';
import { maxChangesPerTransaction, type TipChange, type TipRepository } from '../../ports.ts';
import { asReportOf, type Tip } from '../../tip/tip.ts';
import { errorText } from '../../messages.ts';
import { canSeeTip, closedTip, concurrentChange, linkedReports, loadVisibleTip, nextVersion, appendEvent, type TipDependencies } from './access.ts';
import { toIncidentReportView, toIncidentView, toTipView, type IncidentReportView, type IncidentView, type TipView } from './views.ts';
import type { ReplyDependencies, SmsDelivery } from './tips.ts';
import { isClosed } from './workflow.ts';

/**
 * The most reports one incident takes besides its primary: a change of the incident writes the
 * primary and every report in one transaction (`maxChangesPerTransaction`, DynamoDB's 100 items).
 */
export const maxReportsPerIncident = maxChangesPerTransaction - 1;

/** What linking and dismissing need: the tips, and the suggestions whose state they set. */
export interface IncidentDependencies extends TipDependencies {
  readonly duplicates: Pick<DuplicateSuggestionStore, 'list' | 'setState'>;
}

/** How often a link is planned again from fresh reads after another writer changed one of its tips. */
const maxLinkAttempts = 3;

const incidentFull = () => new ConflictError('incident_full', errorText('incidentFull', { n: maxReportsPerIncident }), { max: maxReportsPerIncident });

/** What a link records of a tip's workflow, before and after. */
function workflowSnapshot(tip: Tip): TipSnapshot {
  return { status: tip.status, pack: tip.pack, queue: tip.queue, unit: tip.unit, assignee: tip.assignee?.username ?? null, dueAt: tip.dueAt };
}

/** The tips a link writes, and every tip of the incident it makes. */
interface LinkPlan {
  readonly changes: TipChange[];
  readonly members: ReadonlySet<string>;
  /** The tips whose suggestions may now point inside the incident. */
  readonly joined: readonly string[];
}

async function planLink(officer: Officer, tipId: string, otherId: unknown, deps: IncidentDependencies): Promise<LinkPlan> {
  const first = await loadVisibleTip(officer, tipId, deps.tips);
  const second = await loadVisibleTip(officer, otherId, deps.tips);
  if (second.id === first.id) throw new ValidationError([{ field: 'otherId', reason: 'invalid' }]);
  // A report links into its incident; a report of another incident brings that whole incident.
  const primary = first.incidentId === undefined ? first : await loadVisibleTip(officer, first.incidentId, deps.tips);
  const otherPrimary = second.incidentId === undefined ? second : await loadVisibleTip(officer, second.incidentId, deps.tips);
  if (otherPrimary.id === primary.id) {
    // Already one incident: nothing to write; the pair's suggestion is still marked linked.
    return { changes: [], members: new Set([primary.id, ...(primary.reports ?? [])]), joined: [first.id, second.id] };
  }
  if (isClosed(primary.status) || isClosed(otherPrimary.status)) throw closedTip('linked');

  const [existing, otherReports] = await Promise.all([linkedReports(deps.tips, primary), linkedReports(deps.tips, otherPrimary)]);
  const joining = [otherPrimary, ...otherReports];
  if (existing.length + joining.length > maxReportsPerIncident) throw incidentFull();

  // The earliest legal deadline binds the whole incident: a link never lengthens one.
  const dueAt = [primary, ...joining].map((tip) => tip.dueAt).reduce((earliest, due) => (Date.parse(due) < Date.parse(earliest) ? due : earliest));
  const reportIds = [...existing.map((report) => report.id), ...joining.map((tip) => tip.id)];
  const primaryAfter = nextVersion(primary, { reports: reportIds, dueAt });
  const joiningIds = joining.map((tip) => tip.id);
  // One action, one event id, recorded on each tip it touched.
  const base = { id: deps.ids.next(), type: 'REPORT_LINKED' as const, actor: officer.username, at: deps.clock.now().toISOString(), public: false };
  const deadlineMoved = dueAt !== primary.dueAt;

  const changes: TipChange[] = [
    {
      before: primary,
      after: primaryAfter,
      event: { ...base, tipId: primary.id, reportIds: joiningIds, ...(deadlineMoved && { before: { dueAt: primary.dueAt }, after: { dueAt } }) },
    },
    ...joining.map((tip): TipChange => {
      const after = asReportOf(primaryAfter, tip);
      return { before: tip, after, event: { ...base, tipId: tip.id, incidentId: primary.id, before: workflowSnapshot(tip), after: workflowSnapshot(after) } };
    }),
    // Reports already linked change only when the incident's deadline moved earlier.
    ...(deadlineMoved
      ? existing.map((report): TipChange => ({
          before: report,
          after: asReportOf(primaryAfter, report),
          event: { ...base, tipId: report.id, incidentId: primary.id, reportIds: joiningIds, before: { dueAt: report.dueAt }, after: { dueAt } },
        }))
      : []),
  ];
  return { changes, members: new Set([primary.id, ...reportIds]), joined: joiningIds };
}

/**
 * Marks every suggestion between a tip that joined and another tip of the incident as linked, so
 * that reports of one incident are no longer suggested to each other. Best effort after the link:
 * linking the same pair again is a no-op that marks them once more.
 */
async function markLinked(duplicates: IncidentDependencies['duplicates'], plan: LinkPlan): Promise<void> {
  await Promise.all(
    plan.joined.map(async (tipId) => {
      const suggestions = await duplicates.list(tipId);
      const inside = suggestions.filter((suggestion) => suggestion.state !== 'linked' && plan.members.has(suggestion.otherId) && suggestion.otherId !== tipId);
      await Promise.all(inside.map((suggestion) => duplicates.setState(tipId, suggestion.otherId, 'linked')));
    }),
  );
}

/**
 * Links the report `otherId` into the incident of tip `tipId`: `tipId`'s incident when it is a
 * report itself, else `tipId` becomes the incident's primary. A tip that is the primary of
 * reports of its own brings them along (the incidents merge into one). The officer must see both
 * tips (else 404, as for a missing tip), both must be open (409 `closed`), and the incident takes
 * at most `maxReportsPerIncident` reports (409 `incident_full`). Every tip involved is written in
 * one transaction with a REPORT_LINKED event; linking a tip into its own incident again changes
 * nothing. Answers `tipId` as it now is.
 */
export async function linkReport(officer: Officer, tipId: string, otherId: unknown, deps: IncidentDependencies): Promise<TipView> {
  for (let attempt = 1; ; attempt += 1) {
    const plan = await planLink(officer, tipId, otherId, deps);
    try {
      if (plan.changes.length > 0) await deps.tips.updateMany(plan.changes);
    } catch (error) {
      if (!(error instanceof StaleTipError)) throw error;
      if (attempt >= maxLinkAttempts) throw concurrentChange();
      continue;
    }
    await markLinked(deps.duplicates, plan);
    const tip = plan.changes.find((change) => change.after.id === tipId)?.after ?? (await loadVisibleTip(officer, tipId, deps.tips));
    return toTipView(tip, deps.clock.now());
  }
}

/**
 * The officer decides that a suggested duplicate is another incident: the suggestion is
 * dismissed for both tips and a DUPLICATE_DISMISSED event audited on `tipId`. The officer must
 * see both tips (404); a pair never suggested is a 404, a pair already linked a 409, a pair
 * already dismissed changes nothing.
 */
export async function dismissDuplicate(officer: Officer, tipId: string, otherId: unknown, deps: IncidentDependencies): Promise<TipView> {
  const tip = await loadVisibleTip(officer, tipId, deps.tips);
  const other = await loadVisibleTip(officer, otherId, deps.tips);
  const suggestion = (await deps.duplicates.list(tip.id)).find((candidate) => candidate.otherId === other.id);
  if (!suggestion) throw new NotFoundError(errorText('noSuchDuplicate'));
  if (suggestion.state === 'linked') throw new ConflictError('already_linked', errorText('alreadyLinked'));
  if (suggestion.state === 'dismissed') return toTipView(tip, deps.clock.now());
  const event: TipEvent = { id: deps.ids.next(), tipId: tip.id, type: 'DUPLICATE_DISMISSED', actor: officer.username, at: deps.clock.now().toISOString(), public: false, otherTipId: other.id };
  // Audited first: a dismissal is never in effect without its event.
  await appendEvent(deps.tips, tip, event, () => loadVisibleTip(officer, tipId, deps.tips));
  await deps.duplicates.setState(tip.id, other.id, 'dismissed');
  return toTipView(tip, deps.clock.now());
}

/** What a tip's detail says of its incident. */
export interface IncidentDetail {
  readonly reports: readonly IncidentReportView[];
  readonly incident: IncidentView | null;
}

/**
 * On a primary: its reports the officer may see, oldest first. On a report: its incident, if the
 * officer may see it. Otherwise nothing, and no read.
 */
export async function incidentDetail(officer: Officer, tip: Tip, tips: Pick<TipRepository, 'get' | 'getMany'>): Promise<IncidentDetail> {
  if (tip.incidentId !== undefined) {
    const primary = await tips.get(tip.incidentId);
    return { reports: [], incident: primary && canSeeTip(officer, primary) ? toIncidentView(primary) : null };
  }
  // A tip with no reports reads nothing: linkedReports asks for no ids.
  const reports = (await linkedReports(tips, tip)).filter((report) => canSeeTip(officer, report));
  reports.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  return { reports: reports.map(toIncidentReportView), incident: null };
}

/** What became of a reply to one linked report's tipster. */
export type ReportDelivery = { readonly id: string; readonly trackingCode: string } & SmsDelivery;

/** Tells one tipster; a provider that fails is reported, never thrown: the message is stored already. */
async function deliver(notifier: ReplyDependencies['notifier'], tip: Tip, text: string): Promise<SmsDelivery> {
  try {
    return await notifier.notify(tip, text);
  } catch {
    return { delivered: false, reason: 'send_failed' };
  }
}

/**
 * An officer's reply on an incident's primary, for every tipster of the incident: the public
 * message is written on the primary and on each report in one transaction (each tipster reads it
 * on their status page), then each is notified (SMS tipsters by text). Answers the primary's
 * delivery and each report's.
 */
export async function replyToIncident(
  officer: Officer,
  first: Tip,
  event: TipEvent,
  deps: ReplyDependencies,
): Promise<{ primary: SmsDelivery; reports: ReportDelivery[] }> {
  let primary = first;
  let primaryReply: TipChange;
  let reportReplies: TipChange[];
  const replied = (tip: Tip, tipEvent: TipEvent): TipChange => ({ before: tip, after: nextVersion(tip, { officerRepliedAt: event.at }), event: tipEvent });
  for (let attempt = 1; ; attempt += 1) {
    const reports = await linkedReports(deps.tips, primary);
    if (reports.length > maxReportsPerIncident) throw incidentFull();
    primaryReply = replied(primary, event);
    reportReplies = reports.map((report) => replied(report, { ...event, tipId: report.id, incidentId: primary.id }));
    try {
      await deps.tips.updateMany([primaryReply, ...reportReplies]);
      break;
    } catch (error) {
      if (!(error instanceof StaleTipError)) throw error;
      if (attempt >= maxLinkAttempts) throw concurrentChange();
      primary = await loadVisibleTip(officer, first.id, deps.tips);
    }
  }
  const text = event.text ?? '';
  // Every tipster at once: the primary's first, then each report's.
  const [primaryDelivery, reportDeliveries] = await Promise.all([
    deliver(deps.notifier, primaryReply.after, text),
    Promise.all(reportReplies.map(async ({ after }): Promise<ReportDelivery> => ({ id: after.id, trackingCode: after.trackingCode, ...(await deliver(deps.notifier, after, text)) }))),
  ]);
  return { primary: primaryDelivery, reports: reportDeliveries };
}
