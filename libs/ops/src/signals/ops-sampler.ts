import type { SqlExecutor } from '@oars/db';
import { PUBLISHED_POLICY_SUBJECT } from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { readProjectionStatus, summariseProjections } from '@oars/readmodels';
import { type PolicyCacheSource, checkPolicyCache } from './policy-cache.check';
import { receiptOf } from '@oars/ledger';

export interface OpsSample {
  at: string;
  projector: {
    /** Events in the streams not yet in the read models (all tenants, from the checkpoints). */
    lagEvents: number;
    /** Age of the oldest event not yet in the read models (0 when caught up). */
    lagSeconds: number;
    tenants: number;
    /** Each read model's events not yet applied, all tenants (one catching up lags here alone). */
    byProjection: Array<{ projection: string; lagEvents: number }>;
  };
  /** Security signals summed over every tenant from the read models. */
  readModels: { deniedHighRisk: number; policyDriftDecisions: number; integrityViolations: number };
  /** The per-process policy cache check over the tenants this process's writer holds. */
  policyCache: { checked: number; drift: number; behind: number };
  eventStoreUp: boolean;
}

const MAX_LAGGING_PROBED = 20;
const MAX_CACHE_CHECKS = 500;

/**
 * Samples the signals that need I/O every few seconds in the background (never on the scrape or
 * dashboard path): projection lag in seconds (the age of the oldest unapplied event, read from the
 * store for the most lagging tenants), read-model security sums and the policy cache check.
 */
export class OpsSampler {
  private latest: OpsSample | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<OpsSample | null> | null = null;

  constructor(
    private readonly deps: { store: EventStore; sql: SqlExecutor; writer: PolicyCacheSource; intervalMs?: number; onError?: (err: unknown) => void },
  ) {}

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.deps.intervalMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  last(): OpsSample | null {
    return this.latest;
  }

  sample(): Promise<OpsSample | null> {
    this.sampling ??= this.take()
      .then((s) => (this.latest = s))
      .catch((err) => {
        this.deps.onError?.(err);
        return this.latest;
      })
      .finally(() => (this.sampling = null));
    return this.sampling;
  }

  private async take(): Promise<OpsSample> {
    const { store, sql, writer } = this.deps;
    const now = Date.now();
    const [statuses, sums, up] = await Promise.all([
      readProjectionStatus(store, sql),
      sql.query<Record<string, string | null>>(
        'SELECT sum(denied_high_risk) AS d, sum(policy_drift_decisions) AS p, sum(integrity_violations) AS i FROM tenant_counters',
      ),
      store.ping().catch(() => false),
    ]);
    const lagging = statuses.filter((s) => s.lag > 0).sort((a, b) => b.lag - a.lag).slice(0, MAX_LAGGING_PROBED);
    const ages = await Promise.all(
      lagging.map(async (s) => {
        const next = await store.get(s.tenant, s.position + 1).catch(() => null);
        const ts = next ? Date.parse(receiptOf(next).timestamp) : NaN;
        return Number.isFinite(ts) ? Math.max(0, now - ts) / 1000 : 0;
      }),
    );
    const cached = statuses.filter((s) => writer.setting(s.tenant, PUBLISHED_POLICY_SUBJECT) !== undefined).slice(0, MAX_CACHE_CHECKS);
    const checks = await Promise.all(cached.map((s) => checkPolicyCache(writer, store, s.tenant).catch(() => null)));
    const row = sums.rows[0] ?? {};
    return {
      at: new Date(now).toISOString(),
      projector: {
        lagEvents: statuses.reduce((n, s) => n + s.lag, 0),
        lagSeconds: Math.round(Math.max(0, ...ages) * 1000) / 1000,
        tenants: statuses.length,
        byProjection: summariseProjections(statuses).map((p) => ({ projection: p.projection, lagEvents: p.lag })),
      },
      readModels: { deniedHighRisk: Number(row.d ?? 0), policyDriftDecisions: Number(row.p ?? 0), integrityViolations: Number(row.i ?? 0) },
      policyCache: { checked: checks.filter(Boolean).length, drift: checks.filter((c) => c?.state === 'drift').length, behind: checks.filter((c) => c?.state === 'behind').length },
      eventStoreUp: up,
    };
  }
}
