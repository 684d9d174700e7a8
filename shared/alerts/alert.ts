/**
 * Urgent alerts: a tip that is (or becomes) high urgency alerts its unit's on-duty officers, or the
 * city desk while it has no unit, within seconds. The alert says which tip and where to open it:
 * its tracking code, category, unit, time and a console link. It never carries the tip's text,
 * the tipster's number or alias, or anything else of the tipster: it travels over SMS and e-mail.
 */
import type { Urgency } from '../classification/types.ts';
import { cityDeskQueue, holderOf } from '../jurisdictions/index.ts';
import { categoryNames } from '../labels.ts';
import { closedTipStatuses, type Tip } from '../tip/tip.ts';

/** The urgency that alerts. */
export const alertingUrgency: Urgency = 'high';

/**
 * A claim on an alert older than this was left by a delivery that died: the next delivery sends
 * the alert. Longer than the tipStream function's timeout (a test holds the two together), so a
 * claim this old cannot belong to a delivery still running.
 */
export const alertClaimStaleSeconds = 45;

/** How long an alert stays in the console's feed: 36 hours, a shift and a half, is plenty to see what came in. */
export const alertFeedMs = 36 * 60 * 60 * 1000;

/**
 * Whether this change of a tip alerts: it is stored at high urgency, or a follow-up raised it to
 * high. A tip that was already high does not alert again when officers work on it, and a closed
 * tip does not alert. Each (tip, urgency) alerts at most once: see the AlertLedger.
 */
export function alertsOn(before: Pick<Tip, 'urgency'> | undefined, after: Pick<Tip, 'urgency' | 'status'>): boolean {
  if (after.urgency !== alertingUrgency || closedTipStatuses.includes(after.status)) return false;
  return before === undefined || before.urgency !== alertingUrgency;
}

/** One alert as it is sent and as the console's feed shows it: nothing of the tip's text or tipster. */
export interface UrgentAlert {
  readonly tipId: string;
  readonly trackingCode: string;
  /** Where the tip is worked: a unit code of `pack`, or CITY for the desk. */
  readonly queue: string;
  readonly pack: string;
  readonly category: Tip['category'];
  readonly urgency: Urgency;
  readonly receivedAt: string;
  /** When the alert went out. */
  readonly sentAt: string;
}

/** Who holds the alerted tip, with their names: the unit of its queue, or the city desk. */
export function alertHolder(alert: Pick<UrgentAlert, 'pack' | 'queue'>): ReturnType<typeof holderOf> {
  return holderOf({ pack: alert.pack, unit: alert.queue === cityDeskQueue ? null : alert.queue });
}

/** The alert for a tip, as it is when it alerts. */
export function alertFor(tip: Pick<Tip, 'id' | 'trackingCode' | 'queue' | 'pack' | 'category' | 'urgency' | 'receivedAt'>, sentAt: Date): UrgentAlert {
  return {
    tipId: tip.id,
    trackingCode: tip.trackingCode,
    queue: tip.queue,
    pack: tip.pack,
    category: tip.category,
    urgency: tip.urgency,
    receivedAt: tip.receivedAt,
    sentAt: sentAt.toISOString(),
  };
}

const hcmcTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "14:05 01/12", Ho Chi Minh City time, the way a duty officer reads a clock. */
function localTime(iso: string): string {
  const parts = Object.fromEntries(hcmcTime.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}`;
}

/** The console's address of a tip (web/console/state.js tipHref). */
export function consoleTipUrl(consoleUrl: string, tipId: string): string {
  return `${consoleUrl.replace(/#.*$/, '')}#/tip/${encodeURIComponent(tipId)}`;
}

/** What is published: a subject for e-mail, and a text short enough for one SMS page per language. */
export interface AlertMessage {
  readonly subject: string;
  readonly text: string;
  /** The message attributes subscriptions filter on. */
  readonly attributes: Readonly<Record<'queue' | 'pack' | 'urgency' | 'category', string>>;
}

/**
 * The published message, Vietnamese first with English below: officers' phones show the start, so
 * the code, category and unit come first. Built from the alert only, so it cannot hold tip text.
 */
export function alertMessage(alert: UrgentAlert, consoleUrl: string): AlertMessage {
  const holder = alertHolder(alert);
  const category = categoryNames[alert.category];
  const time = localTime(alert.receivedAt);
  const link = consoleTipUrl(consoleUrl, alert.tipId);
  return {
    subject: `[KHẨN] Tin báo ${alert.trackingCode}: ${category.vi} – ${holder.name}`,
    text: [
      `TIN BÁO KHẨN ${alert.trackingCode}: ${category.vi}, ${holder.name}, nhận lúc ${time}.`,
      `Urgent tip ${alert.trackingCode}: ${category.en}, ${holder.nameEn}, received ${time}.`,
      link,
    ].join('\n'),
    attributes: { queue: alert.queue, pack: alert.pack, urgency: alert.urgency, category: alert.category },
  };
}
