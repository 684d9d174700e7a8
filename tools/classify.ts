/**
 * `npm run --silent classify -- FILE.jsonl [--verbose]`: classifies tips given as JSON Lines
 * (fields id, channel, text, lat, lon; every other field is ignored, gold labels included) and
 * prints one JSON line per tip: {"id","district","category","urgency","confidence","method","evidence"}.
 * --verbose adds the runner-up and the candidates. A bad line is reported on standard error
 * with its line number, and the run goes on; the exit code is 1 if any line was bad.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createClassifier } from '../shared/classification/engine.ts';
import type { ClassifierInput } from '../shared/classification/types.ts';

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

async function main(): Promise<void> {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: npm run --silent classify -- FILE.jsonl [--verbose]');
    process.exit(2);
  }
  const classifier = createClassifier();
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
      const { routing, category, urgency } = classifier.classify(tip.input);
      const out: Record<string, unknown> = {
        id: tip.id,
        district: routing.district,
        category,
        urgency,
        confidence: routing.confidence,
        method: routing.method,
        evidence: routing.evidence,
      };
      if (verbose) {
        out['runnerUp'] = routing.runnerUp;
        out['candidates'] = routing.candidates;
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    }
  } catch (error) {
    console.error(`${file}: ${(error as Error).message}`);
    process.exit(2);
  }
  if (bad > 0) process.exitCode = 1;
}

if (import.meta.main) await main();
