/**
 * Build-time geometry of the packs: cleaning the source polygons, simplifying them for the
 * runtime asset without opening gaps between neighbours, and label points.
 *
 * Simplification is topological: topojson-server finds the arcs that neighbouring units share,
 * each arc is simplified once (Douglas–Peucker, simplify-js) in metres, and topojson-client puts
 * the units back together, so a shared border stays shared. The tolerance is a distance: no
 * point of a source boundary lies farther than the tolerance from its simplified boundary.
 */
import polylabel from 'polylabel';
import simplify from 'simplify-js';
import topojsonClient from 'topojson-client';
import topojsonServer from 'topojson-server';
import type { PackBoundary } from '../../shared/jurisdictions/pack.ts';
import type { BoundarySource } from './sources.ts';

/** Metres per degree of latitude (WGS 84, mean); a degree of longitude is this × cos(latitude). */
export const METRES_PER_DEGREE = 111_195;

type Ring = number[][];
type Polygon = Ring[];

/** What cleaning and simplifying did, for the build's report. */
export interface GeometryReport {
  readonly sourceVertices: number;
  readonly repeatedVertices: number;
  readonly degenerateRings: number;
  readonly vertices: number;
}

/** Twice the signed area of a ring in square metres (equirectangular around its own latitude). */
function ringAreaSquareMetres(ring: Ring): number {
  const lat0 = ((ring[0]?.[1] ?? 0) * Math.PI) / 180;
  const kx = METRES_PER_DEGREE * Math.cos(lat0);
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1 = 0, y1 = 0] = ring[i] as number[];
    const [x2 = 0, y2 = 0] = ring[i + 1] as number[];
    sum += x1 * kx * (y2 * METRES_PER_DEGREE) - x2 * kx * (y1 * METRES_PER_DEGREE);
  }
  return Math.abs(sum) / 2;
}

/**
 * Drops repeated consecutive vertices, closes the ring, and returns null for a ring that
 * encloses nothing (fewer than three distinct points, or less than a square metre: the source
 * has three such slivers, in Dầu Tiếng, Thanh An and Tây Nam).
 */
export function cleanRing(ring: Ring, counts: { repeated: number; degenerate: number }): Ring | null {
  const out: Ring = [];
  for (const point of ring) {
    const [lon, lat] = point;
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) throw new Error('ring with a malformed vertex');
    const last = out[out.length - 1];
    if (last && last[0] === lon && last[1] === lat) {
      counts.repeated += 1;
      continue;
    }
    out.push([lon, lat]);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0] as number, first[1] as number]);
  if (out.length < 4 || ringAreaSquareMetres(out) < 1) {
    counts.degenerate += 1;
    return null;
  }
  return out;
}

/** The polygons of a feature, cleaned; rings that enclose nothing are dropped. */
function cleanPolygons(geometry: BoundarySource['features'][number]['geometry'], counts: { repeated: number; degenerate: number }): Polygon[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const cleaned: Polygon[] = [];
  for (const polygon of polygons) {
    const [outer, ...holes] = polygon;
    const ring = outer && cleanRing(outer, counts);
    if (!ring) continue;
    cleaned.push([ring, ...holes.map((hole) => cleanRing(hole, counts)).filter((hole): hole is Ring => hole !== null)]);
  }
  return cleaned;
}

/** Rounds to `decimals` places (5 is about 1 m). */
const rounder = (decimals: number) => {
  const f = 10 ** decimals;
  return (x: number): number => Math.round(x * f) / f;
};

/**
 * Cleans and simplifies a FeatureCollection of unit polygons and returns the pack's boundaries
 * (flat rings), sorted by code, with a report. `toleranceMetres` 0 keeps every vertex.
 */
export function compileBoundaries(source: BoundarySource, options: { toleranceMetres: number; decimals: number }): { boundaries: PackBoundary[]; report: GeometryReport } {
  const counts = { repeated: 0, degenerate: 0 };
  let sourceVertices = 0;
  const cleaned = source.features.map((feature) => {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    sourceVertices += polygons.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);
    return { code: String(feature.properties.code), polygons: cleanPolygons(feature.geometry, counts) };
  });
  for (const unit of cleaned) if (unit.polygons.length === 0) throw new Error(`unit ${unit.code} has no polygon left after cleaning`);
  const simplified = options.toleranceMetres > 0 ? simplifyTopologically(cleaned, options.toleranceMetres) : cleaned;
  const round = rounder(options.decimals);
  const boundaries: PackBoundary[] = simplified
    .map((unit) => ({
      code: unit.code,
      polygons: unit.polygons.map((polygon) => polygon.map((ring) => dedupeFlat(ring.flatMap(([lon = NaN, lat = NaN]) => [round(lon), round(lat)])))),
    }))
    .sort((a, b) => a.code.localeCompare(b.code));
  const vertices = boundaries.reduce((n, b) => n + b.polygons.flat().reduce((m, ring) => m + ring.length / 2 - 1, 0), 0);
  return { boundaries, report: { sourceVertices, repeatedVertices: counts.repeated, degenerateRings: counts.degenerate, vertices } };
}

/** Drops consecutive repeated vertices that rounding can create (flat ring). */
function dedupeFlat(flat: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const lon = flat[i] as number;
    const lat = flat[i + 1] as number;
    if (out.length >= 2 && out[out.length - 2] === lon && out[out.length - 1] === lat) continue;
    out.push(lon, lat);
  }
  return out;
}

/** Shared arcs simplified once each, in metres around the data's middle latitude. */
function simplifyTopologically(units: readonly { code: string; polygons: Polygon[] }[], toleranceMetres: number): { code: string; polygons: Polygon[] }[] {
  const collection = {
    type: 'FeatureCollection' as const,
    features: units.map((unit) => ({
      type: 'Feature' as const,
      id: unit.code,
      properties: { code: unit.code },
      geometry: { type: 'MultiPolygon' as const, coordinates: unit.polygons },
    })),
  };
  const topology = topojsonServer.topology({ units: collection });
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const unit of units) {
    for (const point of unit.polygons.flat(1).flat(1)) {
      minLat = Math.min(minLat, point[1] as number);
      maxLat = Math.max(maxLat, point[1] as number);
    }
  }
  const lat0 = ((minLat + maxLat) / 2) * (Math.PI / 180);
  const kx = METRES_PER_DEGREE * Math.cos(lat0);
  topology.arcs = topology.arcs.map((arc) => {
    if (arc.length <= 2) return arc;
    const points = arc.map(([lon = 0, lat = 0]) => ({ x: lon * kx, y: lat * METRES_PER_DEGREE }));
    const closed = arc.length > 3 && arc[0]?.[0] === arc[arc.length - 1]?.[0] && arc[0]?.[1] === arc[arc.length - 1]?.[1];
    let kept = simplify(points, toleranceMetres, true);
    // A closed arc (an island, a unit with no neighbour) keeps enough points to stay a ring.
    if (closed && kept.length < 4) kept = simplify(points, toleranceMetres / 8, true);
    if (closed && kept.length < 4) kept = points;
    return kept.map((p) => [p.x / kx, p.y / METRES_PER_DEGREE]);
  });
  const merged = topojsonClient.feature(topology, topology.objects.units as Parameters<typeof topojsonClient.feature>[1]) as unknown as {
    features: { properties: { code: string }; geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: Polygon | Polygon[] } }[];
  };
  return merged.features.map((feature) => {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates as Polygon] : (feature.geometry.coordinates as Polygon[]);
    const counts = { repeated: 0, degenerate: 0 };
    const kept = polygons
      .map(([outer, ...holes]) => {
        const ring = outer && cleanRing(outer, counts);
        return ring ? [ring, ...holes.map((h) => cleanRing(h, counts)).filter((h): h is Ring => h !== null)] : null;
      })
      .filter((p): p is Polygon => p !== null);
    return { code: feature.properties.code, polygons: kept };
  });
}

/**
 * A point well inside a unit: the pole of inaccessibility (polylabel) of its largest part,
 * [lon, lat], to the given decimals. Used for map labels and by tests as a point on the surface.
 */
export function labelPoint(polygons: readonly (readonly (readonly number[])[])[], decimals = 5): [number, number] {
  let best: { point: [number, number]; distance: number } | undefined;
  for (const polygon of polygons) {
    const rings = polygon.map((ring) => {
      const points: number[][] = [];
      for (let i = 0; i < ring.length; i += 2) points.push([ring[i] as number, ring[i + 1] as number]);
      return points;
    });
    const found = polylabel(rings, 0.00001) as number[] & { distance: number };
    if (!best || found.distance > best.distance) best = { point: [found[0] as number, found[1] as number], distance: found.distance };
  }
  if (!best) throw new Error('no polygon to label');
  const round = rounder(decimals);
  return [round(best.point[0]), round(best.point[1])];
}

/** Polygons of a source feature as flat rings (unsimplified, uncleaned): for label points and tests. */
export function sourceFlatPolygons(feature: BoundarySource['features'][number]): number[][][] {
  const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  return polygons.map((polygon) => polygon.map((ring) => ring.flatMap(([lon = NaN, lat = NaN]) => [lon, lat])));
}

/** [minLon, minLat, maxLon, maxLat] of boundaries. */
export function boundsOf(boundaries: readonly PackBoundary[]): [number, number, number, number] {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const boundary of boundaries) {
    for (const ring of boundary.polygons.flat()) {
      for (let i = 0; i < ring.length; i += 2) {
        minLon = Math.min(minLon, ring[i] as number);
        maxLon = Math.max(maxLon, ring[i] as number);
        minLat = Math.min(minLat, ring[i + 1] as number);
        maxLat = Math.max(maxLat, ring[i + 1] as number);
      }
    }
  }
  return [minLon, minLat, maxLon, maxLat];
}
