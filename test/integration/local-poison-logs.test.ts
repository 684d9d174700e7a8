import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { formatWithOptions } from 'node:util';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { maxReceiveCount } from '../../infra/definitions.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { captureLogLines, eventually, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

// A poison message on the intake queue fails on every receive until the redrive policy parks it
// in the DLQ. Node's JSON.parse error quotes the start of the body, which is a tip's text: none
// of it may reach a log, whether a function's or the local event source's.

/**
 * Every byte written to stdout and stderr (the JSON lines on stdout are then swallowed, as in
 * every test), and everything given to `console`, which the test runner takes over.
 */
const logs = captureLogLines();
const written: string[] = [];
const originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
for (const name of ['stdout', 'stderr'] as const) {
  process[name].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (originals[name] as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
}
// Watched, not used: what the code under test gives to console is recorded, then passed on.
const watchedConsole = globalThis.console;
const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const originalConsole = Object.fromEntries(consoleMethods.map((name) => [name, watchedConsole[name]]));
for (const name of consoleMethods) {
  watchedConsole[name] = (...args: unknown[]) => {
    written.push(`${formatWithOptions({ colors: false }, ...args)}\n`);
    (originalConsole[name] as (...args: unknown[]) => void)(...args);
  };
}

let stack: LocalStack;

beforeAll(async () => {
  // Failed records come back at once, so the message reaches the DLQ in moments, not minutes.
  stack = await startTestStack({ logLevel: 'DEBUG', retryDelaySeconds: 0 });
});

afterAll(async () => {
  await stack?.stop();
  process.stdout.write = originals.stdout;
  process.stderr.write = originals.stderr;
  Object.assign(watchedConsole, originalConsole);
  logs.restore();
});

interface FailureLine {
  readonly message: string;
  readonly function_name: string;
  readonly errorName: string;
  readonly recordErrorNames?: string[];
  readonly messageIds: string[];
  readonly received: number;
  readonly failed: number;
}

describe('a poison message on the intake queue', () => {
  it('reaches the DLQ after maxReceiveCount receives, and no log line holds any of its text', async () => {
    // Ten characters: exactly what Node's JSON error quotes of a longer body.
    const marker = `ZQ${randomBytes(4).toString('hex').toUpperCase()}`;
    const body = `${marker} có người bán ma túy trong hẻm 45`;
    const { MessageId: messageId } = await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.intakeQueueUrl, MessageBody: body }));
    assert.ok(messageId);

    const parked = await eventually(
      async () => {
        const { Messages = [] } = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        return Messages.find((message) => message.MessageId === messageId);
      },
      waitLimitMs * 3,
      'the poison message in the DLQ',
    );
    assert.equal(parked.Body, body, 'the DLQ keeps the message for a person to read');

    // Everything written, on both streams: Powertools and the event source write ERROR lines to stderr.
    const everything = written.join('');
    const jsonLines = everything.split('\n').filter((line) => line.startsWith('{"level"')).map((line) => JSON.parse(line) as FailureLine);

    // The classifier answers a batch whose every record failed with those failures instead of
    // throwing an error that carries each record's error: the event source had nothing to log.
    const thrown = jsonLines.filter((line) => line.messageIds?.includes(messageId));
    assert.deepEqual(thrown.map((line) => line.errorName), [], 'no whole-batch error for the runtime to log');
    const unreadable = jsonLines.filter((line) => line.message === 'unreadable tip message' && (line as { messageId?: string }).messageId === messageId);
    assert.equal(unreadable.length, maxReceiveCount, "the classifier's own line, once per receive");

    assert.ok(!everything.includes(marker), 'no line quotes the body');
    assert.ok(!everything.includes('hẻm 45'), 'nor any other part of it');
    assert.ok(!everything.includes('is not valid JSON'), "nor the parser's message");
  });
});
