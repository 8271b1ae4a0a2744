import { type ComplianceProblem, InvalidComplianceRequestError } from './compliance.errors';

/** A scan without dates looks at the last 90 days. */
export const DEFAULT_COVERAGE_DAYS = 90;
/** About ten years: a longer window is refused rather than scanned. */
export const MAX_COVERAGE_DAYS = 3660;

const DAY_MS = 86_400_000;
/** ISO-8601: a date, or a date and time with seconds optional and a zone (Z or ±hh:mm). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** The inclusive window evidence must fall in, as ISO-8601 UTC instants. */
export interface CoverageWindow {
  from: string;
  to: string;
}

/**
 * The window of a coverage scan: `dateTo` defaults to `now`, `dateFrom` to 90 days before `dateTo`.
 * Refused naming the field: a date that is no ISO-8601 calendar date (2026-02-30 included), a
 * window that starts after it ends, one longer than MAX_COVERAGE_DAYS.
 */
export function coverageWindowOf(input: { dateFrom?: unknown; dateTo?: unknown }, now: string): CoverageWindow {
  const problems: ComplianceProblem[] = [];
  const to = input.dateTo === undefined ? Date.parse(now) : instantOf(input.dateTo, 'dateTo', problems);
  const from = input.dateFrom === undefined ? to - DEFAULT_COVERAGE_DAYS * DAY_MS : instantOf(input.dateFrom, 'dateFrom', problems);
  if (problems.length === 0) {
    if (from > to) problems.push({ field: 'dateFrom', message: 'must not be after dateTo' });
    else if (to - from > MAX_COVERAGE_DAYS * DAY_MS) problems.push({ field: 'dateFrom', message: `must be at most ${MAX_COVERAGE_DAYS} days before dateTo` });
  }
  if (problems.length > 0) throw new InvalidComplianceRequestError(problems);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function instantOf(value: unknown, field: string, problems: ComplianceProblem[]): number {
  const match = typeof value === 'string' ? ISO_8601.exec(value) : null;
  const ms = match ? Date.parse(value as string) : NaN;
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!match || !Number.isFinite(ms) || month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    problems.push({ field, message: 'must be an ISO-8601 date or date-time (2026-03-01 or 2026-03-01T00:00:00Z)' });
    return NaN;
  }
  return ms;
}
