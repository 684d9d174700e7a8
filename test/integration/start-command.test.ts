import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually, postJson, waitLimitMs } from '../support/helpers.ts';

// `npm start` as a person runs it: a child process, its printed URLs, Ctrl-C, and --data-dir.

const dataDir = mkdtempSync(join(tmpdir(), 'tinbao-start-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly dynamoDbUrl: string;
  readonly output: () => string;
}

async function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['infra/local/start.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const urls = await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    const apiUrl = /API:\s+(http:\/\/\S+)/.exec(output)?.[1];
    const dynamoDbUrl = /DynamoDB Local:\s+(http:\/\/\S+)/.exec(output)?.[1];
    return apiUrl && dynamoDbUrl ? { apiUrl, dynamoDbUrl } : undefined;
  }, 60_000, 'the start command to print its URLs');
  return { child, ...urls, output: () => output };
}

async function interrupt(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGINT');
  return exited;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'POST', signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('prints its URLs, serves the pipeline, keeps data with --data-dir, and stops every child on Ctrl-C', async () => {
    const first = await start(['--port', '0', '--data-dir', dataDir]);
    assert.match(first.output(), /Citizen form \(vi\):\s+http:\/\/127\.0\.0\.1:\d+\//);
    const accepted = await postJson(`${first.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', district: '770' });
    assert.equal(accepted.status, 202);
    const credentials = { code: accepted.json.trackingCode, secret: accepted.json.secret };
    await eventually(async () => ((await postJson(`${first.apiUrl}/tips/status`, credentials)).json.status === 'NEW' ? true : undefined), waitLimitMs, 'classification');

    assert.equal(await interrupt(first), 0, 'a clean exit');
    assert.equal(await answers(first.dynamoDbUrl), false, 'DynamoDB Local stopped with it');
    assert.equal(await answers(first.apiUrl), false, 'the API stopped');

    const second = await start(['--port', '0', '--data-dir', dataDir]);
    try {
      const status = await postJson(`${second.apiUrl}/tips/status`, credentials);
      assert.equal(status.status, 200);
      assert.deepEqual(status.json.unit, { code: '770', name: 'Quận 3' }, 'the tip survived the restart');
    } finally {
      await interrupt(second);
    }
  });

  it('refuses a bad --port with a usage message', async () => {
    const child = spawn(process.execPath, ['infra/local/start.ts', '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--port must be a whole number/);
  });
});
