import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** A channel's gate as the metrics show it. */
export interface ChannelGateSample {
  channelId: string;
  breakerOpen: boolean;
  held: number;
}

const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * The delivery metrics of the process that runs the delivery reactor (docs/metrics.md, "Alert
 * delivery"). The label `channel` is a configured channel id (bounded by OARS_ALERT_CHANNELS).
 * Registered into a process's registry by `registerIn` (the API's /metrics).
 */
export class AlertDeliveryMetrics {
  readonly deliveries = new Counter({
    name: 'oars_alert_deliveries_total',
    help: 'Counted delivery tries by channel and outcome (delivered, failed: another try is due, dead), and failed probes of an open breaker (probe_failed, no try counted).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [],
  });

  readonly deferred = new Counter({
    name: 'oars_alert_deliveries_deferred_total',
    help: 'Due deliveries put off without a try, by channel and reason (rate_limited, circuit_open).',
    labelNames: ['channel', 'reason'] as const,
    registers: [],
  });

  readonly attemptDuration = channelHistogram('oars_alert_delivery_attempt_duration_seconds', 'One send to a channel, from the request to its answer (or timeout), by channel.', ATTEMPT_BUCKETS);

  readonly latency = channelHistogram(
    'oars_alert_delivery_latency_seconds',
    'From the alert being raised (its createdAt; an incident notification: its request) to its delivery being recorded, by channel.',
    LATENCY_BUCKETS,
  );

  constructor(private readonly gates: () => readonly ChannelGateSample[]) {}

  /** Adds these metrics and the per-channel gauges to `registry` (once per registry). */
  registerIn(registry: Registry): void {
    if (registry.getSingleMetric('oars_alert_deliveries_total')) return;
    for (const metric of [this.deliveries, this.deferred, this.attemptDuration, this.latency]) registry.registerMetric(metric);
    const gates = this.gates;
    const perChannel = (name: string, help: string, value: (g: ChannelGateSample) => number) =>
      new Gauge({
        name, help, labelNames: ['channel'], registers: [registry],
        collect(this: Gauge<string>) {
          for (const g of gates()) this.set({ channel: g.channelId }, value(g));
        },
      });
    perChannel('oars_alert_channel_circuit_open', "Whether a channel's circuit breaker is open or probing (1) or closed (0), by channel.", (g) => (g.breakerOpen ? 1 : 0));
    perChannel('oars_alert_deliveries_held', 'Deliveries waiting for an open circuit breaker to close, by channel.', (g) => g.held);
  }
}

/** A histogram by channel, registered nowhere until `registerIn`. */
function channelHistogram(name: string, help: string, buckets: number[]): Histogram<'channel'> {
  return new Histogram({ name, help, labelNames: ['channel'] as const, buckets, registers: [] });
}
