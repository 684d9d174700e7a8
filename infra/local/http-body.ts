import type { IncomingMessage } from 'node:http';

/** How much of an oversized body is read and dropped before the connection is cut. */
const drainLimitBytes = 16 * 1024 * 1024;

/**
 * Reads a request body, keeping at most `limitBytes` so a huge upload cannot fill memory. An
 * oversized body is read to its end and dropped (up to 16 MiB), so the client gets the 413
 * rather than a reset connection halfway through its upload, as API Gateway answers.
 */
export async function readBodyUpTo(request: IncomingMessage, limitBytes: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > drainLimitBytes) return 'too-large';
    if (size <= limitBytes) chunks.push(chunk as Buffer);
  }
  return size > limitBytes ? 'too-large' : Buffer.concat(chunks);
}
