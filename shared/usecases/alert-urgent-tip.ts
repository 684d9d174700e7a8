/**
 * Alerts officers of a tip that became urgent. Runs on every change of a stored tip (the table's
 * stream), which may come more than once: the ledger makes it once per tip and urgency.
 */
import { alertFor, alertMessage, alertsOn } from '../alerts/alert.ts';
import type { AlertLedger, AlertPublisher } from '../alerts/ports.ts';
import type { Clock } from '../ports.ts';
import type { Tip } from '../tip/tip.ts';

/** What alertUrgentTip needs. */
export interface AlertDependencies {
  readonly ledger: AlertLedger;
  readonly publisher: AlertPublisher;
  readonly clock: Clock;
  /** The console's address, for the link in the alert. */
  readonly consoleUrl: string;
}

/** What became of the change: no alert due, sent now, or sent before. */
export type AlertOutcome = 'none' | 'sent' | 'already_sent';

/** Sends the alert the change calls for, once. */
export async function alertUrgentTip(change: { readonly before?: Tip | undefined; readonly after: Tip }, deps: AlertDependencies): Promise<AlertOutcome> {
  if (!alertsOn(change.before, change.after)) return 'none';
  const now = deps.clock.now();
  const alert = alertFor(change.after, now);
  const claim = await deps.ledger.begin(alert, now);
  if (claim === 'sent') return 'already_sent';
  let messageId: string;
  try {
    messageId = await deps.publisher.publish(alertMessage(alert, deps.consoleUrl));
  } catch (error) {
    await deps.ledger.abandon(alert);
    throw error;
  }
  await deps.ledger.finish(alert, messageId);
  return 'sent';
}
