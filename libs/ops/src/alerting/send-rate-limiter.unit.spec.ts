import { SendRateLimiter } from './send-rate-limiter';

describe('SendRateLimiter', () => {
  it('lets a burst of 10 seconds worth through, then books one slot per 1/rate (PagerDuty: 120 a minute)', () => {
    const limiter = new SendRateLimiter(120, 0);
    expect(limiter.burst).toBe(20);
    const slots = Array.from({ length: 24 }, () => limiter.reserve(0));
    expect(slots.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(slots.slice(20)).toEqual([500, 1000, 1500, 2000]);
  });

  it('refills with time, never above the burst', () => {
    const limiter = new SendRateLimiter(60, 0, 2);
    expect([limiter.reserve(0), limiter.reserve(0), limiter.reserve(0)]).toEqual([0, 0, 1000]);
    expect(limiter.reserve(10_000)).toBe(10_000); // a minute later the bucket holds 2 again, not 10
    expect(limiter.reserve(10_000)).toBe(10_000);
    expect(limiter.reserve(10_000)).toBe(11_000);
  });

  it('holds the rate over a backlog: 10,000 sends at 600 a minute end after about 1,000 s', () => {
    const limiter = new SendRateLimiter(600, 0);
    let last = 0;
    for (let i = 0; i < 10_000; i++) last = limiter.reserve(0);
    expect(last).toBeGreaterThan(980_000);
    expect(last).toBeLessThanOrEqual(1_000_000);
  });

  it('limits nothing at 0', () => {
    const limiter = new SendRateLimiter(0, 0);
    expect(Array.from({ length: 1000 }, () => limiter.reserve(5)).every((t) => t === 5)).toBe(true);
  });
});
