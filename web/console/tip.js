// The tip view: the facts of one tip, how it was routed (and the other units that fit), where it
// lies on the other generation's map, its text, the actions, the conversation with the tipster
// and the audit trail. The tip's text and every other value from the server is set as text.

import { api, errorContent } from './api.js';
import { attachmentSection, attachmentsOf, quarantineReasonText } from './attachments.js';
import { officer } from './auth.js';
import { announce, definition, formatTime, h, show, timeElement } from './dom.js';
import { queueHref, state, t, tipHref } from './state.js';
import { categoryNames, channelNames, eventNames, flagNames, nameOf, rejectionNames, statusNames, urgencyNames } from './names.js';
import { awaitingMarker, daysLeftContent } from './marks.js';
import { candidateList, reasonText, routingDescription, routingMethod } from './routing-words.js';
import { tipActions } from './tip-actions.js';
import { duplicatesSection, eventLinks, incidentSection, reportDeliveryMessage } from './incident.js';
import { formerly, otherPack, queueLabel, queueName } from './units.js';

/** Where the tip lies on the other generation's map (old districts or new wards), with names when that map loads. */
function otherGenerationText(other, maps) {
  const names = maps.get(other.pack);
  const nameOfCode = (code) => {
    const name = nameOnMap(maps, other.pack, code);
    return name === code ? String(code) : `${name} (${code})`;
  };
  const units = Array.isArray(other.units) ? other.units : [];
  const place = other.unit ? nameOfCode(other.unit) : units.length > 0 ? t().oneOf(units.map(nameOfCode).join(', ')) : t().noPlace;
  const map = (state.language === 'en' ? names?.nameEn : names?.name) ?? other.pack;
  return `${place} (${routingMethod(other.method)}) – ${map}`;
}

/** A unit's name on another pack's map (loaded in `maps`), else its code. */
function nameOnMap(maps, pack, code) {
  const unit = maps.get(pack)?.units.get(code);
  return unit ? (state.language === 'en' ? unit.nameEn : unit.name) : String(code);
}

function snapshotText(snapshot, maps) {
  if (!snapshot) return '';
  const parts = [];
  if (snapshot.status !== undefined) parts.push(nameOf(statusNames, snapshot.status, state.language));
  // A tip moved from another map (npm run repack) was in that map's queue before.
  if (snapshot.queue !== undefined) parts.push(snapshot.pack && snapshot.pack !== state.pack && snapshot.queue !== 'CITY' ? nameOnMap(maps, snapshot.pack, snapshot.queue) : queueName(snapshot.queue));
  if (snapshot.assignee !== undefined) parts.push(snapshot.assignee ?? t().nobody);
  if (snapshot.dueAt !== undefined) parts.push(formatTime(snapshot.dueAt));
  if (snapshot.category !== undefined) parts.push(nameOf(categoryNames, snapshot.category, state.language));
  if (snapshot.urgency !== undefined) parts.push(nameOf(urgencyNames, snapshot.urgency, state.language));
  return parts.join(', ');
}

/** Who did it: an officer's username, the tipster, or a part of the system, in words. */
function actorName(actor) {
  const words = t().actors;
  if (actor === 'tipster') return words.tipster;
  if (typeof actor === 'string' && actor.startsWith('system:')) return words[actor.slice('system:'.length)] ?? words.system;
  return String(actor ?? '');
}

function eventItem(event, maps, fileNames) {
  const change = event.before || event.after ? `${snapshotText(event.before, maps) || '—'} → ${snapshotText(event.after, maps) || '—'}` : '';
  return h(
    'li',
    { class: `event event-${String(event.type).toLowerCase()}` },
    h('p', { class: 'event-head' }, timeElement(event.at), ' · ', h('strong', { text: nameOf(eventNames, event.type, state.language) }), ' · ', actorName(event.actor), event.public ? h('span', { class: 'badge', text: t().public }) : null),
    change ? h('p', { class: 'event-change', text: change }) : null,
    event.reason !== undefined
      ? h('p', { class: 'event-reason' }, `${event.type === 'CLASSIFIED' ? t().routedHow : t().reason}: `, (event.type === 'ATTACHMENT_QUARANTINED' && quarantineReasonText(event.reason)) || reasonText(event, maps))
      : null,
    event.attachmentId !== undefined ? h('p', { class: 'event-file', text: `${t().attachmentsTitle}: ${fileNames.get(event.attachmentId) ?? event.attachmentId}` }) : null,
    event.text !== undefined ? h('p', { class: 'event-text', text: event.text }) : null,
    eventLinks(event),
  );
}

function facts(tip, maps, routeTo) {
  const requested = [tip.requestedUnit ? queueLabel(tip.requestedUnit) : '', tip.requestedCategory ? nameOf(categoryNames, tip.requestedCategory, state.language) : ''].filter(Boolean);
  const was = formerly(tip.queue);
  return h(
    'dl',
    { class: 'facts' },
    definition(
      t().fieldStatus,
      h('span', { class: `status status-${String(tip.status).toLowerCase()}`, id: 'tip-status' }, nameOf(statusNames, tip.status, state.language)),
      tip.awaitingReply ? [' ', awaitingMarker('tip-awaiting')] : null,
    ),
    definition(t().fieldQueue, h('span', { id: 'tip-queue', text: queueLabel(tip.queue) }), was ? h('span', { class: 'hint-inline', text: ` · ${was}` }) : null),
    definition(t().fieldUrgency, h('span', { class: `urgency urgency-${String(tip.urgency)}` }, nameOf(urgencyNames, tip.urgency, state.language))),
    definition(t().fieldCategory, nameOf(categoryNames, tip.category, state.language)),
    definition(t().fieldAssignee, h('span', { id: 'tip-assignee' }, tip.assignee ?? t().nobody)),
    definition(t().fieldReceived, timeElement(tip.receivedAt)),
    definition(t().fieldDue, timeElement(tip.dueAt), ' · ', h('span', { id: 'tip-days-left' }, daysLeftContent(tip))),
    definition(t().fieldChannel, nameOf(channelNames, tip.channel, state.language)),
    tip.senderAlias ? definition(t().fieldSender, tip.senderAlias) : null,
    definition(t().fieldTracking, tip.trackingCode),
    tip.contact ? definition(t().fieldContact, tip.contact) : null,
    tip.lat !== undefined && tip.lon !== undefined ? definition(t().fieldLocation, `${Number(tip.lat)}, ${Number(tip.lon)}`) : null,
    requested.length > 0 ? definition(t().fieldRequested, requested.join(', ')) : null,
    definition(t().fieldRouting, routingDescription(tip.routing), candidateList(tip, routeTo)),
    tip.otherGeneration ? definition(t().fieldOtherGeneration, h('span', { id: 'tip-other-generation', text: otherGenerationText(tip.otherGeneration, maps) })) : null,
    Array.isArray(tip.flags) && tip.flags.length > 0 ? definition(t().fieldFlags, tip.flags.map((flag) => nameOf(flagNames, flag, state.language)).join(', ')) : null,
    tip.rejection
      ? definition(
          t().fieldRejection,
          nameOf(rejectionNames, tip.rejection.reason, state.language),
          tip.rejection.duplicateOf ? [` (${t().duplicateOfLabel} `, h('a', { href: tipHref(tip.rejection.duplicateOf) }, tip.rejection.duplicateOf), ')'] : null,
          tip.rejection.note ? [' – ', tip.rejection.note] : null,
        )
      : null,
    Array.isArray(tip.deadlineExtensions) && tip.deadlineExtensions.length > 0
      ? definition(
          t().fieldExtensions,
          h('ul', {}, tip.deadlineExtensions.map((extension) => h('li', { text: t().extension(formatTime(extension.previousDueAt), formatTime(extension.dueAt), extension.by, extension.reason) }))),
        )
      : null,
  );
}

function conversationList(events) {
  const conversation = events.filter((event) => event.public && (event.type === 'OFFICER_MESSAGE' || event.type === 'TIPSTER_MESSAGE'));
  if (conversation.length === 0) return h('p', { id: 'conversation', text: t().noConversation });
  return h(
    'ol',
    { class: 'conversation', id: 'conversation' },
    conversation.map((event) =>
      h(
        'li',
        { class: event.type === 'OFFICER_MESSAGE' ? 'from-officer' : 'from-tipster' },
        h('p', { class: 'who' }, event.type === 'OFFICER_MESSAGE' ? `${t().fromOfficer} (${event.actor})` : t().fromTipster, ' · ', timeElement(event.at)),
        h('p', { class: 'body', text: event.text ?? '' }),
      ),
    ),
  );
}

/**
 * The other maps the tip names units of (its place on the other generation's map, the queues of
 * a map it was moved from), by pack; a map that cannot load is left out and its codes shown.
 */
async function otherMaps(detail) {
  const events = Array.isArray(detail?.events) ? detail.events : [];
  const packs = new Set([detail?.tip?.otherGeneration?.pack, ...events.flatMap((event) => [event?.before?.pack, event?.after?.pack])]);
  const wanted = [...packs].filter((pack) => typeof pack === 'string' && pack !== state.pack);
  const loaded = await Promise.all(wanted.map((pack) => otherPack(pack)));
  return new Map(wanted.map((pack, index) => [pack, loaded[index]]).filter(([, names]) => names));
}

/**
 * The officers a supervisor may give the tip to: those of its queue (GET /queue/officers).
 * Undefined for other officers, for a tip that cannot be assigned, and when the list cannot be
 * had: then the tip page offers no assignment.
 */
async function assignableOfficers(tip) {
  if (!officer().supervisor || (tip.status !== 'NEW' && tip.status !== 'ASSIGNED')) return undefined;
  try {
    const answer = await api('GET', `/queue/officers?${new URLSearchParams({ queue: tip.queue })}`);
    const officers = Array.isArray(answer?.officers) ? answer.officers : [];
    return officers.map((entry) => entry?.username).filter((username) => typeof username === 'string' && username);
  } catch {
    return undefined;
  }
}

/** What the tip page needs besides the tip: the other maps it names, the officers to assign to. */
async function extras(detail) {
  const [maps, officers] = await Promise.all([otherMaps(detail), assignableOfficers(detail.tip)]);
  return { maps, officers };
}

/** What became of a reply to the tipster, in the officer's words; undefined for other actions. */
function deliveryMessage(answer) {
  if (typeof answer?.delivered !== 'boolean') return undefined;
  const words = t().replyDelivery;
  const own = answer.delivered ? words.sent : (words[answer.reason] ?? words.send_failed);
  const others = reportDeliveryMessage(answer);
  return others ? `${own} ${others}` : own;
}

function renderTipDetail(detail, { maps, officers }, stale, { message, focus = true } = {}) {
  if (stale()) return;
  const tip = detail.tip;
  const events = Array.isArray(detail.events) ? detail.events : [];
  const attachments = attachmentsOf(detail);
  const fileNames = new Map(attachments.map((attachment) => [attachment.id, String(attachment.fileName ?? attachment.id)]));
  const path = `/tips/${encodeURIComponent(tip.id)}`;
  /** Runs an action and shows the tip as the server now has it. */
  const act = async (suffix, body, done = t().done) => {
    const answer = await api('POST', `${path}/${suffix}`, body);
    const next = answer?.tip ? answer : await api('GET', path);
    renderTipDetail(next, await extras(next), stale, { message: deliveryMessage(answer) ?? done, focus: false });
  };
  const { actions, transferTo } = tipActions(tip, act, { officers });
  // Only a tip that can move offers its candidates as one-click transfers.
  const routeTo = transferTo ? (code) => act('transfer', { to: code, suggested: true }, t().routedTo(queueName(code))) : undefined;
  const title = t().tipTitle(tip.registerNumber || tip.trackingCode);
  const view = h(
    'article',
    { class: 'tip', 'aria-labelledby': 'tip-title' },
    h('p', {}, h('a', { href: queueHref(tip.queue, tip.status) }, t().backToQueue)),
    h('h1', { id: 'tip-title', tabindex: '-1', text: title }),
    // Seen here; heard once, from the header's live region (a region made with its text already is not read out).
    h('p', { class: 'notice', id: 'tip-message', text: message ?? '' }),
    facts(tip, maps, routeTo),
    incidentSection(detail),
    h('h2', { text: t().tipText }),
    h('p', { class: 'tip-text', id: 'tip-text', lang: tip.language === 'en' ? 'en' : 'vi', text: tip.text }),
    attachmentSection(tip, attachments),
    duplicatesSection(detail, act),
    h('h2', { text: t().actionsTitle }),
    h('div', { class: 'actions' }, actions),
    h('h2', { text: t().conversationTitle }),
    tip.awaitingReply ? h('p', { class: 'hint' }, awaitingMarker(), ' ', t().awaitingReplyHint) : null,
    conversationList(events),
    h('h2', { text: t().auditTitle }),
    h('ol', { class: 'audit', id: 'audit' }, events.map((event) => eventItem(event, maps, fileNames))),
  );
  show(view, title, { focus });
  if (message) announce(message, { seen: false });
}

export async function renderTip(id, stale) {
  show(h('section', {}, h('h1', { tabindex: '-1', text: t().loading })), t().loading, { focus: false });
  try {
    const detail = await api('GET', `/tips/${encodeURIComponent(id)}`);
    renderTipDetail(detail, await extras(detail), stale);
  } catch (error) {
    if (stale() || error.status === 401) return;
    show(
      h(
        'section',
        {},
        h('p', {}, h('a', { href: '#/queue' }, t().backToQueue)),
        h('h1', { tabindex: '-1', text: error.status === 404 ? t().notFound : t().errorServer }),
        h('div', { class: 'alert', role: 'alert' }, errorContent(error)),
      ),
      t().notFound,
    );
  }
}
