import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { eventually, postJson, waitLimitMs } from '../support/helpers.ts';
import { alive, commandLine, descendants, isLoopback, listeningSocketsOf } from '../support/processes.ts';

// `npm start` as a person runs it: a child process, its printed URLs, Ctrl-C, --data-dir, an
// IDE's stop button (SIGTERM to npm), a hard kill, and emulators that only this machine reaches.

const dataDir = mkdtempSync(join(tmpdir(), 'tinbao-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Every process these tests started, so none outlives a failed test. */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.pid && alive(child.pid)) for (const pid of [child.pid, ...descendants(child.pid)]) process.kill(pid, 'SIGKILL');
});

interface Started {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  /** The local-only server: fake SMS phones, identity provider, stack info. */
  readonly localUrl: string;
  readonly dynamoDbUrl: string;
  readonly sqsUrl: string;
  /** The S3 gateway, where browsers post evidence files. */
  readonly s3Url: string;
  readonly output: () => string;
}

/** Runs the start command (`node infra/local/start.ts`, or `npm start` itself) until it prints its URLs. */
async function start(args: string[], how: 'node' | 'npm' = 'node'): Promise<Started> {
  const [command, commandArgs] = how === 'npm' ? ['npm', ['start', '--', ...args]] : [process.execPath, ['infra/local/start.ts', ...args]];
  const child = spawn(command, commandArgs as string[], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' } });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const urls = await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    const apiUrl = /API:\s+(http:\/\/\S+)/.exec(output)?.[1];
    const localUrl = /Local only:\s+(http:\/\/\S+)/.exec(output)?.[1];
    const dynamoDbUrl = /DynamoDB Local:\s+(http:\/\/\S+)/.exec(output)?.[1];
    const sqsUrl = /SQS \(fauxqs\):\s+(http:\/\/\S+)/.exec(output)?.[1];
    const s3Url = /Evidence uploads \(S3\):\s+(http:\/\/\S+)/.exec(output)?.[1];
    return apiUrl && localUrl && dynamoDbUrl && sqsUrl && s3Url ? { apiUrl, localUrl, dynamoDbUrl, sqsUrl, s3Url } : undefined;
  }, 90_000, 'the start command to print its URLs');
  return { child, ...urls, output: () => output };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function interrupt(started: Started): Promise<number | null> {
  const exit = exited(started.child);
  started.child.kill('SIGINT');
  return exit;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'POST', signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of these processes runs any more; fails naming those still running. */
async function allGone(pids: readonly number[], what: string): Promise<void> {
  await eventually(async () => (pids.every((pid) => !alive(pid)) ? true : undefined), 20_000, what).catch(() => {
    throw new Error(`${what}; still running: ${pids.filter(alive).map((pid) => `${pid} ${commandLine(pid)}`).join('; ')}`);
  });
}

const portOf = (url: string): number => Number(new URL(url).port);

describe('npm start', () => {
  it('prints its URLs, serves the pipeline, keeps data with --data-dir, and stops every child on Ctrl-C', async () => {
    const first = await start(['--port', '0', '--data-dir', dataDir]);
    assert.match(first.output(), /Citizen form \(vi\):\s+http:\/\/127\.0\.0\.1:\d+\//);
    // The fake phones are on the local-only address, never the API's.
    assert.match(first.output(), new RegExp(`Fake SMS phones:\\s+${first.localUrl}/_local/sms\\s`));
    assert.equal((await fetch(`${first.localUrl}/_local/sms`)).status, 200);
    assert.equal((await fetch(`${first.apiUrl}/_local/sms`)).status, 404);
    const accepted = await postJson(`${first.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' });
    assert.equal(accepted.status, 202);
    const credentials = { code: accepted.json.trackingCode, secret: accepted.json.secret };
    await eventually(async () => ((await postJson(`${first.apiUrl}/tips/status`, credentials)).json.status === 'NEW' ? true : undefined), waitLimitMs, 'classification');

    const children = descendants(first.child.pid as number);
    assert.equal(await interrupt(first), 0, 'a clean exit');
    await allGone(children, 'every child stops with it');
    assert.equal(await answers(first.dynamoDbUrl), false, 'DynamoDB Local stopped with it');
    assert.equal(await answers(first.apiUrl), false, 'the API stopped');

    const second = await start(['--port', '0', '--data-dir', dataDir]);
    try {
      const status = await postJson(`${second.apiUrl}/tips/status`, credentials);
      assert.equal(status.status, 200);
      assert.deepEqual(status.json.unit, { code: '27154', name: 'Phường Bàn Cờ' }, 'the tip survived the restart');
    } finally {
      await interrupt(second);
    }
  });

  it('listens on 127.0.0.1 only, and leaves nothing behind when npm gets SIGTERM', async () => {
    const running = await start(['--port', '0'], 'npm');
    const npm = running.child.pid as number;
    const stack = descendants(npm);
    assert.ok(stack.some((pid) => commandLine(pid).includes('java')), 'DynamoDB Local runs under npm start');

    // The API, the local-only server, DynamoDB Local and fauxqs, and anything else the stack listens on.
    const sockets = listeningSocketsOf(stack);
    assert.notEqual(portOf(running.localUrl), portOf(running.apiUrl));
    assert.equal(new Set([running.apiUrl, running.localUrl, running.s3Url].map(portOf)).size, 3, 'the S3 gateway has a port of its own');
    for (const url of [running.apiUrl, running.localUrl, running.dynamoDbUrl, running.sqsUrl, running.s3Url]) {
      assert.ok(sockets.some((socket) => socket.port === portOf(url)), `something of the stack listens on ${url}`);
    }
    assert.deepEqual(
      sockets.filter((socket) => !isLoopback(socket.address)),
      [],
      'no socket of the stack is reachable from another machine',
    );

    // An IDE's stop button: SIGTERM to npm itself, not to its children.
    process.kill(npm, 'SIGTERM');
    await allGone([npm, ...stack], 'no process of the stack is left after SIGTERM to npm');
    assert.equal(await answers(running.dynamoDbUrl), false);
  });

  it('takes DynamoDB Local with it when it is killed hard', async () => {
    const running = await start(['--port', '0']);
    const children = descendants(running.child.pid as number);
    assert.ok(children.some((pid) => commandLine(pid).includes('java')));
    running.child.kill('SIGKILL');
    await allGone(children, 'the JVM ends when its parent is killed with SIGKILL');
  });

  it('stops on SIGHUP, as when its terminal closes', async () => {
    const running = await start(['--port', '0']);
    const children = descendants(running.child.pid as number);
    const exit = exited(running.child);
    running.child.kill('SIGHUP');
    assert.equal(await exit, 0);
    await allGone(children, 'every child stops on SIGHUP');
  });

  for (const [args, refusal] of [
    [['--port', 'eighty'], /--port must be a whole number/],
    [['--port', '3000', '--local-port', '3000'], /--local-port must be a whole number from 0 to 65535 other than --port/],
    [['--port', '3000', '--s3-port', '3001'], /--s3-port must be a whole number from 0 to 65535 other than --port and --local-port/],
  ] as const) {
    it(`refuses ${args.join(' ')} with a usage message`, async () => {
      const child = spawn(process.execPath, ['infra/local/start.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 2);
      assert.match(stderr, refusal);
      assert.match(stderr, /--local-port PORT/);
    });
  }

  // npm start, and npm test (whose first step is tools/preflight.ts), on a PATH with this Node.js but no java.
  for (const [what, script] of [
    ['npm start', ['infra/local/start.ts', '--port', '0']],
    ['npm test', ['tools/preflight.ts']],
  ] as const) {
    it(`${what} stops at once with one line saying what to install when Java is missing`, async () => {
      const child = spawn(process.execPath, script, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: join(process.execPath, '..') } });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await exited(child);
      assert.equal(code, 1);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0] ?? '', /^DynamoDB Local needs Java 17 or later: install it .*openjdk-17-jre-headless/);
    });
  }
});
