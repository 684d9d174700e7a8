/**
 * The legal verification deadline of a tip as officers see it: days left, overdue, and how far
 * one extension may push it. Pure time arithmetic; calendar months are counted in Vietnam's time
 * zone (UTC+7, no daylight saving), the time zone the deadline runs in.
 */

const dayMs = 24 * 60 * 60 * 1000;

/** Vietnam's offset from UTC; it has had no daylight saving since 1975. */
const vietnamOffsetMs = 7 * 60 * 60 * 1000;

const toDate = (value: Date | string): Date => (typeof value === 'string' ? new Date(value) : value);

/** The calendar day in Vietnam an instant falls on, as a day number. */
const vietnamDay = (instant: Date): number => Math.floor((instant.getTime() + vietnamOffsetMs) / dayMs);

/**
 * Days left until the deadline as a person counts them, in calendar days in Vietnam: a tip
 * received a minute ago with 20 days to verify has 20 left, 0 on the day it is due, -1 the day
 * after.
 */
export function daysLeft(dueAt: Date | string, now: Date): number {
  return vietnamDay(toDate(dueAt)) - vietnamDay(now);
}

/** Whether the deadline has passed. */
export function isOverdue(dueAt: Date | string, now: Date): boolean {
  return now.getTime() > toDate(dueAt).getTime();
}

/**
 * The same wall-clock time in Vietnam so many calendar months later. A day that does not exist
 * in the target month falls back to its last day (31 January + 1 month = 28 or 29 February).
 */
export function addCalendarMonths(instant: Date | string, months: number): Date {
  const local = new Date(toDate(instant).getTime() + vietnamOffsetMs);
  const day = local.getUTCDate();
  const target = new Date(local.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return new Date(target.getTime() - vietnamOffsetMs);
}

/**
 * The most days one extension may add to a deadline: the days in the given number of calendar
 * months from it (59 to 62 for two months).
 */
export function maxExtensionDays(dueAt: Date | string, months: number): number {
  const from = toDate(dueAt);
  return Math.round((addCalendarMonths(from, months).getTime() - from.getTime()) / dayMs);
}

/** The deadline moved by whole days. */
export function addDays(instant: Date | string, days: number): Date {
  return new Date(toDate(instant).getTime() + days * dayMs);
}
