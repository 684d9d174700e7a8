/**
 * Point-in-polygon over the units' boundaries, with a uniform grid as the spatial index.
 *
 * At build time every grid cell is classified:
 * - a cell that no boundary edge crosses lies wholly inside one unit (or outside all): the cell
 *   stores that answer and a lookup costs one array read;
 * - a cell that edges cross stores those edges and which units contain its centre. A lookup then
 *   counts the crossings of the short segment from the point to the centre with the cell's edges
 *   only, and toggles the units they belong to: the parity argument of ray casting, with a ray
 *   that never leaves the cell.
 *
 * Crossings use the half-open rule (a vertex lying on the segment's line counts on one side
 * only), so a segment passing exactly through a vertex is counted once.
 *
 * For the border question ("is this point within the polygons' error of another unit?") each
 * cell also keeps the edges within {@link BorderQuery.marginMetres} of it, so the distance to
 * the nearest edge of every unit nearby is computed from a handful of edges.
 */
import type { PackBoundary } from '../jurisdictions/pack.ts';

/** Metres per degree of latitude (WGS 84, mean). */
const METRES_PER_DEGREE = 111_195;

/** A unit near a point, with the distance from the point to its boundary. */
export interface NearbyUnit {
  readonly code: string;
  /** Metres from the point to the unit's nearest boundary edge. */
  readonly distance: number;
  /** True when the point lies inside the unit. */
  readonly inside: boolean;
}

/** The answer to a border-aware lookup. */
export interface Location {
  /** The unit containing the point, or null when no unit does. */
  readonly code: string | null;
  /** Metres from the point to the containing unit's boundary (Infinity when farther than the margin or outside). */
  readonly borderDistance: number;
  /** Units whose boundary lies within the margin of the point, the containing one included, nearest first. */
  readonly nearby: readonly NearbyUnit[];
}

export interface BorderQuery {
  /** How far from a boundary a point counts as near it. */
  readonly marginMetres: number;
}

/** Options for building the index. */
export interface GpsIndexOptions {
  /** Cell size in degrees (about 280 m at the default). */
  readonly cellDegrees?: number;
  /** Border margin in metres for {@link GpsIndex.locate}. */
  readonly marginMetres?: number;
}

const EMPTY = -1;

export class GpsIndex {
  readonly codes: readonly string[];
  readonly marginMetres: number;
  private readonly minLon: number;
  private readonly minLat: number;
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Per cell: unit index + 1 for a pure cell (0 = outside all), or -(slot + 1) for a mixed cell. */
  private readonly cellState: Int32Array;
  /** Per mixed slot: bit mask of units containing the cell centre. */
  private readonly slotMask: Int32Array;
  /** Per mixed slot: range in the edge arrays. */
  private readonly slotStart: Int32Array;
  private readonly slotEnd: Int32Array;
  private readonly edgeXY: Float64Array;
  private readonly edgeUnit: Int32Array;
  /** Per cell: range of edges within the margin (for distances), into nearEdgeIds. */
  private readonly nearStart: Int32Array;
  private readonly nearEnd: Int32Array;
  private readonly nearEdgeIds: Int32Array;
  /** All edges: x1, y1, x2, y2 per edge; and their unit. */
  private readonly allXY: Float64Array;
  private readonly allUnit: Int32Array;
  private readonly lonScale: number;

  constructor(boundaries: readonly PackBoundary[], options: GpsIndexOptions = {}) {
    if (boundaries.length > 31) throw new Error('GpsIndex keeps unit sets in 31-bit masks: at most 31 units');
    this.codes = boundaries.map((b) => b.code);
    this.cell = options.cellDegrees ?? 0.0025;
    this.marginMetres = options.marginMetres ?? 300;

    // Every edge of every ring, tagged with its unit.
    const xy: number[] = [];
    const unit: number[] = [];
    let minLon = Infinity;
    let minLat = Infinity;
    let maxLon = -Infinity;
    let maxLat = -Infinity;
    boundaries.forEach((boundary, u) => {
      for (const polygon of boundary.polygons) {
        for (const ring of polygon) {
          const n = ring.length / 2;
          for (let i = 0; i < n; i++) {
            const x1 = ring[2 * i] as number;
            const y1 = ring[2 * i + 1] as number;
            const j = (i + 1) % n;
            const x2 = ring[2 * j] as number;
            const y2 = ring[2 * j + 1] as number;
            if (x1 === x2 && y1 === y2) continue;
            xy.push(x1, y1, x2, y2);
            unit.push(u);
            minLon = Math.min(minLon, x1);
            maxLon = Math.max(maxLon, x1);
            minLat = Math.min(minLat, y1);
            maxLat = Math.max(maxLat, y1);
          }
        }
      }
    });
    this.allXY = Float64Array.from(xy);
    this.allUnit = Int32Array.from(unit);
    this.lonScale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);

    // The grid covers the boundaries plus the margin, so near-border points outside are found too.
    const marginLat = this.marginMetres / METRES_PER_DEGREE;
    const marginDeg = marginLat / this.lonScale;
    this.minLon = minLon - marginDeg - this.cell;
    this.minLat = minLat - marginDeg - this.cell;
    this.cols = Math.ceil((maxLon + marginDeg + this.cell - this.minLon) / this.cell) + 1;
    this.rows = Math.ceil((maxLat + marginDeg + this.cell - this.minLat) / this.cell) + 1;
    const cells = this.cols * this.rows;

    // Which edges cross (or come within the margin of) which cells.
    const crossing: number[][] = Array.from({ length: cells }, () => []);
    const near: number[][] = Array.from({ length: cells }, () => []);
    const edgeCount = this.allUnit.length;
    for (let e = 0; e < edgeCount; e++) {
      const x1 = this.allXY[4 * e] as number;
      const y1 = this.allXY[4 * e + 1] as number;
      const x2 = this.allXY[4 * e + 2] as number;
      const y2 = this.allXY[4 * e + 3] as number;
      const c0 = this.col(Math.min(x1, x2) - marginDeg);
      const c1 = this.col(Math.max(x1, x2) + marginDeg);
      const r0 = this.row(Math.min(y1, y2) - marginDeg);
      const r1 = this.row(Math.max(y1, y2) + marginDeg);
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const ax = this.minLon + c * this.cell;
          const ay = this.minLat + r * this.cell;
          if (segmentTouchesBox(x1, y1, x2, y2, ax, ay, ax + this.cell, ay + this.cell)) crossing[r * this.cols + c]?.push(e);
          if (segmentNearBox(x1, y1, x2, y2, ax, ay, ax + this.cell, ay + this.cell, marginLat, this.lonScale)) near[r * this.cols + c]?.push(e);
        }
      }
    }

    this.cellState = new Int32Array(cells);
    const slotMask: number[] = [];
    const slotStart: number[] = [];
    const slotEnd: number[] = [];
    const edgeXY: number[] = [];
    const edgeUnit: number[] = [];
    const nearStart = new Int32Array(cells).fill(EMPTY);
    const nearEnd = new Int32Array(cells).fill(EMPTY);
    const nearIds: number[] = [];
    const centreMasks = this.centreMasks();
    for (let k = 0; k < cells; k++) {
      const centreMask = centreMasks[k] as number;
      const edges = crossing[k] ?? [];
      if (edges.length === 0) {
        // No edge crosses the cell: every point of it is where its centre is.
        this.cellState[k] = centreMask === 0 ? 0 : lowestBit(centreMask) + 1;
      } else {
        this.cellState[k] = -(slotMask.length + 1);
        slotMask.push(centreMask);
        slotStart.push(edgeUnit.length);
        for (const e of edges) {
          edgeXY.push(...this.allXY.subarray(4 * e, 4 * e + 4));
          edgeUnit.push(this.allUnit[e] as number);
        }
        slotEnd.push(edgeUnit.length);
      }
      const nearby = near[k] ?? [];
      if (nearby.length > 0) {
        nearStart[k] = nearIds.length;
        nearIds.push(...nearby);
        nearEnd[k] = nearIds.length;
      }
    }
    this.slotMask = Int32Array.from(slotMask);
    this.slotStart = Int32Array.from(slotStart);
    this.slotEnd = Int32Array.from(slotEnd);
    this.edgeXY = Float64Array.from(edgeXY);
    this.edgeUnit = Int32Array.from(edgeUnit);
    this.nearStart = nearStart;
    this.nearEnd = nearEnd;
    this.nearEdgeIds = Int32Array.from(nearIds);
  }

  /** The code of the unit containing the point, or null. The hot path: no allocation. */
  lookup(lat: number, lon: number): string | null {
    const u = this.lookupIndex(lat, lon);
    return u < 0 ? null : (this.codes[u] as string);
  }

  /** The point's unit and the units whose boundary lies within the margin. */
  locate(lat: number, lon: number): Location {
    const inside = this.lookupMask(lat, lon);
    const k = this.cellOf(lat, lon);
    const nearby: NearbyUnit[] = [];
    if (k >= 0 && (this.nearStart[k] as number) !== EMPTY) {
      const best = new Map<number, number>();
      for (let i = this.nearStart[k] as number; i < (this.nearEnd[k] as number); i++) {
        const e = this.nearEdgeIds[i] as number;
        const d = this.edgeDistance(e, lon, lat);
        const u = this.allUnit[e] as number;
        if (d <= this.marginMetres && d < (best.get(u) ?? Infinity)) best.set(u, d);
      }
      for (const [u, distance] of best) nearby.push({ code: this.codes[u] as string, distance, inside: (inside & (1 << u)) !== 0 });
      nearby.sort((a, b) => a.distance - b.distance);
    }
    if (inside === 0) return { code: null, borderDistance: Infinity, nearby };
    // Overlapping coarse polygons: the unit the point is deepest in wins.
    let code: string | null = null;
    let borderDistance = -1;
    for (let u = 0; u < this.codes.length; u++) {
      if ((inside & (1 << u)) === 0) continue;
      const c = this.codes[u] as string;
      const d = nearby.find((n) => n.code === c)?.distance ?? Infinity;
      if (d > borderDistance) {
        borderDistance = d;
        code = c;
      }
    }
    return { code, borderDistance, nearby };
  }

  private lookupIndex(lat: number, lon: number): number {
    const mask = this.lookupMask(lat, lon);
    return mask === 0 ? -1 : lowestBit(mask);
  }

  /** Bit mask of the units containing the point. */
  private lookupMask(lat: number, lon: number): number {
    const k = this.cellOf(lat, lon);
    if (k < 0) return 0;
    const state = this.cellState[k] as number;
    if (state >= 0) return state === 0 ? 0 : 1 << (state - 1);
    const slot = -state - 1;
    const r = Math.floor(k / this.cols);
    const c = k - r * this.cols;
    const cx = this.minLon + (c + 0.5) * this.cell;
    const cy = this.minLat + (r + 0.5) * this.cell;
    let mask = this.slotMask[slot] as number;
    const xy = this.edgeXY;
    const end = this.slotEnd[slot] as number;
    for (let e = this.slotStart[slot] as number; e < end; e++) {
      if (crosses(lon, lat, cx, cy, xy[4 * e] as number, xy[4 * e + 1] as number, xy[4 * e + 2] as number, xy[4 * e + 3] as number)) {
        mask ^= 1 << (this.edgeUnit[e] as number);
      }
    }
    return mask;
  }

  private cellOf(lat: number, lon: number): number {
    const c = Math.floor((lon - this.minLon) / this.cell);
    const r = Math.floor((lat - this.minLat) / this.cell);
    if (!(c >= 0 && c < this.cols && r >= 0 && r < this.rows)) return -1;
    return r * this.cols + c;
  }

  private col(lon: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((lon - this.minLon) / this.cell)));
  }

  private row(lat: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((lat - this.minLat) / this.cell)));
  }

  /**
   * Units containing each cell centre, by ray casting (build time only): one sweep per grid row,
   * from the east, toggling a unit at each crossing of its boundary with the row's centre line.
   */
  private centreMasks(): Int32Array {
    const masks = new Int32Array(this.cols * this.rows);
    const xy = this.allXY;
    for (let r = 0; r < this.rows; r++) {
      const y = this.minLat + (r + 0.5) * this.cell;
      const crossings: { x: number; unit: number }[] = [];
      for (let e = 0; e < this.allUnit.length; e++) {
        const y1 = xy[4 * e + 1] as number;
        const y2 = xy[4 * e + 3] as number;
        if (y1 > y !== y2 > y) {
          const x1 = xy[4 * e] as number;
          const x2 = xy[4 * e + 2] as number;
          crossings.push({ x: ((x2 - x1) * (y - y1)) / (y2 - y1) + x1, unit: this.allUnit[e] as number });
        }
      }
      crossings.sort((a, b) => b.x - a.x);
      let mask = 0;
      let next = 0;
      for (let c = this.cols - 1; c >= 0; c--) {
        const x = this.minLon + (c + 0.5) * this.cell;
        // A crossing east of the centre lies on its ray.
        while (next < crossings.length && (crossings[next] as { x: number }).x > x) mask ^= 1 << (crossings[next++] as { unit: number }).unit;
        masks[r * this.cols + c] = mask;
      }
    }
    return masks;
  }

  /** Metres from the point to edge e (equirectangular: exact enough over a few hundred metres). */
  private edgeDistance(e: number, lon: number, lat: number): number {
    const s = this.lonScale;
    const ax = ((this.allXY[4 * e] as number) - lon) * s;
    const ay = (this.allXY[4 * e + 1] as number) - lat;
    const bx = ((this.allXY[4 * e + 2] as number) - lon) * s;
    const by = (this.allXY[4 * e + 3] as number) - lat;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    return Math.hypot(ax + t * dx, ay + t * dy) * METRES_PER_DEGREE;
  }
}

function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

/**
 * Whether segment P→C crosses edge A→B. Half-open on the line through P and C (an endpoint on
 * that line counts as lying to its left), so an edge chain through a vertex on the line is
 * crossed once, as in ray casting.
 */
function crosses(px: number, py: number, cx: number, cy: number, ax: number, ay: number, bx: number, by: number): boolean {
  const dx = cx - px;
  const dy = cy - py;
  const sa = dx * (ay - py) - dy * (ax - px) >= 0;
  const sb = dx * (by - py) - dy * (bx - px) >= 0;
  if (sa === sb) return false;
  const ex = bx - ax;
  const ey = by - ay;
  const sp = ex * (py - ay) - ey * (px - ax);
  const sc = ex * (cy - ay) - ey * (cx - ax);
  return (sp > 0 && sc < 0) || (sp < 0 && sc > 0);
}

/** Whether a segment touches an axis-aligned box (Liang–Barsky clipping). */
function segmentTouchesBox(x1: number, y1: number, x2: number, y2: number, minX: number, minY: number, maxX: number, maxY: number): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, x1 - minX) && clip(dx, maxX - x1) && clip(-dy, y1 - minY) && clip(dy, maxY - y1);
}

/** Whether a segment comes within `margin` degrees (of latitude) of a box; conservative. */
function segmentNearBox(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
  margin: number,
  lonScale: number,
): boolean {
  const mx = margin / lonScale;
  return segmentTouchesBox(x1, y1, x2, y2, minX - mx, minY - margin, maxX + mx, maxY + margin);
}
