import type { SqlClient } from '@oars/db';
import { type EventStore, JetStreamEventStore } from '@oars/eventstore';
import type { TenantChainWriter } from '@oars/ledger';
import type { ReactorHost } from '@oars/reactors';
import { type AppendMonitor, type AppendOutcome } from './appends/append-monitor';
import { type DecisionObservation, decisionsOfAppend } from './appends/decisions-of-append';
import { recordFindings } from './integrity/integrity-findings';
import { IntegrityCheckWorker, type IntegrityCheckWorkerOptions } from './integrity/integrity-check-worker';
import { IntegrityVerifier, type IntegrityVerifierOptions } from './integrity/integrity-verifier';
import type { AuthFailure, AuthFailureOutcome } from './security/auth-failure';
import { SecurityEventRecorder } from './security/security-event-recorder';
import { WorkloadIdentityMonitor } from './security/workload-identity.monitor';
import { EventLoopWatch } from './signals/event-loop.watch';
import { GoldenSignals, isProbeRoute } from './signals/golden-signals';
import { NatsConnectionWatch } from './signals/nats-connection.watch';
import { OpsSampler } from './signals/ops-sampler';
import { type PolicyCacheCheck, checkPolicyCache } from './signals/policy-cache.check';
import { DECISION_LATENCY_THRESHOLD_SECONDS } from './slo/slo.definitions';
import { SloTracker } from './slo/slo-tracker';

export interface OpsLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface OpsRuntimeOptions {
  /** The event store as opened (reads, hints, ping); appends go through `writer`. */
  store: EventStore;
  sql: SqlClient;
  writer: TenantChainWriter;
  /** The monitor whose `store` the writer appends through. */
  appends: AppendMonitor;
  /** Run the continuous integrity verifier in this process (the one that runs the projector). */
  verifyIntegrity: boolean;
  integrity?: Partial<Pick<IntegrityVerifierOptions, 'batchSize' | 'maxReceiptsPerSecond' | 'minReceiptsPerSecond' | 'pollIntervalMs' | 'hintDelayMs'>>;
  /** The process's reactor host: the integrity verifier follows the streams through it (default: a host of its own). */
  reactorHost?: ReactorHost;
  /** Verify in a low-priority worker thread (the runtime does); absent: on the main thread, in slices. */
  integrityWorker?: IntegrityCheckWorkerOptions;
  logger?: OpsLogger;
  /** The durable reactors of this process (their lag, dead letters, retries and timers become metrics). */
  reactors?: () => readonly ReactorMetrics[];
  sloFlushIntervalMs?: number;
  securityFlushIntervalMs?: number;
  sampleIntervalMs?: number;
}

/** What the metrics read of one reactor (a `ReactorStatus` of @oars/reactors fits). */
export interface ReactorMetrics {
  reactor: string;
  lagEvents: number;
  deadLetters: number;
  retries: number;
  timersPending: number;
}

export type DecisionListener = (decisions: readonly DecisionObservation[], outcome: AppendOutcome & { ok: true }) => void;

/**
 * The operations signals of one process, built with the runtime: SLO minute buckets, the golden
 * signals' rolling windows, the security-event recorder for auth failures, mTLS counters, the
 * background sampler (projection lag seconds, policy cache), the NATS connection watch and, where
 * the projector runs, the integrity verifier. `OarsMetrics` exposes them to Prometheus.
 */
export class OpsRuntime {
  readonly slo: SloTracker;
  readonly security: SecurityEventRecorder;
  readonly mtls = new WorkloadIdentityMonitor();
  readonly golden = new GoldenSignals();
  readonly eventLoop = new EventLoopWatch();
  readonly sampler: OpsSampler;
  readonly integrity: IntegrityVerifier | null;
  readonly nats: NatsConnectionWatch | null;
  readonly appends: AppendMonitor;
  readonly sql: SqlClient;
  /** The reactors of this process, for the metrics (none where no reactor runs). */
  readonly reactors: () => readonly ReactorMetrics[];
  private readonly checkWorker: IntegrityCheckWorker | null;
  private readonly decisionListeners = new Set<DecisionListener>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: OpsRuntimeOptions) {
    const { store, sql, writer, appends, logger } = options;
    const warn = (what: string) => (err: unknown) => logger?.warn({ err: err instanceof Error ? err.message : String(err) }, what);
    this.sql = sql;
    this.appends = appends;
    this.reactors = options.reactors ?? (() => []);
    this.slo = new SloTracker({ sql, flushIntervalMs: options.sloFlushIntervalMs, onError: warn('ops: SLO minutes not flushed') });
    this.security = new SecurityEventRecorder({
      sql,
      flushIntervalMs: options.securityFlushIntervalMs,
      tenantExists: async (tenantId) => (await store.head(tenantId)).sequence > 0,
      onError: warn('ops: security events not written'),
    });
    this.sampler = new OpsSampler({ store, sql, writer, intervalMs: options.sampleIntervalMs, onError: warn('ops: sampling failed') });
    this.nats = store instanceof JetStreamEventStore ? new NatsConnectionWatch(store.connection) : null;
    const checkWorker = options.verifyIntegrity && options.integrityWorker ? new IntegrityCheckWorker({ ...options.integrityWorker, logger }) : null;
    this.checkWorker = checkWorker;
    this.integrity = options.verifyIntegrity
      ? new IntegrityVerifier({
          store,
          sql,
          logger,
          ...options.integrity,
          ...(options.reactorHost ? { host: options.reactorHost } : {}),
          checker: checkWorker ? (stream, from, events) => checkWorker.check(stream, from, events) : undefined,
          record: (tenant, findings) => recordFindings(writer, store, tenant, findings),
        })
      : null;
    this.unsubscribe = appends.onAppend((o) => this.onAppend(o));
  }

  start(): void {
    this.slo.start();
    this.security.start();
    this.sampler.start();
    this.integrity?.start();
  }

  /** One answered HTTP request (called by the API's response hook through OarsMetrics). */
  observeHttp(method: string, route: string, status: number, seconds: number | null): void {
    this.golden.observeHttp(method, route, status, seconds);
    if (!isProbeRoute(route)) this.slo.record('api_availability', status < 500);
  }

  recordAuthFailure(f: AuthFailure): AuthFailureOutcome {
    return this.security.recordAuthFailure(f);
  }

  /** Decisions this process recorded (for Prometheus); listeners run after the SLO and windows are updated. */
  onDecisions(listener: DecisionListener): () => void {
    this.decisionListeners.add(listener);
    return () => void this.decisionListeners.delete(listener);
  }

  checkPolicyCache(tenantId: string): Promise<PolicyCacheCheck> {
    return checkPolicyCache(this.options.writer, this.options.store, tenantId);
  }

  /** Components for `/health/ready`. */
  readiness(): Record<string, { state: 'NOT_READY' | 'OK' | 'WARN' | 'ERROR'; message: string }> {
    if (!this.integrity) return {};
    const s = this.integrity.status();
    // Serving never waits for the verifier: its first scan shows as WARN, not NOT_READY.
    return { integrity: { state: s.state === 'NOT_READY' ? 'WARN' : s.state, message: s.message } };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.sampler.stop();
    this.eventLoop.stop();
    this.nats?.stop();
    await this.integrity?.stop();
    await this.checkWorker?.close();
    await Promise.all([this.slo.stop(), this.security.stop()]);
  }

  private onAppend(o: AppendOutcome): void {
    if (!o.ok) {
      this.slo.recordCounts('receipt_persistence', 0, o.attempted, o.at);
      return;
    }
    this.slo.recordCounts('receipt_persistence', o.receipts.length, o.receipts.length, o.at);
    const decisions = decisionsOfAppend(o.fresh, o.at);
    for (const d of decisions) {
      this.slo.record('policy_decision_latency', d.seconds < DECISION_LATENCY_THRESHOLD_SECONDS, o.at);
      this.golden.observeDecision(d.seconds, o.at);
    }
    for (const l of this.decisionListeners) {
      try {
        l(decisions, o);
      } catch {
        // a listener's failure is its own business
      }
    }
  }
}
