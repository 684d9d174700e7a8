import type { AttachmentStore } from '../attachments/ports.ts';
import type { TipClassifier } from '../classification/types.ts';
import { suggestDuplicates, type DuplicateSearchDependencies, type DuplicateSearchOutcome } from '../incidents/find-duplicates.ts';
import { cityDeskQueue } from '../jurisdictions/index.ts';
import type { Clock, TipRepository } from '../ports.ts';
import type { TipEnvelope } from '../tip/envelope.ts';
import { closedTipStatuses, verificationDueAt, type NewTip } from '../tip/tip.ts';
import { retainedUntil } from '../tip/retention.ts';

/** What classifyTip needs from the outside world. */
export interface ClassifyTipDependencies {
  readonly classifier: TipClassifier;
  readonly tips: Pick<TipRepository, 'create'>;
  readonly clock: Clock;
  readonly retentionDays: number;
  /**
   * The tip's attachments: a photo scanned before the tip is classified lends its point. Read by
   * id (the envelope lists them), so the classifier needs no Query permission on the table.
   */
  readonly attachments?: Pick<AttachmentStore, 'get'> | undefined;
  /** The search for reports of the same incident (shared/incidents/find-duplicates.ts), run once the tip is stored. */
  readonly duplicates?: DuplicateSearchDependencies | undefined;
  /** Told as soon as the tip is stored and numbered, before the duplicate search (the handler logs it). */
  readonly onStored?: ((stored: Pick<ClassifiedTip, 'tip' | 'outcome'>) => void) | undefined;
}

/** The outcome of classifying one queued tip. */
export interface ClassifiedTip {
  readonly tip: NewTip;
  readonly outcome: 'created' | 'duplicate';
  /** What the duplicate search did, when it ran (counts only, for the log). */
  readonly duplicates?: DuplicateSearchOutcome | undefined;
}

/**
 * Routes a queued tip to a unit (or the city desk), gives it a category, urgency and legal
 * deadline, and stores it. Safe to run twice for the same message: the second run stores nothing.
 */
export async function classifyTip(envelope: TipEnvelope, dependencies: ClassifyTipDependencies): Promise<ClassifiedTip> {
  const { classifier, tips, clock, retentionDays } = dependencies;
  const { submission } = envelope;
  const photoPoint = await scannedPhotoPoint(envelope, dependencies);
  const classification = classifier.classify({
    channel: envelope.channel,
    text: submission.text,
    unit: submission.unit,
    lat: submission.lat,
    lon: submission.lon,
    ...(photoPoint && { photoPoint }),
    category: submission.category,
  });
  const receivedAt = new Date(envelope.receivedAt);
  const tip: NewTip = {
    id: envelope.tipId,
    trackingCode: envelope.trackingCode,
    channel: envelope.channel,
    receivedAt: envelope.receivedAt,
    classifiedAt: clock.now().toISOString(),
    dueAt: verificationDueAt(receivedAt).toISOString(),
    text: submission.text,
    language: submission.language,
    contact: submission.contact,
    lat: submission.lat,
    lon: submission.lon,
    requestedUnit: submission.unit,
    requestedCategory: submission.category,
    pack: classification.routing.pack,
    unit: classification.routing.unit,
    otherGeneration: classification.otherGeneration,
    category: classification.category,
    urgency: classification.urgency,
    routing: classification.routing,
    status: 'NEW',
    sender: envelope.sender,
    flags: envelope.flags,
  };
  const expiresAt = retainedUntil(receivedAt, retentionDays);
  const outcome = await tips.create(tip, expiresAt);
  dependencies.onStored?.({ tip, outcome });
  const duplicates = dependencies.duplicates && (await searchDuplicates(tip, outcome, expiresAt, dependencies.duplicates));
  return { tip, outcome, ...(duplicates && { duplicates }) };
}

/**
 * Looks for reports of the same incident once the tip is stored. A second delivery searches
 * again from the tip as stored (its classification time, its queue), so it writes what the
 * first wrote, or what the first never got to write; a tip closed meanwhile is left alone.
 */
async function searchDuplicates(tip: NewTip, outcome: ClassifiedTip['outcome'], expiresAt: Date, deps: DuplicateSearchDependencies): Promise<DuplicateSearchOutcome | undefined> {
  const subject = outcome === 'created' ? { ...tip, queue: tip.unit ?? cityDeskQueue } : (await deps.tips.getMany([tip.id])).get(tip.id);
  if (!subject || closedTipStatuses.includes(subject.status)) return undefined;
  return suggestDuplicates(subject, expiresAt, deps);
}

/**
 * The point of the first clean photo of the tip that the scan found within the city, if the
 * scan came first; a photo scanned later moves the tip itself (shared/usecases/attachment-tip.ts).
 * Only a tip that declared files costs a read.
 */
async function scannedPhotoPoint(envelope: TipEnvelope, dependencies: ClassifyTipDependencies): Promise<{ lat: number; lon: number } | undefined> {
  if (!envelope.attachments?.length || !dependencies.attachments) return undefined;
  const store = dependencies.attachments;
  const attachments = await Promise.all(envelope.attachments.map((id) => store.get(envelope.tipId, id)));
  const photo = attachments.find((attachment) => attachment?.status === 'clean' && attachment.photoLocation !== undefined);
  return photo?.photoLocation && { lat: photo.photoLocation.lat, lon: photo.photoLocation.lon };
}
