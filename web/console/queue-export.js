// The whole filtered queue as a CSV file, in the officer's language: column headers, and the
// names of statuses, urgencies, categories, channels and units instead of their codes.

import { api, errorContent } from './api.js';
import { downloadCsv, toCsv } from './csv.js';
import { exportPageSize, maxExportRows, state, t } from './state.js';
import { categoryNames, channelNames, nameOf, statusNames, urgencyNames } from './names.js';
import { queueLabel } from './units.js';

export function queueParams(queue, status, cursor, limit) {
  const params = new URLSearchParams({ queue, status });
  if (cursor) params.set('cursor', cursor);
  if (limit) params.set('limit', String(limit));
  return params;
}

/** Times in Ho Chi Minh City as a spreadsheet sorts and reads them: 2025-07-01 14:05. */
const csvTime = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function timeCell(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value ?? '') : csvTime.format(date);
}

/** The columns of the file: a header in the officer's language and the cell of each row. */
function csvColumns() {
  const words = t().csv;
  const lang = state.language;
  const yesNo = (value) => (value ? words.yes : words.no);
  return [
    [words.registerNumber, (item) => item.registerNumber],
    [words.id, (item) => item.id],
    [words.trackingCode, (item) => item.trackingCode],
    [words.queue, (item) => queueLabel(item.queue)],
    [words.status, (item) => nameOf(statusNames, item.status, lang)],
    [words.urgency, (item) => nameOf(urgencyNames, item.urgency, lang)],
    [words.category, (item) => nameOf(categoryNames, item.category, lang)],
    [words.channel, (item) => nameOf(channelNames, item.channel, lang)],
    [words.receivedAt, (item) => timeCell(item.receivedAt)],
    [words.dueAt, (item) => timeCell(item.dueAt)],
    [words.daysLeft, (item) => Number(item.daysLeft)],
    [words.overdue, (item) => yesNo(item.overdue)],
    [words.assignee, (item) => item.assignee ?? ''],
    [words.senderAlias, (item) => item.senderAlias ?? ''],
    [words.awaitingReply, (item) => yesNo(item.awaitingReply)],
    [words.excerpt, (item) => item.excerpt],
  ];
}

/** Every row of the filtered queue, page after page, as CSV. */
export async function exportQueue(queue, status, button, progress) {
  button.disabled = true;
  const columns = csvColumns();
  const rows = [];
  let cursor = '';
  let truncated = false;
  try {
    do {
      const page = await api('GET', `/queue?${queueParams(queue, status, cursor, exportPageSize)}`);
      for (const item of page.items ?? []) rows.push(columns.map(([, cell]) => cell(item)));
      cursor = page.nextCursor ?? '';
      progress.textContent = t().exporting(rows.length);
      if (rows.length >= maxExportRows && cursor) {
        truncated = true;
        break;
      }
    } while (cursor);
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    downloadCsv(
      `tinbao-${queue}-${status}-${stamp}.csv`,
      toCsv(
        columns.map(([header]) => header),
        rows,
      ),
    );
    progress.textContent = truncated ? t().exportTooMany(rows.length) : t().exported(rows.length);
  } catch (error) {
    progress.replaceChildren(...errorContent(error));
  } finally {
    button.disabled = false;
  }
}
