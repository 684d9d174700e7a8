import type { UrgentAlert, AlertMessage } from './alert.ts';

/**
 * Which alerts went out, so that each tip alerts once per urgency however often its change is
 * delivered: `begin` claims the alert (false: it was sent, or another delivery is sending it right
 * now — `AlertInFlightError`), `finish` records it as sent and adds it to the console's feed,
 * `abandon` gives the claim back when publishing failed, so the retry sends it.
 */
export interface AlertLedger {
  begin(alert: UrgentAlert, now: Date): Promise<'claimed' | 'sent'>;
  finish(alert: UrgentAlert, messageId: string): Promise<void>;
  abandon(alert: UrgentAlert): Promise<void>;
  /** The feed: alerts of a pack sent after `since`, newest first. */
  recent(pack: string, since: Date, limit: number): Promise<UrgentAlert[]>;
}

/** Publishes an alert to the deployment's alert topic (SNS); resolves with the message id. */
export interface AlertPublisher {
  publish(message: AlertMessage): Promise<string>;
}

/** A delivery found the alert being sent by another one: it is retried, and then finds it sent. */
export class AlertInFlightError extends Error {
  constructor() {
    super('alert being sent by another delivery');
    this.name = 'AlertInFlightError';
  }
}
