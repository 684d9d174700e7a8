/**
 * How long a web tip takes on the local stack: the intake request itself, and from the 202 until
 * the status endpoint names its unit (queue, classifier, DynamoDB). Issue 2 asks for under 2 s.
 */
import { startLocalStack } from '../infra/local/stack.ts';

const tips = 60;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
}

/** Runs the pipeline section. */
export async function runPipelineBenchmark(): Promise<void> {
  const stack = await startLocalStack({ port: 0, logLevel: 'SILENT' });
  try {
    const intake: number[] = [];
    const classified: number[] = [];
    for (let index = 0; index < tips; index += 1) {
      const start = performance.now();
      const accepted = await post(`${stack.apiUrl}/tips`, { text: `Có người bán ma túy trong hẻm ${index} Lê Văn Sỹ, quận 3` });
      const acceptedAt = performance.now();
      intake.push(acceptedAt - start);
      const credentials = { code: accepted.trackingCode, secret: accepted.secret };
      for (;;) {
        const status = await post(`${stack.apiUrl}/tips/status`, credentials);
        if (status.status === 'NEW') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      classified.push(performance.now() - acceptedAt);
    }
    // The first few include cold starts and the JIT; the figures are for a warm stack.
    const warm = (times: number[]) => times.slice(10).sort((a, b) => a - b);
    const row = (label: string, times: number[]) => `    ${label.padEnd(48)} p50 ${percentile(times, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(times, 95).toFixed(0).padStart(5)} ms`;
    console.log(`  ${tips - 10} web tips after 10 to warm up, one at a time:`);
    console.log(row('POST /tips (validate, reserve code, enqueue)', warm(intake)));
    console.log(row('202 → status names the unit (queue, classifier)', warm(classified)));
  } finally {
    await stack.stop();
  }
}
