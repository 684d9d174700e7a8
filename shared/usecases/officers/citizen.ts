/**
 * The tipster's side of the conversation on a tip: reading officers' replies on the status page
 * and writing back. The tipster proves the tip is theirs with the tracking code and secret,
 * checked by getTipStatus, so a wrong code and a wrong secret fail alike (404). Both use cases
 * are rate-limited per tracking code, before the secret is checked, which also bounds how fast
 * anyone can guess a secret.
 */
import { ConflictError, NotFoundError, TooManyRequestsError } from '../../errors.ts';
import type { Language } from '../../i18n.ts';
import type { TipEvent } from '../../officers/model.ts';
import type { Clock, IdGenerator, TipRepository } from '../../ports.ts';
import type { Channel } from '../../tip/envelope.ts';
import { parseOrThrow } from '../../tip/submission.ts';
import { closedTipStatuses, type Tip } from '../../tip/tip.ts';
import { parseTrackingCode } from '../../tip/tracking-code.ts';
import { getTipStatus, statusRequestSchema, type GetTipStatusDependencies, type TipStatusView } from '../get-tip-status.ts';
import { appendEvent, boundedText } from './access.ts';
import { isPublicEvent, oldestFirst } from './views.ts';

/** Counts uses of a key in a sliding or fixed window (DynamoDB counters in the cloud). */
export interface RateLimiter {
  /** Counts one use of the key; false when the key has had `limit` uses in the window already. */
  consume(key: string, limit: number, windowSeconds: number): Promise<boolean>;
}

/** Status page reads per tracking code per hour. */
export const conversationLookupsPerHour = 30;

/** Tipster messages per tracking code per hour. */
export const tipsterMessagesPerHour = 10;

/** The window both limits count in. */
export const conversationLimitWindowSeconds = 60 * 60;

/** How long a tipster's message may be, in code points. */
export const tipsterMessageLimits = { min: 1, max: 2000 } as const;

/** One message of the conversation as the tipster sees it: never an officer's name. */
export interface ConversationMessage {
  readonly from: 'officer' | 'tipster';
  readonly text: string;
  readonly at: string;
}

/** The status page: the tip's status and unit, and the conversation, oldest first. */
export interface TipConversationView extends TipStatusView {
  readonly messages: readonly ConversationMessage[];
}

/** What getTipConversation needs. */
export interface GetTipConversationDependencies extends GetTipStatusDependencies {
  readonly tips: Pick<TipRepository, 'get' | 'events'>;
  readonly limiter: RateLimiter;
}

/** What addTipsterMessage needs. */
export interface AddTipsterMessageDependencies extends GetTipStatusDependencies {
  readonly tips: Pick<TipRepository, 'get' | 'addEvent'>;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** A tipster's message as stored: a public event that also records the channel it came by. */
export interface TipsterMessageEvent extends TipEvent {
  readonly type: 'TIPSTER_MESSAGE';
  readonly channel: Channel;
}

async function consume(limiter: RateLimiter, key: string, limit: number): Promise<void> {
  if (!(await limiter.consume(key, limit, conversationLimitWindowSeconds))) throw new TooManyRequestsError(conversationLimitWindowSeconds);
}

/** The tip id behind a code whose secret getTipStatus has just accepted. */
async function tipIdOf(trackingCode: string, deps: GetTipStatusDependencies): Promise<string> {
  const record = await deps.codes.find(trackingCode);
  if (!record) throw new NotFoundError('No tip matches this code and secret.');
  return record.tipId;
}

function toMessage(event: TipEvent): ConversationMessage | undefined {
  if (!isPublicEvent(event) || typeof event.text !== 'string') return undefined;
  return { from: event.type === 'OFFICER_MESSAGE' ? 'officer' : 'tipster', text: event.text, at: event.at };
}

/**
 * What the status page shows: everything getTipStatus says, and the messages between tipster and
 * officers. Internal notes and the rest of the audit trail never appear.
 */
export async function getTipConversation(input: unknown, deps: GetTipConversationDependencies, language: Language = 'vi'): Promise<TipConversationView> {
  const request = parseOrThrow(statusRequestSchema, input);
  const trackingCode = parseTrackingCode(request.code) ?? request.code;
  await consume(deps.limiter, `conversation-lookup:${trackingCode}`, conversationLookupsPerHour);
  const status = await getTipStatus(input, deps, language);
  const events = await deps.tips.events(await tipIdOf(status.trackingCode, deps));
  const messages = oldestFirst(events)
    .map(toMessage)
    .filter((message) => message !== undefined);
  return { ...status, messages };
}

const tipsterMessageSchema = statusRequestSchema.extend({ text: boundedText(tipsterMessageLimits) });

const notReady = () => new ConflictError('not_ready', 'The tip is still being routed. Please try again in a minute.');
const closed = () => new ConflictError('closed', 'The tip is closed and takes no more messages.');

function checkOpen(tip: Tip | undefined): Tip {
  if (!tip) throw notReady();
  if (closedTipStatuses.includes(tip.status)) throw closed();
  return tip;
}

/**
 * The tipster writes to the officers from the status page. Refused with 409 `not_ready` while
 * the tip is still being routed (it is not in the store yet) and 409 `closed` once it is
 * resolved or rejected.
 */
export async function addTipsterMessage(input: unknown, deps: AddTipsterMessageDependencies): Promise<ConversationMessage> {
  const request = parseOrThrow(tipsterMessageSchema, input);
  const trackingCode = parseTrackingCode(request.code) ?? request.code;
  await consume(deps.limiter, `conversation-message:${trackingCode}`, tipsterMessagesPerHour);
  // Checks the code and secret exactly as the status page does.
  const status = await getTipStatus({ code: request.code, secret: request.secret }, deps);
  if (status.status === 'RECEIVED') throw notReady();
  const tipId = await tipIdOf(status.trackingCode, deps);
  const tip = checkOpen(await deps.tips.get(tipId));

  const event: TipsterMessageEvent = {
    id: deps.ids.next(),
    tipId,
    type: 'TIPSTER_MESSAGE',
    actor: 'tipster',
    at: deps.clock.now().toISOString(),
    text: request.text,
    public: true,
    channel: 'web',
  };
  await appendEvent(deps.tips, tip, event, async () => checkOpen(await deps.tips.get(tipId)));
  return { from: 'tipster', text: event.text ?? request.text, at: event.at };
}
