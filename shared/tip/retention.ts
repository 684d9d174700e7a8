/**
 * How long tinbao keeps what a citizen sent. Every item written for a tip (the tip, its events,
 * its tracking code, the tipster's messages, the sender's record, the register counter) expires
 * through the table's TTL: nothing is kept forever by forgetting to set it.
 */

const dayMs = 24 * 60 * 60 * 1000;

/** When something kept `retentionDays` from this instant expires. */
export function retainedUntil(from: Date | string, retentionDays: number): Date {
  return new Date(new Date(from).getTime() + retentionDays * dayMs);
}

/**
 * Days an evidence file is kept after its upload, by the bucket's lifecycle rule. A tip is kept
 * `retentionDays` after its last change, and S3 can only count from the upload, so the rule adds
 * the longest a tip may stay open for verification (20 days and two extensions of two months,
 * Criminal Procedure Code Art. 147): a file is not gone while its tip is still being worked.
 */
export function evidenceRetentionDays(retentionDays: number): number {
  const longestVerificationDays = 20 + 2 * 62;
  return retentionDays + longestVerificationDays;
}
