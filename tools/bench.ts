/**
 * `npm run bench`: performance benchmarks, one section each; `npm run bench -- <section>
 * [flags]` runs one (sections: routing, pipeline, queue, alerts, duplicates, coldstart, intake, store, e2e, cli).
 * Run all, each section is a process of its own (the handlers read their environment once per
 * process, so each local stack needs one), and the paths beside their floors (issue 11) are
 * printed again together at the end.
 *
 * Section "routing engine", per pack: classification throughput (tips per second, after
 * warm-up) beside a naive one-regex baseline; GPS point-in-polygon lookups per second beside a
 * linear scan with @turf/boolean-point-in-polygon over the same polygons, and whether the two
 * agree; the size of the pack's runtime assets; and the classifier's cold initialisation in a
 * fresh process beside an empty one. Accuracy on the labelled development sets (data/tips/).
 * The other sections are in tools/bench-*.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { multiPolygon } from '@turf/helpers';
import { createClassifier } from '../shared/classification/engine.ts';
import { GpsIndex } from '../shared/classification/gps-index.ts';
import { packBoundaries } from '../shared/classification/packs.ts';
import type { ClassifierInput } from '../shared/classification/types.ts';
import { jurisdiction, packIds } from '../shared/jurisdictions/index.ts';
import type { PackId } from '../shared/jurisdictions/pack.ts';
import { runAlertsBenchmark } from './bench-alerts.ts';
import { runCliBenchmark } from './bench-cli.ts';
import { runColdStartBenchmark } from './bench-coldstart.ts';
import { runDuplicatesBenchmark } from './bench-duplicates.ts';
import { runEndToEndBenchmark } from './bench-e2e.ts';
import { runIntakeBenchmark } from './bench-intake.ts';
import { runPipelineBenchmark } from './bench-pipeline.ts';
import { runQueueBenchmark } from './bench-queue.ts';
import { runStoreBenchmark } from './bench-store.ts';
import { machine, naiveUnitPattern, printTable, rowsFileVariable, type ResultRow } from './bench-support.ts';

interface Section {
  /** What `npm run bench -- <key>` runs. */
  readonly key: string;
  readonly name: string;
  /** Runs the section with the arguments after its key. */
  run(args: readonly string[]): void | Promise<void>;
}

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The labelled development sets, by the pack their gold labels belong to. */
const devSets: Record<PackId, { file: string; gold: (t: Record<string, unknown>) => string | null }> = {
  'hcmc-2025': { file: `${repo}data/tips/tips-2025-dev.jsonl`, gold: (t) => (t['unit'] as string | null) ?? null },
  'hcmc-2021': { file: `${repo}data/tips/tips-dev.jsonl`, gold: (t) => (t['district'] as string | null) ?? null },
};

interface DevTip extends ClassifierInput {
  readonly id: string;
  readonly gold: string | null;
}

function loadTips(pack: PackId): DevTip[] {
  const set = devSets[pack];
  if (!set) return [];
  return readFileSync(set.file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((t) => ({
      id: String(t['id']),
      channel: t['channel'] === 'sms' ? ('sms' as const) : ('web' as const),
      text: String(t['text']),
      lat: typeof t['lat'] === 'number' ? t['lat'] : undefined,
      lon: typeof t['lon'] === 'number' ? t['lon'] : undefined,
      gold: set.gold(t),
    }));
}

/** Runs fn repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
function throughput(opsPerCall: number, fn: () => void, ms = 2000): number {
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    calls++;
    now = performance.now();
  }
  return (calls * opsPerCall) / ((now - start) / 1000);
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (x: number, n: number): string => `${((100 * x) / n).toFixed(1)}%`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** The naive baseline: one regex for a type word and a name or number; nothing else. */
function naiveUnit(text: string): string | null {
  return naiveUnitPattern.exec(text)?.[1] ?? null;
}

/**
 * Milliseconds from process start to a ready classifier of the pack, in fresh processes (median
 * of 5): from the TypeScript sources, and from one minified ESM bundle built by esbuild as the
 * function construct builds the classifier's (the polygons and the lexicon inside it).
 */
function coldInit(pack: PackId): { source: number; bundled: number; bundleKiB: number; empty: number } {
  const run = (code: string): number => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repo, encoding: 'utf8' });
      times.push(Number(result.stdout.trim()));
    }
    return median(times);
  };
  const stamp = 'console.log((performance.now()).toFixed(1))';
  const ready = `classifierFor(${JSON.stringify(pack)}).classify({ channel: 'web', text: 'phường 5 quận 3' }); ${stamp}`;
  const directory = mkdtempSync(join(tmpdir(), 'tinbao-bench-'));
  try {
    const entry = join(directory, 'entry.ts');
    writeFileSync(entry, `export { classifierFor } from ${JSON.stringify(`${repo}shared/classification/engine.ts`)};\n`);
    const bundle = join(directory, 'classifier.mjs');
    buildSync({ entryPoints: [entry], outfile: bundle, bundle: true, format: 'esm', platform: 'node', target: 'node24', minify: true, logLevel: 'error' });
    return {
      source: run(`const { classifierFor } = await import('./shared/classification/engine.ts'); ${ready}`),
      bundled: run(`const { classifierFor } = await import(${JSON.stringify(bundle)}); ${ready}`),
      bundleKiB: statSync(bundle).size / 1024,
      empty: run(stamp),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function routingFor(pack: PackId): void {
  const tips = loadTips(pack);
  const classifier = createClassifier({ pack });
  const units = jurisdiction(pack);
  console.log(`\n  -- ${pack}: ${units.units.length} units --`);

  if (tips.length > 0) {
    let ok = 0;
    let misrouted = 0;
    for (const tip of tips) {
      const { routing } = classifier.classify(tip);
      if (routing.unit === tip.gold) ok++;
      else if (routing.unit !== null) misrouted++;
    }
    console.log(`  accuracy on the development set (${tips.length} tips): unit ${pct(ok, tips.length)}, misrouted ${pct(misrouted, tips.length)}`);
  }

  const sample = tips.length > 0 ? tips : [{ id: 's', channel: 'sms' as const, text: 'phường 5 quận 3 có người bán ma túy', gold: null }];
  const engineTps = throughput(sample.length, () => {
    for (const tip of sample) classifier.classify(tip);
  });
  let sink = 0;
  const naiveTps = throughput(sample.length, () => {
    for (const tip of sample) if (naiveUnit(tip.text)) sink++;
  });
  console.log(`  classification, tips/s on one core (development set, cycled):`);
  console.log(`    engine (unit in both generations + category + urgency): ${fmt(engineTps)}`);
  console.log(`    naive one-regex baseline:                              ${fmt(naiveTps)}   ratio ${(engineTps / naiveTps).toFixed(4)}`);

  // GPS lookups: random points over the pack's bounding box (fixed seed).
  const boundaries = packBoundaries(pack);
  let seed = 42;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const [minLon, minLat, maxLon, maxLat] = units.bounds;
  const points = new Float64Array(20000);
  for (let i = 0; i < points.length; i += 2) {
    points[i] = minLat + random() * (maxLat - minLat);
    points[i + 1] = minLon + random() * (maxLon - minLon);
  }
  const buildStart = performance.now();
  const index = new GpsIndex(boundaries.boundaries, { marginMetres: boundaries.borderMarginMetres });
  const buildMs = performance.now() - buildStart;
  const features = boundaries.boundaries.map((b) => ({ code: b.code, feature: multiPolygon(b.polygons.map((polygon) => polygon.map((ring) => pairs(ring)))) }));
  const linear = (lat: number, lon: number): string | null => {
    for (const { code, feature } of features) if (booleanPointInPolygon([lon, lat], feature)) return code;
    return null;
  };
  let disagree = 0;
  for (let i = 0; i < points.length; i += 2) if (index.lookup(points[i] as number, points[i + 1] as number) !== linear(points[i] as number, points[i + 1] as number)) disagree++;
  const indexLps = throughput(points.length / 2, () => {
    for (let i = 0; i < points.length; i += 2) if (index.lookup(points[i] as number, points[i + 1] as number)) sink++;
  });
  const linearLps = throughput(points.length / 2, () => {
    for (let i = 0; i < points.length; i += 2) if (linear(points[i] as number, points[i + 1] as number)) sink++;
  });
  console.log(`  GPS point-in-polygon, lookups/s on one core (${points.length / 2} random points over the map's bounding box):`);
  console.log(`    index (grid + slabs): ${fmt(indexLps)}   (build ${buildMs.toFixed(1)} ms)`);
  console.log(`    linear scan with @turf/boolean-point-in-polygon over the same ${features.length} polygons: ${fmt(linearLps)}   ratio ${(indexLps / linearLps).toFixed(1)}×`);
  console.log(`    answers that differ between the two: ${disagree} of ${points.length / 2}`);

  const vertices = boundaries.boundaries.reduce((n, b) => n + b.polygons.flat().reduce((m, ring) => m + ring.length / 2 - 1, 0), 0);
  const size = (path: string): string => `${(statSync(`${repo}${path}`).size / 1024).toFixed(0)} KiB`;
  console.log(`  assets: boundaries ${size(`shared/jurisdictions/${pack}/boundaries.json`)} (${vertices} vertices, tolerance ${boundaries.toleranceMetres} m), units ${size(`shared/jurisdictions/${pack}/units.json`)}, city lexicon ${size('shared/jurisdictions/hcmc/lexicon.json')}`);
  const cold = coldInit(pack);
  console.log(`  cold init (fresh process to a ready classifier, median of 5): an empty process ${cold.empty.toFixed(0)} ms;`);
  console.log(`    bundled (one minified ESM file of ${cold.bundleKiB.toFixed(0)} KiB, as deployed): ${cold.bundled.toFixed(0)} ms, the engine adds ${(cold.bundled - cold.empty).toFixed(0)} ms`);
  console.log(`    from the TypeScript sources: ${cold.source.toFixed(0)} ms, the engine adds ${(cold.source - cold.empty).toFixed(0)} ms`);
  if (sink < 0) console.log(sink);
}

const routingSection: Section = {
  key: 'routing',
  name: 'routing engine',
  run() {
    for (const pack of packIds) routingFor(pack);
  },
};

function pairs(flat: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as number, flat[i + 1] as number]);
  return out;
}

/** Every benchmark section, in the order they run. */
const sections: readonly Section[] = [
  routingSection,
  { key: 'pipeline', name: 'web tip pipeline', run: runPipelineBenchmark },
  { key: 'queue', name: 'queue pages', run: runQueueBenchmark },
  { key: 'alerts', name: 'urgent alerts, from intake to the officers\' phones', run: runAlertsBenchmark },
  { key: 'duplicates', name: 'duplicate search per tip, at 10,000 and 100,000 stored tips', run: runDuplicatesBenchmark },
  { key: 'coldstart', name: 'cold start, per function, beside an empty handler with the same SDK clients', run: runColdStartBenchmark },
  { key: 'intake', name: 'intake path, beside the same I/O done raw', run: runIntakeBenchmark },
  { key: 'store', name: 'store path, beside raw PutItem', run: runStoreBenchmark },
  { key: 'e2e', name: 'end to end, at a steady rate', run: runEndToEndBenchmark },
  { key: 'cli', name: 'classifier CLI, beside a one-regex script', run: runCliBenchmark },
];

const [only, ...flags] = process.argv.slice(2);
if (only) {
  const section = sections.find((candidate) => candidate.key === only) ?? sections.find((candidate) => candidate.name.includes(only));
  if (!section) {
    console.error(`no section ${JSON.stringify(only)}; sections: ${sections.map((candidate) => candidate.key).join(', ')}`);
    process.exit(2);
  }
  // Run alone, or as one of `npm run bench`'s children (which prints the machine once).
  if (!process.env[rowsFileVariable]) console.log(machine());
  console.log(`\n== ${section.name} ==`);
  await section.run(flags);
} else {
  console.log(machine());
  const directory = mkdtempSync(join(tmpdir(), 'tinbao-bench-rows-'));
  const rowsFile = join(directory, 'rows.jsonl');
  const started = performance.now();
  const failed: string[] = [];
  try {
    const took: string[] = [];
    for (const section of sections) {
      // A process per section: a local stack's handlers read their environment once per process.
      const sectionStart = performance.now();
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), section.key], { stdio: 'inherit', env: { ...process.env, [rowsFileVariable]: rowsFile } });
      if (child.status !== 0) failed.push(section.key);
      took.push(`${section.key} ${((performance.now() - sectionStart) / 1000).toFixed(0)} s`);
    }
    const rows = existsSync(rowsFile)
      ? readFileSync(rowsFile, 'utf8')
          .split('\n')
          .filter((line) => line.trim())
          .map((line) => JSON.parse(line) as ResultRow)
      : [];
    console.log(`\n== paths beside their floors (issue 11): ${machine()}; all sections took ${((performance.now() - started) / 60_000).toFixed(1)} min ==`);
    printTable(rows, { withPath: true });
    console.log(`\n  sections: ${took.join(', ')}`);
    if (failed.length > 0) {
      console.log(`\n  sections that failed: ${failed.join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
