/**
 * `npm run build:pack`: compiles the HCMC packs (hcmc-2025, hcmc-2021) and the city's lexicon
 * into shared/jurisdictions/, from data/hcmc/ and the hand-curated files in
 * shared/jurisdictions/hcmc/ (gazetteer.json, landmarks.json, packs.json). The output is
 * committed, so the functions bundle it without a build step; test/domain/packs.test.ts checks
 * it is what this build makes.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { compilePacks, packFiles, type PackDescriptions } from './packs/compile.ts';
import { gazetteerDir, readHcmcSources } from './packs/sources.ts';

const repo = new URL('../', import.meta.url);
const descriptions = JSON.parse(readFileSync(`${gazetteerDir}packs.json`, 'utf8')) as PackDescriptions;
const compiled = compilePacks(readHcmcSources(), descriptions);
for (const [path, content] of packFiles(compiled)) {
  const target = new URL(path, repo);
  mkdirSync(dirname(target.pathname), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path} (${(Buffer.byteLength(content) / 1024).toFixed(0)} KiB)`);
}
for (const [id, report] of compiled.report) {
  const units = compiled.units.get(id)?.units.length ?? 0;
  console.log(
    `${id}: ${units} units, ${report.sourceVertices} source vertices → ${report.vertices} ` +
      `(${report.repeatedVertices} repeated vertices and ${report.degenerateRings} zero-area rings dropped)`,
  );
}
console.log(`lexicon: ${compiled.lexicon.entries.length} entries, ${compiled.lexicon.entries.reduce((n, e) => n + e.forms.length, 0)} forms`);
