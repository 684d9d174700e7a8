/**
 * The calendar the figures are counted in: ISO weeks (Monday to Sunday, week 1 holds the year's
 * first Thursday) and calendar months, both in Vietnam's time zone (Asia/Ho_Chi_Minh: UTC+7, no
 * daylight saving since 1975), the time a unit's week runs in. Weeks are written `2026-W03`, so
 * they sort as text in time order; months `2026-01`.
 */

const dayMs = 24 * 60 * 60 * 1000;
const weekMs = 7 * dayMs;

/** Vietnam's offset from UTC. */
const vietnamOffsetMs = 7 * 60 * 60 * 1000;

/** An ISO week as text, e.g. `2026-W03`. */
export type IsoWeek = string;

const weekPattern = /^(\d{4})-W(\d{2})$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

const toMs = (instant: Date | string | number): number => (typeof instant === 'number' ? instant : new Date(instant).getTime());
const pad2 = (value: number): string => String(value).padStart(2, '0');
const yearText = (year: number): string => String(year).padStart(4, '0');

/** The ISO weekday of a wall-clock date (UTC midnight): 1 for Monday to 7 for Sunday. */
const isoWeekday = (dayStartUtc: number): number => new Date(dayStartUtc).getUTCDay() || 7;

/** The ISO week of a calendar day given as its UTC midnight (the day as a wall-clock date). */
function weekOfDay(dayStartUtc: number): IsoWeek {
  // The Thursday of the same week decides the ISO year.
  const thursday = new Date(dayStartUtc + (4 - isoWeekday(dayStartUtc)) * dayMs);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / weekMs);
  return `${yearText(year)}-W${pad2(week)}`;
}

/** The wall-clock day in Vietnam an instant falls on, as that day's UTC midnight. */
function vietnamDayStart(instant: number): number {
  return Math.floor((instant + vietnamOffsetMs) / dayMs) * dayMs;
}

/** The ISO week (in Vietnam's time) an instant falls in. */
export function isoWeekOf(instant: Date | string | number): IsoWeek {
  return weekOfDay(vietnamDayStart(toMs(instant)));
}

/** Monday of ISO week 1 of a year, as a wall-clock date (UTC midnight). */
function firstMonday(year: number): number {
  const january4 = Date.UTC(year, 0, 4);
  return january4 - (isoWeekday(january4) - 1) * dayMs;
}

/** How many ISO weeks a year has: 53 when it starts on a Thursday, or is a leap year starting on a Wednesday. */
export function weeksInYear(year: number): number {
  return (firstMonday(year + 1) - firstMonday(year)) / weekMs;
}

/** The year and week number of a well-formed ISO week that exists, else undefined. */
function parseWeek(text: string): { readonly year: number; readonly week: number } | undefined {
  const match = weekPattern.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const week = Number(match[2]);
  return year >= 1970 && week >= 1 && week <= weeksInYear(year) ? { year, week } : undefined;
}

/** Whether the text is a well-formed ISO week that exists (`2026-W53` does not). */
export function isIsoWeek(text: string): boolean {
  return parseWeek(text) !== undefined;
}

/** The instant an ISO week starts: Monday 00:00 in Vietnam. Throws for text that is not a week. */
export function weekStart(week: IsoWeek): Date {
  const parsed = parseWeek(week);
  if (!parsed) throw new RangeError(`Not an ISO week: ${JSON.stringify(week)}`);
  return new Date(firstMonday(parsed.year) + (parsed.week - 1) * weekMs - vietnamOffsetMs);
}

/** The instant an ISO week ends: the next Monday 00:00 in Vietnam (exclusive). */
export function weekEnd(week: IsoWeek): Date {
  return new Date(weekStart(week).getTime() + weekMs);
}

/** The week so many weeks later (or earlier, for a negative count). */
export function addWeeks(week: IsoWeek, weeks: number): IsoWeek {
  return isoWeekOf(weekStart(week).getTime() + weeks * weekMs);
}

/** How many weeks from one week to another: 0 for the same week, negative when `to` is earlier. */
export function weeksFrom(from: IsoWeek, to: IsoWeek): number {
  return Math.round((weekStart(to).getTime() - weekStart(from).getTime()) / weekMs);
}

/** Every week from `from` to `to`, both included, oldest first; empty when `to` is earlier. */
export function weekRange(from: IsoWeek, to: IsoWeek): IsoWeek[] {
  // Steps from `from`'s start, rather than addWeeks per week, which would parse `from` each time.
  const start = weekStart(from).getTime();
  return Array.from({ length: Math.max(0, weeksFrom(from, to) + 1) }, (_, index) => isoWeekOf(start + index * weekMs));
}

/**
 * The ISO week a person means by a week or a calendar day: `2026-W03` as it is, `2026-01-14`
 * the week that day falls in. Undefined for anything else, or a day that does not exist.
 */
export function weekOfInput(text: string): IsoWeek | undefined {
  if (isIsoWeek(text)) return text;
  const match = datePattern.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const dayStart = Date.UTC(year, month - 1, day);
  const date = new Date(dayStart);
  if (year < 1970 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return weekOfDay(dayStart);
}

/** The calendar month (in Vietnam's time) an instant falls in, e.g. `2026-01`. */
export function monthOf(instant: Date | string | number): string {
  const local = new Date(toMs(instant) + vietnamOffsetMs);
  return `${yearText(local.getUTCFullYear())}-${pad2(local.getUTCMonth() + 1)}`;
}

/** The instant a month (`2026-01`) ends: the first of the next month, 00:00 in Vietnam. */
export function monthEnd(month: string): Date {
  const [year, monthNumber] = month.split('-').map(Number);
  if (year === undefined || monthNumber === undefined || !Number.isInteger(year) || !Number.isInteger(monthNumber)) throw new RangeError(`Not a month: ${JSON.stringify(month)}`);
  return new Date(Date.UTC(year, monthNumber, 1) - vietnamOffsetMs);
}
