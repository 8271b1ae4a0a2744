import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one process (served at `/metrics`). Label sets are bounded: routes are
 * route patterns (never raw URLs), and tenants are not a label (per-tenant figures come from the read
 * models through the ops dashboard).
 */
export class OarsMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'oars_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'oars_http_request_duration_seconds',
    help: 'HTTP request latency by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly httpInFlight = new Gauge({ name: 'oars_http_in_flight_requests', help: 'Requests being served.', registers: [this.registry] });

  readonly errors = new Counter({
    name: 'oars_http_errors_total',
    help: 'Error answers by status class and error code.',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: 'oars_auth_failures_total',
    help: 'Authentication (401) and authorization (403) failures by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly actions = new Counter({
    name: 'oars_actions_total',
    help: 'Submitted actions by the state of the answer (executed, denied, approval_required, ...).',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  constructor(collectors: { appendQueueDepth?: () => number; projectorLagEvents?: () => number | null } = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'oars_process_' });
    const { appendQueueDepth, projectorLagEvents } = collectors;
    if (appendQueueDepth) {
      new Gauge({
        name: 'oars_append_queue_depth',
        help: 'Commands waiting in the per-tenant append queues of this process.',
        registers: [this.registry],
        collect() {
          this.set(appendQueueDepth());
        },
      });
    }
    if (projectorLagEvents) {
      new Gauge({
        name: 'oars_projector_lag_events',
        help: 'Events appended but not yet in the read models (in-process projector).',
        registers: [this.registry],
        collect() {
          const lag = projectorLagEvents();
          if (lag !== null) this.set(lag);
        },
      });
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
