import type { SmsSenderStore } from '../../shared/ports.ts';
import { smsReplies } from '../../shared/sms/replies.ts';
import type { SmsProvider } from '../../shared/tip/envelope.ts';
import type { TipsterNotifier } from '../../shared/usecases/officers/tips.ts';
import type { SmsOutbox } from './sms-outbox.ts';

/**
 * Tells SMS tipsters about officers' replies: the reply path is the only place that opens a
 * sealed number, and only to hand it to the provider. Web tipsters read replies on the status
 * page, and a sender who sent HUY gets nothing by SMS.
 */
export function createTipsterNotifier(dependencies: {
  readonly senders: SmsSenderStore;
  readonly vault: { open(sealed: string): Promise<string> };
  readonly outboxFor: (provider: SmsProvider) => SmsOutbox | undefined;
}): TipsterNotifier {
  return {
    async notify(tip, text) {
      if (tip.channel !== 'sms' || !tip.sender) return { delivered: false, reason: 'web_tip' };
      const sender = await dependencies.senders.get(tip.sender.pseudonym);
      if (!sender) throw new Error('No sender record for this SMS tip');
      if (sender.optedOut) return { delivered: false, reason: 'opted_out' };
      const outbox = dependencies.outboxFor(sender.provider);
      if (!outbox) return { delivered: false, reason: 'no_sms_route' };
      await outbox.send({ to: await dependencies.vault.open(sender.sealedPhone), text: smsReplies.officerMessage(tip.trackingCode, text), inReplyTo: tip.id });
      return { delivered: true };
    },
  };
}
