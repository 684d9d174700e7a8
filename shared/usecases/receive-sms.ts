import { mediaAttachments, type MediaAttachment, type MediaFetcher } from '../attachments/media.ts';
import { holderOf } from '../jurisdictions/index.ts';
import type { PhoneVault, SmsSenderRecord, SmsSenderStore, TipConversation, TipRepository } from '../ports.ts';
import { parseSmsCommand } from '../sms/commands.ts';
import type { InboundSms } from '../sms/inbound.ts';
import { smsReplies } from '../sms/replies.ts';
import { judgeFollowUp, type NewMatterReason } from '../sms/follow-up.ts';
import type { TipFlag } from '../tip/envelope.ts';
import { tooShortToAct } from '../tip/submission.ts';
import { closedTipStatuses } from '../tip/tip.ts';
import { retainedUntil } from '../tip/retention.ts';
import { openAttachmentSlots, submitTip, type SubmitTipDependencies } from './submit-tip.ts';
import { recordTipsterMessage, type TextReadingPort } from './tipster-message.ts';

/** Settings of the SMS channel. */
export interface SmsSettings {
  /** Messages within this many minutes of the sender's last one join that tip. */
  readonly followUpWindowMinutes: number;
  /** More new tips than this per hour are kept but flagged. */
  readonly rateLimitPerHour: number;
}

/** What receiveSms needs from the outside world. */
export interface ReceiveSmsDependencies extends SubmitTipDependencies {
  readonly senders: SmsSenderStore;
  readonly tips: Pick<TipRepository, 'get' | 'update'>;
  readonly conversation: TipConversation;
  /** Reads a follow-up for its place and crime, to tell it from a new report. */
  readonly reader: TextReadingPort;
  readonly vault: PhoneVault;
  readonly pseudonymizer: { pseudonym(e164: string): string; alias(e164: string): string };
  readonly settings: SmsSettings;
  /**
   * For a channel with MMS (Twilio): who fetches a message's media into the slots opened for it,
   * and the origins besides the provider's own its media may come from (the local fake provider).
   * Media is attached to the tip the message opens or joins; without this, or without an
   * attachment store, it stays with the provider.
   */
  readonly media?: { readonly fetcher: MediaFetcher; readonly extraOrigins?: readonly string[] } | undefined;
}

/** What became of one inbound SMS, and the text to send back (null: send nothing). */
export type SmsOutcome =
  | {
      readonly kind: 'tip';
      readonly tipId: string;
      readonly trackingCode: string;
      readonly flagged: boolean;
      readonly reply: string | null;
      /** Sent soon after another tip, but about another place or crime: why it stands alone. */
      readonly newMatter?: NewMatterReason | undefined;
    }
  | { readonly kind: 'follow_up'; readonly tipId: string; readonly trackingCode: string; readonly reply: string | null }
  | { readonly kind: 'status'; readonly trackingCode: string | null; readonly reply: string | null }
  | { readonly kind: 'stop' | 'start' | 'empty' | 'too_short'; readonly reply: string | null };

/** The open tip was closed while a follow-up was being added to it. */
class TipClosedMeanwhile extends Error {}

const minuteMs = 60 * 1000;
const hourMs = 60 * minuteMs;

/**
 * Handles one inbound SMS from any provider: a command (TT status, HUY/STOP, BAT/START), a
 * follow-up to the sender's open tip, or a new tip. The number is used only to derive the
 * pseudonym and alias and to seal a copy for replies; it is never stored or returned in clear.
 * Not idempotent by itself: callers run it once per provider message id.
 */
export async function receiveSms(message: InboundSms, dependencies: ReceiveSmsDependencies): Promise<SmsOutcome> {
  const { senders, tips, conversation, vault, pseudonymizer, settings, clock, retentionDays } = dependencies;
  const now = clock.now();
  const expiresAt = retainedUntil(now, retentionDays);
  const pseudonym = pseudonymizer.pseudonym(message.from);
  const known = await senders.get(pseudonym);
  const sender: SmsSenderRecord = known ?? {
    pseudonym,
    alias: pseudonymizer.alias(message.from),
    sealedPhone: await vault.seal(message.from),
    provider: message.provider,
    optedOut: false,
    lastTip: null,
    recentTipTimes: [],
  };
  const replyUnlessOptedOut = (text: string): string | null => (sender.optedOut ? null : text);
  const command = parseSmsCommand(message.text);
  const media = dependencies.media && dependencies.attachments ? mediaAttachments(message.media ?? [], dependencies.media.extraOrigins) : [];
  /** Opens a slot for each media item on the tip and has the scan fetch them into it. */
  const attachMedia = async (tipId: string, slotIds?: readonly string[]): Promise<void> => {
    if (media.length === 0 || !dependencies.media || !dependencies.attachments) return;
    const ids = slotIds ?? (await openAttachmentSlots(media.map((item) => item.request), tipId, now, expiresAt, { store: dependencies.attachments.store, ids: dependencies.ids })).map((slot) => slot.id);
    await dependencies.media.fetcher.request(
      media.flatMap((item: MediaAttachment, index) => {
        const attachmentId = ids[index];
        return attachmentId ? [{ provider: 'twilio' as const, tipId, attachmentId, url: item.url, contentType: item.request.contentType }] : [];
      }),
    );
  };

  switch (command.kind) {
    case 'stop':
      await senders.save({ ...sender, optedOut: true }, expiresAt);
      // The one message after HUY confirms it, as carriers expect; nothing follows it.
      return { kind: 'stop', reply: sender.optedOut ? null : smsReplies.stopped() };
    case 'start':
      await senders.save({ ...sender, optedOut: false }, expiresAt);
      return { kind: 'start', reply: smsReplies.resumed() };
    case 'status': {
      if (!command.code) return { kind: 'status', trackingCode: null, reply: replyUnlessOptedOut(smsReplies.statusUsage()) };
      const record = await dependencies.codes.find(command.code);
      // Only the number that sent a tip may ask about it by SMS: no secret travels in a text.
      if (!record || record.senderPseudonym !== pseudonym) {
        return { kind: 'status', trackingCode: command.code, reply: replyUnlessOptedOut(smsReplies.statusNotFound()) };
      }
      const tip = await tips.get(record.tipId);
      const unit = tip ? holderOf(tip).name : null;
      return { kind: 'status', trackingCode: command.code, reply: replyUnlessOptedOut(smsReplies.status(command.code, tip?.status ?? 'RECEIVED', unit)) };
    }
    case 'tip':
      break;
  }

  const noText = command.text.trim() === '';
  if (noText && media.length === 0) return { kind: 'empty', reply: replyUnlessOptedOut(smsReplies.emptyTip()) };

  const last = sender.lastTip;
  let newMatter: NewMatterReason | undefined;
  if (last && now.getTime() - new Date(last.at).getTime() <= settings.followUpWindowMinutes * minuteMs) {
    const tip = await tips.get(last.tipId);
    const joined = async (): Promise<SmsOutcome> => {
      await attachMedia(last.tipId);
      await senders.save({ ...sender, lastTip: { ...last, at: now.toISOString() } }, expiresAt);
      return { kind: 'follow_up', tipId: last.tipId, trackingCode: last.trackingCode, reply: replyUnlessOptedOut(smsReplies.followUpAdded(last.trackingCode)) };
    };
    // A photo sent alone after a tip (an MMS with no words) is more evidence for it.
    if (noText && (!tip || !closedTipStatuses.includes(tip.status))) return joined();
    if (!tip) {
      // Still being routed (a second or so): nothing to compare with yet, so it joins as before.
      await conversation.addTipsterMessage(last.tipId, { messageId: message.messageId, text: command.text, at: now.toISOString(), channel: 'sms' }, expiresAt);
      return joined();
    }
    // A closed tip never takes more messages; a message about another place or crime is a tip of its own.
    if (!closedTipStatuses.includes(tip.status)) {
      const reading = await dependencies.reader.read(command.text, tip.pack);
      const verdict = judgeFollowUp(tip, reading);
      if (verdict.kind === 'same') {
        const stillOpen = (current: typeof tip | undefined) => {
          if (!current || closedTipStatuses.includes(current.status)) throw new TipClosedMeanwhile();
          return current;
        };
        try {
          await recordTipsterMessage(tips, tip, { id: dependencies.ids.next(), text: command.text, at: now.toISOString(), channel: 'sms' }, { urgency: reading.urgency, check: stillOpen });
          return await joined();
        } catch (error) {
          // Closed while the message was being added: it becomes a tip of its own below.
          if (!(error instanceof TipClosedMeanwhile)) throw error;
        }
      } else {
        newMatter = verdict.reason;
      }
    }
  }

  // Only a new tip has to stand on its own; a short follow-up ("ok, cảm ơn") joined the open tip above.
  if (noText) return { kind: 'empty', reply: replyUnlessOptedOut(smsReplies.emptyTip()) };
  if (tooShortToAct(command.text)) return { kind: 'too_short', reply: replyUnlessOptedOut(smsReplies.needsDetails()) };

  const recentTipTimes = sender.recentTipTimes.filter((at) => now.getTime() - new Date(at).getTime() < hourMs);
  const flagged = recentTipTimes.length >= settings.rateLimitPerHour;
  const flags: TipFlag[] = flagged ? ['rate_limited'] : [];
  const accepted = await submitTip(
    { text: command.text.trim(), language: 'vi', ...(media.length > 0 && { attachments: media.map((item) => item.request) }) },
    'sms',
    dependencies,
    { sender: { pseudonym, alias: sender.alias, provider: message.provider }, flags },
  );
  await attachMedia(accepted.tipId, accepted.attachmentIds);
  await senders.save(
    {
      ...sender,
      provider: message.provider,
      lastTip: { tipId: accepted.tipId, trackingCode: accepted.trackingCode, at: now.toISOString() },
      recentTipTimes: [...recentTipTimes, now.toISOString()],
    },
    expiresAt,
  );
  const reply = flagged
    ? smsReplies.rateLimited(settings.rateLimitPerHour)
    : newMatter
      ? smsReplies.newMatterAccepted(accepted.trackingCode, accepted.secret)
      : smsReplies.tipAccepted(accepted.trackingCode, accepted.secret);
  // A new report is answered even after HUY: the answer carries its code and secret, the only way
  // to follow the tip up, and it answers the sender's own message. HUY keeps officers' replies,
  // status answers and follow-up confirmations silent until BAT. The warning about the hourly
  // limit is not an acknowledgement and stays silent.
  return { kind: 'tip', tipId: accepted.tipId, trackingCode: accepted.trackingCode, flagged, reply: flagged ? replyUnlessOptedOut(reply) : reply, ...(newMatter && { newMatter }) };
}
