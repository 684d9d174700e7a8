/**
 * The console's feed of urgent alerts: what the alert topic sent in the officer's queues (every
 * queue for the city desk), newest first, so the console can show each one as it arrives.
 */
import * as z from 'zod';
import { alertFeedMs, alertHolder, type UrgentAlert } from '../../alerts/alert.ts';
import type { AlertLedger } from '../../alerts/ports.ts';
import type { Jurisdiction } from '../../jurisdictions/index.ts';
import type { Officer } from '../../officers/model.ts';
import type { Clock } from '../../ports.ts';
import { parseOrThrow } from '../../tip/submission.ts';
import { canSeeQueue } from './access.ts';

/** Alerts answered at most per look: more than a banner shows. */
export const alertFeedLimit = 50;

const feedSchema = z.object({
  since: z.iso.datetime({ offset: true, error: 'notDateTime' }).optional(),
});

/** One alert of the feed, with the unit's names for the banner. */
export interface AlertView extends UrgentAlert {
  readonly unitName: string;
  readonly unitNameEn: string;
}

/** The alerts the officer may see sent after `since` (at most the feed's hours back). */
export async function listAlerts(
  officer: Officer,
  input: unknown,
  deps: { readonly alerts: Pick<AlertLedger, 'recent'>; readonly clock: Clock; readonly jurisdiction: Pick<Jurisdiction, 'id'> },
): Promise<{ readonly alerts: readonly AlertView[]; readonly now: string }> {
  const { since } = parseOrThrow(feedSchema, input ?? {});
  const now = deps.clock.now();
  const earliest = new Date(now.getTime() - alertFeedMs);
  const from = since === undefined || new Date(since) < earliest ? earliest : new Date(since);
  const alerts = await deps.alerts.recent(deps.jurisdiction.id, from, alertFeedLimit);
  return {
    alerts: alerts
      .filter((alert) => canSeeQueue(officer, alert.queue))
      .map((alert) => {
        const holder = alertHolder(alert);
        return { ...alert, unitName: holder.name, unitNameEn: holder.nameEn };
      }),
    now: now.toISOString(),
  };
}
