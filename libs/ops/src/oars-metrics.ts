import { PostgresSqlClient } from '@oars/db';
import { countOpenDeadLetters } from '@oars/readmodels';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpsRuntime } from './ops-runtime';
import type { AuthFailure } from './security/auth-failure';
import { deniedHighRiskOfAppend } from './appends/decisions-of-append';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5];
const PROJECTION_DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A projector's committed batches: each receipt's `timestamp` and when its rows were committed (epoch ms). */
export type AppliedBatches = (listener: (receipts: readonly { timestamp: string }[], appliedAt: number) => void) => unknown;

/**
 * The Prometheus metrics of one process (served at `/metrics`; every name and label is documented in
 * docs/metrics.md). Label sets are bounded: routes are route patterns (never raw URLs), and tenants
 * are not a label (per-tenant figures come from the read models through the ops dashboard).
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
    buckets: LATENCY_BUCKETS,
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

  readonly decisionDuration = new Histogram({
    name: 'oars_policy_decision_duration_seconds',
    help: 'Policy decisions of this process, from the request being accepted to the decision receipts durably appended, by decision.',
    labelNames: ['decision'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'oars_decisions_total',
    help: 'Policy decisions recorded by this process, by decision (allow, deny, approve, quarantine).',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  readonly deniedHighRisk = new Counter({
    name: 'oars_denied_high_risk_actions_total',
    help: 'Actions this process moved to denied or quarantined at risk tier high or critical.',
    labelNames: ['state', 'tier'] as const,
    registers: [this.registry],
  });

  readonly receiptAppends = new Counter({
    name: 'oars_receipt_appends_total',
    help: 'Receipts the chain writer tried to persist, by result (persisted, failed); lost races are retried and not counted.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly integrityFailures = new Counter({
    name: 'oars_integrity_failures_total',
    help: 'Integrity violations found by the verifier of this process, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly authFailureEvents = new Counter({
    name: 'oars_auth_failure_security_events_total',
    help: 'What became of auth failures as security events: queued, no_tenant, rate_limited, buffer_full.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly mtlsVerifications = new Counter({
    name: 'oars_mtls_verifications_total',
    help: 'Workload identity (mTLS) verifications by result (success, failure).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly ops: OpsRuntime | null;

  constructor(collectors: { appendQueueDepth?: () => number; projectorLagEvents?: () => number | null; appliedBatches?: AppliedBatches; ops?: OpsRuntime } = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'oars_process_' });
    const { appendQueueDepth, projectorLagEvents, appliedBatches } = collectors;
    this.ops = collectors.ops ?? null;
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
    if (appliedBatches) {
      const delay = new Histogram({
        name: 'oars_projector_apply_delay_seconds',
        help: "Per receipt, from its timestamp (the chain writer's clock) to the commit of its read-model rows by this process's projector.",
        buckets: PROJECTION_DELAY_BUCKETS,
        registers: [this.registry],
      });
      appliedBatches((receipts, appliedAt) => {
        for (const r of receipts) delay.observe(Math.max(0, appliedAt - Date.parse(r.timestamp)) / 1000);
      });
    }
    if (this.ops) this.bindOps(this.ops);
  }

  /** One answered request: latency, count, and the ops windows and availability SLI. */
  observeHttp(method: string, route: string, status: number, seconds: number | null): void {
    if (seconds !== null) this.httpDuration.observe({ method, route }, seconds);
    this.httpRequests.inc({ method, route, status: String(status) });
    this.ops?.observeHttp(method, route, status, seconds);
  }

  /** One 401/403: counted, and recorded as a security event of the tenant the request named. */
  recordAuthFailure(failure: AuthFailure): void {
    this.authFailures.inc({ code: failure.code });
    if (this.ops) this.authFailureEvents.inc({ outcome: this.ops.recordAuthFailure(failure) });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private bindOps(ops: OpsRuntime): void {
    ops.onDecisions((decisions, outcome) => {
      for (const d of decisions) {
        this.decisions.inc({ decision: d.decision });
        this.decisionDuration.observe({ decision: d.decision }, d.seconds);
      }
      for (const d of deniedHighRiskOfAppend(outcome.fresh)) this.deniedHighRisk.inc({ state: d.state, tier: d.riskTier });
    });
    ops.appends.onAppend((o) => this.receiptAppends.inc({ result: o.ok ? 'persisted' : 'failed' }, o.ok ? o.receipts.length : o.attempted));
    ops.integrity?.onFinding((_, findings) => {
      for (const f of findings) this.integrityFailures.inc({ kind: f.kind });
    });
    ops.mtls.onVerification((result) => this.mtlsVerifications.inc({ result }));
    registerOpsGauges(this.registry, ops);
  }
}

/**
 * Gauges read at scrape time, from memory (the sampler, the verifier, the pool, the SLO tracker) but
 * for the dead letters, one indexed count in the database.
 */
function registerOpsGauges(registry: Registry, ops: OpsRuntime): void {
  const gauge = (name: string, help: string, read: (g: Gauge<string>) => void | Promise<void>, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() { return read(this); } });
  gauge('oars_projector_lag_seconds', 'Age of the oldest event not yet in the read models (0 when caught up; sampled every 5 s).', (g) => {
    const s = ops.sampler.last();
    if (s) g.set(s.projector.lagSeconds);
  });
  gauge('oars_projection_lag_events', 'Events in the streams not yet applied by each read model, all tenants (sampled every 5 s from its checkpoints; a read model catching up lags here, not in oars_projector_lag_seconds).', (g) => {
    const s = ops.sampler.last();
    for (const p of s?.projector.byProjection ?? []) g.set({ projection: p.projection }, p.lagEvents);
  }, ['projection']);
  gauge('oars_event_store_up', 'Whether the event store answered the last ping (1) or not (0).', (g) => {
    const s = ops.sampler.last();
    if (s) g.set(s.eventStoreUp ? 1 : 0);
  });
  if (ops.sql instanceof PostgresSqlClient) {
    const pool = ops.sql.pool;
    gauge('oars_db_pool_connections', 'Postgres pool connections of this process by state (total, idle, waiting = queued requests).', (g) => {
      g.set({ state: 'total' }, pool.totalCount);
      g.set({ state: 'idle' }, pool.idleCount);
      g.set({ state: 'waiting' }, pool.waitingCount);
    }, ['state']);
  }
  if (ops.nats) {
    const nats = ops.nats;
    gauge('oars_nats_connected', 'Whether the NATS connection is up (1) or not (0).', (g) => g.set(nats.status().state === 'connected' ? 1 : 0));
    gauge('oars_nats_disconnects', 'NATS disconnections since the process started.', (g) => g.set(nats.status().disconnects));
  }
  gauge('oars_policy_drift_decisions', 'Decisions recorded with a policy hash other than the one in force at their position, all tenants (read models).', (g) => {
    const s = ops.sampler.last();
    if (s) g.set(s.readModels.policyDriftDecisions);
  });
  gauge('oars_integrity_violations_recorded', 'Integrity violations recorded in the streams, all tenants (read models, sampled every 5 s; works wherever the verifier runs).', (g) => {
    const s = ops.sampler.last();
    if (s) g.set(s.readModels.integrityViolations);
  });
  gauge('oars_projector_dead_letters', 'Events the projector parked as dead letters and nobody resolved yet, all tenants (counted in the database at scrape time; unchanged while it cannot be read).', async (g) => {
    const open = await countOpenDeadLetters(ops.sql).catch(() => null);
    if (open) g.set([...open.values()].reduce((a, b) => a + b, 0));
  });
  gauge('oars_policy_cache_drift_tenants', "Tenants whose published policy in this process's writer disagrees with the stream.", (g) => {
    const s = ops.sampler.last();
    if (s) g.set(s.policyCache.drift);
  });
  if (ops.integrity) {
    const verifier = ops.integrity;
    gauge('oars_integrity_lag_events', 'Receipts not yet re-checked by the integrity verifier of this process.', (g) => g.set(verifier.status().lagEvents));
    gauge('oars_integrity_verified_receipts', 'Receipts re-checked by the integrity verifier since the process started.', (g) => g.set(verifier.status().checkedReceipts));
    gauge('oars_integrity_rate_limit', 'Receipts per second the integrity verifier may check now: its maximum, or its minimum while appends outpace it.', (g) => g.set(verifier.status().maxReceiptsPerSecond));
  }
  const perReactor = (read: (r: ReturnType<OpsRuntime['reactors']>[number]) => number) => (g: Gauge<string>) => {
    for (const r of ops.reactors()) g.set({ reactor: r.reactor }, read(r));
  };
  gauge('oars_reactor_lag_events', 'Events a reactor run by this process has not handled yet, by reactor (0 on a standby instance).', perReactor((r) => r.lagEvents), ['reactor']);
  gauge('oars_reactor_dead_letters', 'Events and timers a reactor parked after its tries, by reactor (counted at its last poll).', perReactor((r) => r.deadLetters), ['reactor']);
  gauge('oars_reactor_retries', 'Failed tries of events and timers by the reactors of this process since it started, by reactor.', perReactor((r) => r.retries), ['reactor']);
  gauge('oars_reactor_timers_pending', 'Durable timers waiting to fire, by reactor.', perReactor((r) => r.timersPending), ['reactor']);
  gauge('oars_slo_error_budget_remaining', 'Share of the 30-day error budget left per SLI (1 = untouched; absent without data).', (g) => {
    for (const r of ops.slo.report()) if (r.errorBudget.remaining !== null) g.set({ sli: r.id }, r.errorBudget.remaining);
  }, ['sli']);
  gauge('oars_slo_burn_rate', 'Error-budget burn rate per SLI and window (1h, 6h, 3d); absent without data.', (g) => {
    for (const r of ops.slo.report()) {
      for (const [window, rate] of Object.entries(r.burnRates)) if (rate !== null) g.set({ sli: r.id, window }, rate);
    }
  }, ['sli', 'window']);
}
