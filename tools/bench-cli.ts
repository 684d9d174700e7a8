/**
 * Classifier CLI (issue 11): whole-process throughput of `node tools/classify.ts FILE >
 * /dev/null` on 50,000 tips (the development sets cycled, with fresh ids, in a temporary file),
 * beside a one-regex baseline script over the same file: read the lines, JSON.parse each, one
 * regex for a type word and a name, JSON.stringify a line out, with the same buffered reads and
 * writes. Then where the CLI's time goes: one run under --cpu-prof, its self time by category,
 * and JSON.parse and JSON.stringify of the same lines timed apart in this process (the profile
 * counts a built-in's time in the function that called it).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { naiveUnitPattern, numberFlags, pairedRatios, perSecond, report, spread, type ResultRow } from './bench-support.ts';

/** The goal: the CLI at 0.5 × the one-regex script or better. */
const goal = { ratio: 0.5, atLeast: true };

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The baseline: the least a tool can do with each line, written as a competent script would. */
const baselineScript = `import { createReadStream } from 'node:fs';
const pattern = new RegExp(${JSON.stringify(naiveUnitPattern.source)}, ${JSON.stringify(naiveUnitPattern.flags)});
let rest = '';
let out = [];
const flush = () => { process.stdout.write(out.join('\\n') + '\\n'); out = []; };
const line = (text) => {
  if (!text.trim()) return;
  const tip = JSON.parse(text);
  out.push(JSON.stringify({ id: tip.id, unit: pattern.exec(String(tip.text))?.[1] ?? null }));
  if (out.length >= 256) flush();
};
for await (const chunk of createReadStream(process.argv[2], 'utf8')) {
  const parts = (rest + chunk).split('\\n');
  rest = parts.pop() ?? '';
  for (const part of parts) line(part);
}
if (rest) line(rest);
if (out.length) flush();
`;

/** Writes `count` tips: the development sets' lines cycled, each with a fresh id. */
function writeTips(file: string, count: number): void {
  const sources = ['tips-2025-dev.jsonl', 'tips-dev.jsonl'].flatMap((name) =>
    readFileSync(join(repo, 'data/tips', name), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
  const lines = Array.from({ length: count }, (_, index) => JSON.stringify({ ...sources[index % sources.length], id: `bench-${index}` }));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Milliseconds of one whole process, its standard output into `output` (/dev/null unless given). */
function timeProcess(args: readonly string[], output = '/dev/null'): number {
  const fd = openSync(output, 'w');
  try {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: repo, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    const ms = performance.now() - start;
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
    return ms;
  } finally {
    closeSync(fd);
  }
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

/** What a profile node's self time counts as; built-ins (no URL: a RegExp, JSON.parse, a string slice) count as their caller. */
function category(node: ProfileNode, parents: ReadonlyMap<number, ProfileNode>): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting for the disk or the CPU)';
  if (functionName === '(program)' || functionName === '(root)') return 'other (the VM, Node internals)';
  if (url === '' || url.startsWith('wasm://')) {
    const parent = parents.get(node.id);
    if (parent) return category(parent, parents);
  }
  if (url.includes('/shared/')) return 'engine (shared/classification, the packs)';
  if (url.includes('/tools/classify.ts')) return "the CLI's own code, JSON.parse and JSON.stringify included";
  if (/^node:(internal\/)?(streams?|fs|readline|string_decoder|net|tty|buffer|events|stream_base_commons|encoding)/.test(url)) return 'reading and writing (streams, string decoding)';
  if (/^node:internal\/(modules|main|bootstrap|process|deps\/amaro|url|source_map)/.test(url)) return 'start-up, module loading, type stripping';
  return 'other (the VM, Node internals)';
}

/** Self time by category, in ms, of the .cpuprofile in `directory`. */
function profileCategories(directory: string): Map<string, number> {
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const profile = JSON.parse(readFileSync(join(directory, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const totals = new Map<string, number>();
  for (const [index, id] of profile.samples.entries()) {
    const node = nodes.get(id);
    if (!node) continue;
    const name = category(node, parents);
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  }
  return totals;
}

/** JSON.parse of every input line and JSON.stringify of every output line, warm, in this process; ms each. */
function timeJson(inputFile: string, outputFile: string): { parse: number; stringify: number } {
  const input = readFileSync(inputFile, 'utf8').split('\n').filter((line) => line.trim());
  const outputs = readFileSync(outputFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as unknown);
  let sink = 0;
  const parse = () => {
    const start = performance.now();
    for (const line of input) sink += (JSON.parse(line) as { id: string }).id.length;
    return performance.now() - start;
  };
  const stringify = () => {
    const start = performance.now();
    for (const value of outputs) sink += JSON.stringify(value).length;
    return performance.now() - start;
  };
  parse();
  stringify();
  const result = { parse: spread([parse(), parse(), parse()]).median, stringify: spread([stringify(), stringify(), stringify()]).median };
  if (sink < 0) console.log(sink);
  return result;
}

/** Runs the CLI section: `npm run bench -- cli [--rounds 3] [--tips 50000]`. */
export async function runCliBenchmark(args: readonly string[] = []): Promise<void> {
  const { rounds, tips } = numberFlags(args, { rounds: 3, tips: 50_000 });
  const directory = mkdtempSync(join(tmpdir(), 'tinbao-bench-cli-'));
  try {
    const tipsFile = join(directory, 'tips.jsonl');
    const baseline = join(directory, 'one-regex.mjs');
    writeTips(tipsFile, tips);
    writeFileSync(baseline, baselineScript);
    const cli = [join(repo, 'tools/classify.ts'), tipsFile];
    const cliRates: number[] = [];
    const baselineRates: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      cliRates.push(perSecond(tips, timeProcess(cli)));
      baselineRates.push(perSecond(tips, timeProcess([baseline, tipsFile])));
    }
    const profiles = join(directory, 'profile');
    const outputFile = join(directory, 'classified.jsonl');
    const profiledMs = timeProcess(['--cpu-prof', `--cpu-prof-dir=${profiles}`, ...cli], outputFile);
    const categories = [...profileCategories(profiles).entries()].sort((a, b) => b[1] - a[1]);
    const json = timeJson(tipsFile, outputFile);

    console.log(`  ${rounds} rounds of ${tips.toLocaleString('en-US')} tips, whole processes (Node start-up and the classifier's initialisation included), output to /dev/null`);
    const rows: ResultRow[] = [
      {
        path: 'classifier CLI',
        measure: 'node tools/classify.ts, whole process',
        unit: 'tips/s',
        value: spread(cliRates),
        floor: spread(baselineRates),
        floorLabel: 'one-regex script',
        ratio: pairedRatios(cliRates, baselineRates),
        goal,
      },
    ];
    report(rows);
    const total = categories.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`  where the CLI's time goes (one run under --cpu-prof, ${(profiledMs / 1000).toFixed(1)} s wall, ${(total / 1000).toFixed(1)} s sampled; self time):`);
    for (const [name, ms] of categories) console.log(`    ${name.padEnd(62)} ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)} %`);
    console.log(`    of which JSON, timed apart in this process: JSON.parse of the input ${json.parse.toFixed(0)} ms, JSON.stringify of the output ${json.stringify.toFixed(0)} ms`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (import.meta.main) await runCliBenchmark(process.argv.slice(2));
