/**
 * `node tools/build-web.ts`: writes the generated files under web/, which are committed so the
 * site deploys (S3 + CloudFront) and the local stack serves it without a build step:
 *
 * - web/console/districts.json: the district boundaries of the active jurisdiction pack for the
 *   officers' console map (code, names, polygons; coordinates kept to 4 decimals, ~11 m);
 * - web/index.html, web/en/index.html, web/status/index.html, web/en/status/index.html: the
 *   citizen pages, rendered by functions/http/pages.ts, the same functions the local stack serves.
 *
 * test/domain/web-build.test.ts checks the committed files are what this makes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statusFormPage, tipFormPage } from '../functions/http/pages.ts';
import { hcmc2021Pack } from '../shared/jurisdictions/hcmc-2021/pack.ts';
import { activeJurisdiction } from '../shared/jurisdictions/index.ts';
import type { JurisdictionPack } from '../shared/jurisdictions/pack.ts';

/** The repository's web/ folder. */
export const webRoot = fileURLToPath(new URL('../web/', import.meta.url));

/** Decimals kept in the map's coordinates: 4 is about 11 m, finer than the map ever draws. */
export const mapCoordinateDecimals = 4;

/** One district on the console's map. */
export interface MapDistrict {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  /** Polygons, each a list of rings (outer first, then holes), each ring a flat [lon, lat, …] list. */
  readonly polygons: readonly (readonly (readonly number[])[])[];
}

const round = (value: number) => {
  const factor = 10 ** mapCoordinateDecimals;
  // `+ 0` turns -0 into 0, so the output never depends on a sign that rounding lost.
  return Math.round(value * factor) / factor + 0;
};

/** A ring rounded, without the points rounding made equal to the one before; undefined if it collapsed. */
function roundRing(ring: readonly number[]): number[] | undefined {
  const points: number[] = [];
  for (let index = 0; index + 1 < ring.length; index += 2) {
    const lon = round(ring[index]!);
    const lat = round(ring[index + 1]!);
    if (points.length >= 2 && points.at(-2) === lon && points.at(-1) === lat) continue;
    points.push(lon, lat);
  }
  // A ring needs three distinct points and its closing one.
  return points.length >= 8 ? points : undefined;
}

/** The console's map data from a jurisdiction pack, units in the pack's order. */
export function mapDistricts(pack: JurisdictionPack): MapDistrict[] {
  return pack.units.map((unit) => {
    const boundary = pack.boundaries.find((candidate) => candidate.code === unit.code);
    if (!boundary) throw new Error(`The pack has no boundary for unit ${unit.code}`);
    const polygons = boundary.polygons
      .map((polygon) => {
        const [outer, ...holes] = polygon.map(roundRing);
        return outer ? [outer, ...holes.filter((hole) => hole !== undefined)] : undefined;
      })
      .filter((polygon) => polygon !== undefined);
    return { code: unit.code, name: unit.name, nameEn: unit.nameEn, polygons };
  });
}

/** web/console/districts.json: one district per line, so a change to one reads as one line. */
export function districtsJson(pack: JurisdictionPack): string {
  const header = {
    jurisdiction: pack.id,
    name: pack.name,
    attribution: pack.attribution,
    note: `Built from the pack by tools/build-web.ts; coordinates rounded to ${mapCoordinateDecimals} decimals for the map.`,
  };
  const head = Object.entries(header).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  const districts = mapDistricts(pack).map((district) => JSON.stringify(district));
  return `{\n${head.join(',\n')},\n"districts":[\n${districts.join(',\n')}\n]\n}\n`;
}

/** Every generated file under web/, by its path relative to web/. */
export function buildWeb(): Map<string, string> {
  if (hcmc2021Pack.id !== activeJurisdiction.id) throw new Error(`The map pack ${hcmc2021Pack.id} is not the active jurisdiction ${activeJurisdiction.id}`);
  return new Map([
    ['console/districts.json', districtsJson(hcmc2021Pack)],
    ['index.html', tipFormPage('vi')],
    ['en/index.html', tipFormPage('en')],
    ['status/index.html', statusFormPage('vi')],
    ['en/status/index.html', statusFormPage('en')],
  ]);
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
