/**
 * The status page over HTTP as a tipster and a guesser meet it: someone else's wrong guesses
 * never lock the tipster out, and a message is never stored under an answer that says it was not.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { failedGuessesPerCodePerHour } from '../../shared/usecases/officers/citizen.ts';
import { eventually, postJson, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'WARN' });
});

afterAll(async () => {
  await stack?.stop();
});

/** A web tip, once the status page names its unit. */
async function routedTip(): Promise<{ code: string; secret: string }> {
  const accepted = await postJson(`${stack.apiUrl}/tips`, { text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', unit: '27154' });
  assert.equal(accepted.status, 202);
  const proof = { code: String(accepted.json.trackingCode), secret: String(accepted.json.secret) };
  await eventually(async () => ((await postJson(`${stack.apiUrl}/tips/status`, proof)).json.status === 'NEW' ? true : undefined), waitLimitMs, 'the tip routed');
  return proof;
}

describe('the status page under guessing', () => {
  it('answers the right secret after thirty wrong guesses from elsewhere, and slows the guesser down with Retry-After', async () => {
    const proof = await routedTip();
    const guesses = [];
    for (let index = 0; index < 30; index += 1) {
      guesses.push((await postJson(`${stack.apiUrl}/tips/status`, { code: proof.code, secret: '0000-0000-0000-0000' }, { 'x-forwarded-for': '203.0.113.7' })).status);
    }
    assert.deepEqual(new Set(guesses.slice(0, failedGuessesPerCodePerHour)), new Set([404]));
    const slowed = await postJson(`${stack.apiUrl}/tips/status`, { code: proof.code, secret: '0000-0000-0000-0000' });
    assert.equal(slowed.status, 429);
    assert.equal(slowed.headers.get('retry-after'), '3600');

    const tipster = await postJson(`${stack.apiUrl}/tips/status`, proof, { 'x-forwarded-for': '203.0.113.7' });
    assert.equal(tipster.status, 200, 'the right secret works, even from the guessing address');
    assert.equal(tipster.json.status, 'NEW');
    const message = await postJson(`${stack.apiUrl}/tips/status/messages`, { ...proof, text: 'Vẫn còn bán tối nay' });
    assert.equal(message.status, 200);
  });
});

describe('a tipster message and its answer', () => {
  it('stores a message once and answers 200 with it, after the status page was opened many times', async () => {
    const proof = await routedTip();
    for (let index = 0; index < 31; index += 1) assert.equal((await postJson(`${stack.apiUrl}/tips/status`, proof)).status, 200);
    const answered = await postJson(`${stack.apiUrl}/tips/status/messages`, { ...proof, text: 'Người bán mặc áo xanh' });
    assert.equal(answered.status, 200);
    const messages = answered.json.messages as Array<{ from: string; text: string }>;
    assert.deepEqual(messages.map((m) => m.text), ['Người bán mặc áo xanh']);
    const again = await postJson(`${stack.apiUrl}/tips/status`, proof);
    assert.deepEqual((again.json.messages as Array<{ text: string }>).map((m) => m.text), ['Người bán mặc áo xanh'], 'stored exactly once');
  });

  it('refuses the eleventh message of the hour with 429 and stores nothing of it', async () => {
    const proof = await routedTip();
    for (let index = 1; index <= 10; index += 1) assert.equal((await postJson(`${stack.apiUrl}/tips/status/messages`, { ...proof, text: `Tin ${index}` })).status, 200);
    const refused = await postJson(`${stack.apiUrl}/tips/status/messages`, { ...proof, text: 'Tin 11' });
    assert.equal(refused.status, 429);
    const view = await postJson(`${stack.apiUrl}/tips/status`, proof);
    assert.equal((view.json.messages as unknown[]).length, 10);
    assert.ok(!(view.json.messages as Array<{ text: string }>).some((m) => m.text === 'Tin 11'));
  });
});
