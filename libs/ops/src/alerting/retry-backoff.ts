/**
 * The delay before try `attempt + 1` of a delivery whose try `attempt` (1-based) failed:
 * exponential (`firstMs`, doubled per try, at most `maxMs`) with "equal jitter": half of it fixed,
 * half random, so deliveries that failed together do not come back together.
 */
export function retryDelayMs(attempt: number, firstMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(Math.max(maxMs, firstMs), firstMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** A `Retry-After` header in ms (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
