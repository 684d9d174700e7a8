// The queue view: one queue and status, page by page, with the whole filtered queue as CSV.

import { api, errorContent } from './api.js';
import { officer } from './auth.js';
import { downloadCsv, toCsv } from './csv.js';
import { field, h, option, show, timeElement } from './dom.js';
import { allStatuses, cityQueue, defaultPageSize, exportPageSize, maxExportRows, pageSizes, queueHref, rerender, state, t, tipHref } from './state.js';
import { categoryNames, nameOf, statusNames, urgencyNames } from './names.js';
import { unitSearch } from './search.js';
import { queueName, queueOptions, visibleQueues } from './units.js';

function daysLeftCell(item) {
  if (item.overdue) {
    return h('strong', { class: 'overdue' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t().overdue(Math.max(1, -Number(item.daysLeft))));
  }
  return h('span', { class: Number(item.daysLeft) <= 3 ? 'due-soon' : '' }, t().daysLeft(Number(item.daysLeft)));
}

function queueRow(item) {
  return h(
    'tr',
    { class: item.overdue ? 'is-overdue' : '' },
    h('th', { scope: 'row' }, h('a', { href: tipHref(item.id), class: 'register' }, item.registerNumber || item.trackingCode)),
    h('td', {}, h('span', { class: `urgency urgency-${String(item.urgency)}` }, nameOf(urgencyNames, item.urgency, state.language))),
    h('td', {}, daysLeftCell(item)),
    h('td', {}, nameOf(categoryNames, item.category, state.language)),
    h('td', { class: 'excerpt' }, item.excerpt),
    h('td', {}, item.assignee ?? t().nobody),
    h('td', {}, timeElement(item.receivedAt)),
  );
}

function queueParams(queue, status, cursor, limit) {
  const params = new URLSearchParams({ queue, status });
  if (cursor) params.set('cursor', cursor);
  if (limit) params.set('limit', String(limit));
  return params;
}

const csvHeader = ['registerNumber', 'id', 'trackingCode', 'queue', 'status', 'urgency', 'category', 'channel', 'receivedAt', 'dueAt', 'daysLeft', 'overdue', 'assignee', 'senderAlias', 'excerpt'];

/** Every row of the filtered queue, page after page, as CSV. */
async function exportQueue(queue, status, button, progress) {
  button.disabled = true;
  const rows = [];
  let cursor = '';
  let truncated = false;
  try {
    do {
      const page = await api('GET', `/queue?${queueParams(queue, status, cursor, exportPageSize)}`);
      for (const item of page.items ?? []) {
        rows.push([
          item.registerNumber,
          item.id,
          item.trackingCode,
          item.queue,
          item.status,
          item.urgency,
          item.category,
          item.channel,
          item.receivedAt,
          item.dueAt,
          Number(item.daysLeft),
          item.overdue ? 'yes' : 'no',
          item.assignee ?? '',
          item.senderAlias ?? '',
          item.excerpt,
        ]);
      }
      cursor = page.nextCursor ?? '';
      progress.textContent = t().exporting(rows.length);
      if (rows.length >= maxExportRows && cursor) {
        truncated = true;
        break;
      }
    } while (cursor);
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    downloadCsv(`tinbao-${queue}-${status}-${stamp}.csv`, toCsv(csvHeader, rows));
    progress.textContent = truncated ? t().exportTooMany(rows.length) : t().exported(rows.length);
  } catch (error) {
    progress.replaceChildren(...errorContent(error));
  } finally {
    button.disabled = false;
  }
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
  show(h('section', { class: 'queue' }, heading, search, filters, progress, results), t().queueTitle);

  let page;
  try {
    page = await api('GET', `/queue?${queueParams(queue, status, cursor, limit)}`);
  } catch (error) {
    if (stale() || error.status === 401) return;
    results.replaceChildren(h('div', { class: 'alert', role: 'alert' }, errorContent(error)));
    results.removeAttribute('aria-busy');
    return;
  }
  if (stale()) return;
  if (page.nextCursor) state.paging.cursors[pageNumber] = page.nextCursor;
  const items = page.items ?? [];
  const caption = t().caption(queueName(queue), nameOf(statusNames, status, state.language), pageNumber);
  const table = h(
    'table',
    { class: 'queue-table', id: 'queue-table' },
    h('caption', { text: caption }),
    h(
      'thead',
      {},
      h('tr', {}, [t().colRegister, t().colUrgency, t().colDaysLeft, t().colCategory, t().colExcerpt, t().colAssignee, t().colReceived].map((label) => h('th', { scope: 'col', text: label }))),
    ),
    h('tbody', {}, items.map(queueRow)),
  );
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': caption },
    pageNumber > 1 ? h('a', { href: queueHref(queue, status, pageNumber - 1, limit), id: 'previous-page' }, t().previousPage) : null,
    page.nextCursor ? h('a', { href: queueHref(queue, status, pageNumber + 1, limit), id: 'next-page' }, t().nextPage) : null,
  );
  results.replaceChildren(items.length > 0 ? table : h('p', { class: 'empty', text: t().empty }), pager);
  results.removeAttribute('aria-busy');
}
