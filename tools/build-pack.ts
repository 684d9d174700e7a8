/**
 * `npm run build:pack`: compiles the HCMC 2021–2025 jurisdiction pack into
 * shared/jurisdictions/hcmc-2021/pack.json, the compact asset the classifier bundles.
 * Sources: data/hcmc/ (GSO ward lists, district polygons) and the hand-curated
 * shared/jurisdictions/hcmc-2021/gazetteer.json. The output is committed, so the functions
 * bundle it without a build step; test/domain/routing-pack.test.ts checks it is up to date.
 */
import { writeFileSync } from 'node:fs';
import { packPath, readPackSources, serialisePack } from './pack-sources.ts';
import { compilePack } from './compile-pack.ts';

const pack = compilePack(readPackSources());
const json = serialisePack(pack);
writeFileSync(packPath, json);
const vertices = pack.boundaries.reduce((n, b) => n + b.polygons.flat().reduce((m, r) => m + r.length / 2, 0), 0);
console.log(
  `wrote ${packPath}: ${pack.units.length} units, ${pack.units.reduce((n, u) => n + u.wards.length, 0)} wards, ` +
    `${vertices} boundary vertices, ${pack.places.length} gazetteer entries, ${(json.length / 1024).toFixed(0)} KiB`,
);
