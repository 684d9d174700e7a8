/**
 * The fake notifier: what the officers' phones and mailboxes would receive from the alert topic.
 * The topic delivers every alert to an inbox queue (as a real subscription would deliver it to a
 * phone, unfiltered here so every unit's alerts are seen); this reads the inbox and shows the
 * alerts at `/_local/alerts` on the local-only server (JSON with `Accept: application/json`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { escapeHtml } from '../../functions/http/pages.ts';

/** One alert as the topic delivered it. */
export interface DeliveredAlert {
  /** SNS's message id: a subscriber gets each at least once, the page shows each once. */
  readonly messageId: string;
  readonly at: string;
  readonly subject: string;
  readonly text: string;
  /** The message attributes subscriptions filter on (queue, pack, urgency, category). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface FakeNotifier {
  /** The alerts delivered so far, oldest first. */
  delivered(): readonly DeliveredAlert[];
  handle(request: IncomingMessage, response: ServerResponse, url: URL): boolean;
  stop(): Promise<void>;
}

/** Reads SNS's envelope of one delivered message; undefined for anything else. */
function fromEnvelope(body: string | undefined): DeliveredAlert | undefined {
  try {
    const envelope = JSON.parse(body ?? '') as {
      MessageId?: string;
      Timestamp?: string;
      Subject?: string;
      Message?: string;
      MessageAttributes?: Record<string, { Value?: string }>;
    };
    if (typeof envelope.MessageId !== 'string' || typeof envelope.Message !== 'string') return undefined;
    return {
      messageId: envelope.MessageId,
      at: envelope.Timestamp ?? new Date().toISOString(),
      subject: envelope.Subject ?? '',
      text: envelope.Message,
      attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, String(value.Value ?? '')])),
    };
  } catch {
    return undefined;
  }
}

function alertsPage(alerts: readonly DeliveredAlert[]): string {
  const items = [...alerts]
    .reverse()
    .map(
      (alert) =>
        `<li><strong>${escapeHtml(alert.subject)}</strong><pre>${escapeHtml(alert.text)}</pre><small>${escapeHtml(alert.at)} · ${escapeHtml(
          Object.entries(alert.attributes)
            .map(([name, value]) => `${name}=${value}`)
            .join(' '),
        )}</small></li>`,
    )
    .join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Cảnh báo khẩn (giả lập) · Urgent alerts (fake)</title><style>
body{font:16px/1.4 system-ui,sans-serif;margin:0;background:#eee}main{max-width:40rem;margin:0 auto;padding:1rem}
ul{list-style:none;padding:0}li{background:#fff;border-left:4px solid #b00020;border-radius:8px;padding:.5rem 1rem;margin:.5rem 0}
pre{white-space:pre-wrap;font:inherit;margin:.25rem 0}small{opacity:.7}
</style></head><body><main><h1>Cảnh báo khẩn · Urgent alerts</h1>
<p>Những gì điện thoại và hộp thư của cán bộ trực nhận được từ chủ đề cảnh báo (mới nhất trước). · What the on-duty officers' phones and mailboxes receive from the alert topic, newest first.</p>
${items ? `<ul>${items}</ul>` : '<p>Chưa có cảnh báo nào. · No alerts yet.</p>'}</main></body></html>`;
}

export function startFakeNotifier(options: { readonly sqs: SQSClient; readonly inboxQueueUrl: string }): FakeNotifier {
  const alerts: DeliveredAlert[] = [];
  const seen = new Set<string>();
  const abort = new AbortController();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: options.inboxQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          { abortSignal: AbortSignal.any([abort.signal, AbortSignal.timeout(6000)]) },
        );
        for (const message of Messages) {
          const alert = fromEnvelope(message.Body);
          if (alert && !seen.has(alert.messageId)) {
            seen.add(alert.messageId);
            alerts.push(alert);
          }
        }
        if (Messages.length > 0) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.inboxQueueUrl,
              Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
            }),
          );
        }
      } catch {
        // Paused unless stopping; stop() ends the pause at once.
        if (running) await delay(500, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  })();
  return {
    delivered: () => alerts,
    handle(request, response, url) {
      if (url.pathname !== '/_local/alerts' || request.method !== 'GET') return false;
      const json = (request.headers.accept ?? '').includes('application/json');
      response.writeHead(200, {
        'content-type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...(!json && { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }),
      });
      response.end(json ? JSON.stringify({ alerts }) : alertsPage(alerts));
      return true;
    },
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}
