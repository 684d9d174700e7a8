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
