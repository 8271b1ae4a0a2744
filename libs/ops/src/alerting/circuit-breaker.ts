export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open it (0: never opens). */
  failures: number;
  /** Wait of an open breaker before it lets one probe through; doubled per failed probe. */
  cooldownMs: number;
  /** Upper bound of the wait. */
  maxCooldownMs: number;
  /** A probe that reports nothing within this long (its task died) lets another through. */
  probeTimeoutMs: number;
}

/** What the breaker says about a send now: go, go as the probe, or wait until `until`. */
export type BreakerAdmission = { go: true; probe: boolean } | { go: false; until: number };

/**
 * A circuit breaker per channel: closed, it lets every send through and counts consecutive
 * failures; at `failures` it opens for `cooldownMs`, then lets exactly one probe through
 * (half-open). The probe's success closes it; its failure opens it again for twice as long (up to
 * `maxCooldownMs`). Only failures that say the receiver is unwell count (5xx, 429, timeouts,
 * network errors); an answer that refuses one request (4xx) shows it is up.
 */
export class CircuitBreaker {
  private stateNow: BreakerState = 'closed';
  private consecutive = 0;
  private openUntil = 0;
  private cooldown: number;
  private probeStartedAt = 0;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.cooldown = options.cooldownMs;
  }

  get state(): BreakerState {
    return this.stateNow;
  }

  admit(now: number): BreakerAdmission {
    if (this.stateNow === 'closed') return { go: true, probe: false };
    if (this.stateNow === 'open' && now < this.openUntil) return { go: false, until: this.openUntil };
    if (this.stateNow === 'half_open' && now < this.probeStartedAt + this.options.probeTimeoutMs) return { go: false, until: this.probeStartedAt + this.options.probeTimeoutMs };
    this.stateNow = 'half_open';
    this.probeStartedAt = now;
    return { go: true, probe: true };
  }

  /** A send got an answer that shows the receiver up. True when that closed the breaker. */
  succeeded(): boolean {
    const recovered = this.stateNow !== 'closed';
    this.stateNow = 'closed';
    this.consecutive = 0;
    this.cooldown = this.options.cooldownMs;
    return recovered;
  }

  /** A send failed in a way that says the receiver is unwell. True when that opened the breaker. */
  failed(now: number, probe: boolean): boolean {
    this.consecutive++;
    if (probe || this.stateNow === 'half_open') {
      this.cooldown = Math.min(this.options.maxCooldownMs, this.cooldown * 2);
      return this.open(now);
    }
    if (this.stateNow === 'closed' && this.options.failures > 0 && this.consecutive >= this.options.failures) return this.open(now);
    return false;
  }

  /** When an open breaker lets the next probe through (epoch ms), or null while closed. */
  nextProbeAt(): number | null {
    if (this.stateNow === 'closed') return null;
    return this.stateNow === 'open' ? this.openUntil : this.probeStartedAt + this.options.probeTimeoutMs;
  }

  private open(now: number): boolean {
    this.stateNow = 'open';
    this.openUntil = now + this.cooldown;
    return true;
  }
}
