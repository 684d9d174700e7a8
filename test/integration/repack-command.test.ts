/**
 * `npm run repack` against DynamoDB Local: tips stored by the old map's classifier, open and
 * closed, moved by the command as a person runs it, twice.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo-tip-items.ts';
import { createDynamoTipRepository } from '../../functions/adapters/dynamo-tip-store.ts';
import { localCredentials, localRegion } from '../../infra/local/ports.ts';
import { ensureTipTable } from '../../infra/local/resources.ts';
import { createClassifier } from '../../shared/classification/engine.ts';
import type { TipEnvelope } from '../../shared/tip/envelope.ts';
import { classifyTip } from '../../shared/usecases/classify-tip.ts';
import { fixedClock } from '../support/fakes.ts';
import { sharedEmulators, startTestStack, uniquePrefix } from '../support/stack.ts';

const table = `${uniquePrefix('repack')}-tips`;
let client: DynamoDBClient;
let repository: ReturnType<typeof createDynamoTipRepository>;

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: sharedEmulators().dynamoDbEndpoint, region: localRegion, credentials: localCredentials });
  await ensureTipTable(client, table);
  repository = createDynamoTipRepository(createDocumentClient(client), table, 1825);
});

afterAll(() => client?.destroy());

let sequence = 0;
/** Stores a tip the way the classifier of the old map did. */
async function oldTip(text: string, tips = repository): Promise<string> {
  sequence += 1;
  const envelope: TipEnvelope = {
    v: 2,
    tipId: `01JREPACKCLI${String(sequence).padStart(14, '0')}`,
    trackingCode: `TB-0000-${String(sequence).padStart(4, '0')}`,
    receivedAt: '2025-05-10T03:00:00.000Z',
    channel: 'sms',
    submission: { text, language: 'vi' },
  };
  const { tip } = await classifyTip(envelope, { classifier: createClassifier({ pack: 'hcmc-2021' }), tips, clock: fixedClock('2025-05-10T03:00:01.000Z'), retentionDays: 1825 });
  return tip.id;
}

function repack(): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['tools/repack.ts', '--from', 'hcmc-2021', '--to', 'hcmc-2025', '--table', table, '--endpoint', sharedEmulators().dynamoDbEndpoint], {
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command without blocking this process's event loop. */
function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run repack', () => {
  it('moves the open tips of the old map once, keeps the closed ones, and changes nothing the second time', async () => {
    const ward = await oldTip('Có người bán ma túy trong hẻm ở phường 5, quận 3');
    const vague = await oldTip('Ở quận 3 có người bán ma túy, tối nào cũng có');
    const closed = await oldTip('Có trộm ở phường 5, quận 3');
    const stored = await repository.get(closed);
    assert.ok(stored);
    await repository.update({
      before: stored,
      after: { ...stored, status: 'RESOLVED', version: stored.version + 1 },
      event: { id: 'close', tipId: closed, type: 'STATUS_CHANGED', actor: 'an.nguyen', at: '2025-05-11T00:00:00.000Z', public: false },
    });
    const registerBefore = (await repository.get(ward))?.registerNumber;
    assert.match(String(registerBefore), /^770\/2025\/\d{6}$/);

    const first = repack();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /hcmc-2021 → hcmc-2025: 2 open tips, 1 moved to a unit, 1 to the city desk with candidates/);

    const moved = await repository.get(ward);
    assert.deepEqual([moved?.pack, moved?.unit, moved?.queue, moved?.registerNumber], ['hcmc-2025', '27154', '27154', registerBefore]);
    const page = await repository.queue({ pack: 'hcmc-2025', queue: '27154', status: 'NEW', limit: 10 });
    assert.ok(page.tips.some((tip) => tip.id === ward), "the tip is in its new unit's queue");
    const desk = await repository.get(vague);
    assert.deepEqual([desk?.pack, desk?.unit, desk?.queue], ['hcmc-2025', null, 'CITY']);
    assert.deepEqual(desk?.routing.candidates.map((c) => c.unit).sort(), ['27139', '27142', '27154']);
    assert.equal((await repository.get(closed))?.pack, 'hcmc-2021', 'a closed tip keeps its map');
    const events = await repository.events(ward);
    assert.equal(events.filter((event) => event.type === 'REPACKED').length, 1);

    const second = repack();
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /0 open tips/);
    assert.equal((await repository.events(ward)).filter((event) => event.type === 'REPACKED').length, 1);
  });

  it("moves the tips of a running npm start, found by its address, into the queue an officer of the new map reads", async () => {
    const stack = await startTestStack({ pack: 'hcmc-2025' });
    try {
      const tips = createDynamoTipRepository(createDocumentClient(stack.dynamoDb), stack.tableName, 1825);
      const id = await oldTip('Trộm xe máy trước nhà ở phường 5, quận 3', tips);
      // Not spawnSync: the stack answering the command runs in this process.
      const result = await run(['tools/repack.ts', '--from', 'hcmc-2021', '--to', 'hcmc-2025', '--url', stack.localUrl], {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        TABLE_NAME: '',
        AWS_ENDPOINT_URL_DYNAMODB: '',
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /1 open tips, 1 moved to a unit/);
      const token = await stack.identityProvider.issueToken('officer-27154');
      const response = await fetch(`${stack.apiUrl}/queue?queue=27154&status=NEW`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      const page = (await response.json()) as { items: { id: string }[] };
      assert.ok(page.items.some((item) => item.id === id), "the moved tip is in Phường Bàn Cờ's queue");
    } finally {
      await stack.stop();
    }
  });

  it('says how to start the local stack when none is running and no table is given', () => {
    const result = spawnSync(process.execPath, ['tools/repack.ts', '--from', 'hcmc-2021', '--to', 'hcmc-2025', '--url', 'http://127.0.0.1:9'], {
      encoding: 'utf8',
      env: { ...process.env, TABLE_NAME: '' },
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Could not reach the local stack at http:\/\/127\.0\.0\.1:9.*npm start.*--table/s);
  });

  it('refuses a run without its packs or table, saying what is missing', () => {
    const result = spawnSync(process.execPath, ['tools/repack.ts', '--from', 'hcmc-2021'], { encoding: 'utf8', env: { ...process.env, TABLE_NAME: '' } });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--from and --to are required/);
  });
});
