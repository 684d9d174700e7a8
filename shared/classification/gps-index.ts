/**
 * Point-in-polygon over a pack's unit boundaries, for any number of units.
 *
 * Two small indexes, both built in one pass over the edges:
 * - a coarse grid over the map (about 2 km cells) lists, per cell, the units whose bounding box
 *   (grown by the border margin) touches it, so a lookup tests two or three units, not 168;
 * - each unit's edges are bucketed into horizontal slabs, so the ray cast from a point (towards
 *   +x, the even–odd rule) only looks at the few edges whose latitude range spans the point's.
 *
 * Only the grid and the bounding boxes are built with the index; a unit's edges and slabs are
 * built the first time a point falls inside its grown bounding box. A cold start then pays a
 * pass over the coordinates, not the slabs of 190 units it may never be asked about, and the
 * answers are the same (a point outside a unit's grown box is neither inside it nor near it).
 *
 * Crossings use the half-open rule (an edge counts when one end lies strictly above the ray and
 * the other on or below it), so a ray through a vertex is counted once. Distances to a boundary
 * (for "is this point within the polygons' error of another unit?") are computed only on the
 * edges of the slabs within the margin, in metres on a local equirectangular projection, which
 * is exact enough over a few hundred metres.
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
  /** Metres from the point to the containing unit's boundary (Infinity when farther than the margin, or outside). */
  readonly borderDistance: number;
  /** Units whose boundary lies within the margin of the point, the containing one included, nearest first. */
  readonly nearby: readonly NearbyUnit[];
}

/** Options for building the index. */
export interface GpsIndexOptions {
  /** How far from a boundary a point counts as near it, in metres (default 300). */
  readonly marginMetres?: number;
  /** Size of the coarse grid's cells in degrees (default 0.02, about 2.2 km). */
  readonly cellDegrees?: number;
}

/** A unit's bounding box (of its non-degenerate edges' start points). */
interface UnitBox {
  readonly code: string;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

interface UnitIndex extends UnitBox {
  /** x1, y1, x2, y2 per edge. */
  readonly edges: Float64Array;
  readonly slabHeight: number;
  /** slabStart[s]..slabStart[s + 1] index slabEdges. */
  readonly slabStart: Int32Array;
  readonly slabEdges: Int32Array;
}

export class GpsIndex {
  readonly codes: readonly string[];
  readonly marginMetres: number;
  private readonly boundaries: readonly PackBoundary[];
  private readonly boxes: readonly UnitBox[];
  /** Each unit's edges and slabs, once a point has come near it. */
  private readonly built: (UnitIndex | undefined)[];
  private readonly cell: number;
  private readonly minLon: number;
  private readonly minLat: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cellStart: Int32Array;
  private readonly cellUnits: Int32Array;
  private readonly lonScale: number;
  private readonly marginLat: number;

  constructor(boundaries: readonly PackBoundary[], options: GpsIndexOptions = {}) {
    this.codes = boundaries.map((b) => b.code);
    this.marginMetres = options.marginMetres ?? 300;
    this.cell = options.cellDegrees ?? 0.02;
    this.boundaries = boundaries;
    this.boxes = boundaries.map(boxOf);
    this.built = new Array<UnitIndex | undefined>(boundaries.length);

    let minLon = Infinity;
    let minLat = Infinity;
    let maxLon = -Infinity;
    let maxLat = -Infinity;
    for (const unit of this.boxes) {
      minLon = Math.min(minLon, unit.minX);
      minLat = Math.min(minLat, unit.minY);
      maxLon = Math.max(maxLon, unit.maxX);
      maxLat = Math.max(maxLat, unit.maxY);
    }
    if (this.boxes.length === 0) minLon = minLat = maxLon = maxLat = 0;
    this.lonScale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
    this.marginLat = this.marginMetres / METRES_PER_DEGREE;
    const marginLon = this.marginLat / this.lonScale;
    this.minLon = minLon - marginLon;
    this.minLat = minLat - this.marginLat;
    this.cols = Math.max(1, Math.ceil((maxLon + marginLon - this.minLon) / this.cell) + 1);
    this.rows = Math.max(1, Math.ceil((maxLat + this.marginLat - this.minLat) / this.cell) + 1);

    // Which units' grown bounding boxes touch each cell, as compressed rows: counted, then
    // filled in unit order (two passes over typed arrays, not an array per cell: the 2025 map
    // has about 9,000 cells, Côn Đảo being far south of the rest).
    const cells = this.cols * this.rows;
    const spans = this.boxes.map((unit) => [this.col(unit.minX - marginLon), this.col(unit.maxX + marginLon), this.row(unit.minY - this.marginLat), this.row(unit.maxY + this.marginLat)] as const);
    this.cellStart = new Int32Array(cells + 1);
    for (const [c0, c1, r0, r1] of spans) for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) (this.cellStart[r * this.cols + c + 1] as number)++;
    for (let k = 0; k < cells; k++) this.cellStart[k + 1] = (this.cellStart[k + 1] as number) + (this.cellStart[k] as number);
    this.cellUnits = new Int32Array(this.cellStart[cells] as number);
    const filled = this.cellStart.slice(0, cells);
    spans.forEach(([c0, c1, r0, r1], u) => {
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) this.cellUnits[(filled[r * this.cols + c] as number)++] = u;
    });
  }

  /** The code of the unit containing the point, or null. The hot path: no allocation. */
  lookup(lat: number, lon: number): string | null {
    const k = this.cellOf(lat, lon);
    if (k < 0) return null;
    for (let i = this.cellStart[k] as number; i < (this.cellStart[k + 1] as number); i++) {
      const u = this.cellUnits[i] as number;
      if (!inBox(this.boxes[u] as UnitBox, lon, lat, 0, 0)) continue;
      const unit = this.unit(u);
      if (contains(unit, lon, lat)) return unit.code;
    }
    return null;
  }

  /** The point's unit and the units whose boundary lies within the margin. */
  locate(lat: number, lon: number): Location {
    const k = this.cellOf(lat, lon);
    if (k < 0) return { code: null, borderDistance: Infinity, nearby: [] };
    const nearby: NearbyUnit[] = [];
    const inside: UnitIndex[] = [];
    const marginLon = this.marginLat / this.lonScale;
    for (let i = this.cellStart[k] as number; i < (this.cellStart[k + 1] as number); i++) {
      const u = this.cellUnits[i] as number;
      // Outside the grown box the unit neither contains the point nor lies within the margin.
      if (!inBox(this.boxes[u] as UnitBox, lon, lat, marginLon, this.marginLat)) continue;
      const unit = this.unit(u);
      const isInside = contains(unit, lon, lat);
      if (isInside) inside.push(unit);
      const distance = this.distanceToBoundary(unit, lon, lat);
      if (distance <= this.marginMetres) nearby.push({ code: unit.code, distance, inside: isInside });
    }
    nearby.sort((a, b) => a.distance - b.distance || a.code.localeCompare(b.code));
    if (inside.length === 0) return { code: null, borderDistance: Infinity, nearby };
    // Overlapping polygons (slivers of the source data): the unit the point is deepest in wins.
    let code: string | null = null;
    let borderDistance = -1;
    for (const unit of inside) {
      const d = nearby.find((n) => n.code === unit.code)?.distance ?? Infinity;
      if (d > borderDistance) {
        borderDistance = d;
        code = unit.code;
      }
    }
    return { code, borderDistance, nearby };
  }

  /** A unit's edges and slabs, built on first use. */
  private unit(u: number): UnitIndex {
    return (this.built[u] ??= indexUnit(this.boundaries[u] as PackBoundary));
  }

  /** Metres from the point to the unit's nearest edge, or Infinity beyond the margin. */
  private distanceToBoundary(unit: UnitIndex, lon: number, lat: number): number {
    const marginLon = this.marginLat / this.lonScale;
    if (!inBox(unit, lon, lat, marginLon, this.marginLat)) return Infinity;
    const slabs = unit.slabStart.length - 1;
    const s0 = Math.max(0, Math.floor((lat - this.marginLat - unit.minY) / unit.slabHeight));
    const s1 = Math.min(slabs - 1, Math.floor((lat + this.marginLat - unit.minY) / unit.slabHeight));
    let best = Infinity;
    for (let s = s0; s <= s1; s++) {
      for (let i = unit.slabStart[s] as number; i < (unit.slabStart[s + 1] as number); i++) {
        const e = 4 * (unit.slabEdges[i] as number);
        const d = segmentDistance(lon, lat, unit.edges[e] as number, unit.edges[e + 1] as number, unit.edges[e + 2] as number, unit.edges[e + 3] as number, this.lonScale);
        if (d < best) best = d;
      }
    }
    return best <= this.marginMetres ? best : Infinity;
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
}

/** Whether the point lies in the box grown by the margins (inclusive, as the checks it replaces). */
function inBox(box: UnitBox, lon: number, lat: number, marginLon: number, marginLat: number): boolean {
  return !(lon < box.minX - marginLon || lon > box.maxX + marginLon || lat < box.minY - marginLat || lat > box.maxY + marginLat);
}

/**
 * The bounding box of one unit, equal to {@link indexUnit}'s: that one skips the start of each
 * zero-length edge, but the vertex it repeats starts an edge of its own unless the whole ring is
 * one point, so the box is that of every vertex of the rings that are not a single point. This
 * plain loop runs for all 33,000 vertices at every cold start.
 */
function boxOf(boundary: PackBoundary): UnitBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of boundary.polygons) {
    for (const ring of polygon) {
      if (isOnePoint(ring)) continue;
      for (let i = 0; i < ring.length; i += 2) {
        const x = ring[i] as number;
        const y = ring[i + 1] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return { code: boundary.code, minX, minY, maxX, maxY };
}

/** Whether every vertex of a flat ring is the same point (a ring with no edge). */
function isOnePoint(ring: readonly number[]): boolean {
  for (let i = 2; i < ring.length; i += 2) if (ring[i] !== ring[0] || ring[i + 1] !== ring[1]) return false;
  return true;
}

/** Edges, bounding box and slabs of one unit. */
function indexUnit(boundary: PackBoundary): UnitIndex {
  const xy: number[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
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
        minX = Math.min(minX, x1);
        maxX = Math.max(maxX, x1);
        minY = Math.min(minY, y1);
        maxY = Math.max(maxY, y1);
      }
    }
  }
  const edges = Float64Array.from(xy);
  const count = edges.length / 4;
  // About eight edges per slab keeps a ray cast to a handful of comparisons.
  const slabs = Math.max(1, Math.min(512, Math.ceil(count / 8)));
  const slabHeight = Math.max((maxY - minY) / slabs, 1e-9);
  const buckets: number[][] = Array.from({ length: slabs }, () => []);
  for (let e = 0; e < count; e++) {
    const y1 = edges[4 * e + 1] as number;
    const y2 = edges[4 * e + 3] as number;
    const s0 = Math.max(0, Math.floor((Math.min(y1, y2) - minY) / slabHeight));
    const s1 = Math.min(slabs - 1, Math.floor((Math.max(y1, y2) - minY) / slabHeight));
    for (let s = s0; s <= s1; s++) buckets[s]?.push(e);
  }
  const slabStart = new Int32Array(slabs + 1);
  let total = 0;
  buckets.forEach((bucket, s) => {
    slabStart[s] = total;
    total += bucket.length;
  });
  slabStart[slabs] = total;
  const slabEdges = new Int32Array(total);
  buckets.forEach((bucket, s) => slabEdges.set(bucket, slabStart[s] as number));
  return { code: boundary.code, minX, minY, maxX, maxY, edges, slabHeight, slabStart, slabEdges };
}

/** Even–odd ray cast towards +x over the edges of the point's slab. */
function contains(unit: UnitIndex, x: number, y: number): boolean {
  if (x < unit.minX || x > unit.maxX || y < unit.minY || y > unit.maxY) return false;
  const s = Math.min(unit.slabStart.length - 2, Math.floor((y - unit.minY) / unit.slabHeight));
  const edges = unit.edges;
  let inside = false;
  for (let i = unit.slabStart[s] as number; i < (unit.slabStart[s + 1] as number); i++) {
    const e = 4 * (unit.slabEdges[i] as number);
    const y1 = edges[e + 1] as number;
    const y2 = edges[e + 3] as number;
    if (y1 > y !== y2 > y) {
      const x1 = edges[e] as number;
      const x2 = edges[e + 2] as number;
      if (x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
    }
  }
  return inside;
}

/** Metres from a point to a segment (equirectangular). */
function segmentDistance(px: number, py: number, x1: number, y1: number, x2: number, y2: number, lonScale: number): number {
  const ax = (x1 - px) * lonScale;
  const ay = y1 - py;
  const bx = (x2 - px) * lonScale;
  const by = y2 - py;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy) * METRES_PER_DEGREE;
}
