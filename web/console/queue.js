// The queue view: one queue and status, page by page, kept up to date while it is on screen
// (queue-live.js), with the whole filtered queue as CSV (queue-export.js). On narrow screens each
// row is a card whose cells carry their column's name (data-label).

import { api, errorContent } from './api.js';
import { officer } from './auth.js';
import { field, h, option, show, timeElement } from './dom.js';
import { allStatuses, cityQueue, defaultPageSize, pageSizes, queueHref, rerender, state, t, tipHref } from './state.js';
import { categoryNames, nameOf, statusNames, urgencyNames } from './names.js';
import { exportQueue, queueParams } from './queue-export.js';
import { awaitingMarker, daysLeftContent } from './marks.js';
import { liveQueue, urgentBanner } from './queue-live.js';
import { unitSearch } from './search.js';
import { queueName, queueOptions, visibleQueues } from './units.js';

const columns = () => [t().colRegister, t().colUrgency, t().colDaysLeft, t().colCategory, t().colExcerpt, t().colAssignee, t().colReceived];

/** What a row shows, to tell whether a refreshed row changed. */
const rowSignatures = new WeakMap();

function queueRow(item) {
  const [register, urgency, daysLeft, category, excerpt, assignee, received] = columns();
  const row = h(
    'tr',
    { class: item.overdue ? 'is-overdue' : '', 'data-id': item.id },
    h(
      'th',
      { scope: 'row', 'data-label': register },
      h('a', { href: tipHref(item.id), class: 'register' }, item.registerNumber || item.trackingCode),
      // An incident is one row, however many reports it holds: say how many.
      Number(item.reportCount) > 1 ? h('span', { class: 'badge report-count' }, t().reportCount(Number(item.reportCount))) : null,
      item.awaitingReply ? [' ', awaitingMarker()] : null,
    ),
    h('td', { 'data-label': urgency }, h('span', { class: `urgency urgency-${String(item.urgency)}` }, nameOf(urgencyNames, item.urgency, state.language))),
    h('td', { 'data-label': daysLeft }, daysLeftContent(item)),
    h('td', { 'data-label': category }, nameOf(categoryNames, item.category, state.language)),
    h('td', { class: 'excerpt', 'data-label': excerpt }, item.excerpt),
    h('td', { 'data-label': assignee }, item.assignee ?? t().nobody),
    h('td', { 'data-label': received }, timeElement(item.receivedAt)),
  );
  rowSignatures.set(row, JSON.stringify(item));
  return row;
}

/**
 * Makes the rows of `tbody` those of `items`, in order, touching only rows that changed: a row
 * the officer has focused or selected text in stays the same element unless its tip changed.
 */
function syncRows(tbody, items) {
  const existing = new Map([...tbody.rows].map((row) => [row.dataset.id, row]));
  const focusedId = tbody.contains(document.activeElement) ? document.activeElement.closest('tr')?.dataset.id : undefined;
  const rows = items.map((item) => {
    const old = existing.get(item.id);
    return old && rowSignatures.get(old) === JSON.stringify(item) ? old : queueRow(item);
  });
  rows.forEach((row, index) => {
    if (tbody.rows[index] !== row) tbody.insertBefore(row, tbody.rows[index] ?? null);
  });
  while (tbody.rows.length > rows.length) tbody.rows[rows.length].remove();
  if (focusedId !== undefined && !tbody.contains(document.activeElement)) rows.find((row) => row.dataset.id === focusedId)?.querySelector('a')?.focus();
}

/** The queue an officer starts with: the city desk's own for the desk, else their first unit. */
function defaultQueue(queues) {
  return officer().cityDesk && queues.includes(cityQueue) ? cityQueue : queues[0];
}

export async function renderQueue(params, stale) {
  const queues = visibleQueues();
  if (queues.length === 0) {
    show(h('section', {}, h('h1', { tabindex: '-1', text: t().queueTitle }), h('p', { text: t().noQueues })), t().queueTitle);
    return;
  }
  const queue = queues.includes(params.get('queue')) ? params.get('queue') : defaultQueue(queues);
  const status = allStatuses.includes(params.get('status')) ? params.get('status') : 'NEW';
  const limit = pageSizes.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : defaultPageSize;
  const key = `${queue}|${status}|${limit}`;
  if (state.paging.key !== key) state.paging = { key, cursors: [''] };
  let pageNumber = Math.max(1, Math.floor(Number(params.get('page')) || 1));
  // A page whose cursor this tab never saw (a reload) starts again from the first.
  if (pageNumber > state.paging.cursors.length) pageNumber = 1;
  const cursor = state.paging.cursors[pageNumber - 1] ?? '';

  const queueSelect = h('select', { id: 'queue-select', name: 'queue' }, queueOptions(queues, queue));
  const statusSelect = h('select', { id: 'status-select', name: 'status' }, allStatuses.map((code) => option(code, nameOf(statusNames, code, state.language), code === status)));
  const sizeSelect = h('select', { id: 'size-select', name: 'limit' }, pageSizes.map((size) => option(String(size), String(size), size === limit)));
  const progress = h('p', { class: 'progress', role: 'status', 'aria-live': 'polite', id: 'export-status' });
  const exportButton = h('button', { type: 'button', id: 'export-csv', onclick: () => exportQueue(queue, status, exportButton, progress) }, t().exportCsv);
  const results = h('div', { id: 'queue-results', 'aria-busy': 'true' }, h('p', { text: t().loading }));
  const updated = h('p', { class: 'updated hint', id: 'queue-updated' });
  const filters = h(
    'form',
    {
      class: 'filters',
      id: 'queue-filters',
      onsubmit: (event) => {
        event.preventDefault();
        // The rows on screen are not the answer to the new filter: say so at once, before it comes.
        results.setAttribute('aria-busy', 'true');
        results.replaceChildren(h('p', { text: t().loading }));
        const target = queueHref(queueSelect.value, statusSelect.value, 1, Number(sizeSelect.value));
        // The same filter again reloads the first page (no hashchange fires for an unchanged hash).
        if (location.hash === target) {
          state.paging = { key: '', cursors: [''] };
          rerender();
        } else location.hash = target;
      },
    },
    field(t().queueLabel, queueSelect),
    field(t().statusLabel, statusSelect),
    field(t().pageSize, sizeSelect),
    h('button', { type: 'submit', class: 'primary' }, t().show),
    exportButton,
  );
  // Officers of many queues (the desk has every unit's) find one by its name.
  const search = queues.length > 2 ? unitSearch({ codes: queues, hrefFor: (code) => queueHref(code, status, 1, limit), id: 'queue-search' }) : null;
  const heading = h('h1', { tabindex: '-1', text: `${t().queueTitle}: ${queueName(queue)}` });
  const banner = urgentBanner();
  show(h('section', { class: 'queue' }, heading, banner.element, search, filters, progress, results, updated), t().queueTitle);

  const path = `/queue?${queueParams(queue, status, cursor, limit)}`;
  const caption = t().caption(queueName(queue), nameOf(statusNames, status, state.language), pageNumber);
  let shown;
  /** Shows a page of the queue: the first time whole, then only what changed. */
  const showPage = (page) => {
    // Another filter is on its way: the answer for this one is no longer wanted.
    if (shown !== undefined && results.hasAttribute('aria-busy')) return;
    if (page.nextCursor) state.paging.cursors[pageNumber] = page.nextCursor;
    const items = page.items ?? [];
    const signature = JSON.stringify([items, page.nextCursor ?? null]);
    if (signature === shown) return;
    const tbody = results.querySelector('#queue-table tbody');
    const pagerKey = `${pageNumber > 1}|${Boolean(page.nextCursor)}`;
    if (items.length > 0 && tbody) {
      syncRows(tbody, items);
      if (results.dataset.pager !== pagerKey) results.querySelector('.pager')?.replaceWith(pager(page));
    } else {
      const table = h(
        'table',
        { class: 'queue-table', id: 'queue-table' },
        h('caption', { text: caption }),
        h('thead', {}, h('tr', {}, columns().map((label) => h('th', { scope: 'col', text: label })))),
        h('tbody', {}),
      );
      if (items.length > 0) syncRows(table.tBodies[0], items);
      results.replaceChildren(items.length > 0 ? table : h('p', { class: 'empty', text: t().empty }), pager(page));
    }
    results.dataset.pager = pagerKey;
    shown = signature;
  };
  const pager = (page) =>
    h(
      'nav',
      { class: 'pager', 'aria-label': caption },
      pageNumber > 1 ? h('a', { href: queueHref(queue, status, pageNumber - 1, limit), id: 'previous-page' }, t().previousPage) : null,
      page.nextCursor ? h('a', { href: queueHref(queue, status, pageNumber + 1, limit), id: 'next-page' }, t().nextPage) : null,
    );

  let page;
  try {
    page = await api('GET', path);
  } catch (error) {
    if (stale() || error.status === 401) return;
    results.replaceChildren(h('div', { class: 'alert', role: 'alert' }, errorContent(error)));
    results.removeAttribute('aria-busy');
    return;
  }
  if (stale()) return;
  showPage(page);
  results.removeAttribute('aria-busy');
  liveQueue({ stale, path, queue, status, cursor, page, showPage, banner, updated });
}
