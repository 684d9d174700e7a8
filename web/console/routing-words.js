// How a tip was routed, in words an officer reads: the method, how sure the engine was, and what
// it went on (the words of the text it read, the GPS point, the unit the tipster chose); the
// units it found plausible when it was not sure enough, each one click from its queue; and the
// reasons the audit trail records, never as their codes.

import { h } from './dom.js';
import { state, t } from './state.js';
import { nameOf, reasonNames, rejectionNames, routingNames } from './names.js';
import { queueLabel, queueName } from './units.js';

export const routingMethod = (method) => nameOf(routingNames, method, state.language);

const percent = (confidence) => Math.round(Number(confidence) * 100);

/** What the engine went on. */
function evidenceText(evidence) {
  if (evidence?.kind === 'text') return t().evidenceText(String(evidence.span ?? ''));
  if (evidence?.kind === 'point') return t().evidencePoint(Number(evidence.lat), Number(evidence.lon));
  if (evidence?.kind === 'code') return t().evidenceCode(queueName(evidence.code));
  return '';
}

/** One guess of the engine: how, how sure, on what. */
function guessText(guess) {
  return [t().routingText(routingMethod(guess.method), percent(guess.confidence)), evidenceText(guess.evidence)].filter(Boolean).join(': ');
}

export function routingDescription(routing) {
  if (!routing) return '';
  if (routing.unit === null) return t().routingUndecided(Array.isArray(routing.candidates) ? routing.candidates.length : 0);
  return guessText(routing);
}

/**
 * The units the routing found plausible, with what it read, each one click from its queue (an
 * audited transfer, when `routeTo` is given: the tip can move). The queue the tip is in is marked.
 */
export function candidateList(tip, routeTo) {
  const candidates = (Array.isArray(tip.routing?.candidates) ? tip.routing.candidates : []).filter((candidate) => typeof candidate?.unit === 'string');
  if (candidates.length === 0) return null;
  return h(
    'ul',
    { class: 'candidates', id: 'routing-candidates' },
    candidates.map((candidate) =>
      h(
        'li',
        { 'data-unit': candidate.unit },
        h('strong', { text: queueLabel(candidate.unit) }),
        ` – ${guessText(candidate)} `,
        candidate.unit === tip.queue
          ? h('span', { class: 'hint-inline', text: t().currentQueue })
          : routeTo
            ? h('button', { type: 'button', class: 'small route-to', 'data-unit': candidate.unit, 'aria-label': t().routeTo(queueName(candidate.unit)), onclick: () => routeTo(candidate.unit) }, t().routeToShort)
            : null,
      ),
    ),
  );
}

/** A map's name: the pack in force, or another one loaded in `maps`; else its id. */
function packName(pack, maps) {
  const names = pack === state.pack ? state.map : maps.get(pack);
  const name = state.language === 'en' ? names?.nameEn : names?.name;
  return typeof name === 'string' && name ? name : String(pack);
}

/** A recorded reason in the officer's words: a code the system wrote, or the officer's own text. */
export function reasonText(event, maps) {
  const reason = String(event.reason);
  if (Object.hasOwn(reasonNames, reason)) return nameOf(reasonNames, reason, state.language);
  if (event.type === 'CLASSIFIED' && Object.hasOwn(routingNames, reason)) return routingMethod(reason);
  if (event.type === 'STATUS_CHANGED' && event.after?.status === 'REJECTED' && Object.hasOwn(rejectionNames, reason)) return nameOf(rejectionNames, reason, state.language);
  // npm run repack writes "<old pack> → <new pack>: <routing method>".
  const repacked = event.type === 'REPACKED' ? /^(\S+) → (\S+): (\S+)$/.exec(reason) : null;
  if (repacked) return `${packName(repacked[1], maps)} → ${packName(repacked[2], maps)}: ${routingMethod(repacked[3])}`;
  return reason;
}
