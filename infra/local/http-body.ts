import type { IncomingMessage } from 'node:http';

/** Reads a request body, giving up once it passes `limitBytes` so a huge upload cannot fill memory. */
export async function readBodyUpTo(request: IncomingMessage, limitBytes: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
