/** Where the HCMC 2021–2025 pack's sources and output live, and how the pack is written. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JurisdictionPack } from '../shared/jurisdictions/pack.ts';
import type { PackSources } from './compile-pack.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The source files of the packs, copied into the repository with their provenance (data/README.md). */
export const sourceDataDir = `${repo}data/hcmc/`;
export const packDir = `${repo}shared/jurisdictions/hcmc-2021/`;
export const packPath = `${packDir}pack.json`;

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Reads every source of the pack. */
export function readPackSources(): PackSources {
  return {
    units: readJson(`${packDir}units.json`) as PackSources['units'],
    gazetteer: readJson(`${packDir}gazetteer.json`) as PackSources['gazetteer'],
    wards2021: readJson(`${sourceDataDir}districts-wards-2021-2024.json`) as PackSources['wards2021'],
    wards2025: readJson(`${sourceDataDir}districts-wards-2025H1.json`) as PackSources['wards2025'],
    boundaries: readJson(`${sourceDataDir}districts-2021.geojson`) as PackSources['boundaries'],
  };
}

/** The committed form: one line per top-level entry, so diffs stay readable. */
export function serialisePack(pack: JurisdictionPack): string {
  const lines = Object.entries(pack).map(([key, value]) => {
    if (!Array.isArray(value)) return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    return `${JSON.stringify(key)}:[\n${value.map((item) => JSON.stringify(item)).join(',\n')}\n]`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}
