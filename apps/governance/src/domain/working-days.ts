/**
 * Review deadlines count working days in China Standard Time (UTC+8 all year, no daylight
 * saving): Saturdays and Sundays are skipped. The State Council's yearly holiday and
 * make-up-workday calendar is not applied yet, so a deadline across a public holiday comes early.
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const isWeekend = (utcMs: number): boolean => {
  const day = new Date(utcMs + CHINA_OFFSET_MS).getUTCDay();
  return day === 0 || day === 6;
};

/** The same time of day, `days` working days after `from` (a weekend start counts from Monday). */
export const addWorkingDays = (from: string, days: number): string => {
  let at = Date.parse(from);
  for (let counted = 0; counted < days; ) {
    at += DAY_MS;
    if (!isWeekend(at)) counted++;
  }
  return new Date(at).toISOString();
};

export const COMPLIANCE_REVIEW_WORKING_DAYS = 2;
export const PROVIDER_REVIEW_WORKING_DAYS = 5;
