import { retryAfterMs, retryDelayMs } from './retry-backoff';

describe('retryDelayMs: exponential backoff with equal jitter', () => {
  it('doubles per try up to the maximum, between half and all of it', () => {
    const low = (n: number) => retryDelayMs(n, 1000, 60_000, () => 0);
    const high = (n: number) => retryDelayMs(n, 1000, 60_000, () => 0.999999);
    expect([1, 2, 3, 4].map(low)).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map(high)).toEqual([1000, 2000, 4000, 8000]);
    expect(low(30)).toBe(30_000);
    expect(high(1000)).toBe(60_000);
  });

  it('spreads deliveries that failed together', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const delays = new Set(Array.from({ length: 100 }, () => retryDelayMs(5, 1000, 60_000, random)));
    expect(delays.size).toBeGreaterThan(90);
    expect([...delays].every((d) => d >= 8000 && d <= 16_000)).toBe(true);
  });

  it('treats a maximum below the first delay as the first delay', () => {
    expect(retryDelayMs(3, 1000, 10, () => 0)).toBe(500);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Sun, 01 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});
