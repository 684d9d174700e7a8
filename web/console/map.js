// The map view: open tips per unit on a MapLibre GL JS map of the pack's units (its map file as
// a GeoJSON source, no tile server needed; with `mapStyleUrl` in config.json, on top of that
// style). Each unit the officer sees is filled by its open tips and carries a DOM marker at its
// label point, a link to its queue named for screen readers; clicking its shape opens the queue
// too. Units the officer may not see are hatched. The table under the map holds the same numbers.
// Text on the map is DOM (the markers), so no glyph server is needed.

import { api, errorContent } from './api.js';
import { officer } from './auth.js';
import { h, onLeave, show } from './dom.js';
import { queueHref, state, t } from './state.js';
import { bboxOf, classOf, hatchImage, loadMapLibre, mapClasses, mapLocale, openOf, outlyingUnits, renderLegend, summaryTable, union } from './map-parts.js';
import { unitSearch } from './search.js';
import { queueName, unitOf, visibleQueues } from './units.js';

const sourceId = 'tinbao-units';
const hatchId = 'tinbao-hatch';
const layerIds = { fill: 'tinbao-units-fill', hidden: 'tinbao-units-hidden', line: 'tinbao-units-line', overdue: 'tinbao-units-overdue', focus: 'tinbao-units-focus' };
/** Pixels between the fitted units and the map's edge. */
const padding = 24;
/** A marker's height in pixels (styles.css), for keeping markers apart. */
const markerHeight = 26;

/** The style without a tile provider: a plain background, the units are added on top. */
const baseStyle = { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef3f7' } }] };

/** The units as the map's source: each with its open tips, whether the officer sees it, its class. */
function unitData(counts) {
  const features = [];
  const boxes = new Map();
  for (const feature of state.map?.features ?? []) {
    const code = feature?.properties?.code;
    const box = bboxOf(feature?.geometry);
    if (typeof code !== 'string' || !box || !unitOf(code)) continue;
    const entry = counts.get(code);
    const open = openOf(entry);
    features.push({
      type: 'Feature',
      id: features.length,
      geometry: feature.geometry,
      properties: { code, open, overdue: Number(entry?.overdue) || 0, visible: counts.has(code), level: classOf(open) },
    });
    boxes.set(code, box);
  }
  return { data: { type: 'FeatureCollection', features }, boxes };
}

function unitLayers(overTiles) {
  const visible = ['==', ['get', 'visible'], true];
  return [
    {
      id: layerIds.fill,
      type: 'fill',
      source: sourceId,
      filter: visible,
      paint: { 'fill-color': ['match', ['get', 'level'], ...mapClasses.flatMap((entry, index) => [index, entry.fill]), mapClasses[0].fill], 'fill-opacity': overTiles ? 0.7 : 1 },
    },
    { id: layerIds.hidden, type: 'fill', source: sourceId, filter: ['!', visible], paint: { 'fill-pattern': hatchId, 'fill-opacity': overTiles ? 0.7 : 1 } },
    { id: layerIds.line, type: 'line', source: sourceId, paint: { 'line-color': '#3a3a3a', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.4, 12, 1.2, 15, 2] } },
    { id: layerIds.overdue, type: 'line', source: sourceId, filter: ['all', visible, ['>', ['get', 'overdue'], 0]], paint: { 'line-color': '#a30000', 'line-width': 2 } },
    {
      id: layerIds.focus,
      type: 'line',
      source: sourceId,
      paint: { 'line-color': '#0050b3', 'line-width': 3, 'line-opacity': ['case', ['boolean', ['feature-state', 'focus'], false], 1, 0] },
    },
  ];
}

const collator = new Intl.Collator('vi', { numeric: true });

/** One marker per unit the officer sees, in the order of their names (the order Tab takes them in). */
function addMarkers(maplibregl, map, { data, boxes, counts, highlight }) {
  const markers = [];
  const features = data.features.filter((feature) => feature.properties.visible).sort((a, b) => collator.compare(queueName(a.properties.code), queueName(b.properties.code)));
  for (const feature of features) {
    const { code, open, overdue, level } = feature.properties;
    const name = queueName(code);
    const box = boxes.get(code);
    const point = unitOf(code)?.label ?? [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
    const entry = counts.get(code);
    const text = overdue > 0 ? `${open}!` : String(open);
    const element = h(
      'a',
      {
        href: queueHref(code, 'NEW'),
        // MapLibre gives markers the role of a button unless they have one: this one is a link.
        role: 'link',
        class: `unit-marker level-${level}${overdue > 0 ? ' has-overdue' : ''}${open === 0 ? ' is-quiet' : ''}`,
        'aria-label': t().unitMarkerLabel(name, open, overdue),
        title: t().unitTitle(name, open, Number(entry?.new) || 0, Number(entry?.assigned) || 0, Number(entry?.inProgress) || 0, overdue),
        'data-code': code,
        'data-open': open,
      },
      h('span', { 'aria-hidden': 'true', text }),
    );
    element.addEventListener('focus', (event) => {
      highlight(feature.id, true);
      // A marker reached with Tab is brought into view (moved by the officer, as a drag would).
      if (!map.getBounds().contains(point)) map.jumpTo({ center: point }, { originalEvent: event });
    });
    element.addEventListener('blur', () => highlight(feature.id, false));
    element.addEventListener('mouseenter', () => highlight(feature.id, true));
    element.addEventListener('mouseleave', () => highlight(feature.id, false));
    new maplibregl.Marker({ element, anchor: 'center' }).setLngLat(point).addTo(map);
    markers.push({ element, point, open, overdue, width: Math.max(markerHeight, 12 + 8 * text.length) });
  }
  return markers;
}

/**
 * Markers that would cover a busier one shrink to a dot (still a link, full size on hover and
 * focus): the most open tips first. Units without open tips are always dots.
 */
function declutter(map, markers) {
  const placed = [];
  for (const marker of [...markers].sort((a, b) => b.open - a.open || b.overdue - a.overdue)) {
    if (marker.open === 0) continue;
    const { x, y } = map.project(marker.point);
    const crowded = placed.some((other) => Math.abs(other.x - x) * 2 < other.width + marker.width && Math.abs(other.y - y) < markerHeight);
    marker.element.classList.toggle('is-crowded', crowded);
    if (!crowded) placed.push({ x, y, width: marker.width });
  }
}

/** The box grown by `degrees` on each side. */
const grow = (box, degrees) => [box[0] - degrees, box[1] - degrees, box[2] + degrees, box[3] + degrees];

/** Draws the map into `canvas`; calls `ready()` once it shows the units and their counts, `failed()` if it cannot. */
function drawMap(maplibregl, { canvas, toolbar, counts, ready, failed }) {
  const { data, boxes } = unitData(counts);
  const visibleCodes = data.features.filter((feature) => feature.properties.visible).map((feature) => feature.properties.code);
  const outlying = outlyingUnits(boxes);
  const main = union([...boxes].filter(([code]) => !outlying.includes(code)).map(([, box]) => box));
  const mine = officer().cityDesk || visibleCodes.length === 0 ? undefined : union(visibleCodes.map((code) => boxes.get(code)));
  const styleUrl = typeof state.config?.mapStyleUrl === 'string' && state.config.mapStyleUrl ? state.config.mapStyleUrl : undefined;
  canvas.replaceChildren();
  let map;
  try {
    map = new maplibregl.Map({
      container: canvas,
      style: styleUrl ?? baseStyle,
      bounds: mine ?? main,
      fitBoundsOptions: { padding },
      maxBounds: grow(union([...boxes.values()]), 2),
      maxZoom: 17,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      renderWorldCopies: false,
      attributionControl: styleUrl ? { compact: true } : false,
      locale: mapLocale(),
    });
  } catch {
    failed();
    return;
  }
  let removed = false;
  onLeave(() => {
    removed = true;
    map.remove();
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  // Reported, not thrown: a provider's missing sprite or tile must not stop the units' map.
  map.on('error', (event) => console.warn('map:', event?.error?.message ?? event));

  // A marker loses focus as the next view replaces the map: by then there is nothing to highlight.
  const highlight = (id, on) => {
    if (!removed) map.setFeatureState({ source: sourceId, id }, { focus: on });
  };
  map.on('load', () => {
    if (!map.hasImage(hatchId)) map.addImage(hatchId, hatchImage());
    map.addSource(sourceId, { type: 'geojson', data });
    for (const layer of unitLayers(Boolean(styleUrl))) map.addLayer(layer);
    const markers = addMarkers(maplibregl, map, { data, boxes, counts, highlight });
    declutter(map, markers);
    map.on('moveend', () => declutter(map, markers));
    map.on('resize', () => declutter(map, markers));

    let hovered;
    map.on('mousemove', layerIds.fill, (event) => {
      const id = event.features?.[0]?.id;
      map.getCanvas().style.cursor = 'pointer';
      if (hovered === id) return;
      if (hovered !== undefined) highlight(hovered, false);
      hovered = id;
      if (id !== undefined) highlight(id, true);
    });
    map.on('mouseleave', layerIds.fill, () => {
      map.getCanvas().style.cursor = '';
      if (hovered !== undefined) highlight(hovered, false);
      hovered = undefined;
    });
    map.on('click', layerIds.fill, (event) => {
      // A click on a marker is the marker's link.
      const target = event.originalEvent?.target;
      if (target instanceof Element && target.closest('.unit-marker')) return;
      const code = event.features?.[0]?.properties?.code;
      if (typeof code === 'string' && counts.has(code)) location.hash = queueHref(code, 'NEW');
    });

    const views = [
      mine ? { label: t().viewMine, box: mine } : undefined,
      { label: t().viewMain, box: main },
      ...outlying.map((code) => ({ label: t().viewUnit(queueName(code)), box: boxes.get(code) })),
    ].filter(Boolean);
    if (views.length > 1) {
      // Each view a toggle: pressed once the map has arrived there and drawn it, released when the officer moves the map.
      const buttons = [];
      const press = (pressed) => buttons.forEach((button) => button.setAttribute('aria-pressed', String(button === pressed)));
      for (const view of views) {
        const button = h('button', { type: 'button', class: 'small', 'aria-controls': 'map-canvas', 'aria-pressed': String(view === views[0]) }, view.label);
        button.addEventListener('click', () => {
          press(undefined);
          map.fitBounds(view.box, { padding, maxZoom: 12 });
          map.once('moveend', () => map.once('idle', () => press(button)));
        });
        buttons.push(button);
      }
      map.on('movestart', (event) => {
        if (event.originalEvent) press(undefined);
      });
      toolbar.replaceChildren(...buttons);
    }

    const whenDrawn = () => {
      if (!map.isSourceLoaded(sourceId)) {
        map.once('idle', whenDrawn);
        return;
      }
      ready(data.features.length, visibleCodes.length);
    };
    map.once('idle', whenDrawn);
  });
}

export async function renderMap(stale) {
  const figure = h('div', { class: 'map', id: 'map', 'aria-busy': 'true' }, h('p', { text: t().loading }));
  const queues = visibleQueues();
  const search = queues.length > 2 ? unitSearch({ codes: queues, hrefFor: (code) => queueHref(code, 'NEW'), id: 'map-search' }) : null;
  show(h('section', { class: 'map-view' }, h('h1', { tabindex: '-1', text: t().mapTitle }), h('p', { text: t().mapDescription }), search, figure), t().mapTitle);
  // The library loads while the counts are asked for.
  const library = loadMapLibre().catch((error) => error);
  let summary;
  try {
    summary = await api('GET', '/queue/summary');
  } catch (error) {
    if (stale() || error.status === 401) return;
    figure.replaceChildren(h('div', { class: 'alert', role: 'alert' }, errorContent(error)));
    figure.removeAttribute('aria-busy');
    return;
  }
  if (stale()) return;
  const entries = Array.isArray(summary?.queues) ? summary.queues : [];
  const counts = new Map(entries.map((entry) => [entry.queue, entry]));
  const canvas = h('div', { class: 'map-canvas', id: 'map-canvas' }, h('p', { class: 'map-loading', text: t().loading }));
  const toolbar = h('div', { class: 'map-toolbar', role: 'group', 'aria-label': t().mapViews });
  const table = summaryTable(entries);
  const skip = h('a', { href: '#summary-table', class: 'skip-map', onclick: (event) => {
    event.preventDefault();
    table.focus();
  } }, t().skipMap);
  figure.replaceChildren(skip, h('div', { class: 'map-layout' }, h('div', { class: 'map-frame' }, toolbar, canvas), renderLegend()), h('p', { class: 'hint', text: t().mapAttribution }), table);

  const maplibregl = await library;
  if (stale()) return;
  const failed = () => {
    canvas.replaceChildren(h('p', { class: 'alert', role: 'alert', id: 'map-unavailable', text: t().mapUnavailable }));
    figure.removeAttribute('aria-busy');
  };
  if (maplibregl instanceof Error) {
    failed();
    return;
  }
  drawMap(maplibregl, {
    canvas,
    toolbar,
    counts,
    failed,
    ready: (drawn, visible) => {
      if (stale()) return;
      figure.dataset.units = String(drawn);
      figure.dataset.visibleUnits = String(visible);
      figure.removeAttribute('aria-busy');
    },
  });
}
