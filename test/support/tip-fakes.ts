/**
 * In-memory ports of the officer use cases (the tips table, rate limits, the directory, the
 * notifier), the cast of officers, and example tips, on the map in force: the example tips sit
 * in the queue of Phường Bàn Cờ (27154, formerly Quận 3), and "another unit" is Phường Bến
 * Thành (26743, formerly Quận 1).
 */
import { createTextReader, type TextReader } from '../../shared/classification/text-reader.ts';
import type { TextReadingPort } from '../../shared/usecases/tipster-message.ts';
import { cityDeskQueue, jurisdiction } from '../../shared/jurisdictions/index.ts';
import { StaleTipError, classifiedEvent, officerFromClaims, officerGroups, type Officer, type TipEvent } from '../../shared/officers/model.ts';
import { maxChangesPerTransaction, type Clock, type TipChange, type TipRepository } from '../../shared/ports.ts';
import { formatRegisterNumber, registerYear } from '../../shared/tip/register.ts';
import type { NewTip, Tip, TipStatus } from '../../shared/tip/tip.ts';
import type { OfficerDirectory } from '../../shared/usecases/officers/access.ts';
import type { TipsterNotifier } from '../../shared/usecases/officers/tips.ts';
import type { RateLimiter } from '../../shared/usecases/officers/citizen.ts';
import { createPhonePseudonymizer } from '../../shared/sms/phone.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { fixedClock, memoryAttachmentStore, memoryCodes, memoryConversation, memoryQueue, memorySenders, sequentialIds } from './fakes.ts';

/** Lets every other pending promise run first, as a network round trip would. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));

const urgencyRank = { high: 1, normal: 2, low: 3 } as const;

/** The pack of the example tips and queues. */
export const testPack = 'hcmc-2025';
/** The queue of the example tips (Phường Bàn Cờ) and another unit's (Phường Bến Thành). */
export const exampleUnit = '27154';
export const otherUnit = '26743';

function queueKey(tip: Tip): string {
  return `${urgencyRank[tip.urgency]}#${tip.receivedAt}#${tip.id}`;
}

/** An in-memory tips table, with the version condition and the registers of the real one. */
export interface MemoryTips extends TipRepository {
  readonly tips: Map<string, Tip>;
  readonly eventLog: Map<string, TipEvent[]>;
  /** How often each method was called. */
  readonly calls: { get: number; getMany: number; events: number; queue: number; update: number; updateMany: number; addEvent: number };
  /** Stores a tip (and events) as they are, for a test's starting state. */
  put(tip: Tip, events?: readonly TipEvent[]): void;
  /** The stored tip; throws when there is none. */
  stored(tipId: string): Tip;
  /** The stored events of a tip. */
  storedEvents(tipId: string): readonly TipEvent[];
}

/**
 * Tips and events in Maps. Every read and write yields to other work first, as a network call
 * does, so concurrent use cases really interleave; the check of the version and the write
 * happen with no yield in between, which makes them atomic, as DynamoDB's condition is.
 */
export function memoryTips(): MemoryTips {
  const tips = new Map<string, Tip>();
  const eventLog = new Map<string, TipEvent[]>();
  const calls = { get: 0, getMany: 0, events: 0, queue: 0, update: 0, updateMany: 0, addEvent: 0 };
  const registers = new Map<string, number>();

  const appendEvents = (tipId: string, events: readonly TipEvent[]) =>
    eventLog.set(tipId, [...(eventLog.get(tipId) ?? []), ...events.map((event) => structuredClone(event))]);

  const checkVersion = (tip: Tip): void => {
    const stored = tips.get(tip.id);
    if (!stored || stored.version !== tip.version) throw new StaleTipError(tip.id);
  };

  return {
    tips,
    eventLog,
    calls,
    put(tip, events = []) {
      tips.set(tip.id, structuredClone(tip));
      appendEvents(tip.id, events);
    },
    stored(tipId) {
      const tip = tips.get(tipId);
      if (!tip) throw new Error(`No stored tip ${tipId}`);
      return tip;
    },
    storedEvents(tipId) {
      return eventLog.get(tipId) ?? [];
    },

    async create(tip: NewTip) {
      await roundTrip();
      if (tips.has(tip.id)) return 'duplicate';
      const queue = tip.unit ?? cityDeskQueue;
      const year = registerYear(tip.receivedAt);
      const sequence = (registers.get(`${tip.pack}/${queue}/${year}`) ?? 0) + 1;
      registers.set(`${tip.pack}/${queue}/${year}`, sequence);
      tips.set(tip.id, structuredClone({ ...tip, queue, version: 1, registerNumber: formatRegisterNumber(queue, year, sequence) }));
      appendEvents(tip.id, [classifiedEvent(tip, queue)]);
      return 'created';
    },

    async get(tipId) {
      calls.get += 1;
      await roundTrip();
      const tip = tips.get(tipId);
      return tip && structuredClone(tip);
    },
    async getMany(tipIds) {
      calls.getMany += 1;
      await roundTrip();
      return new Map(tipIds.flatMap((id) => { const tip = tips.get(id); return tip ? [[id, structuredClone(tip)] as const] : []; }));
    },
    async events(tipId) {
      calls.events += 1;
      await roundTrip();
      return [...(eventLog.get(tipId) ?? [])].map((event) => structuredClone(event)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    },
    async queue({ pack, queue, status, limit, cursor }) {
      calls.queue += 1;
      await roundTrip();
      const after = cursor === undefined ? '' : Buffer.from(cursor, 'base64url').toString('utf8');
      const matching = [...tips.values()]
        // A linked report is in no queue (the table's QueueIndex is sparse): its incident stands for it.
        .filter((tip) => tip.pack === pack && tip.queue === queue && tip.status === status && tip.incidentId === undefined)
        .sort((a, b) => (queueKey(a) < queueKey(b) ? -1 : 1))
        .filter((tip) => queueKey(tip) > after);
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      return {
        tips: page.map((tip) => structuredClone(tip)),
        nextCursor: matching.length > limit && last ? Buffer.from(queueKey(last), 'utf8').toString('base64url') : undefined,
      };
    },
    async update({ before, after, event }) {
      calls.update += 1;
      await roundTrip();
      // From here to the end there is no await: check and write are one atomic step.
      checkVersion(before);
      if (after.id !== before.id || event.tipId !== before.id) throw new Error('update: the change and its event must be for the same tip');
      if (after.version !== before.version + 1) throw new Error(`update: version must go from ${before.version} to ${before.version + 1}, not ${after.version}`);
      tips.set(after.id, structuredClone(after));
      appendEvents(after.id, [event]);
    },
    async updateMany(changes) {
      calls.updateMany += 1;
      await roundTrip();
      // As one transaction: every condition is checked before anything is written, with no yield.
      if (changes.length > maxChangesPerTransaction) throw new Error(`updateMany: at most ${maxChangesPerTransaction} changes, not ${changes.length}`);
      if (new Set(changes.map((change) => change.before.id)).size !== changes.length) throw new Error('updateMany: each change must be of another tip');
      for (const { before, after, event } of changes) {
        checkVersion(before);
        if (after.id !== before.id || event.tipId !== before.id) throw new Error('updateMany: each change and its event must be for the same tip');
        if (after.version !== before.version + 1) throw new Error(`updateMany: version of ${before.id} must go from ${before.version} to ${before.version + 1}, not ${after.version}`);
      }
      for (const { after, event } of changes) {
        tips.set(after.id, structuredClone(after));
        appendEvents(after.id, [event]);
      }
    },
    async addEvent(tip, event) {
      calls.addEvent += 1;
      await roundTrip();
      checkVersion(tip);
      if (event.tipId !== tip.id) throw new Error('addEvent: the event must be for the tip');
      appendEvents(tip.id, [event]);
    },
  };
}

/** A store whose next `times` writes (update or addEvent) fail as if another writer came first. */
export function flakyTips(store: MemoryTips, times: number): MemoryTips {
  let failures = times;
  const maybeFail = (tipId: string) => {
    if (failures > 0) {
      failures -= 1;
      throw new StaleTipError(tipId);
    }
  };
  return Object.assign(Object.create(store) as MemoryTips, {
    async update(change: TipChange) {
      maybeFail(change.before.id);
      return store.update(change);
    },
    async updateMany(changes: readonly TipChange[]) {
      maybeFail(changes[0]?.before.id ?? 'none');
      return store.updateMany(changes);
    },
    async addEvent(tip: Tip, event: TipEvent) {
      maybeFail(tip.id);
      return store.addEvent(tip, event);
    },
  });
}

/** A fixed-window rate limiter in a Map, on the test's clock. */
export function memoryRateLimiter(clock: Clock): RateLimiter & { counts: Map<string, number> } {
  const windows = new Map<string, { start: number; count: number }>();
  const counts = new Map<string, number>();
  return {
    counts,
    async consume(key, limit, windowSeconds) {
      const now = clock.now().getTime();
      const current = windows.get(key);
      const window = current && now - current.start < windowSeconds * 1000 ? current : { start: now, count: 0 };
      if (window.count >= limit) return false;
      window.count += 1;
      windows.set(key, window);
      counts.set(key, window.count);
      return true;
    },
  };
}

/** Officers by username. */
export function memoryDirectory(officers: readonly Officer[]): OfficerDirectory {
  return {
    find: async (username) => officers.find((officer) => officer.username === username),
    members: async (group) =>
      officers.filter((officer) => (group === officerGroups.cityDesk ? officer.cityDesk : officer.units.some((unit) => officerGroups.unit(unit) === group))),
  };
}

/** A notifier that records what it was asked to send, or fails when told to. */
export function recordingNotifier(options: { fail?: Error } = {}): TipsterNotifier & { sent: Array<{ tipId: string; channel: string; text: string }> } {
  const sent: Array<{ tipId: string; channel: string; text: string }> = [];
  return {
    sent,
    async notify(tip, text) {
      if (options.fail) throw options.fail;
      sent.push({ tipId: tip.id, channel: tip.channel, text });
      return tip.channel === 'sms' ? { delivered: true } : { delivered: false, reason: 'web_tip' };
    },
  };
}

/** An officer as the identity provider's groups describe them. */
export function officer(username: string, groups: readonly string[]): Officer {
  return officerFromClaims({ sub: `sub-${username}`, username, groups });
}

/** The cast of the authorisation tests; the example tips sit in the queue of unit 27154. */
export const officers = {
  /** An officer of the example tips' unit. */
  unit: officer('an.nguyen', [`unit-${exampleUnit}`]),
  /** Another officer of that unit, e.g. the one a tip is assigned to. */
  colleague: officer('binh.tran', [`unit-${exampleUnit}`]),
  /** An officer of another unit only. */
  otherUnit: officer('chi.le', [`unit-${otherUnit}`]),
  /** The city duty desk: sees every queue. */
  desk: officer('dung.pham', ['city-desk']),
  /** A supervisor of the example tips' unit. */
  supervisor: officer('hoa.vo', [`unit-${exampleUnit}`, 'supervisor']),
  /** A supervisor of another unit only. */
  otherSupervisor: officer('khanh.do', [`unit-${otherUnit}`, 'supervisor']),
  /** A supervisor at the city desk. */
  deskSupervisor: officer('lan.bui', ['city-desk', 'supervisor']),
  /** Signed in, but in no group. */
  noGroups: officer('minh.ho', []),
} as const;

/** A stored tip in the queue of unit 27154, NEW, received 2026-11-20 03:00 UTC, due 20 days later. */
export function storedTip(overrides: Partial<Tip> = {}): Tip {
  const id = overrides.id ?? '01JTIP00000000000000000001';
  const queue = overrides.queue ?? exampleUnit;
  const unit = queue === cityDeskQueue ? null : queue;
  return {
    id,
    trackingCode: 'TB-7Q4K-9XPD',
    channel: 'web',
    receivedAt: '2026-11-20T03:00:00.000Z',
    classifiedAt: '2026-11-20T03:00:01.000Z',
    dueAt: '2026-12-10T03:00:00.000Z',
    text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ, phường Bàn Cờ, mỗi tối từ 9 giờ.',
    language: 'vi',
    pack: testPack,
    unit,
    otherGeneration: { pack: 'hcmc-2021', unit: '770', units: ['770'], method: 'text' },
    category: 'drugs',
    urgency: 'normal',
    routing: {
      pack: testPack,
      unit,
      confidence: 0.92,
      method: 'text',
      evidence: { kind: 'text', span: 'phường Bàn Cờ', start: 48, end: 61 },
      candidates: [
        { unit: exampleUnit, confidence: 0.92, method: 'text', evidence: { kind: 'text', span: 'phường Bàn Cờ', start: 48, end: 61 } },
        { unit: otherUnit, confidence: 0.31, method: 'text', evidence: { kind: 'text', span: 'Lê Văn Sỹ', start: 32, end: 41 } },
      ],
    },
    status: 'NEW',
    version: 1,
    queue,
    registerNumber: `${queue}/2026/000001`,
    ...overrides,
  };
}

/** A tip in the given status, held by `holder` when the status means someone holds it. */
export function storedTipIn(status: TipStatus, holder: Officer = officers.colleague, overrides: Partial<Tip> = {}): Tip {
  const held = status !== 'NEW';
  return storedTip({
    status,
    ...(held && { assignee: { id: holder.id, username: holder.username } }),
    ...(status === 'REJECTED' && { rejection: { reason: 'spam' as const } }),
    ...overrides,
  });
}

/** Everything the officer use cases need, in memory, at 2026-11-25 03:00 UTC, on the map in force. */
export function tipWorld(options: { officers?: readonly Officer[]; notifyFails?: Error } = {}) {
  const clock = fixedClock('2026-11-25T03:00:00.000Z');
  return {
    tips: memoryTips(),
    attachments: memoryAttachmentStore(),
    jurisdiction: jurisdiction(testPack),
    clock,
    ids: sequentialIds(),
    directory: memoryDirectory(options.officers ?? Object.values(officers)),
    notifier: recordingNotifier(options.notifyFails ? { fail: options.notifyFails } : {}),
    limiter: memoryRateLimiter(clock),
    reader: textReading,
  };
}

let reader: TextReader | undefined;
/** The real text reader (no fake: it is pure), built once per test file. */
export const textReading: TextReadingPort = {
  read: async (text, pack) => (reader ??= createTextReader()).read(text, pack),
};

/** Everything receiveSms needs, in memory, at a fixed time (the SMS channel's settings: 30 minutes, 3 tips an hour). */
export function smsWorld() {
  return {
    queue: memoryQueue(),
    codes: memoryCodes(),
    tips: memoryTips(),
    senders: memorySenders(),
    conversation: memoryConversation(),
    reader: textReading,
    hasher: createSecretHasher('a pepper long enough for tests'),
    pseudonymizer: createPhonePseudonymizer('a pseudonym key long enough'),
    vault: { seal: async (e164: string) => `sealed(${e164.length})` },
    clock: fixedClock('2026-11-25T03:00:00.000Z'),
    ids: sequentialIds(),
    retentionDays: 1825,
    settings: { followUpWindowMinutes: 30, rateLimitPerHour: 3 },
  };
}
