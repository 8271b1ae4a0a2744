import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopSnapshot {
  /** Event loop delay over the last full minute (or since start), in milliseconds. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  windowSeconds: number;
}

/**
 * Event loop delay for the dashboard, from its own perf_hooks histogram (reading prom-client's would
 * reset what Prometheus scrapes). Rotates every minute; a snapshot reports the last full minute.
 */
export class EventLoopWatch {
  private current: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private last: EventLoopSnapshot | null = null;
  private startedAt = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly windowMs = 60_000) {
    this.current.enable();
    this.timer = setInterval(() => this.rotate(), windowMs);
    this.timer.unref();
  }

  snapshot(): EventLoopSnapshot {
    return this.last ?? this.read(this.current, (Date.now() - this.startedAt) / 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.current.disable();
  }

  private rotate(): void {
    this.last = this.read(this.current, this.windowMs / 1000);
    this.current.reset();
    this.startedAt = Date.now();
  }

  private read(h: IntervalHistogram, windowSeconds: number): EventLoopSnapshot {
    if (h.count === 0) return { p50Ms: null, p99Ms: null, maxMs: null, windowSeconds: Math.round(windowSeconds) };
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), windowSeconds: Math.round(windowSeconds) };
  }
}
