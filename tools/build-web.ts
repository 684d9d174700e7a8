/**
 * `npm run build:web`: writes the generated files under web/, which are committed so the site
 * deploys (S3 + CloudFront) and the local stack serves it without a build step:
 *
 * - web/console/maps/<pack>.geojson, one per pack: the units' boundaries for the officers'
 *   console map (MapLibre GL JS draws them with no tile server), each feature with the unit's
 *   code, names, group and label point; coordinates kept to 5 decimals (about 1 m).
 *
 * The citizen pages are not generated here: the local stack renders them on each request, and
 * the CDK app renders them for the deployment's pack (infra/constructs/web-console.ts).
 * test/domain/web-build.test.ts checks the committed files are what this makes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packBoundaries } from '../shared/classification/packs.ts';
import { jurisdiction, packIds } from '../shared/jurisdictions/index.ts';
import type { PackId } from '../shared/jurisdictions/pack.ts';

/** The repository's web/ folder. */
export const webRoot = fileURLToPath(new URL('../web/', import.meta.url));

/** Decimals kept in the map's coordinates: 5 is about 1 m, finer than the map ever draws. */
export const mapCoordinateDecimals = 5;

const round = (value: number) => {
  const factor = 10 ** mapCoordinateDecimals;
  // `+ 0` turns -0 into 0, so the output never depends on a sign that rounding lost.
  return Math.round(value * factor) / factor + 0;
};

/** A flat ring as GeoJSON positions, rounded, without the points rounding made equal; undefined if it collapsed. */
function ringPositions(ring: readonly number[]): number[][] | undefined {
  const points: number[][] = [];
  for (let index = 0; index + 1 < ring.length; index += 2) {
    const point = [round(ring[index] as number), round(ring[index + 1] as number)];
    const last = points.at(-1);
    if (last && last[0] === point[0] && last[1] === point[1]) continue;
    points.push(point);
  }
  // A ring needs three distinct points and its closing one.
  return points.length >= 4 ? points : undefined;
}

/** The console's map of one pack: a GeoJSON FeatureCollection, one feature per line. */
export function mapGeoJson(pack: PackId): string {
  const units = jurisdiction(pack);
  const boundaries = new Map(packBoundaries(pack).boundaries.map((b) => [b.code, b]));
  const features = units.units.map((unit) => {
    const boundary = boundaries.get(unit.code);
    if (!boundary) throw new Error(`The pack has no boundary for unit ${unit.code}`);
    const coordinates = boundary.polygons
      .map((polygon) => {
        const [outer, ...holes] = polygon.map(ringPositions);
        return outer ? [outer, ...holes.filter((hole) => hole !== undefined)] : undefined;
      })
      .filter((polygon) => polygon !== undefined);
    return {
      type: 'Feature',
      id: Number(unit.code),
      properties: { code: unit.code, name: unit.name, nameEn: unit.nameEn, group: unit.group, label: unit.label },
      geometry: { type: 'MultiPolygon', coordinates },
    };
  });
  const head = {
    type: 'FeatureCollection',
    pack,
    name: units.name,
    nameEn: units.nameEn,
    level: units.level,
    bounds: units.bounds,
    note: `Built from the pack by tools/build-web.ts; coordinates rounded to ${mapCoordinateDecimals} decimals.`,
  };
  const lines = Object.entries(head).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return `{\n${lines.join(',\n')},\n"features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]\n}\n`;
}

/** Every generated file under web/, by its path relative to web/. */
export function buildWeb(): Map<string, string> {
  return new Map(packIds.map((pack) => [`console/maps/${pack}.geojson`, mapGeoJson(pack)]));
}

/** Writes the generated files under `root` (web/ by default). */
export function writeWeb(root: string = webRoot): string[] {
  const written: string[] = [];
  for (const [path, content] of buildWeb()) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    written.push(`${path} (${(Buffer.byteLength(content) / 1024).toFixed(1)} KiB)`);
  }
  return written;
}

if (import.meta.main) {
  for (const line of writeWeb()) console.log(`wrote web/${line}`);
}
