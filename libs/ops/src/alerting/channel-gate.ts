import { type CircuitBreakerOptions, CircuitBreaker } from './circuit-breaker';
import type { SendRateLimiter } from './send-rate-limiter';

/** A delivery waiting on its channel, and how to wake it: set its durable timer to `at`. */
export interface GatedDelivery {
  stream: string;
  key: string;
  wake(at: number, payload: SlotPayload | null): Promise<void>;
}

/** The timer payload of a delivery deferred by the rate limit: the send slot it booked. */
export interface SlotPayload {
  slotAt: number;
}

export type GateAdmission =
  | { go: true; probe: boolean }
  | { go: false; until: number; reason: 'circuit_open' | 'rate_limited'; payload: SlotPayload | null };

/** What a send's result asks of the caller: timers to set (held deliveries to wake, the next probe). */
export interface GateWakeUps {
  wake: Array<{ delivery: GatedDelivery; at: number; payload: SlotPayload | null }>;
}

/** Deliveries a gate remembers while its breaker is open (beyond that they wait for their fallback timer). */
const MAX_HELD = 100_000;
/** A booked slot this close is due: timers fire a little late, never early. */
const SLOT_TOLERANCE_MS = 5;

const idOf = (d: { stream: string; key: string }) => `${d.stream}\u0001${d.key}`;

/**
 * What stands between a due delivery and its channel: the channel's circuit breaker, then its
 * rate limiter. While the breaker is open a due delivery is held, not tried (a held delivery uses
 * no try): the first one held waits for the probe time and is the probe; the others get a
 * fallback timer `holdMs` away and are remembered, so the probe's success wakes them all at once
 * (each at its own send slot when the channel is rate limited). A failed probe hands the probe to
 * the held delivery waiting for it, else the oldest, at the breaker's next probe time. Only the timers are durable; after a restart, held deliveries come back at
 * their fallback time and meet a closed breaker.
 */
export class ChannelGate {
  readonly breaker: CircuitBreaker;
  private readonly held = new Map<string, GatedDelivery>();
  private candidate: string | null = null;

  constructor(
    readonly channelId: string,
    private readonly limiter: SendRateLimiter,
    breaker: CircuitBreakerOptions,
    private readonly holdMs: number,
  ) {
    this.breaker = new CircuitBreaker(breaker);
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** Whether a delivery whose timer fired may be sent now (`payload`: its timer's). */
  admit(delivery: GatedDelivery, now: number, payload: unknown): GateAdmission {
    this.forget(delivery);
    const breaker = this.breaker.admit(now);
    if (!breaker.go) {
      const probe = this.candidate === null;
      if (probe) this.candidate = idOf(delivery);
      if (this.held.size < MAX_HELD) this.held.set(idOf(delivery), delivery);
      return { go: false, until: probe ? breaker.until : now + this.holdMs, reason: 'circuit_open', payload: null };
    }
    if (breaker.probe) return breaker;
    const slot = (payload as Partial<SlotPayload> | null)?.slotAt;
    if (typeof slot === 'number' && slot <= now + SLOT_TOLERANCE_MS) return breaker; // booked when it was deferred
    const at = this.limiter.reserve(now);
    if (at > now + SLOT_TOLERANCE_MS) return { go: false, until: at, reason: 'rate_limited', payload: { slotAt: at } };
    return breaker;
  }

  /**
   * A send's result: `up` (an answer that shows the receiver up) or `down`. A recovery wakes every
   * held delivery; an opening (or a failed probe) makes the oldest held delivery the next probe.
   */
  report(now: number, result: 'up' | 'down', probe: boolean): GateWakeUps {
    if (result === 'up') {
      if (!this.breaker.succeeded()) return { wake: [] };
      const waiting = [...this.held.values()];
      this.held.clear();
      this.candidate = null;
      return { wake: waiting.map((delivery) => this.slotted(delivery, now)) };
    }
    const opened = this.breaker.failed(now, probe);
    const probeAt = this.breaker.nextProbeAt();
    if (!opened || probeAt === null) return { wake: [] };
    // The probe goes to the delivery waiting for it (held while another probed, it waits for that
    // probe's timeout), else to the oldest held one; either way at the new probe time.
    const next = (this.candidate !== null ? this.held.get(this.candidate) : undefined) ?? this.held.values().next().value;
    if (!next) return { wake: [] };
    this.candidate = idOf(next);
    return { wake: [{ delivery: next, at: probeAt, payload: null }] };
  }

  /** The delivery no longer waits here (it fired, ended, or is being tried). */
  forget(delivery: { stream: string; key: string }): void {
    const id = idOf(delivery);
    this.held.delete(id);
    if (this.candidate === id) this.candidate = null;
  }

  private slotted(delivery: GatedDelivery, now: number): GateWakeUps['wake'][number] {
    const at = this.limiter.reserve(now);
    return { delivery, at, payload: at > now ? { slotAt: at } : null };
  }
}
