/**
 * Vitest setup file of the projects that run local stacks (issue 11, privacy): captures every log
 * line the test file's worker writes, and after the file fails it if any line holds a tip's text,
 * a phone number or a secret that the file's local stacks saw, or anything shaped like one. See
 * log-capture.ts (what is captured, what is shown) and log-leaks.ts (how values are matched).
 *
 * Its afterAll is registered before the file's own hooks, so it runs after them: after the
 * file's stacks have stopped and written their last line. TINBAO_LOG_PRIVACY_STATS=1 prints
 * what each file's check covered (counts only).
 */
import { afterAll } from 'vitest';
import { installLogCapture } from './log-capture.ts';
import { describeLeak, findLeaks } from './log-leaks.ts';

/** Leaks listed in a failure; the count says how many more. */
const listed = 20;

const capture = installLogCapture();

afterAll(({}, file) => {
  capture.flush();
  const started = performance.now();
  const leaks = findLeaks(capture.lines, capture.sensitive);
  const tookMs = Math.round(performance.now() - started);
  if (process.env.TINBAO_LOG_PRIVACY_STATS) {
    // Counts only, to see that a file's check is not empty; written after the check, so never checked.
    const { values, phones, shortened } = capture.sensitive;
    process.stderr.write(`log privacy of ${file.name}: ${capture.lines.length} lines, ${values.size} texts and secrets (${shortened} shortened), ${phones.size} phone numbers, ${leaks.length} leaks, searched in ${tookMs} ms\n`);
  }
  if (leaks.length === 0) return;
  const more = leaks.length > listed ? `\n… and ${leaks.length - listed} more` : '';
  throw new Error(`${leaks.length} log line(s) of this file hold sensitive values:\n${leaks.slice(0, listed).map(describeLeak).join('\n')}${more}`);
});
