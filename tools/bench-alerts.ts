/**
 * Urgent alerts (issue 13): from POST /tips of a high-urgency tip until its alert is delivered
 * by the alert topic to the fake notifier (SNS on fauxqs, then the notifier's inbox queue), on a
 * fresh local stack. The path is intake → intake queue → classifier → table → stream → tipStream
 * → SNS → subscriber, as in the cloud; locally the stream is polled four times a second, as
 * Lambda polls a shard, and the subscriber's inbox is long-polled. Tips go one at a time, and
 * then a few at once (the queue's other tips in flight).
 */
import { startLocalStack } from '../infra/local/stack.ts';
import { jurisdiction } from '../shared/jurisdictions/index.ts';
import { numberFlags, percentile, pool, report, sleep, spread, type ResultRow } from './bench-support.ts';

const texts = [
  'Khẩn cấp! Cướp giật vừa xảy ra, nạn nhân bị đâm bằng dao, đang chảy máu',
  'KHAN CAP: vua co vu dam nguoi o cho, nguoi bi thuong nang, can nguoi den ngay',
  'Có kẻ đang cầm dao đâm người ở quán nhậu, cần người đến ngay',
];

/** Runs the alerts section: `--tips N` (default 60) one at a time, then `--concurrent C` (default 4) at once. */
export async function runAlertsBenchmark(args: readonly string[] = []): Promise<void> {
  const { tips, concurrent } = numberFlags(args, { tips: 60, concurrent: 4 });
  const stack = await startLocalStack({ port: 0, logLevel: 'SILENT' });
  const units = jurisdiction(stack.pack).unitCodes;
  try {
    const sendAndWait = async (index: number): Promise<number> => {
      const start = performance.now();
      const response = await fetch(`${stack.apiUrl}/tips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `${texts[index % texts.length]} (${index})`, unit: units[index % units.length], language: 'vi' }),
      });
      const { trackingCode } = (await response.json()) as { trackingCode: string };
      for (;;) {
        if (stack.notifier.delivered().some((alert) => alert.subject.includes(trackingCode))) return performance.now() - start;
        await sleep(5);
      }
    };
    // Warm-up: the first alerts pay for the functions' cold starts.
    for (let index = 0; index < 5; index += 1) await sendAndWait(index);
    const alone: number[] = [];
    for (let index = 0; index < tips; index += 1) alone.push(await sendAndWait(100 + index));
    const together: number[] = [];
    await pool(tips, concurrent, async (index) => {
      together.push(await sendAndWait(1000 + index));
    });
    const rows: ResultRow[] = [];
    for (const [label, times] of [
      [`one at a time (${tips} tips)`, alone],
      [`${concurrent} at once (${tips} tips)`, together],
    ] as const) {
      const sorted = [...times].sort((a, b) => a - b);
      rows.push({ path: 'intake to alert', measure: `${label}, p50`, unit: 'ms', value: spread([percentile(sorted, 50)]) });
      rows.push({ path: 'intake to alert', measure: `${label}, p95`, unit: 'ms', value: spread([percentile(sorted, 95)]) });
      rows.push({ path: 'intake to alert', measure: `${label}, max`, unit: 'ms', value: spread([sorted.at(-1) ?? Number.NaN]) });
    }
    report(rows);
  } finally {
    await stack.stop();
  }
}
