/**
 * Calendar dates of the register (`YYYY-MM-DD`). "Today" is the date in China Standard Time
 * (UTC+8, no daylight saving): a child born at 01:00 in the city is born "today" although UTC
 * still says yesterday, and must not be refused as born in the future.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A date in the proleptic Gregorian calendar: 1999-02-30 and 2023-02-29 are not. */
export const isCalendarDate = (value: string): boolean => {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: the latter reads years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/** The calendar date in China at `instant` (an ISO 8601 string). */
export const chinaDateOf = (instant: string): string => new Date(Date.parse(instant) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
