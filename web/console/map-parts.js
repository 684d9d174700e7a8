// What the map view draws besides the map itself: the classes of open tips and their legend,
// the table of open tips per queue, the units' bounding boxes, and MapLibre GL JS, loaded from
// this origin (/vendor/maplibre-gl/, its CSP build) the first time a map is shown.

import { h } from './dom.js';
import { queueHref, t } from './state.js';
import { queueName } from './units.js';

const svgNs = 'http://www.w3.org/2000/svg';

/** Open-tip classes: bounds and fill colours, light to dark. */
export const mapClasses = [
  { min: 0, max: 0, fill: '#f7f4f0', label: '0' },
  { min: 1, max: 2, fill: '#fdd9b5', label: '1–2' },
  { min: 3, max: 5, fill: '#fdae6b', label: '3–5' },
  { min: 6, max: 10, fill: '#e6550d', label: '6–10' },
  { min: 11, max: 20, fill: '#a63603', label: '11–20' },
  { min: 21, max: Infinity, fill: '#6b2102', label: '21+' },
];

/** The index of an open-tip count's class. */
export function classOf(count) {
  const index = mapClasses.findIndex((entry) => count >= entry.min && count <= entry.max);
  return index < 0 ? mapClasses.length - 1 : index;
}

/** Units the officer may not see: light grey with darker diagonal lines (as the legend shows). */
export const hatch = { background: [228, 228, 228], line: [154, 154, 154], size: 8 };

/** The hatch as an image MapLibre can use as a fill pattern (no sprite, no data: URL). */
export function hatchImage() {
  const { size, background, line } = hatch;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const onLine = (x + y) % size < 2;
      data.set([...(onLine ? line : background), 255], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** The legend: a list of the classes with their swatches, and the hatch for units not visible. */
export function renderLegend() {
  const rgb = (values) => `rgb(${values.join(',')})`;
  const item = (fill, label, pattern) => {
    const swatch = svg('svg', { width: 18, height: 18, 'aria-hidden': 'true', class: 'swatch' });
    if (pattern) {
      swatch.append(
        svg(
          'defs',
          {},
          svg(
            'pattern',
            { id: 'legend-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
            svg('rect', { width: 6, height: 6, fill: rgb(hatch.background) }),
            svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: rgb(hatch.line), 'stroke-width': 2 }),
          ),
        ),
      );
    }
    swatch.append(svg('rect', { x: 0.5, y: 0.5, width: 17, height: 17, fill, stroke: '#555' }));
    return h('li', {}, swatch, h('span', { text: label }));
  };
  return h(
    'figure',
    { class: 'legend-box' },
    h('figcaption', { text: t().mapLegend }),
    h('ul', { class: 'legend' }, mapClasses.map((entry) => item(entry.fill, entry.label)), item('url(#legend-hatch)', t().notVisible, true)),
    h('p', { class: 'legend-note' }, h('span', { class: 'unit-marker legend-marker has-overdue', 'aria-hidden': 'true', text: '3!' }), ' ', t().mapOverdueNote),
  );
}

/** Open tips of one summary entry. */
export function openOf(entry) {
  return (Number(entry?.new) || 0) + (Number(entry?.assigned) || 0) + (Number(entry?.inProgress) || 0);
}

/** The open tips per queue as a table (every queue the officer sees, the city desk too), with totals. */
export function summaryTable(queues) {
  const total = { new: 0, assigned: 0, inProgress: 0, overdue: 0 };
  const rows = queues.map((entry) => {
    for (const name of Object.keys(total)) total[name] += Number(entry[name]) || 0;
    return h(
      'tr',
      { class: Number(entry.overdue) > 0 ? 'is-overdue' : '' },
      h('th', { scope: 'row' }, h('a', { href: queueHref(entry.queue, 'NEW') }, queueName(entry.queue))),
      [entry.new, entry.assigned, entry.inProgress, openOf(entry)].map((value) => h('td', { class: 'number', text: Number(value) || 0 })),
      h('td', { class: 'number' }, Number(entry.overdue) > 0 ? h('strong', { class: 'overdue', text: entry.overdue }) : '0'),
    );
  });
  return h(
    'table',
    { class: 'summary-table', id: 'summary-table', tabindex: '-1' },
    h('caption', { text: t().mapTableCaption }),
    h('thead', {}, h('tr', {}, [t().colUnit, t().colNew, t().colAssigned, t().colInProgress, t().colOpen, t().colOverdue].map((label) => h('th', { scope: 'col', text: label })))),
    h('tbody', {}, rows),
    queues.length > 1
      ? h(
          'tfoot',
          {},
          h('tr', {}, h('th', { scope: 'row', text: '∑' }), [total.new, total.assigned, total.inProgress, total.new + total.assigned + total.inProgress, total.overdue].map((value) => h('td', { class: 'number', text: value }))),
        )
      : null,
  );
}

// ---- Geometry ------------------------------------------------------------------------------

/** [minLon, minLat, maxLon, maxLat] of a Polygon or MultiPolygon; undefined for anything else. */
export function bboxOf(geometry) {
  const polygons = geometry?.type === 'MultiPolygon' ? geometry.coordinates : geometry?.type === 'Polygon' ? [geometry.coordinates] : [];
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of polygons.flat()) {
    for (const [lon, lat] of ring) {
      box[0] = Math.min(box[0], lon);
      box[1] = Math.min(box[1], lat);
      box[2] = Math.max(box[2], lon);
      box[3] = Math.max(box[3], lat);
    }
  }
  return Number.isFinite(box[0]) ? box : undefined;
}

/** The box around several boxes. */
export function union(boxes) {
  return boxes.reduce((all, box) => [Math.min(all[0], box[0]), Math.min(all[1], box[1]), Math.max(all[2], box[2]), Math.max(all[3], box[3])], [Infinity, Infinity, -Infinity, -Infinity]);
}

/** How far apart two boxes are, in degrees (0 when they touch or overlap). */
function gap(a, b) {
  return Math.hypot(Math.max(0, a[0] - b[2], b[0] - a[2]), Math.max(0, a[1] - b[3], b[1] - a[3]));
}

/** Far from every other unit (about 30 km): an island such as Côn Đảo, which the main view leaves out. */
const outlyingGap = 0.3;

/** The codes of the units far from all the others (none when there are too few to tell). */
export function outlyingUnits(boxes) {
  if (boxes.size < 3) return [];
  const entries = [...boxes];
  return entries.filter(([code, box]) => entries.every(([other, otherBox]) => other === code || gap(box, otherBox) > outlyingGap)).map(([code]) => code);
}

// ---- MapLibre GL JS ------------------------------------------------------------------------

/** Where the deployment serves MapLibre GL JS's CSP build (from node_modules/maplibre-gl/dist/). */
export const vendorPath = '/vendor/maplibre-gl/';

let library;

function loadElement(element, before) {
  return new Promise((resolve, reject) => {
    element.addEventListener('load', () => resolve(), { once: true });
    element.addEventListener(
      'error',
      () => {
        element.remove();
        reject(new Error(`Could not load ${element.getAttribute('src') ?? element.getAttribute('href')}`));
      },
      { once: true },
    );
    document.head.insertBefore(element, before ?? null);
  });
}

/**
 * MapLibre GL JS, with its stylesheet (before the console's, which may override it) and its CSP
 * worker from this origin, so the console's policy needs no blob: for workers.
 */
export function loadMapLibre() {
  library ??= Promise.all([
    loadElement(h('link', { rel: 'stylesheet', href: `${vendorPath}maplibre-gl.css`, 'data-maplibre': true }), document.head.querySelector('link[rel="stylesheet"]')),
    window.maplibregl?.Map ? Promise.resolve() : loadElement(h('script', { src: `${vendorPath}maplibre-gl-csp.js` })),
  ])
    .then(() => {
      const maplibregl = window.maplibregl;
      if (!maplibregl?.Map) throw new Error('MapLibre GL JS did not start');
      maplibregl.setWorkerUrl(`${vendorPath}maplibre-gl-csp-worker.js`);
      return maplibregl;
    })
    .catch((error) => {
      library = undefined;
      throw error;
    });
  return library;
}

/** MapLibre's own words (controls, the map's name) in the officer's language. */
export function mapLocale() {
  const words = t();
  return {
    'Map.Title': words.mapCanvasLabel,
    'NavigationControl.ZoomIn': words.zoomIn,
    'NavigationControl.ZoomOut': words.zoomOut,
    'NavigationControl.ResetBearing': words.resetNorth,
    'AttributionControl.ToggleAttribution': words.toggleAttribution,
  };
}
