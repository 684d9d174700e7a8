/**
 * `npm run classify`: one JSON line per tip on standard output, a clear error with the line
 * number for a bad line (and the run goes on), gold labels in the input ignored.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';

const tool = fileURLToPath(new URL('../../tools/classify.ts', import.meta.url));

function run(lines: string[]): { stdout: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'tinbao-classify-'));
  try {
    const file = join(dir, 'tips.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const result = spawnSync(process.execPath, [tool, file], { encoding: 'utf8' });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('classify CLI', () => {
  it('prints one line per tip with the contract fields', () => {
    const { stdout, stderr, status } = run([
      JSON.stringify({ id: 'a', channel: 'sms', text: 'Vừa bị giật túi ở chợ An Đông', lat: null, lon: null }),
      JSON.stringify({ id: 'b', channel: 'web', text: 'Đang có đánh nhau trước quán bar', lat: 10.7674, lon: 106.6935, extra: 1 }),
    ]);
    assert.equal(status, 0, stderr);
    const out = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(out.length, 2);
    assert.deepEqual(Object.keys(out[0] ?? {}), ['id', 'district', 'category', 'urgency', 'confidence', 'method', 'evidence']);
    assert.equal(out[0]?.['district'], '774');
    assert.equal(out[0]?.['category'], 'robbery');
    assert.equal(out[0]?.['urgency'], 'high');
    assert.equal(out[0]?.['method'], 'text');
    assert.deepEqual(out[1]?.['evidence'], { kind: 'point', lat: 10.7674, lon: 106.6935 });
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
      stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id),
      ['a', 'd'],
    );
  });

  it('ignores gold labels and other fields in the input', () => {
    const { stdout } = run([JSON.stringify({ id: 'x', channel: 'sms', text: 'không rõ ở đâu', district: '760', category: 'fraud', urgency: 'high' })]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(out['district'], null);
    assert.equal(out['method'], 'none');
    assert.notEqual(out['category'], 'fraud');
  });
});
