/**
 * `npm run --silent classify -- [--pack NAME] FILE.jsonl [--verbose]`: classifies tips given as
 * JSON Lines (fields id, channel, text, lat, lon; every other field is ignored, gold labels
 * included) and prints one JSON line per tip:
 * {"id","unit","candidates","otherGeneration","category","urgency","confidence","method","evidence"}.
 * `unit` is a code of the pack (the map in force unless --pack names another) or null for the
 * city desk; `candidates` lists the shortlist's codes when it abstains, and is empty otherwise;
 * `otherGeneration` is {"pack","units"} on the other map. --verbose adds every candidate with its
 * confidence and evidence. A bad line is reported on standard error with its line number, and the
 * run goes on; the exit code is 1 if any line was bad.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { classifierFor } from '../shared/classification/engine.ts';
import type { ClassifierInput, TipClassification } from '../shared/classification/types.ts';
import { defaultPackId, isPackId, packIds } from '../shared/jurisdictions/index.ts';

/** Checks one parsed line; returns the classifier input or a reason it is unusable. */
export function parseTip(value: unknown): { id: string; input: ClassifierInput } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const tip = value as Record<string, unknown>;
  const id = tip['id'];
  if (typeof id !== 'string' && typeof id !== 'number') return { error: 'missing "id"' };
  if (typeof tip['text'] !== 'string') return { error: '"text" must be a string' };
  const channel = tip['channel'] ?? 'web';
  if (channel !== 'web' && channel !== 'sms') return { error: '"channel" must be "web" or "sms"' };
  const number = (key: string): number | undefined | 'bad' => {
    const v = tip[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : 'bad';
  };
  const lat = number('lat');
  const lon = number('lon');
  if (lat === 'bad' || lon === 'bad') return { error: '"lat" and "lon" must be numbers or null' };
  return { id: String(id), input: { channel, text: tip['text'], lat, lon } };
}

/** The output line of one classified tip (the CLI's contract). */
export function outputLine(id: string, classification: TipClassification, verbose = false): Record<string, unknown> {
  const { routing, otherGeneration, category, urgency } = classification;
  return {
    id,
    unit: routing.unit,
    candidates: routing.unit === null ? routing.candidates.map((c) => c.unit) : [],
    otherGeneration: otherGeneration && { pack: otherGeneration.pack, units: otherGeneration.units },
    category,
    urgency,
    confidence: routing.confidence,
    method: routing.method,
    evidence: routing.evidence,
    ...(verbose && { scored: routing.candidates }),
  };
}

const usage = `usage: npm run --silent classify -- [--pack ${packIds.join('|')}] FILE.jsonl [--verbose]`;

async function main(): Promise<void> {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { pack: { type: 'string', default: defaultPackId }, verbose: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  const pack = values.pack ?? defaultPackId;
  if (!file || positionals.length > 1) {
    console.error(usage);
    process.exit(2);
  }
  if (!isPackId(pack)) {
    console.error(`--pack must be one of ${packIds.join(', ')}, not "${pack}"\n${usage}`);
    process.exit(2);
  }
  const classifier = classifierFor(pack);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  let bad = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (!line.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        bad++;
        console.error(`${file}:${lineNumber}: not valid JSON (${(error as Error).message})`);
        continue;
      }
      const tip = parseTip(parsed);
      if ('error' in tip) {
        bad++;
        console.error(`${file}:${lineNumber}: ${tip.error}`);
        continue;
      }
      process.stdout.write(JSON.stringify(outputLine(tip.id, classifier.classify(tip.input), values.verbose)) + '\n');
    }
  } catch (error) {
    console.error(`${file}: ${(error as Error).message}`);
    process.exit(2);
  }
  if (bad > 0) process.exitCode = 1;
}

if (import.meta.main) await main();
