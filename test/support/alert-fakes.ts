import type { AlertMessage, UrgentAlert } from '../../shared/alerts/alert.ts';
import { alertClaimStaleSeconds } from '../../shared/alerts/alert.ts';
import { AlertInFlightError, type AlertLedger, type AlertPublisher } from '../../shared/alerts/ports.ts';

/** The alert ledger in memory, with the DynamoDB adapter's rules: one claim per tip and urgency, a stale claim taken over. */
export function memoryAlertLedger(): AlertLedger & { claims: Map<string, { state: 'sending' | 'sent'; claimedAt: Date }>; feed: UrgentAlert[] } {
  const claims = new Map<string, { state: 'sending' | 'sent'; claimedAt: Date }>();
  const feed: UrgentAlert[] = [];
  const key = (alert: UrgentAlert) => `${alert.tipId}#${alert.urgency}`;
  return {
    claims,
    feed,
    async begin(alert, now) {
      const claim = claims.get(key(alert));
      if (claim?.state === 'sent') return 'sent';
      if (claim && now.getTime() - claim.claimedAt.getTime() < alertClaimStaleSeconds * 1000) throw new AlertInFlightError();
      claims.set(key(alert), { state: 'sending', claimedAt: now });
      return 'claimed';
    },
    async finish(alert) {
      const claim = claims.get(key(alert));
      claims.set(key(alert), { state: 'sent', claimedAt: claim?.claimedAt ?? new Date(alert.sentAt) });
      feed.push(alert);
    },
    async abandon(alert) {
      if (claims.get(key(alert))?.state === 'sending') claims.delete(key(alert));
    },
    async recent(pack, since, limit) {
      return feed
        .filter((alert) => alert.pack === pack && alert.sentAt > since.toISOString())
        .sort((a, b) => b.sentAt.localeCompare(a.sentAt))
        .slice(0, limit);
    },
  };
}

/** A publisher that records what it published, or fails as told. */
export function recordingPublisher(options: { fail?: Error } = {}): AlertPublisher & { published: AlertMessage[] } {
  const published: AlertMessage[] = [];
  return {
    published,
    async publish(message) {
      if (options.fail) throw options.fail;
      published.push(message);
      return `message-${published.length}`;
    },
  };
}
