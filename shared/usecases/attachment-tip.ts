/**
 * What a scanned attachment changes on its tip. A quarantined file flags the tip and is audited,
 * once per file. A clean photo taken within the city may move a tip that only its text (or
 * nothing) routed: the photo's point is weaker than the form's but better than a guess. A tip an
 * officer has picked, a unit the tipster chose and a point the form gave are never overruled.
 * Every change is written under the version condition, and a redelivered scan changes nothing.
 */
import type { PhotoLocation, QuarantineReason } from '../attachments/attachment.ts';
import type { TipClassifier } from '../classification/types.ts';
import type { PackId } from '../jurisdictions/pack.ts';
import type { TipEvent } from '../officers/model.ts';
import type { Clock, IdGenerator, TipChange, TipRepository } from '../ports.ts';
import type { TipFlag } from '../tip/envelope.ts';
import { rerouted, type Tip } from '../tip/tip.ts';
import { nextVersion, retryingChange } from './officers/access.ts';

/**
 * The scan has something to note on a tip the classifier has not stored yet: the scan's message
 * goes back to its queue and is tried again (the attachment's record is already finished, so the
 * retry goes straight to this step).
 */
export class TipNotYetStoredError extends Error {
  readonly tipId: string;

  constructor(tipId: string) {
    super(`Tip ${tipId} is not stored yet; its attachment's scan is noted on a later try`);
    this.name = 'TipNotYetStoredError';
    this.tipId = tipId;
  }
}

/** A finished scan, as the tip step reads it (a stored attachment record is one). */
export interface ScannedAttachment {
  readonly id: string;
  readonly tipId: string;
  readonly status: 'clean' | 'quarantined' | 'pending';
  readonly quarantineReason?: QuarantineReason | undefined;
  readonly photoLocation?: PhotoLocation | undefined;
}

/** What the tip step needs. */
export interface TipStepDependencies {
  readonly tips: Pick<TipRepository, 'get' | 'update'>;
  /** The deployment's pack: a photo moves only tips on this map. */
  readonly jurisdiction: PackId;
  /** The routing engine, loaded only for a photo that may move its tip. */
  readonly loadClassifier: () => Promise<TipClassifier>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** What the step did to the tip. */
export type TipNote = 'flagged' | 'rerouted' | 'unchanged';

const quarantineFlag: TipFlag = 'attachment_quarantined';
const actor = 'system:scan';

/** Notes a finished scan on its tip; throws TipNotYetStoredError when there is something to note and no tip yet. */
export async function noteScanOnTip(attachment: ScannedAttachment, deps: TipStepDependencies): Promise<TipNote> {
  const photo = attachment.status === 'clean' ? attachment.photoLocation : undefined;
  if (attachment.status !== 'quarantined' && photo === undefined) return 'unchanged';
  const reload = async (): Promise<Tip> => {
    const tip = await deps.tips.get(attachment.tipId);
    if (!tip) throw new TipNotYetStoredError(attachment.tipId);
    return tip;
  };
  const first = await reload();
  if (attachment.status === 'quarantined') {
    return (await changeOnce(deps, first, (tip) => quarantineChange(tip, attachment, deps), reload)) ? 'flagged' : 'unchanged';
  }
  if (photo === undefined || !photoMayMove(first, deps.jurisdiction)) return 'unchanged';
  const classifier = await deps.loadClassifier();
  return (await changeOnce(deps, first, (tip) => photoRouteChange(tip, attachment.id, photo, classifier, deps), reload)) ? 'rerouted' : 'unchanged';
}

/** Writes the change if the tip (as last read) still needs it; true when this call wrote it. */
async function changeOnce(deps: TipStepDependencies, first: Tip, build: (tip: Tip) => TipChange | undefined, reload: () => Promise<Tip>): Promise<boolean> {
  let wrote = false;
  await retryingChange(
    deps.tips,
    first,
    (tip) => {
      const change = build(tip);
      wrote = change !== undefined;
      return change;
    },
    reload,
  );
  return wrote;
}

/** An audit event the scan writes about one of the tip's files (never shown to the tipster). */
function scanEvent(tip: Tip, type: TipEvent['type'], attachmentId: string, deps: TipStepDependencies, details: Partial<TipEvent>): TipEvent {
  return { id: deps.ids.next(), tipId: tip.id, type, actor, at: deps.clock.now().toISOString(), public: false, attachmentId, ...details };
}

function quarantineChange(tip: Tip, attachment: ScannedAttachment, deps: TipStepDependencies): TipChange | undefined {
  const noted = tip.quarantinedAttachments ?? [];
  if (noted.includes(attachment.id)) return undefined;
  const flags = tip.flags ?? [];
  const event = scanEvent(tip, 'ATTACHMENT_QUARANTINED', attachment.id, deps, { reason: attachment.quarantineReason });
  const after = nextVersion(tip, { flags: flags.includes(quarantineFlag) ? flags : [...flags, quarantineFlag], quarantinedAttachments: [...noted, attachment.id] });
  return { before: tip, after, event };
}

/**
 * Whether a photo may move the tip: still NEW and held by no one, on this deployment's map, and
 * routed by its text or not at all (a unit picked on the form, a form's GPS point, or a photo
 * before this one decided where it is).
 */
export function photoMayMove(tip: Tip, pack: PackId): boolean {
  const method = tip.routing.method;
  return (
    tip.status === 'NEW' &&
    tip.assignee === undefined &&
    tip.pack === pack &&
    (method === 'text' || method === 'none') &&
    tip.lat === undefined &&
    tip.lon === undefined
  );
}

function photoRouteChange(tip: Tip, attachmentId: string, photo: PhotoLocation, classifier: TipClassifier, deps: TipStepDependencies): TipChange | undefined {
  if (!photoMayMove(tip, classifier.pack)) return undefined;
  const { routing, otherGeneration } = classifier.classify({
    channel: tip.channel,
    text: tip.text,
    unit: tip.requestedUnit,
    lat: tip.lat,
    lon: tip.lon,
    photoPoint: photo,
    category: tip.requestedCategory,
  });
  if (routing.unit === tip.unit) return undefined;
  const after = nextVersion(tip, rerouted(routing, otherGeneration));
  const event = scanEvent(tip, 'ROUTED_BY_PHOTO', attachmentId, deps, {
    before: { pack: tip.pack, queue: tip.queue, unit: tip.unit },
    after: { pack: after.pack, queue: after.queue, unit: after.unit },
  });
  return { before: tip, after, event };
}
