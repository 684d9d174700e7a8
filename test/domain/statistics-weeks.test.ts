import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { addWeeks, isIsoWeek, isoWeekOf, monthEnd, monthOf, weekEnd, weekOfInput, weekRange, weeksFrom, weeksInYear, weekStart } from '../../shared/statistics/weeks.ts';

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** The wall-clock date and weekday in Vietnam, as Intl reads the time zone database. */
const vietnamDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' });

function vietnamParts(instant: number): { date: string; weekday: string } {
  const parts = Object.fromEntries(vietnamDate.formatToParts(instant).map((part) => [part.type, part.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: String(parts.weekday) };
}

const instants = fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2090-12-31T00:00:00Z') });

describe('ISO weeks in Vietnam time', () => {
  it('numbers weeks as ISO 8601 does, at the year boundaries too', () => {
    const cases: Array<[string, string]> = [
      ['2026-01-01T05:00:00.000Z', '2026-W01'], // a Thursday: week 1 of its own year
      ['2025-12-29T05:00:00.000Z', '2026-W01'], // the Monday of that week, still in 2025
      ['2021-01-03T05:00:00.000Z', '2020-W53'], // a Sunday of 2021 in 2020's last week
      ['2026-12-31T05:00:00.000Z', '2026-W53'], // 2026 starts on a Thursday: 53 weeks
      ['2027-01-03T05:00:00.000Z', '2026-W53'],
      ['2027-01-04T05:00:00.000Z', '2027-W01'],
      ['2024-12-30T05:00:00.000Z', '2025-W01'],
      ['2026-03-18T05:00:00.000Z', '2026-W12'],
    ];
    for (const [instant, week] of cases) assert.equal(isoWeekOf(instant), week, instant);
  });

  it('turns the week at Monday 00:00 in Vietnam, which is Sunday 17:00 UTC', () => {
    assert.equal(isoWeekOf('2026-01-04T16:59:59.999Z'), '2026-W01');
    assert.equal(isoWeekOf('2026-01-04T17:00:00.000Z'), '2026-W02');
    assert.equal(weekStart('2026-W02').toISOString(), '2026-01-04T17:00:00.000Z');
    assert.equal(weekEnd('2026-W01').toISOString(), '2026-01-04T17:00:00.000Z');
  });

  it('starts every week on a Monday at midnight in Vietnam, as the time zone database has it', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const week = isoWeekOf(instant);
        const start = weekStart(week).getTime();
        assert.ok(start <= instant && instant < weekEnd(week).getTime(), `${new Date(instant).toISOString()} in ${week}`);
        assert.equal(vietnamParts(start).weekday, 'Mon');
        assert.equal(vietnamParts(start - 1).weekday, 'Sun');
        assert.equal(weekEnd(week).getTime() - start, 7 * dayMs);
      }),
    );
  });

  it('names a week by the year of its Thursday', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const week = isoWeekOf(instant);
        const thursday = weekStart(week).getTime() + 3 * dayMs + 12 * hourMs;
        assert.equal(week.slice(0, 4), vietnamParts(thursday).date.slice(0, 4));
      }),
    );
  });

  it('counts 52 or 53 weeks a year, 53 exactly when 1 January or 31 December is a Thursday', () => {
    for (let year = 1990; year <= 2090; year += 1) {
      const thursdays = [`${year}-01-01`, `${year}-12-31`].some((day) => new Date(`${day}T00:00:00Z`).getUTCDay() === 4);
      assert.equal(weeksInYear(year), thursdays ? 53 : 52, String(year));
      assert.equal(isIsoWeek(`${year}-W53`), thursdays);
    }
  });

  it('adds weeks, counts the weeks between two, and lists a range', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: -200, max: 200 }), (instant, weeks) => {
        const week = isoWeekOf(instant);
        const later = addWeeks(week, weeks);
        assert.equal(weeksFrom(week, later), weeks);
        assert.equal(weekStart(later).getTime() - weekStart(week).getTime(), weeks * 7 * dayMs);
        const range = weeks >= 0 ? weekRange(week, later) : weekRange(later, week);
        assert.equal(range.length, Math.abs(weeks) + 1);
        assert.deepEqual([...range].sort(), range, 'weeks sort as text in time order');
      }),
    );
    assert.deepEqual(weekRange('2026-W52', '2027-W02'), ['2026-W52', '2026-W53', '2027-W01', '2027-W02']);
    assert.deepEqual(weekRange('2026-W03', '2026-W02'), []);
  });

  it('reads a week or a calendar day as the week a person means, and nothing else', () => {
    assert.equal(weekOfInput('2026-W07'), '2026-W07');
    assert.equal(weekOfInput('2026-01-04'), '2026-W01');
    assert.equal(weekOfInput('2026-01-05'), '2026-W02');
    for (const bad of ['2026-W54', '2025-W53', '2026-W00', '2026-02-30', '2026-13-01', '26-W07', '2026-W7', '2026-01-14T00:00:00Z', '', 'W07']) {
      assert.equal(weekOfInput(bad), undefined, bad);
    }
  });

  it('gives the month of receipt in Vietnam time and when it ends', () => {
    assert.equal(monthOf('2026-01-31T16:59:59.999Z'), '2026-01');
    assert.equal(monthOf('2026-01-31T17:00:00.000Z'), '2026-02');
    assert.equal(monthEnd('2026-01').toISOString(), '2026-01-31T17:00:00.000Z');
    assert.equal(monthEnd('2026-12').toISOString(), '2026-12-31T17:00:00.000Z');
    fc.assert(
      fc.property(instants, (instant) => {
        assert.equal(monthOf(instant), vietnamParts(instant).date.slice(0, 7));
        assert.ok(monthEnd(monthOf(instant)).getTime() > instant);
      }),
    );
  });
});
