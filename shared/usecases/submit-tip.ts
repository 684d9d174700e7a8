import { attachmentLimits, type AttachmentRequest, type AttachmentSlot } from '../attachments/attachment.ts';
import type { AttachmentStore, UploadSigner, UploadTicket } from '../attachments/ports.ts';
import { ConflictError } from '../errors.ts';
import type { Clock, IdGenerator, TipQueue, TrackingCodeStore } from '../ports.ts';
import type { Channel, TipEnvelope, TipFlag, TipSender } from '../tip/envelope.ts';
import type { Category } from '../classification/types.ts';
import type { Language } from '../i18n.ts';
import { generateTipSecret, generateTrackingCode, type SecretHasher, type TipSecret, type TrackingCode } from '../tip/tracking-code.ts';
import { errorText } from '../messages.ts';
import { retainedUntil } from '../tip/retention.ts';

/** What submitTip needs from the outside world. */
export interface SubmitTipDependencies {
  readonly queue: TipQueue;
  readonly codes: TrackingCodeStore;
  readonly hasher: SecretHasher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly retentionDays: number;
  /** Makes tracking codes; injected so a test can force a collision. */
  readonly newTrackingCode?: () => TrackingCode;
  /** Where declared files get their upload slots; only the web intake takes files. */
  /**
   * Where declared files get their slots; with a signer (the web), each slot is presigned for the
   * browser to post to. Without one (MMS) the caller has the files fetched into the slots.
   */
  readonly attachments?: { readonly store: Pick<AttachmentStore, 'open'>; readonly signer?: UploadSigner | undefined } | undefined;
}

/** What the tipster is told, once: the code to quote and the secret that proves it is theirs. */
export interface SubmittedTip {
  readonly tipId: string;
  readonly trackingCode: TrackingCode;
  readonly secret: TipSecret;
  readonly receivedAt: string;
  /** The slots of the declared files, in the order they were declared; absent when none were. */
  readonly attachmentIds?: readonly string[] | undefined;
  /** One presigned POST per declared file, in the same order, when the channel's browser posts them. */
  readonly uploads?: readonly UploadTicket[] | undefined;
}

/**
 * What each form token was answered with, for a day: a form sent twice (a reload, Back and send
 * again) gets the first answer back, the same tip, code and secret, instead of a second tip.
 */
export interface SubmissionLedger {
  /** Takes the token for a submission about to be made; false when it was taken before. */
  reserve(token: string, expiresAt: Date): Promise<boolean>;
  /** Records the answer given for the token. */
  complete(token: string, answer: SubmittedTip, expiresAt: Date): Promise<void>;
  /** Frees the token of a submission that failed, so sending again works. */
  release(token: string): Promise<void>;
  /** The answer given for the token; 'pending' while its submission is being made. */
  find(token: string): Promise<SubmittedTip | 'pending' | undefined>;
}

/** A validated tip from any channel. */
export interface TipSubmission {
  readonly text: string;
  readonly language: Language;
  readonly unit?: string | undefined;
  readonly lat?: number | undefined;
  readonly lon?: number | undefined;
  readonly category?: Category | undefined;
  readonly contact?: string | undefined;
  /** Files the tipster will upload once the tip is accepted (checked by the submission schema). */
  readonly attachments?: readonly AttachmentRequest[] | undefined;
}

/** What arrived with an SMS tip besides its text. */
export interface SubmitTipOptions {
  readonly sender?: TipSender | undefined;
  readonly flags?: readonly TipFlag[] | undefined;
}

/** With 35 random bits a clash is rare; five clashes in a row mean something else is wrong. */
const maxCodeAttempts = 5;


/**
 * Accepts a validated tip: reserves a unique tracking code with the hash of a fresh secret,
 * opens an upload slot for each declared file, then puts the tip on the queue. It resolves only
 * once the queue holds the tip, so a tipster who sees a tracking code can rely on the tip being
 * kept; the uploads it answers are bound to that tip and close after the upload window.
 */
export async function submitTip(
  submission: TipSubmission,
  channel: Channel,
  dependencies: SubmitTipDependencies,
  options: SubmitTipOptions = {},
): Promise<SubmittedTip> {
  const { queue, codes, hasher, clock, ids, retentionDays } = dependencies;
  const newTrackingCode = dependencies.newTrackingCode ?? generateTrackingCode;
  const receivedAt = clock.now();
  const tipId = ids.next();
  const secret = generateTipSecret();
  const expiresAt = retainedUntil(receivedAt, retentionDays);

  let trackingCode: TrackingCode | undefined;
  for (let attempt = 0; attempt < maxCodeAttempts && trackingCode === undefined; attempt += 1) {
    const candidate = newTrackingCode();
    const record = {
      trackingCode: candidate,
      tipId,
      secretHash: hasher.hash(secret),
      receivedAt: receivedAt.toISOString(),
      ...(options.sender && { senderPseudonym: options.sender.pseudonym }),
    };
    if (await codes.reserve(record, expiresAt)) trackingCode = candidate;
  }
  if (trackingCode === undefined) throw new Error(`No free tracking code after ${maxCodeAttempts} attempts`);

  const declared = submission.attachments ?? [];
  let opened: { slots: AttachmentSlot[]; uploads?: UploadTicket[] } | undefined;
  try {
    if (declared.length > 0) opened = await openSlots(declared, tipId, receivedAt, expiresAt, dependencies);
  } catch (error) {
    await codes.release(trackingCode).catch(() => undefined);
    throw error;
  }

  const envelope: TipEnvelope = {
    v: 2,
    tipId,
    trackingCode,
    receivedAt: receivedAt.toISOString(),
    channel,
    submission: {
      text: submission.text,
      language: submission.language,
      ...(submission.unit !== undefined && { unit: submission.unit }),
      ...(submission.lat !== undefined && { lat: submission.lat }),
      ...(submission.lon !== undefined && { lon: submission.lon }),
      ...(submission.category !== undefined && { category: submission.category }),
      ...(submission.contact !== undefined && { contact: submission.contact }),
    },
    ...(options.sender && { sender: options.sender }),
    ...(options.flags?.length && { flags: [...options.flags] }),
    ...(opened && { attachments: opened.slots.map((slot) => slot.id) }),
  };
  try {
    await queue.send(envelope);
  } catch (error) {
    // The tipster will see an error, not a code: drop the reservation so the code never points nowhere.
    await codes.release(trackingCode).catch(() => undefined);
    throw error;
  }
  return {
    tipId,
    trackingCode,
    secret,
    receivedAt: envelope.receivedAt,
    ...(opened && { attachmentIds: opened.slots.map((slot) => slot.id) }),
    ...(opened?.uploads && { uploads: opened.uploads }),
  };
}

/** Stores one slot per declared file (before the tip is queued, so a scan always finds its slot) and presigns each. */
async function openSlots(
  declared: readonly AttachmentRequest[],
  tipId: string,
  receivedAt: Date,
  expiresAt: Date,
  dependencies: SubmitTipDependencies,
): Promise<{ slots: AttachmentSlot[]; uploads?: UploadTicket[] }> {
  // A deployment that takes files wires the store and signer; a call without them is a bug, not a refusal.
  if (!dependencies.attachments) throw new Error('submitTip: files were declared but no attachment store and signer are wired');
  const { store, signer } = dependencies.attachments;
  const slots = await openAttachmentSlots(declared, tipId, receivedAt, expiresAt, { store, ids: dependencies.ids });
  if (!signer) return { slots };
  return { slots, uploads: await Promise.all(slots.map((slot) => signer.presign(slot))) };
}

/**
 * Stores one slot per declared file of a tip, each open for an upload until the upload window
 * ends. A new tip's slots are opened before it is queued; an SMS follow-up's media open slots on
 * the tip it joins.
 */
export async function openAttachmentSlots(
  declared: readonly AttachmentRequest[],
  tipId: string,
  openedAt: Date,
  expiresAt: Date,
  dependencies: { readonly store: Pick<AttachmentStore, 'open'>; readonly ids: IdGenerator },
): Promise<AttachmentSlot[]> {
  const uploadBy = new Date(openedAt.getTime() + attachmentLimits.uploadWindowSeconds * 1000).toISOString();
  const slots: AttachmentSlot[] = declared.map((file) => ({
    id: dependencies.ids.next(),
    tipId,
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.size,
    createdAt: openedAt.toISOString(),
    uploadBy,
  }));
  await dependencies.store.open(slots, expiresAt);
  return slots;
}

/** How long a form token is remembered: a day covers a reload, Back and a resend. */
const formTokenLifetimeMs = 24 * 60 * 60 * 1000;

/**
 * A web tip sent with its form's one-time token: the first sending submits it, and every later
 * sending of the same token gets the same answer (the same tip, code and secret), so a reload
 * or a resend after Back never makes a second tip. Without a token it is an ordinary submission.
 */
export async function submitTipOnce(
  submission: TipSubmission & { readonly formToken?: string | undefined },
  dependencies: SubmitTipDependencies & { readonly ledger: SubmissionLedger },
): Promise<SubmittedTip> {
  const token = submission.formToken;
  if (token === undefined) return submitTip(submission, 'web', dependencies);
  const expiresAt = new Date(dependencies.clock.now().getTime() + formTokenLifetimeMs);
  if (!(await dependencies.ledger.reserve(token, expiresAt))) {
    const earlier = await dependencies.ledger.find(token);
    if (earlier && earlier !== 'pending') return earlier;
    // The same form is being sent this very moment (a double click): that sending will answer.
    throw new ConflictError('in_progress', errorText('formBeingSent'));
  }
  let accepted: SubmittedTip;
  try {
    accepted = await submitTip(submission, 'web', dependencies);
  } catch (error) {
    await dependencies.ledger.release(token).catch(() => undefined);
    throw error;
  }
  await dependencies.ledger.complete(token, accepted, expiresAt);
  return accepted;
}
