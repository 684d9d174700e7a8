import type { Clock, IdGenerator, SmsSenderRecord, SmsSenderStore, TipConversation, TipQueue, TipsterMessage, TrackingCodeStore } from '../../shared/ports.ts';
import type { TipEnvelope } from '../../shared/tip/envelope.ts';
import type { TrackingRecord } from '../../shared/tip/tip.ts';

/** A clock that stands still until a test moves it. */
export function fixedClock(iso: string): Clock & { advance(ms: number): void } {
  let now = new Date(iso).getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** Ids 01…, 02…, predictable in assertions. */
export function sequentialIds(): IdGenerator {
  let next = 0;
  return { next: () => String((next += 1)).padStart(26, '0') };
}

/** A queue that keeps what it is sent, or refuses everything when told to fail. */
export function memoryQueue(options: { fail?: Error } = {}): TipQueue & { sent: TipEnvelope[] } {
  const sent: TipEnvelope[] = [];
  return {
    sent,
    async send(envelope) {
      if (options.fail) throw options.fail;
      sent.push(structuredClone(envelope));
    },
  };
}

/** Tracking codes in a Map, with the same reserve-once rule as the table's condition. */
export function memoryCodes(): TrackingCodeStore & { records: Map<string, TrackingRecord> } {
  const records = new Map<string, TrackingRecord>();
  return {
    records,
    async reserve(record) {
      if (records.has(record.trackingCode)) return false;
      records.set(record.trackingCode, record);
      return true;
    },
    async release(code) {
      records.delete(code);
    },
    async find(code) {
      return records.get(code);
    },
  };
}

/** SMS senders in a Map. */
export function memorySenders(): SmsSenderStore & { records: Map<string, SmsSenderRecord> } {
  const records = new Map<string, SmsSenderRecord>();
  return {
    records,
    async get(pseudonym) {
      return records.get(pseudonym);
    },
    async save(record) {
      records.set(record.pseudonym, structuredClone(record));
    },
  };
}

/** Follow-up messages per tip. */
export function memoryConversation(): TipConversation & { messages: Map<string, TipsterMessage[]> } {
  const messages = new Map<string, TipsterMessage[]>();
  return {
    messages,
    async addTipsterMessage(tipId, message) {
      messages.set(tipId, [...(messages.get(tipId) ?? []), message]);
    },
  };
}
