/**
 * Sliding windows over the last `windowMs` (default 5 min) in `slotMs` slots (default 10 s): what the
 * ops dashboard shows as "now" (requests/s, error rate, p50/p95), which Prometheus' cumulative
 * counters cannot answer in-process. O(1) to record; a snapshot merges the live slots.
 */
abstract class SlotRing<S> {
  private readonly slots: Array<{ epoch: number; value: S }>;
  protected readonly size: number;

  constructor(readonly windowMs: number, private readonly slotMs: number) {
    this.size = Math.max(1, Math.round(windowMs / slotMs));
    this.slots = Array.from({ length: this.size }, () => ({ epoch: -1, value: this.empty() }));
  }

  protected abstract empty(): S;

  protected slotAt(now: number): S {
    const epoch = Math.floor(now / this.slotMs);
    const slot = this.slots[epoch % this.size]!;
    if (slot.epoch !== epoch) {
      slot.epoch = epoch;
      slot.value = this.empty();
    }
    return slot.value;
  }

  protected live(now: number): S[] {
    const epoch = Math.floor(now / this.slotMs);
    return this.slots.filter((s) => s.epoch > epoch - this.size && s.epoch <= epoch).map((s) => s.value);
  }
}

/** Named counts (e.g. requests, 5xx) over the window. */
export class RollingCounts<K extends string> extends SlotRing<Record<string, number>> {
  protected empty(): Record<string, number> {
    return {};
  }

  add(key: K, n = 1, now = Date.now()): void {
    const slot = this.slotAt(now);
    slot[key] = (slot[key] ?? 0) + n;
  }

  sum(key: K, now = Date.now()): number {
    return this.live(now).reduce((total, s) => total + (s[key] ?? 0), 0);
  }
}

const BASE_MS = 0.01;
const GROWTH = 1.05;
const BUCKETS = 420;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencySnapshot {
  count: number;
  /** Upper bounds in milliseconds, within 5% (log-spaced buckets); null without samples. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Latencies over the window in log-spaced buckets (5% wide, 10 µs to hours). */
export class RollingHistogram extends SlotRing<{ n: number; counts: Uint32Array | null }> {
  protected empty(): { n: number; counts: Uint32Array | null } {
    return { n: 0, counts: null };
  }

  observe(ms: number, now = Date.now()): void {
    const slot = this.slotAt(now);
    slot.counts ??= new Uint32Array(BUCKETS);
    slot.counts[bucketOf(ms)]++;
    slot.n++;
  }

  snapshot(now = Date.now()): LatencySnapshot {
    const merged = new Uint32Array(BUCKETS);
    let count = 0;
    for (const slot of this.live(now)) {
      if (!slot.counts) continue;
      count += slot.n;
      for (let i = 0; i < BUCKETS; i++) merged[i] += slot.counts[i]!;
    }
    const at = (p: number): number | null => {
      if (count === 0) return null;
      const rank = Math.ceil(p * count);
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += merged[i]!;
        if (seen >= rank) return round(BASE_MS * GROWTH ** i);
      }
      return round(BASE_MS * GROWTH ** (BUCKETS - 1));
    };
    return { count, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
  }
}

function bucketOf(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / BASE_MS) / LOG_GROWTH));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
