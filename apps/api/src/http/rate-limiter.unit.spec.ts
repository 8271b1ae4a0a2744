import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst of the per-minute limit, then refuses with the wait until the next request', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('token:a')).toMatchObject({ allowed: true, limit: 60, remaining: 59 - i });
    expect(limiter.take('token:a')).toEqual({ allowed: false, limit: 60, remaining: 0, retryAfterSeconds: 1 });
    expect(limiter.take('token:b').allowed).toBe(true); // callers are separate
    now += 1000; // one token back per second at 60/min
    expect(limiter.take('token:a')).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.take('token:a').allowed).toBe(false);
  });

  it('forgets callers that are idle long enough to be full again, and stays within its key bound', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now, 3);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    now += 60_000;
    limiter.take('d'); // the table is full: full buckets are purged first
    expect(limiter.size).toBe(1);
  });
});
