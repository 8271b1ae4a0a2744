import { RollingCounts, RollingHistogram } from './rolling-window';

describe('rolling windows', () => {
  const T0 = 1_700_000_000_000;

  it('sums counts of the last window and forgets older slots', () => {
    const c = new RollingCounts<'all' | '5xx'>(60_000, 10_000);
    c.add('all', 3, T0);
    c.add('5xx', 1, T0 + 5_000);
    c.add('all', 2, T0 + 30_000);
    expect(c.sum('all', T0 + 30_000)).toBe(5);
    expect(c.sum('5xx', T0 + 30_000)).toBe(1);
    expect(c.sum('all', T0 + 65_000)).toBe(2);
    expect(c.sum('all', T0 + 200_000)).toBe(0);
  });

  it('answers percentiles within the bucket width', () => {
    const h = new RollingHistogram(300_000, 10_000);
    for (let i = 1; i <= 100; i++) h.observe(i, T0 + i);
    const s = h.snapshot(T0 + 1000);
    expect(s.count).toBe(100);
    expect(s.p50Ms!).toBeGreaterThanOrEqual(50);
    expect(s.p50Ms!).toBeLessThanOrEqual(50 * 1.05);
    expect(s.p95Ms!).toBeGreaterThanOrEqual(95);
    expect(s.p95Ms!).toBeLessThanOrEqual(95 * 1.05);
    expect(s.p99Ms!).toBeLessThanOrEqual(100 * 1.05);
    expect(h.snapshot(T0 + 400_000)).toEqual({ count: 0, p50Ms: null, p95Ms: null, p99Ms: null });
  });
});
