/**
 * `npm run classify`: one JSON line per tip on standard output (unit, candidates, the other
 * generation), a chosen pack, a clear error with the line number for a bad line (and the run
 * goes on), gold labels in the input ignored.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';

const tool = fileURLToPath(new URL('../../tools/classify.ts', import.meta.url));

function run(lines: string[], args: readonly string[] = []): { stdout: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'tinbao-classify-'));
  try {
    const file = join(dir, 'tips.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const result = spawnSync(process.execPath, [tool, ...args, file], { encoding: 'utf8' });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const parse = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('classify CLI', () => {
  it('prints one line per tip with the contract fields, on the map in force by default', () => {
    const { stdout, stderr, status } = run([
      JSON.stringify({ id: 'a', channel: 'sms', text: 'Vừa bị giật túi ở chợ Bến Thành', lat: null, lon: null }),
      JSON.stringify({ id: 'b', channel: 'web', text: 'Đang có đánh nhau trước quán bar', lat: 10.7725, lon: 106.698, extra: 1 }),
      JSON.stringify({ id: 'c', channel: 'sms', text: 'phuong 16, quan 8 bi giat day chuyen' }),
    ]);
    assert.equal(status, 0, stderr);
    const out = parse(stdout);
    assert.equal(out.length, 3);
    assert.deepEqual(Object.keys(out[0] ?? {}), ['id', 'unit', 'candidates', 'otherGeneration', 'category', 'urgency', 'confidence', 'method', 'evidence']);
    assert.equal(out[0]?.['unit'], '26743');
    assert.deepEqual(out[0]?.['candidates'], []);
    assert.deepEqual(out[0]?.['otherGeneration'], { pack: 'hcmc-2021', units: ['760'] });
    assert.equal(out[0]?.['category'], 'robbery');
    assert.equal(out[0]?.['urgency'], 'high');
    assert.equal(out[0]?.['method'], 'text');
    assert.deepEqual(out[1]?.['evidence'], { kind: 'point', lat: 10.7725, lon: 106.698 });
    // An old ward split between three units: the city desk, with the three as candidates.
    assert.equal(out[2]?.['unit'], null);
    assert.equal((out[2]?.['candidates'] as string[]).length, 3);
    assert.deepEqual(out[2]?.['otherGeneration'], { pack: 'hcmc-2021', units: ['776'] });
  });

  it('routes to the old map with --pack hcmc-2021, and refuses an unknown pack', () => {
    const line = JSON.stringify({ id: 'a', channel: 'sms', text: 'Có trộm ở phường Bàn Cờ' });
    const old = parse(run([line], ['--pack', 'hcmc-2021']).stdout);
    assert.equal(old[0]?.['unit'], '770');
    assert.deepEqual(old[0]?.['otherGeneration'], { pack: 'hcmc-2025', units: ['27154'] });
    const refused = run([line], ['--pack', 'hcmc-1999']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--pack must be one of hcmc-2025, hcmc-2021/);
  });

  it('reports a bad line with its number and goes on', () => {
    const { stdout, stderr, status } = run([
      JSON.stringify({ id: 'a', channel: 'sms', text: 'Quận 5 có trộm' }),
      '{not json',
      JSON.stringify({ id: 'c', channel: 'sms' }),
      JSON.stringify({ id: 'd', channel: 'sms', text: 'Quận 3 có trộm' }),
    ]);
    assert.equal(status, 1);
    assert.match(stderr, /:2: not valid JSON/);
    assert.match(stderr, /:3: "text" must be a string/);
    assert.deepEqual(
      parse(stdout).map((l) => l['id']),
      ['a', 'd'],
    );
  });

  it('ignores gold labels and other fields in the input', () => {
    const { stdout } = run([JSON.stringify({ id: 'x', channel: 'sms', text: 'không rõ ở đâu', unit: '26743', district: '760', category: 'fraud', urgency: 'high' })]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(out['unit'], null);
    assert.deepEqual(out['candidates'], []);
    assert.equal(out['method'], 'none');
    assert.notEqual(out['category'], 'fraud');
  });
});
