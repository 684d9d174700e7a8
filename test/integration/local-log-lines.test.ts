import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { captureLogLines, eventually, postJson, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

// In Lambda each function has a logger of its own; the local stack runs every handler in one
// process, on one module graph, so invocations of different functions overlap in one logger.
// Each line must still name the function, and the invocation, that wrote it.

let stack: LocalStack;
const logs = captureLogLines();

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'INFO' });
});

afterAll(async () => {
  await stack?.stop();
  logs.restore();
});

interface LogLine {
  readonly message: string;
  readonly function_name?: string;
  readonly function_request_id?: string;
}

/** The lines that only one function writes, and that function. */
const writtenBy: Readonly<Record<string, string>> = {
  'tip accepted': 'tinbao-local-intake',
  'tip classified': 'tinbao-local-classifier',
};

describe('log lines of the local stack', () => {
  it('name the function that wrote them while intake, classifier and status run at the same time', async () => {
    // Several tips at once, and their tipsters checking the status page until each is routed:
    // status invocations start while the classifier is still working on the batch.
    const texts = ['Có người bán ma túy trong hẻm 45 Lê Văn Sỹ', 'Trộm xe máy trước nhà số 12 Trần Hưng Đạo', 'Nhóm thanh niên đánh bạc ở hẻm 7 Nguyễn Trãi'];
    const accepted = await Promise.all(
      Array.from({ length: 9 }, (_, index) => postJson(`${stack.apiUrl}/tips`, { text: `${texts[index % texts.length]} (${index})`, unit: '27154' })),
    );
    assert.deepEqual(accepted.map((answer) => answer.status), accepted.map(() => 202));
    await Promise.all(
      accepted.map((answer) =>
        eventually(
          async () => {
            const status = await postJson(`${stack.apiUrl}/tips/status`, { code: answer.json.trackingCode, secret: answer.json.secret });
            return status.json.status === 'NEW' ? true : undefined;
          },
          waitLimitMs,
          'each tip routed',
        ),
      ),
    );

    // The classifier logs a tip once the register has numbered it, a moment after the status page shows it.
    const classifiedLines = () => logs.lines.filter((line) => line.includes('"tip classified"')).length;
    await eventually(async () => (classifiedLines() >= accepted.length ? true : undefined), waitLimitMs, 'each tip logged as classified');
    const lines = logs.lines.map((line) => JSON.parse(line) as LogLine);
    for (const [message, functionName] of Object.entries(writtenBy)) {
      const written = lines.filter((line) => line.message === message);
      assert.equal(written.length, accepted.length, `one "${message}" line per tip`);
      assert.deepEqual(
        written.filter((line) => line.function_name !== functionName).map((line) => line.function_name),
        [],
        `every "${message}" line names ${functionName}`,
      );
    }
    // Status checks of tips not yet stored are refused (404) and say so in the log, as status.
    const refused = lines.filter((line) => line.message === 'request refused');
    assert.deepEqual([...new Set(refused.map((line) => line.function_name))].filter((name) => name !== 'tinbao-local-status'), []);

    // Every line of one invocation names one function, and no invocation's id is another's.
    const functionOfInvocation = new Map<string, Set<string | undefined>>();
    for (const line of lines) {
      assert.ok(line.function_request_id, `"${line.message}" names its invocation`);
      const names = functionOfInvocation.get(line.function_request_id) ?? new Set();
      names.add(line.function_name);
      functionOfInvocation.set(line.function_request_id, names);
    }
    const mixed = [...functionOfInvocation].filter(([, names]) => names.size > 1).map(([id, names]) => `${id}: ${[...names].join(', ')}`);
    assert.deepEqual(mixed, [], 'no invocation logs under two function names');
  });
});
