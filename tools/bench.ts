/**
 * `npm run bench`: performance benchmarks, one section each, on one core.
 *
 * Section "routing engine": classification throughput (tips per second, after warm-up) and GPS
 * point-in-polygon lookups per second, each beside a naive baseline measured in the same run: a
 * regex for "quận N" and a linear scan over the 22 polygons with @turf/boolean-point-in-polygon.
 * Both are also scored on the development set (data/tips/tips-dev.jsonl).
 * More sections (other parts of the pipeline) are added to `sections` below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { multiPolygon } from '@turf/helpers';
import { createClassifier } from '../shared/classification/engine.ts';
import { GpsIndex } from '../shared/classification/gps-index.ts';
import type { ClassifierInput } from '../shared/classification/types.ts';
import { hcmc2021Pack } from '../shared/jurisdictions/hcmc-2021/pack.ts';
import { runPipelineBenchmark } from './bench-pipeline.ts';
import { runQueueBenchmark } from './bench-queue.ts';

interface Section {
  readonly name: string;
  run(): void | Promise<void>;
}

const devSetPath = fileURLToPath(new URL('../data/tips/tips-dev.jsonl', import.meta.url));

interface DevTip extends ClassifierInput {
  readonly id: string;
  readonly gold: { district: string | null; category: string; urgency: string };
}

/** The development tips (only id, channel, text, lat, lon reach the classifier), or synthetic ones. */
function loadTips(): { tips: DevTip[]; labelled: boolean } {
  if (existsSync(devSetPath)) {
    const tips = readFileSync(devSetPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((t) => ({
        id: String(t['id']),
        channel: t['channel'] === 'sms' ? ('sms' as const) : ('web' as const),
        text: String(t['text']),
        lat: typeof t['lat'] === 'number' ? t['lat'] : undefined,
        lon: typeof t['lon'] === 'number' ? t['lon'] : undefined,
        gold: { district: (t['district'] as string | null) ?? null, category: String(t['category']), urgency: String(t['urgency']) },
      }));
    return { tips, labelled: true };
  }
  const texts = ['Có người bán ma túy ở hẻm đường Lê Văn Sỹ, Quận 3', 'vua bi giat dt o cho Ben Thanh', 'Karaoke hát tới 2h sáng ở phường 26 quận Bình Thạnh'];
  return { tips: texts.map((text, i) => ({ id: `s${i}`, channel: 'sms', text, gold: { district: null, category: 'other', urgency: 'normal' } })), labelled: false };
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

/** The naive baseline: "quận N" by regex, else nothing; every tip "other", "normal". */
const naiveUnits = new Map(hcmc2021Pack.units.filter((u) => /^Quận \d+$/.test(u.name)).map((u) => [u.name.slice(5), u.code]));
const naiveRegex = /(?:quận|quan|q\.?)\s*(\d{1,2})\b/i;
function naiveDistrict(text: string): string | null {
  const m = naiveRegex.exec(text);
  return m ? (naiveUnits.get(String(Number(m[1]))) ?? null) : null;
}

const routingSection: Section = {
  name: 'routing engine',
  run() {
    const { tips, labelled } = loadTips();
    const classifier = createClassifier();
    const source = labelled ? 'development set' : 'synthetic tips (../shared not found)';

    // Accuracy on the development set.
    if (labelled) {
      let engineDistrict = 0;
      let engineMisrouted = 0;
      let engineCategory = 0;
      let engineUrgency = 0;
      let naiveOk = 0;
      let naiveMisrouted = 0;
      for (const tip of tips) {
        const { routing, category, urgency } = classifier.classify(tip);
        if (routing.district === tip.gold.district) engineDistrict++;
        else if (routing.district !== null && tip.gold.district !== null) engineMisrouted++;
        if (category === tip.gold.category) engineCategory++;
        if (urgency === tip.gold.urgency) engineUrgency++;
        const naive = naiveDistrict(tip.text);
        if (naive === tip.gold.district) naiveOk++;
        else if (naive !== null && tip.gold.district !== null) naiveMisrouted++;
      }
      const n = tips.length;
      console.log(`  accuracy on the ${source} (${n} tips):`);
      console.log(`    engine: district ${pct(engineDistrict, n)}, misrouted ${pct(engineMisrouted, n)}, category ${pct(engineCategory, n)}, urgency ${pct(engineUrgency, n)}`);
      console.log(`    naive "quận N" regex: district ${pct(naiveOk, n)}, misrouted ${pct(naiveMisrouted, n)}`);
    }

    // Classification throughput: the whole set per call.
    const engineTps = throughput(tips.length, () => {
      for (const tip of tips) classifier.classify(tip);
    });
    let sink = 0;
    const naiveTps = throughput(tips.length, () => {
      for (const tip of tips) if (naiveDistrict(tip.text)) sink++;
    });
    console.log(`  classification, tips/s on one core (${source}, after warm-up):`);
    console.log(`    engine (district + category + urgency): ${fmt(engineTps)}   target ≥ 50,000`);
    console.log(`    naive "quận N" regex (district only):   ${fmt(naiveTps)}`);

    // GPS lookups: random points over the city's bounding box (a fixed seed), plus the tips' points.
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const points = new Float64Array(20000);
    for (let i = 0; i < points.length; i += 2) {
      points[i] = 10.37 + random() * 0.8;
      points[i + 1] = 106.36 + random() * 0.67;
    }
    const index = new GpsIndex(hcmc2021Pack.boundaries);
    const features = hcmc2021Pack.boundaries.map((b) => ({
      code: b.code,
      feature: multiPolygon(b.polygons.map((polygon) => polygon.map((ring) => pairs(ring)))),
    }));
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
    const buildStart = performance.now();
    new GpsIndex(hcmc2021Pack.boundaries);
    const buildMs = performance.now() - buildStart;
    console.log(`  GPS point-in-polygon, lookups/s on one core (${points.length / 2} random points over the city's bounding box):`);
    console.log(`    grid index: ${fmt(indexLps)}   target ≥ 1,000,000   (index build ${buildMs.toFixed(0)} ms)`);
    console.log(`    linear scan with @turf/boolean-point-in-polygon: ${fmt(linearLps)}`);
    console.log(`    answers that differ between the two: ${disagree} of ${points.length / 2}`);
    if (labelled) {
      const gpsTips = tips.filter((t) => t.lat !== undefined && t.lon !== undefined && t.gold.district !== null);
      const gridOk = gpsTips.filter((t) => index.lookup(t.lat as number, t.lon as number) === t.gold.district).length;
      const linearOk = gpsTips.filter((t) => linear(t.lat as number, t.lon as number) === t.gold.district).length;
      console.log(`    on the development tips with a point and a gold district (${gpsTips.length}): grid ${gridOk}, linear ${linearOk} correct`);
    }
    if (sink < 0) console.log(sink);
  },
};

function pairs(flat: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as number, flat[i + 1] as number]);
  return out;
}

/** Every benchmark section, in the order they run. */
const sections: readonly Section[] = [routingSection, { name: 'web tip pipeline', run: runPipelineBenchmark }, { name: 'queue pages', run: runQueueBenchmark }];

const only = process.argv[2];
console.log(`node ${process.version}, one core (single-threaded loop)`);
for (const section of sections) {
  if (only && !section.name.includes(only)) continue;
  console.log(`\n== ${section.name} ==`);
  await section.run();
}
