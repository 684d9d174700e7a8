/**
 * A tipster's message joining a stored tip, by SMS or from the status page. The tip records
 * that the tipster wrote, so the officers' queue shows it, and takes the message's urgency when
 * that is higher ("they are beating him now"): both in the same transaction as the message.
 */
import type { TextReading } from '../classification/text-reader.ts';
import type { PackId } from '../jurisdictions/pack.ts';
import type { TipEvent } from '../officers/model.ts';
import type { TipRepository } from '../ports.ts';
import { raisedUrgency } from '../sms/follow-up.ts';
import type { Channel } from '../tip/envelope.ts';
import type { Tip } from '../tip/tip.ts';
import { nextVersion, retryingChange } from './officers/access.ts';

/** Reads what a text reports (shared/classification/text-reader.ts); async so adapters may load it lazily. */
export interface TextReadingPort {
  read(text: string, pack: PackId): Promise<TextReading>;
}

/** The message as it arrived. */
export interface IncomingTipsterMessage {
  readonly id: string;
  readonly text: string;
  readonly at: string;
  readonly channel: Channel;
}

/**
 * Adds the message to the tip. `check` is applied to the tip as first read and after every
 * lost race (a tip closed meanwhile takes no more messages); it throws to refuse.
 */
export async function recordTipsterMessage(
  tips: Pick<TipRepository, 'get' | 'update'>,
  first: Tip,
  message: IncomingTipsterMessage,
  options: { readonly urgency?: TextReading['urgency'] | undefined; readonly check: (tip: Tip | undefined) => Tip },
): Promise<Tip> {
  return retryingChange(
    tips,
    options.check(first),
    (tip) => {
      const urgency = options.urgency === undefined ? tip.urgency : raisedUrgency(tip.urgency, options.urgency);
      const event: TipEvent = {
        id: message.id,
        tipId: tip.id,
        type: 'TIPSTER_MESSAGE',
        actor: 'tipster',
        at: message.at,
        text: message.text,
        public: true,
        channel: message.channel,
        ...(urgency !== tip.urgency && { before: { urgency: tip.urgency }, after: { urgency }, reason: 'urgency_raised' }),
      };
      return { before: tip, after: nextVersion(tip, { urgency, tipsterWroteAt: message.at }), event };
    },
    async () => options.check(await tips.get(first.id)),
  );
}
