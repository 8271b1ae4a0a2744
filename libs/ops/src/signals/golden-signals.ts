import { type LatencySnapshot, RollingCounts, RollingHistogram } from '../windows/rolling-window';

/** Routes that are probes, not API traffic: not in the golden signals' API figures nor in the availability SLI. */
export function isProbeRoute(route: string): boolean {
  return route === '/metrics' || route === '/health' || route.startsWith('/health/');
}

export const SUBMIT_ROUTE = 'POST /v1/actions';

export interface GoldenSignalsSnapshot {
  windowSeconds: number;
  /** All API requests (probes excluded) of this process. */
  requests: { count: number; perSecond: number; clientErrors: number; serverErrors: number; errorRate: number | null; clientErrorRate: number | null };
  /** `POST /v1/actions` over HTTP. */
  submitActions: LatencySnapshot & { perSecond: number };
  /** Policy decisions: request accepted → receipts durably appended. */
  decisions: LatencySnapshot & { perSecond: number };
}

/** Rolling 5-minute golden signals of this process (what "now" looks like on the dashboard). */
export class GoldenSignals {
  private readonly requests: RollingCounts<'all' | '4xx' | '5xx'>;
  private readonly submit: RollingHistogram;
  private readonly decisions: RollingHistogram;
  private readonly startedAt = Date.now();

  constructor(private readonly windowMs = 300_000, slotMs = 10_000) {
    this.requests = new RollingCounts(windowMs, slotMs);
    this.submit = new RollingHistogram(windowMs, slotMs);
    this.decisions = new RollingHistogram(windowMs, slotMs);
  }

  observeHttp(method: string, route: string, status: number, seconds: number | null, now = Date.now()): void {
    if (isProbeRoute(route)) return;
    this.requests.add('all', 1, now);
    if (status >= 500) this.requests.add('5xx', 1, now);
    else if (status >= 400) this.requests.add('4xx', 1, now);
    if (seconds !== null && `${method} ${route}` === SUBMIT_ROUTE) this.submit.observe(seconds * 1000, now);
  }

  observeDecision(seconds: number, now = Date.now()): void {
    this.decisions.observe(seconds * 1000, now);
  }

  snapshot(now = Date.now()): GoldenSignalsSnapshot {
    const seconds = this.windowMs / 1000;
    // Rates over the part of the window this process has been up (a new process is not "slow").
    const observed = Math.max(1, Math.min(this.windowMs, now - this.startedAt) / 1000);
    const all = this.requests.sum('all', now);
    const c4 = this.requests.sum('4xx', now);
    const c5 = this.requests.sum('5xx', now);
    const submit = this.submit.snapshot(now);
    const decisions = this.decisions.snapshot(now);
    const rate = (n: number) => Math.round((n / observed) * 1000) / 1000;
    return {
      windowSeconds: seconds,
      requests: { count: all, perSecond: rate(all), clientErrors: c4, serverErrors: c5, errorRate: all ? c5 / all : null, clientErrorRate: all ? c4 / all : null },
      submitActions: { ...submit, perSecond: rate(submit.count) },
      decisions: { ...decisions, perSecond: rate(decisions.count) },
    };
  }
}
