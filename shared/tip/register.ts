/**
 * Each unit's intake register (sổ tiếp nhận): every tip a unit receives gets the next number of
 * the unit's register for the year, with no gaps and no number given twice. The city duty desk
 * keeps a register of its own. Numbers are given moments after a tip is stored (see the tip
 * store), so a tip shows its tracking code until then.
 */
import { retainedUntil } from './retention.ts';

/** Vietnam's offset from UTC; it has had no daylight saving since 1975. */
const vietnamOffsetMs = 7 * 60 * 60 * 1000;

/** Registers run per calendar year in Vietnam's time zone. */
export function registerYear(receivedAt: string): string {
  return String(new Date(new Date(receivedAt).getTime() + vietnamOffsetMs).getUTCFullYear());
}

/** A register entry such as `26737/2026/000123`. */
export function formatRegisterNumber(queue: string, year: string, sequence: number): string {
  return `${queue}/${year}/${String(sequence).padStart(6, '0')}`;
}

/**
 * When a year's register counter may go: once no tip of that year can still arrive to be
 * numbered and every tip it numbered has expired, that is a retention period after the year ends.
 */
export function registerCounterExpiresAt(year: string, retentionDays: number): Date {
  const yearEnd = new Date(Date.UTC(Number(year) + 1, 0, 1) - vietnamOffsetMs);
  return retainedUntil(yearEnd, retentionDays);
}
