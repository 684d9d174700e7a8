// The statistics view (#/stats): the commanders' figures from GET /stats, for supervisors and the
// city desk. Tips per week and category, and per unit: time to first claim, verified within the
// legal 20 days, overdue now. Charts are drawn by Chart.js (served from this origin, no eval, no
// injected styles, so the console's CSP holds); every chart has a table with the same figures
// next to it for screen readers and for reading exact numbers, and both tables export as CSV.

import { api, errorContent } from './api.js';
import { officer } from './auth.js';
import { downloadCsv, toCsv } from './csv.js';
import { definition, field, formatTime, h, onLeave, option, show } from './dom.js';
import { categoryNames, nameOf } from './names.js';
import { state, statsHref, t } from './state.js';
import { queueName, queueOptions, visibleQueues } from './units.js';

const chartScript = '/vendor/chart.js/chart.umd.min.js';
/** Units drawn in the per-unit charts (the most tips first); the table lists every one. */
const chartedUnits = 20;
/** One colour per category (Tableau's palette, told apart by the legend and the table too). */
const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#8c8c8c', '#1f77b4', '#8c564b', '#17becf', '#2f4b7c'];
const weekPattern = /^\d{4}-W\d{2}$|^\d{4}-\d{2}-\d{2}$/;

/** Whether the officer may see the figures: supervisors and the city desk (the API decides). */
export function canSeeStatistics(me = officer()) {
  return Boolean(me.supervisor || me.cityDesk);
}

let library;

/** Chart.js, loaded on first use. */
function loadChartJs() {
  library ??= new Promise((resolve, reject) => {
    if (window.Chart) return resolve(window.Chart);
    const script = h('script', { src: chartScript });
    script.addEventListener('load', () => (window.Chart ? resolve(window.Chart) : reject(new Error('Chart.js did not start'))), { once: true });
    script.addEventListener('error', () => reject(new Error(`Could not load ${chartScript}`)), { once: true });
    document.head.append(script);
  }).catch((error) => {
    library = undefined;
    throw error;
  });
  return library;
}

// ---- Words and numbers ---------------------------------------------------------------------

const locale = () => (state.language === 'en' ? 'en-GB' : 'vi-VN');
/** Made once per locale, not once per table cell (a period of units and weeks has thousands). */
const formats = Object.fromEntries(
  ['en-GB', 'vi-VN'].map((tag) => [tag, { number: new Intl.NumberFormat(tag), percent: new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 }) }]),
);
const number = (value) => formats[locale()].number.format(Number(value) || 0);
const percent = (share) => (share === null || share === undefined ? t().nobody : formats[locale()].percent.format(share));
/** Tips overdue now, stressed when there are any. */
const overdueFigure = (count) => (count > 0 ? h('strong', { class: 'overdue', text: number(count) }) : '0');

/** Seconds as a person reads a waiting time: 2 ngày 3 giờ, 1 h 5 min, 40 s. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return t().nobody;
  const whole = Math.round(Number(seconds));
  const [days, hours, minutes] = [Math.floor(whole / 86400), Math.floor((whole % 86400) / 3600), Math.floor((whole % 3600) / 60)];
  if (days > 0) return [t().statsDays(days), hours > 0 ? t().statsHours(hours) : ''].filter(Boolean).join(' ');
  if (hours > 0) return [t().statsHours(hours), minutes > 0 ? t().statsMinutes(minutes) : ''].filter(Boolean).join(' ');
  return minutes > 0 ? t().statsMinutes(minutes) : t().statsSeconds(whole);
}

const categoryName = (code) => nameOf(categoryNames, code, state.language);
const unitName = (unit) => queueName(unit.queue) || (state.language === 'en' ? unit.nameEn : unit.name);

/** The categories with a tip in these counts, in the form's order. */
const countedCategories = (view, byCategory) => view.categories.filter((code) => Number(byCategory[code]) > 0);

/** The categories with a tip in the period, in the form's order. */
const shownCategories = (view) => countedCategories(view, view.overall.tips.byCategory);

/** The units with the most tips, for the charts. */
const chartUnits = (view) => [...view.units].sort((a, b) => b.tips.total - a.tips.total).slice(0, chartedUnits);

// ---- Tables --------------------------------------------------------------------------------

const headRow = (labels) => h('thead', {}, h('tr', {}, labels.map((label) => h('th', { scope: 'col', text: label }))));
const numberCell = (value) => h('td', { class: 'number', text: value });

function weeksTable(view) {
  const categories = shownCategories(view);
  return h(
    'table',
    { class: 'stats-table', id: 'stats-weeks-table' },
    h('caption', { text: t().statsWeeksCaption }),
    headRow([t().statsColWeek, ...categories.map(categoryName), t().statsColTotal]),
    h(
      'tbody',
      {},
      view.overall.tips.byWeek.map((week) =>
        h('tr', {}, h('th', { scope: 'row', text: week.week }), categories.map((code) => numberCell(number(week.byCategory[code] ?? 0))), numberCell(number(week.total))),
      ),
    ),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', text: t().statsAll }), categories.map((code) => numberCell(number(view.overall.tips.byCategory[code]))), numberCell(number(view.overall.tips.total)))),
  );
}

const unitColumns = () => [t().colUnit, t().statsColTips, t().statsColMedianClaim, t().statsColInTime, t().statsColLate, t().statsColOpenPast20, t().statsColShare, t().statsColOpen, t().statsColOverdue];

function unitCells(figures) {
  const { tips, firstClaim, verification, open } = figures;
  return [
    numberCell(number(tips.total)),
    numberCell(duration(firstClaim.medianSeconds)),
    numberCell(number(verification.inTime)),
    numberCell(number(verification.late)),
    numberCell(number(verification.openPast20Days)),
    numberCell(percent(verification.shareWithin20Days)),
    numberCell(number(open.total)),
    h('td', { class: 'number' }, overdueFigure(open.overdue)),
  ];
}

function unitsTable(view) {
  return h(
    'table',
    { class: 'stats-table', id: 'stats-units-table' },
    h('caption', { text: t().statsUnitsCaption }),
    headRow(unitColumns()),
    h(
      'tbody',
      {},
      view.units.map((unit) => h('tr', { class: unit.open.overdue > 0 ? 'is-overdue' : '', 'data-queue': unit.queue }, h('th', { scope: 'row', text: unitName(unit) }), unitCells(unit))),
    ),
    view.units.length > 1 ? h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', text: t().statsAll }), unitCells(view.overall))) : null,
  );
}

function unitWeeksTable(view) {
  return h(
    'table',
    { class: 'stats-table', id: 'stats-unit-weeks-table' },
    h('caption', { text: t().statsUnitWeeksCaption }),
    headRow([t().colUnit, ...view.weeks.map((week) => week.week), t().statsColTotal]),
    h('tbody', {}, view.units.map((unit) => h('tr', {}, h('th', { scope: 'row', text: unitName(unit) }), unit.tips.byWeek.map((week) => numberCell(number(week.total))), numberCell(number(unit.tips.total))))),
  );
}

// ---- CSV -----------------------------------------------------------------------------------

/** A day in Ho Chi Minh City as a spreadsheet reads it: 2025-12-29. */
const vietnamDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });

const fileStem = (view, unit) => `tinbao-stats-${view.from}-${view.to}${unit ? `-${unit}` : ''}`;

/** Tips per unit, week and category, one row each (categories with none are left out). */
function weeksCsv(view) {
  const header = [t().statsCsvUnitCode, t().colUnit, t().statsColWeek, t().statsCsvWeekStarts, t().colCategory, t().statsColTips];
  const starts = new Map(view.weeks.map((week) => [week.week, vietnamDay.format(new Date(week.startsAt))]));
  const rows = view.units.flatMap((unit) =>
    unit.tips.byWeek.flatMap((week) => countedCategories(view, week.byCategory).map((code) => [unit.queue, unitName(unit), week.week, starts.get(week.week), categoryName(code), Number(week.byCategory[code])])),
  );
  return { header, rows };
}

/** The per-unit figures, and all of them together; times in seconds, shares from 0 to 1, for a spreadsheet to compute with. */
function unitsCsv(view) {
  const header = [t().statsCsvUnitCode, t().colUnit, t().statsColTips, t().statsCsvClaimed, t().statsCsvMedianSeconds, t().statsColInTime, t().statsColLate, t().statsColOpenPast20, t().statsCsvShare, t().statsColOpen, t().statsColOverdue];
  const row = (code, name, { tips, firstClaim, verification, open }) => [
    code,
    name,
    tips.total,
    firstClaim.claimed,
    firstClaim.medianSeconds,
    verification.inTime,
    verification.late,
    verification.openPast20Days,
    verification.shareWithin20Days,
    open.total,
    open.overdue,
  ];
  return { header, rows: [...view.units.map((unit) => row(unit.queue, unitName(unit), unit)), row('', t().statsAll, view.overall)] };
}

function exportButton(id, label, make, filename, progress) {
  return h(
    'button',
    {
      type: 'button',
      id,
      onclick: () => {
        const { header, rows } = make();
        downloadCsv(filename, toCsv(header, rows));
        progress.textContent = t().exported(rows.length);
      },
    },
    label,
  );
}

// ---- Charts --------------------------------------------------------------------------------

/** A canvas for a chart, named for screen readers, pointing to the table with its figures. */
function chartCanvas(id, label, tableId) {
  return h('div', { class: 'stats-chart' }, h('canvas', { id, role: 'img', 'aria-label': label, 'aria-describedby': tableId }, h('p', { text: label })));
}

async function drawCharts(view, canvases, note, stale) {
  let Chart;
  try {
    Chart = await loadChartJs();
  } catch {
    if (!stale()) note.textContent = t().statsChartsUnavailable;
    return;
  }
  if (stale()) return;
  const common = { animation: false, responsive: true, locale: locale(), plugins: { legend: { position: 'bottom' } } };
  const integer = { beginAtZero: true, ticks: { precision: 0 } };
  const charts = [];
  const categories = shownCategories(view);
  charts.push(
    new Chart(canvases.weeks, {
      type: 'bar',
      data: {
        labels: view.weeks.map((week) => week.week),
        datasets: categories.map((code) => ({ label: categoryName(code), data: view.overall.tips.byWeek.map((week) => week.byCategory[code] ?? 0), backgroundColor: palette[view.categories.indexOf(code) % palette.length] })),
      },
      options: { ...common, scales: { x: { stacked: true }, y: { ...integer, stacked: true } } },
    }),
  );
  const units = chartUnits(view);
  const labels = units.map(unitName);
  const tall = { maintainAspectRatio: true, aspectRatio: Math.max(0.6, 2.4 - units.length * 0.09) };
  charts.push(
    new Chart(canvases.units, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: t().statsColTips, data: units.map((unit) => unit.tips.total), backgroundColor: palette[0] },
          { label: t().statsColOverdue, data: units.map((unit) => unit.open.overdue), backgroundColor: palette[2] },
        ],
      },
      options: { ...common, ...tall, indexAxis: 'y', scales: { x: integer } },
    }),
  );
  charts.push(
    new Chart(canvases.times, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: t().statsColShare, data: units.map((unit) => (unit.verification.shareWithin20Days === null ? null : Math.round(unit.verification.shareWithin20Days * 1000) / 10)), backgroundColor: palette[4], xAxisID: 'share' },
          { label: t().statsMedianMinutes, data: units.map((unit) => (unit.firstClaim.medianSeconds === null ? null : Math.round(unit.firstClaim.medianSeconds / 6) / 10)), backgroundColor: palette[1], xAxisID: 'minutes' },
        ],
      },
      options: { ...common, ...tall, indexAxis: 'y', scales: { share: { position: 'top', min: 0, max: 100, title: { display: true, text: '%' } }, minutes: { position: 'bottom', beginAtZero: true, title: { display: true, text: t().statsMedianMinutes } } } },
    }),
  );
  onLeave(() => charts.forEach((chart) => chart.destroy()));
}

// ---- The view ------------------------------------------------------------------------------

function summary(view) {
  const { tips, firstClaim, verification, open } = view.overall;
  return h(
    'dl',
    { class: 'facts', id: 'stats-summary' },
    definition(t().statsPeriodLabel, t().statsPeriod(view.from, view.to)),
    definition(t().statsTipsReceived, number(tips.total)),
    definition(t().statsMedianClaim, duration(firstClaim.medianSeconds), ' ', h('span', { class: 'hint', text: t().statsClaimedOf(number(firstClaim.claimed)) })),
    definition(t().statsShare, h('strong', { text: percent(verification.shareWithin20Days) }), ' ', h('span', { class: 'hint', text: t().statsShareDetail(number(verification.inTime), number(verification.late), number(verification.openPast20Days)) })),
    definition(t().statsOpenNow, number(open.total)),
    definition(t().statsOverdueNow, overdueFigure(open.overdue)),
  );
}

/** The API's refusal of a field, named as this form names it. */
function refusal(error) {
  const issues = error?.body?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return errorContent(error);
  const labels = { from: t().statsFrom, to: t().statsTo, unit: t().statsUnit };
  return [h('p', { text: t().errorInvalid }), ...issues.map((issue) => h('p', { text: `${labels[issue.field] ?? String(issue.field ?? '')}: ${String(issue.message ?? issue.reason ?? '')}` }))];
}

function showFigures(view, results, unit, stale) {
  const progress = h('p', { class: 'progress', role: 'status', 'aria-live': 'polite', id: 'stats-export-status' });
  const exports = h(
    'div',
    { class: 'filters' },
    exportButton('stats-export-weeks', t().statsExportWeeks, () => weeksCsv(view), `${fileStem(view, unit)}.csv`, progress),
    exportButton('stats-export-units', t().statsExportUnits, () => unitsCsv(view), `${fileStem(view, unit)}-units.csv`, progress),
  );
  const note = h('p', { class: 'hint', id: 'stats-chart-note' });
  const empty = view.overall.tips.total === 0 && view.overall.open.total === 0;
  const charted = Math.min(chartedUnits, view.units.length);
  const canvases = {
    weeks: chartCanvas('stats-weeks-chart', t().statsWeeksChart, 'stats-weeks-table'),
    units: chartCanvas('stats-units-chart', t().statsUnitsChart(charted), 'stats-units-table'),
    times: chartCanvas('stats-times-chart', t().statsTimesChart(charted), 'stats-units-table'),
  };
  const parts = [
    h('h2', { text: t().statsSummaryTitle }),
    summary(view),
    exports,
    progress,
    empty ? h('p', { class: 'empty', id: 'stats-empty', text: t().statsNoData }) : null,
    note,
    h('h2', { text: t().statsWeeksTitle }),
    canvases.weeks,
    weeksTable(view),
    h('h2', { text: t().statsUnitsTitle }),
    view.units.length > 0 ? [canvases.units, canvases.times, unitsTable(view), unitWeeksTable(view)] : h('p', { class: 'empty', text: t().statsNoData }),
    h('p', { class: 'hint', text: t().statsGenerated(formatTime(view.generatedAt)) }),
  ];
  results.replaceChildren(...parts.flat().filter(Boolean));
  results.removeAttribute('aria-busy');
  if (!empty) void drawCharts(view, { weeks: canvases.weeks.firstChild, units: canvases.units.firstChild, times: canvases.times.firstChild }, note, stale);
}

export async function renderStats(params, stale) {
  const heading = h('h1', { tabindex: '-1', text: t().statsTitle });
  if (!canSeeStatistics()) {
    show(h('section', { class: 'stats' }, heading, h('p', { class: 'alert', role: 'alert', text: t().statsForbidden })), t().statsTitle);
    return;
  }
  const queues = visibleQueues();
  const wanted = (name) => {
    const value = params.get(name) ?? '';
    return weekPattern.test(value) ? value : '';
  };
  const asked = { from: wanted('from'), to: wanted('to'), unit: queues.includes(params.get('unit')) ? params.get('unit') : '' };
  const unit = asked.unit;
  const weekInput = (name) => h('input', { type: 'week', id: `stats-${name}`, name, value: asked[name], placeholder: '2026-W03' });
  const fromInput = weekInput('from');
  const toInput = weekInput('to');
  const unitSelect = h('select', { id: 'stats-unit', name: 'unit' }, option('', t().statsAllUnits, unit === ''), queueOptions(queues, unit));
  const results = h('div', { id: 'stats-results', 'aria-busy': 'true' }, h('p', { text: t().loading }));
  const filters = h(
    'form',
    {
      class: 'filters',
      id: 'stats-filters',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = statsHref({ from: fromInput.value.trim(), to: toInput.value.trim(), unit: unitSelect.value });
      },
    },
    field(t().statsFrom, fromInput),
    field(t().statsTo, toInput),
    field(t().statsUnit, unitSelect),
    h('button', { type: 'submit', class: 'primary' }, t().show),
  );
  show(h('section', { class: 'stats' }, heading, h('p', { class: 'hint', text: t().statsIntro }), filters, results), t().statsTitle);

  const query = new URLSearchParams(Object.entries(asked).filter(([, value]) => value));
  let view;
  try {
    view = await api('GET', `/stats${query.size > 0 ? `?${query}` : ''}`);
  } catch (error) {
    if (stale() || error.status === 401) return;
    results.replaceChildren(h('div', { class: 'alert', role: 'alert' }, refusal(error)));
    results.removeAttribute('aria-busy');
    return;
  }
  if (stale()) return;
  // The period the answer is for, in the form, so the next change starts from it.
  fromInput.value ||= view.from;
  toInput.value ||= view.to;
  showFigures(view, results, unit, stale);
}
