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
  const output = new BatchedOutput();
  let lineNumber = 0;
  let bad = 0;
  const classifyLine = (line: string): void => {
    lineNumber++;
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      bad++;
      output.flush();
      console.error(`${file}:${lineNumber}: not valid JSON (${(error as Error).message})`);
      return;
    }
    const tip = parseTip(parsed);
    if ('error' in tip) {
      bad++;
      output.flush();
      console.error(`${file}:${lineNumber}: ${tip.error}`);
      return;
    }
    output.add(JSON.stringify(outputLine(tip.id, classifier.classify(tip.input), values.verbose)));
  };
  try {
    for await (const batch of lines(file)) for (const line of batch) classifyLine(line);
  } catch (error) {
    output.flush();
    console.error(`${file}: ${(error as Error).message}`);
    process.exit(2);
  }
  output.flush();
  if (bad > 0) process.exitCode = 1;
}

/**
 * The lines of a JSON Lines file (LF or CRLF), a chunk's worth at a time. readline's async
 * iterator costs a promise and a few events per line: about a fifth of the run's I/O over
 * 50,000 tips.
 */
async function* lines(file: string): AsyncGenerator<string[], void> {
  let rest = '';
  for await (const chunk of createReadStream(file, 'utf8') as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    yield parts.map(withoutCarriageReturn);
  }
  if (rest) yield [withoutCarriageReturn(rest)];
}

const withoutCarriageReturn = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * Output lines written a few hundred at a time: standard output to a pipe or a file is
 * synchronous, and one write per tip was one system call per tip. Flushed before every
 * message on standard error, so a bad line's report still follows the lines before it.
 */
class BatchedOutput {
  private lines: string[] = [];

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= 256) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    process.stdout.write(this.lines.join('\n') + '\n');
    this.lines = [];
  }
}

if (import.meta.main) await main();
