// The console's map: an SVG choropleth of open tips per district, drawn in the browser from
// districts.json (built by tools/build-web.ts from the jurisdiction pack) and GET /queue/summary.
// No tiles, no third-party library, every text set with textContent.

const svgNs = 'http://www.w3.org/2000/svg';

/** Open-tip classes: lower bounds and fill colours (light to dark; text is dark on the first three). */
export const mapClasses = [
  { min: 0, max: 0, fill: '#f7f4f0', label: '0' },
  { min: 1, max: 2, fill: '#fdd9b5', label: '1–2' },
  { min: 3, max: 5, fill: '#fdae6b', label: '3–5' },
  { min: 6, max: 10, fill: '#e6550d', label: '6–10' },
  { min: 11, max: 20, fill: '#a63603', label: '11–20' },
  { min: 21, max: Infinity, fill: '#6b2102', label: '21+' },
];

/** The class of an open-tip count. */
export function classOf(count) {
  return mapClasses.find((entry) => count >= entry.min && count <= entry.max) ?? mapClasses[mapClasses.length - 1];
}

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

function svgText(tag, text, attributes = {}) {
  const element = svg(tag, attributes);
  element.textContent = text;
  return element;
}

/**
 * An equirectangular projection fitted to the districts' bounding box, with longitude scaled
 * by the cosine of the middle latitude (at 10.8° N the distortion over the city is negligible).
 */
export function fitProjection(districts, width, padding = 8) {
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const district of districts) {
    for (const ring of district.polygons.flat()) {
      for (let index = 0; index + 1 < ring.length; index += 2) {
        minLon = Math.min(minLon, ring[index]);
        maxLon = Math.max(maxLon, ring[index]);
        minLat = Math.min(minLat, ring[index + 1]);
        maxLat = Math.max(maxLat, ring[index + 1]);
      }
    }
  }
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = (width - 2 * padding) / ((maxLon - minLon) * kx);
  const height = Math.ceil((maxLat - minLat) * scale + 2 * padding);
  return {
    width,
    height,
    project: (lon, lat) => [padding + (lon - minLon) * kx * scale, padding + (maxLat - lat) * scale],
  };
}

/** SVG path data of a district's polygons (holes drawn with the even-odd rule). */
export function pathData(polygons, project) {
  const parts = [];
  for (const ring of polygons.flat()) {
    const points = [];
    for (let index = 0; index + 1 < ring.length; index += 2) {
      const [x, y] = project(ring[index], ring[index + 1]);
      points.push(`${x.toFixed(1)} ${y.toFixed(1)}`);
    }
    parts.push(`M${points.join('L')}Z`);
  }
  return parts.join('');
}

/** Where to put a district's count: the centroid of its largest ring (shoelace formula). */
function labelPoint(polygons, project) {
  let best;
  for (const ring of polygons.flat()) {
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let index = 0; index + 3 < ring.length; index += 2) {
      const [x0, y0] = project(ring[index], ring[index + 1]);
      const [x1, y1] = project(ring[index + 2], ring[index + 3]);
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (area !== 0 && (!best || Math.abs(area) > best.area)) best = { area: Math.abs(area), x: cx / (3 * area), y: cy / (3 * area) };
  }
  return best;
}

/**
 * The choropleth: one shape per district, filled by its open tips. Districts the officer may
 * see are links to their queue (keyboard-focusable, named by their <title>); the others are
 * hatched. `t` gives the words; `hrefFor(code)` the link of a visible district.
 */
export function renderChoropleth({ districts, summary, lang, t, hrefFor, width = 720 }) {
  const counts = new Map(summary.map((entry) => [entry.queue, entry]));
  const { height, project } = fitProjection(districts, width);
  const titleId = 'map-title-svg';
  const descId = 'map-desc-svg';
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: 'choropleth',
    role: 'group',
    'aria-labelledby': titleId,
    'aria-describedby': descId,
  });
  root.append(svgText('title', t.mapTitle, { id: titleId }), svgText('desc', t.mapDescription, { id: descId }));
  const hatch = svg(
    'pattern',
    { id: 'not-visible', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    svg('rect', { width: 6, height: 6, fill: '#e4e4e4' }),
    svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9a9a9a', 'stroke-width': 2 }),
  );
  root.append(svg('defs', {}, hatch));

  const shapes = svg('g', { class: 'districts' });
  const labels = svg('g', { class: 'labels', 'aria-hidden': 'true' });
  for (const district of districts) {
    const name = lang === 'en' ? district.nameEn : district.name;
    const entry = counts.get(district.code);
    const d = pathData(district.polygons, project);
    if (!entry) {
      shapes.append(
        svg('path', { d, fill: 'url(#not-visible)', 'fill-rule': 'evenodd', class: 'district not-visible', 'data-code': district.code }, svgText('title', `${name}: ${t.notVisible}`)),
      );
      continue;
    }
    const open = entry.new + entry.assigned + entry.inProgress;
    const title = t.districtTitle(name, open, entry.new, entry.assigned, entry.inProgress, entry.overdue);
    const path = svg('path', {
      d,
      fill: classOf(open).fill,
      'fill-rule': 'evenodd',
      class: `district${entry.overdue > 0 ? ' has-overdue' : ''}`,
      'data-code': district.code,
      'data-open': open,
    });
    const link = svg('a', { href: hrefFor(district.code), 'aria-label': title, class: 'district-link' }, svgText('title', title), path);
    shapes.append(link);
    const point = labelPoint(district.polygons, project);
    if (point && open > 0) {
      const dark = classOf(open).min >= 6;
      labels.append(
        svgText('text', entry.overdue > 0 ? `${open}!` : String(open), {
          x: point.x.toFixed(1),
          y: point.y.toFixed(1),
          class: dark ? 'count on-dark' : 'count',
          'text-anchor': 'middle',
          'dominant-baseline': 'central',
        }),
      );
    }
  }
  root.append(shapes, labels);
  return root;
}

/** The legend: a list of the classes with their swatches, and the hatch for districts not visible. */
export function renderLegend(t) {
  const list = document.createElement('ul');
  list.className = 'legend';
  const item = (fill, label, extraClass) => {
    const li = document.createElement('li');
    const swatch = svg('svg', { width: 18, height: 18, 'aria-hidden': 'true', class: 'swatch' });
    if (extraClass === 'not-visible') {
      swatch.append(
        svg(
          'defs',
          {},
          svg(
            'pattern',
            { id: 'legend-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
            svg('rect', { width: 6, height: 6, fill: '#e4e4e4' }),
            svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9a9a9a', 'stroke-width': 2 }),
          ),
        ),
      );
    }
    swatch.append(svg('rect', { x: 0.5, y: 0.5, width: 17, height: 17, fill, stroke: '#555' }));
    const text = document.createElement('span');
    text.textContent = label;
    li.append(swatch, text);
    return li;
  };
  for (const entry of mapClasses) list.append(item(entry.fill, entry.label));
  list.append(item('url(#legend-hatch)', t.notVisible, 'not-visible'));
  return list;
}
