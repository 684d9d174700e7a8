import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MediaFetch, MediaFetcher } from '../../shared/attachments/media.ts';

/** The key a media fetch travels under on the scan queue, beside the bucket's notifications. */
export const mediaFetchMessageKey = 'tinbaoMediaFetch';

/**
 * Puts MMS media fetches on the scan queue, so the webhook answers the provider at once and the
 * scan downloads the files with its own time and retries (and the DLQ) behind it. The bodies are
 * ASCII JSON (URLs and ids only).
 */
export function createSqsMediaFetcher(client: SQSClient, queueUrl: string): MediaFetcher {
  return {
    async request(fetches: readonly MediaFetch[]) {
      for (let start = 0; start < fetches.length; start += 10) {
        const batch = fetches.slice(start, start + 10);
        const answer = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((fetch, index) => ({ Id: String(index), MessageBody: JSON.stringify({ [mediaFetchMessageKey]: fetch }) })),
          }),
        );
        if (answer.Failed?.length) throw new Error(`${answer.Failed.length} media fetches were not queued`);
      }
    },
  };
}
