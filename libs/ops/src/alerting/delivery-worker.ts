import type { AlertChannelConfig, AlertDeliveryConfig } from '@oars/config';
import { type AlertDeliveryRecord, CHANNEL_NOT_CONFIGURED } from '@oars/domain';
import type { FiredTimer, ReactorContext } from '@oars/reactors';
import type { AlertDeliveryCommands } from './alert-delivery.commands';
import type { AlertDeliveryMetrics, ChannelGateSample } from './alert-delivery.metrics';
import { ChannelGate, type GateWakeUps, type GatedDelivery } from './channel-gate';
import { channelRequestOf } from './channel-payloads';
import { type ChannelSendOptions, type ChannelSendResult, sendChannelRequest } from './channel-send';
import { retryDelayMs } from './retry-backoff';
import { SendRateLimiter } from './send-rate-limiter';

export interface DeliveryWorkerLogger {
  warn(obj: object, msg?: string): void;
}

export interface DeliveryWorkerDeps {
  deliveries: AlertDeliveryCommands;
  config: AlertDeliveryConfig;
  metrics: AlertDeliveryMetrics;
  logger?: DeliveryWorkerLogger;
  now?: () => number;
  random?: () => number;
  send?: (request: Parameters<typeof sendChannelRequest>[0], options: ChannelSendOptions) => Promise<ChannelSendResult>;
}

/** The send was cut short (shutdown, lease lost): nothing is recorded and the timer fires again. */
export class DeliveryAbortedError extends Error {
  constructor() {
    super('delivery aborted: the reactor stopped or lost its lease');
    this.name = 'DeliveryAbortedError';
  }
}

/** Wake-ups set at a time, so a recovery of thousands of held deliveries overlaps its round trips. */
const WAKE_BATCH = 32;
/** Held deliveries come back at least this late by themselves (a recovery wakes them sooner). */
const HOLD_FALLBACK_MIN_MS = 60_000;

/**
 * One try of one delivery, when its durable timer fires: reads the delivery from its latest receipt
 * (one that ended is left alone), asks the channel's gate (breaker, rate limit), sends, and records
 * the try through `handleCommand`, setting the timer of the next try when it failed (backoff with
 * jitter, at least the receiver's Retry-After). A probe that fails uses no try: the delivery waits
 * for the next probe. The timer is the delivery's durability: it is deleted only after this
 * resolves, so a crash anywhere before repeats the try (at least once; receivers dedupe on the
 * dedup key or the idempotency key).
 */
export class DeliveryWorker {
  private readonly channels: ReadonlyMap<string, AlertChannelConfig>;
  private readonly gates = new Map<string, ChannelGate>();
  private readonly limiters = new Map<string, SendRateLimiter>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly send: NonNullable<DeliveryWorkerDeps['send']>;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.channels = new Map(deps.config.channels.map((c) => [c.id, c]));
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.send = deps.send ?? sendChannelRequest;
  }

  async attempt(timer: FiredTimer, ctx: ReactorContext): Promise<void> {
    const tenantId = timer.stream;
    const deliveryId = timer.key;
    const gated: GatedDelivery = { stream: tenantId, key: deliveryId, wake: (at, payload) => ctx.setTimer(deliveryId, at, payload) };
    const delivery = await this.deps.deliveries.delivery(tenantId, deliveryId);
    const channel = delivery ? this.channels.get(delivery.channelId) : undefined;
    if (!delivery || (delivery.status !== 'pending' && delivery.status !== 'failed')) {
      if (channel) this.gateOf(channel).forget(gated);
      return;
    }
    if (!channel) {
      await this.record(delivery, { ok: false, statusCode: null, error: CHANNEL_NOT_CONFIGURED, retryable: false }, this.now());
      return;
    }
    const gate = this.gateOf(channel);
    const admission = gate.admit(gated, this.now(), timer.payload);
    if (!admission.go) {
      this.deps.metrics.deferred.inc({ channel: channel.id, reason: admission.reason });
      await ctx.setTimer(deliveryId, admission.until, admission.payload);
      return;
    }
    const request = channelRequestOf(channel, delivery.notification, { deliveryId, pagerDutyEventsUrl: this.deps.config.pagerDutyEventsUrl });
    const startedAt = this.now();
    const result = await this.send(request, { timeoutMs: this.deps.config.timeoutMs, allowPrivateNetwork: this.deps.config.allowPrivateNetwork, signal: ctx.signal });
    if (result.aborted || ctx.signal.aborted) throw new DeliveryAbortedError();
    const now = this.now();
    this.deps.metrics.attemptDuration.observe({ channel: channel.id }, (now - startedAt) / 1000);
    const wakeUps = gate.report(now, result.up ? 'up' : 'down', admission.probe);
    try {
      if (admission.probe && !result.up) {
        this.deps.metrics.deliveries.inc({ channel: channel.id, outcome: 'probe_failed' });
        const held = gate.admit(gated, now, null);
        if (!held.go) await ctx.setTimer(deliveryId, held.until, held.payload);
      } else {
        const outcome = result.ok ? { ok: true as const, statusCode: result.statusCode! } : { ok: false as const, statusCode: result.statusCode, error: result.error!, retryable: result.retryable };
        const after = await this.record(delivery, outcome, now, result.retryAfterMs);
        if (after?.status === 'failed' && after.nextAttemptAt) await ctx.setTimer(deliveryId, Date.parse(after.nextAttemptAt), null);
      }
    } finally {
      // The gate forgot whom it woke: wake them even when this try's record failed (it is retried).
      await this.wake(wakeUps);
    }
  }

  /** Every channel's gate (metrics, status). */
  gateSamples(): ChannelGateSample[] {
    return [...this.gates.values()].map((g) => ({ channelId: g.channelId, breakerOpen: g.breaker.state !== 'closed', held: g.heldCount }));
  }

  private async record(delivery: AlertDeliveryRecord, outcome: Parameters<AlertDeliveryCommands['recordAttempt']>[2], now: number, retryAfter: number | null = null): Promise<AlertDeliveryRecord | null> {
    const { config, metrics } = this.deps;
    const delay = Math.max(retryDelayMs(delivery.attempts + 1, config.firstBackoffMs, config.maxBackoffMs, this.random), retryAfter ?? 0);
    const after = await this.deps.deliveries.recordAttempt(delivery.tenantId, delivery.deliveryId, outcome, { now: new Date(now), maxAttempts: config.maxAttempts, retryAt: new Date(now + delay) });
    if (after && (after.attempts !== delivery.attempts || after.status !== delivery.status)) {
      metrics.deliveries.inc({ channel: delivery.channelId, outcome: after.status });
      if (after.status === 'delivered') metrics.latency.observe({ channel: delivery.channelId }, Math.max(0, now - Date.parse(delivery.notification.alert?.createdAt ?? delivery.requestedAt)) / 1000);
    }
    return after;
  }

  private async wake({ wake }: GateWakeUps): Promise<void> {
    for (let i = 0; i < wake.length; i += WAKE_BATCH) {
      const results = await Promise.allSettled(wake.slice(i, i + WAKE_BATCH).map((w) => w.delivery.wake(w.at, w.payload)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // Not fatal: a delivery not woken comes back at its fallback time.
      if (failed) this.deps.logger?.warn({ err: String(failed.reason) }, 'alert delivery: cannot wake held deliveries');
    }
  }

  private gateOf(channel: AlertChannelConfig): ChannelGate {
    let gate = this.gates.get(channel.id);
    if (!gate) {
      const { config } = this.deps;
      // PagerDuty limits per routing key: channels sharing a key share the bucket.
      const limiterKey = channel.type === 'pagerduty_events_v2' ? `pagerduty\u0000${channel.routingKey}` : `channel\u0000${channel.id}`;
      let limiter = this.limiters.get(limiterKey);
      if (!limiter) this.limiters.set(limiterKey, (limiter = new SendRateLimiter(channel.rateLimitPerMinute, this.now())));
      const maxCooldownMs = Math.max(config.breakerCooldownMs, config.maxBackoffMs);
      const breaker = { failures: channel.breakerFailures ?? config.breakerFailures, cooldownMs: config.breakerCooldownMs, maxCooldownMs, probeTimeoutMs: config.timeoutMs * 2 };
      // A held delivery's fallback timer (it only matters after a restart: the memory of who is held is gone).
      gate = new ChannelGate(channel.id, limiter, breaker, Math.max(HOLD_FALLBACK_MIN_MS, maxCooldownMs));
      this.gates.set(channel.id, gate);
    }
    return gate;
  }
}
