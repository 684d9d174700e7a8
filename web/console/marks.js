// What a queue row and a tip's page both mark: the days left to the deadline, and a tipster
// waiting for an answer. Never by colour alone: each carries a sign and words.

import { h } from './dom.js';
import { t } from './state.js';

/** Days left as a person counts them (calendar days in Vietnam, counted by the server), or how long overdue. */
export function daysLeftContent(item) {
  const days = Number(item.daysLeft);
  if (item.overdue) {
    return h('strong', { class: 'overdue' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), days < 0 ? t().overdue(-days) : t().overdueToday);
  }
  return h('span', { class: days <= 3 ? 'due-soon' : '' }, t().daysLeft(days));
}

/** The tipster wrote after the last officer reply. */
export function awaitingMarker(id) {
  return h('span', { class: 'awaiting', ...(id && { id }) }, h('span', { 'aria-hidden': 'true' }, '✉ '), t().awaitingReply);
}
