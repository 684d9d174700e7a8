// Reports of one incident on a tip's page: the possible duplicates the classifier suggests (link
// one into this incident, or say it is another), the reports an incident holds, and for a report
// the incident it is worked through. Every value from the server is set as text.

import { ApiError, errorContent } from './api.js';
import { h, timeElement, uid } from './dom.js';
import { state, t, tipHref } from './state.js';
import { channelNames, nameOf } from './names.js';
import { awaitingMarker } from './marks.js';

const isName = (entry) => entry !== null && typeof entry === 'object' && typeof entry.vi === 'string' && typeof entry.en === 'string';

/** Why two tips look alike, in words: the names come with config.json (shared/labels.ts). */
function reasonWords(reason) {
  const entry = state.config?.labels?.duplicateReasons?.[reason];
  return isName(entry) ? entry[state.language] : String(reason);
}

/** The suggestions still open, best first, as the server lists them. */
function possibleDuplicates(detail) {
  const list = Array.isArray(detail?.possibleDuplicates) ? detail.possibleDuplicates : [];
  return list.filter((entry) => entry && typeof entry.id === 'string' && entry.id !== '');
}

/** A 409 `linked_report` names the incident the tip is worked through: a link to it, else nothing. */
export function incidentLinkOf(error) {
  const incidentId = error instanceof ApiError && error.body?.error === 'linked_report' ? error.body?.details?.incidentId : undefined;
  return typeof incidentId === 'string' && incidentId ? [h('p', {}, h('a', { href: tipHref(incidentId) }, t().openIncident))] : [];
}

/** One suggestion: the other tip (a link), how alike, why, and the two decisions. */
function duplicateItem(entry, act) {
  const labelId = uid('duplicate');
  const result = h('div', { class: 'result', role: 'alert' });
  const buttons = [];
  const decide = (suffix, done) => async () => {
    for (const button of buttons) button.disabled = true;
    result.replaceChildren();
    try {
      await act(`duplicates/${encodeURIComponent(entry.id)}/${suffix}`, undefined, done);
    } catch (error) {
      if (error?.status !== 401) result.replaceChildren(...errorContent(error), ...incidentLinkOf(error));
      for (const button of buttons) button.disabled = false;
    }
  };
  const score = Number(entry.score);
  const reasons = Array.isArray(entry.reasons) ? entry.reasons.map(reasonWords) : [];
  buttons.push(
    h('button', { type: 'button', class: 'primary', 'aria-describedby': labelId, onclick: decide('link', t().duplicateLinked) }, t().linkDuplicate),
    h('button', { type: 'button', 'aria-describedby': labelId, onclick: decide('dismiss', t().duplicateDismissed) }, t().dismissDuplicate),
  );
  return h(
    'li',
    { class: 'duplicate', 'data-id': entry.id },
    h(
      'p',
      { id: labelId },
      h('a', { href: tipHref(entry.id) }, t().duplicateTip(entry.id)),
      Number.isFinite(score) ? ` · ${t().duplicateScore(Math.round(score * 100))}` : '',
      reasons.length > 0 ? ` · ${t().duplicateReasons}: ${reasons.join(', ')}` : '',
    ),
    h('div', { class: 'actions' }, buttons),
    result,
  );
}

/**
 * The "Possible duplicates" section, or nothing when there is none. `act(suffix, body, done)`
 * posts to the tip's action and shows the tip as it now is.
 */
export function duplicatesSection(detail, act) {
  const entries = possibleDuplicates(detail);
  if (entries.length === 0) return null;
  const headingId = uid('duplicates');
  return h(
    'section',
    { class: 'duplicates', 'aria-labelledby': headingId },
    h('h2', { id: headingId, text: t().duplicatesTitle }),
    h('p', { class: 'hint', text: t().duplicatesHint }),
    h('ul', { id: 'possible-duplicates', 'aria-labelledby': headingId }, entries.map((entry) => duplicateItem(entry, act))),
  );
}

/** How a tip is named in a list: its register number, else its tracking code, else its id. */
const tipName = (tip, id) => tip?.registerNumber || tip?.trackingCode || id;

/** The incident section: one heading, whichever side of the incident the tip is on. */
function incidentBox(title, ...content) {
  return h('section', { class: 'incident', 'aria-labelledby': 'incident-title' }, h('h2', { id: 'incident-title', text: title }), ...content);
}

/** An incident's reports (on its primary), or for a report the incident it belongs to; else nothing. */
export function incidentSection(detail) {
  const tip = detail?.tip ?? {};
  if (typeof tip.incidentId === 'string' && tip.incidentId) {
    const name = tipName(detail.incident, tip.incidentId);
    return incidentBox(t().incidentTitle, h('p', { id: 'incident-of', class: 'notice' }, t().reportOfIncident, ' ', h('a', { href: tipHref(tip.incidentId) }, t().incidentName(name))));
  }
  const reports = Array.isArray(detail?.reports) ? detail.reports.filter((report) => report && typeof report.id === 'string') : [];
  if (reports.length === 0) return null;
  return incidentBox(
    t().incidentReportsTitle(reports.length + 1),
    h('p', { class: 'hint', text: t().incidentReportsHint }),
    h(
      'ul',
      { id: 'incident-reports', 'aria-labelledby': 'incident-title' },
      reports.map((report) =>
        h(
          'li',
          { 'data-id': report.id },
          h('a', { href: tipHref(report.id) }, tipName(report, report.id)),
          ` · ${nameOf(channelNames, report.channel, state.language)} · `,
          timeElement(report.receivedAt),
          report.awaitingReply === true ? [' ', awaitingMarker()] : null,
        ),
      ),
    ),
  );
}

/** What the answer to a reply says of the incident's other tipsters, or undefined when it has none. */
export function reportDeliveryMessage(answer) {
  const deliveries = Array.isArray(answer?.reportDeliveries) ? answer.reportDeliveries : undefined;
  if (!deliveries || deliveries.length === 0) return undefined;
  return t().replyReportsDelivered(deliveries.length, deliveries.filter((delivery) => delivery?.delivered === true).length);
}

/** One line of an audit event naming tips: its label, then a link to each tip. */
function tipLinks(className, label, ids) {
  return h('p', { class: className }, `${label}: `, ids.map((id, index) => [index > 0 ? ', ' : null, h('a', { href: tipHref(id) }, id)]));
}

/** The incident links of an audit event: the incident it was made through, the reports it linked, the other tip. */
export function eventLinks(event) {
  const parts = [];
  if (typeof event.incidentId === 'string') parts.push(tipLinks('event-incident', t().eventIncident, [event.incidentId]));
  const reportIds = Array.isArray(event.reportIds) ? event.reportIds.filter((id) => typeof id === 'string') : [];
  if (reportIds.length > 0) parts.push(tipLinks('event-reports', t().eventReports, reportIds));
  if (typeof event.otherTipId === 'string') parts.push(tipLinks('event-other', t().eventOtherTip, [event.otherTipId]));
  return parts;
}
