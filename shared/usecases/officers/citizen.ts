/**
 * The tipster's side of the conversation on a tip: reading officers' replies on the status page
 * and writing back. The tipster proves the tip is theirs with the tracking code and secret,
 * checked by getTipStatus, so a wrong code and a wrong secret fail alike (404).
 *
 * What protects a tip is its secret's entropy: 16 random Crockford digits, 80 bits. Failed
 * guesses are slowed down, per code and per client, by answering them 429 once over a limit,
 * but the right secret always works: counting the right holder's lookups against other people's
 * guesses would let anyone who knows a tracking code lock its tipster out. Limits are checked
 * before anything is stored, so an answer never contradicts what was stored.
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
import { recordTipsterMessage, type TextReadingPort } from '../tipster-message.ts';
import { boundedText } from './access.ts';
import { isPublicEvent, oldestFirst } from './views.ts';
import { errorText } from '../../messages.ts';

/** Counts uses of a key in a sliding or fixed window (DynamoDB counters in the cloud). */
export interface RateLimiter {
  /** Counts one use of the key; false when the key has had `limit` uses in the window already. */
  consume(key: string, limit: number, windowSeconds: number): Promise<boolean>;
}

/**
 * Wrong secrets per tracking code per hour before further wrong ones are answered 429. At this
 * rate an 80-bit secret takes about 10^22 years to find.
 */
export const failedGuessesPerCodePerHour = 10;

/** Wrong codes or secrets per client (a keyed hash of its address) per hour before 429. */
export const failedGuessesPerClientPerHour = 30;

/** Tipster messages per tracking code per hour. */
export const tipsterMessagesPerHour = 10;

/** The window the limits count in. */
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
  readonly tips: Pick<TipRepository, 'get' | 'update' | 'events'>;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Reads the message for its urgency: one that says the danger is now raises the tip's. */
  readonly reader: TextReadingPort;
}

/** A tipster's message as stored: a public event that also records the channel it came by. */
export interface TipsterMessageEvent extends TipEvent {
  readonly type: 'TIPSTER_MESSAGE';
  readonly channel: Channel;
}

/** Who is asking, as far as limits go: an opaque key the adapter derives from the client's address. */
export interface Requester {
  readonly client?: string | undefined;
}

async function consume(limiter: RateLimiter, key: string, limit: number): Promise<boolean> {
  return limiter.consume(key, limit, conversationLimitWindowSeconds);
}

/**
 * Checks the code and secret. A failure is counted against the code and the client; past either
 * limit it is answered 429 instead of 404. Success is never limited.
 */
async function authenticate(
  request: { readonly code: string; readonly secret: string; readonly language?: Language | undefined },
  deps: GetTipStatusDependencies & { readonly limiter: RateLimiter },
  requester: Requester,
  language: Language,
): Promise<{ readonly status: TipStatusView; readonly tipId: string }> {
  const trackingCode = parseTrackingCode(request.code) ?? request.code;
  try {
    const status = await getTipStatus(request, deps, language);
    const record = await deps.codes.find(status.trackingCode);
    if (!record) throw new NotFoundError(errorText('codeAndSecretMismatch'));
    return { status, tipId: record.tipId };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const underCode = await consume(deps.limiter, `guess:${trackingCode}`, failedGuessesPerCodePerHour);
    const underClient = requester.client === undefined || (await consume(deps.limiter, `guess-client:${requester.client}`, failedGuessesPerClientPerHour));
    if (!underCode || !underClient) throw new TooManyRequestsError(conversationLimitWindowSeconds);
    throw error;
  }
}

async function conversationOf(status: TipStatusView, tipId: string, tips: Pick<TipRepository, 'events'>): Promise<TipConversationView> {
  const messages = oldestFirst(await tips.events(tipId))
    .map(toMessage)
    .filter((message) => message !== undefined);
  return { ...status, messages };
}

function toMessage(event: TipEvent): ConversationMessage | undefined {
  if (!isPublicEvent(event) || typeof event.text !== 'string') return undefined;
  return { from: event.type === 'OFFICER_MESSAGE' ? 'officer' : 'tipster', text: event.text, at: event.at };
}

/**
 * What the status page shows: everything getTipStatus says, and the messages between tipster and
 * officers. Internal notes and the rest of the audit trail never appear.
 */
export async function getTipConversation(input: unknown, deps: GetTipConversationDependencies, language: Language = 'vi', requester: Requester = {}): Promise<TipConversationView> {
  const request = parseOrThrow(statusRequestSchema, input);
  const { status, tipId } = await authenticate(request, deps, requester, language);
  return conversationOf(status, tipId, deps.tips);
}

const tipsterMessageSchema = statusRequestSchema.extend({ text: boundedText(tipsterMessageLimits) });

const notReady = () => new ConflictError('not_ready', errorText('notReady'));
const closed = () => new ConflictError('closed', errorText('closedForMessages'));

function checkOpen(tip: Tip | undefined): Tip {
  if (!tip) throw notReady();
  if (closedTipStatuses.includes(tip.status)) throw closed();
  return tip;
}

/**
 * The tipster writes to the officers from the status page, and gets the conversation with the
 * message in it. Refused with 409 `not_ready` while the tip is still being routed (it is not in
 * the store yet), 409 `closed` once it is resolved or rejected, and 429 past
 * {@link tipsterMessagesPerHour}: every check comes before the message is stored.
 */
export async function addTipsterMessage(input: unknown, deps: AddTipsterMessageDependencies, language: Language = 'vi', requester: Requester = {}): Promise<TipConversationView> {
  const request = parseOrThrow(tipsterMessageSchema, input);
  // Checks the code and secret exactly as the status page does.
  const { status, tipId } = await authenticate({ code: request.code, secret: request.secret, language: request.language }, deps, requester, language);
  if (status.status === 'RECEIVED') throw notReady();
  const tip = checkOpen(await deps.tips.get(tipId));
  if (!(await consume(deps.limiter, `conversation-message:${status.trackingCode}`, tipsterMessagesPerHour))) throw new TooManyRequestsError(conversationLimitWindowSeconds);

  const reading = await deps.reader.read(request.text, tip.pack);
  await recordTipsterMessage(deps.tips, tip, { id: deps.ids.next(), text: request.text, at: deps.clock.now().toISOString(), channel: 'web' }, { urgency: reading.urgency, check: checkOpen });
  return conversationOf(status, tipId, deps.tips);
}
