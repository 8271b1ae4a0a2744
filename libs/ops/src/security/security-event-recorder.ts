import { randomUUID } from 'node:crypto';
import type { SqlClient } from '@oars/db';
import { type SecurityEventRecord, insertSecurityEvents } from '@oars/readmodels';
import { type AuthFailure, type AuthFailureOutcome, TENANT_ID_PATTERN } from './auth-failure';

export interface SecurityEventRecorderOptions {
  sql: SqlClient;
  /** How often the buffer is written (default 1 s). */
  flushIntervalMs?: number;
  /** Events held at most; more are dropped and counted (default 1000). */
  maxPending?: number;
  /** Events per tenant per minute; more are summarised in one `auth.failures_suppressed` event (default 60). */
  perTenantPerMinute?: number;
  /**
   * Events per tenant per minute from one source (client address) (default 10): one source cannot
   * fill a tenant's budget and hide the failures others cause; the rest count as suppressed.
   */
  perSourcePerMinute?: number;
  /**
   * Whether a tenant without projected receipts exists (has a stream), e.g. one whose first receipts
   * the projector has not applied yet. At most `MAX_LOOKUPS_PER_FLUSH` lookups per flush; answers are cached.
   */
  tenantExists?: (tenantId: string) => Promise<boolean>;
  onError?: (err: unknown) => void;
}

const MAX_LOOKUPS_PER_FLUSH = 20;
const NEGATIVE_CACHE_MS = 10_000;

interface Window {
  startedAt: number;
  count: number;
  suppressed: number;
  bySource: Map<string, number>;
}

/**
 * Records authentication and authorization failures as security events of the tenant the request
 * named. They are NOT receipts: an unauthenticated caller must not be able to grow a tenant's signed
 * chain. They go straight to `security_events` through a bounded, rate-limited in-memory buffer
 * written in batches: at most `perTenantPerMinute` events per tenant per minute, and of those at
 * most `perSourcePerMinute` from one client address (the rest are counted in `stats`, in the
 * `oars_auth_failure_security_events_total{outcome="rate_limited"}` counter, and in one
 * `auth.failures_suppressed` summary row per tenant and minute), at most `maxPending` waiting, and only for tenants that exist (projected receipts or a
 * stream), so a caller inventing tenant ids cannot fill the table. The buffer is per process and a
 * crash loses at most one interval of failures (the Prometheus counter still has them).
 */
export class SecurityEventRecorder {
  private pending: SecurityEventRecord[] = [];
  private summaries: SecurityEventRecord[] = [];
  private readonly windows = new Map<string, Window>();
  /** Tenants known to exist, and tenants found not to (with when). */
  private readonly existing = new Set<string>();
  private readonly missing = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<number> | null = null;
  private readonly maxPending: number;
  private readonly perMinute: number;
  private readonly perSource: number;
  /** Outcomes so far (this process): recorded = rows written. */
  readonly stats = { recorded: 0, noTenant: 0, rateLimited: 0, bufferFull: 0, unknownTenant: 0, flushErrors: 0 };

  constructor(private readonly options: SecurityEventRecorderOptions) {
    this.maxPending = options.maxPending ?? 1000;
    this.perMinute = options.perTenantPerMinute ?? 60;
    this.perSource = options.perSourcePerMinute ?? 10;
  }

  recordAuthFailure(f: AuthFailure, now = Date.now()): AuthFailureOutcome {
    if (!f.tenantId || !TENANT_ID_PATTERN.test(f.tenantId)) {
      this.stats.noTenant++;
      return 'no_tenant';
    }
    const w = this.window(f.tenantId, now);
    const source = f.source ?? 'unknown';
    const fromSource = w.bySource.get(source) ?? 0;
    if (w.count >= this.perMinute || fromSource >= this.perSource) {
      w.suppressed++;
      this.stats.rateLimited++;
      return 'rate_limited';
    }
    if (this.pending.length >= this.maxPending) {
      this.stats.bufferFull++;
      return 'buffer_full';
    }
    w.count++;
    if (w.bySource.size < 1000 || w.bySource.has(source)) w.bySource.set(source, fromSource + 1);
    this.pending.push({
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      tenantId: f.tenantId,
      source: 'auth',
      eventType: `auth.${f.code}`,
      occurredAt: new Date(now).toISOString(),
      payload: { status: f.status, code: f.code, message: f.message, method: f.method, route: f.route, tokenId: f.tokenId, subject: f.subject, requestId: f.requestId },
    });
    return 'queued';
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Writes what is waiting (reads call this first, so a failure is visible at once). Returns rows written. */
  flush(): Promise<number> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async doFlush(): Promise<number> {
    const batch = [...this.pending, ...this.suppressedSummaries(Date.now())];
    this.pending = [];
    if (batch.length === 0) return 0;
    try {
      // Lookups first, outside the transaction (the embedded store may share its one connection).
      const tenants = [...new Set(batch.map((e) => e.tenantId))];
      const { rows } = await this.options.sql.query<{ tenant_id: string }>('SELECT tenant_id FROM tenant_counters WHERE tenant_id = ANY($1::text[])', [tenants]);
      const known = new Set(rows.map((r) => r.tenant_id));
      for (const t of await this.existingAmong(tenants.filter((t) => !known.has(t)))) known.add(t);
      const keep = batch.filter((e) => known.has(e.tenantId));
      this.stats.unknownTenant += batch.length - keep.length;
      const written = keep.length === 0 ? 0 : await this.options.sql.transaction((tx) => insertSecurityEvents(tx, keep));
      this.stats.recorded += written;
      return written;
    } catch (err) {
      this.stats.flushErrors++;
      this.pending = [...batch, ...this.pending].slice(0, this.maxPending);
      this.options.onError?.(err);
      return 0;
    }
  }

  /** Which of these tenants have a stream (bounded lookups, cached). */
  private async existingAmong(tenants: string[]): Promise<string[]> {
    const lookup = this.options.tenantExists;
    if (!lookup || tenants.length === 0) return [];
    const now = Date.now();
    const found = tenants.filter((t) => this.existing.has(t));
    const ask = tenants.filter((t) => !this.existing.has(t) && now - (this.missing.get(t) ?? -Infinity) >= NEGATIVE_CACHE_MS).slice(0, MAX_LOOKUPS_PER_FLUSH);
    const answers = await Promise.all(ask.map((t) => lookup(t).catch(() => false)));
    ask.forEach((t, i) => {
      if (answers[i]) {
        if (this.existing.size >= 10_000) this.existing.clear();
        this.existing.add(t);
        found.push(t);
      } else {
        if (this.missing.size >= 10_000) this.missing.clear();
        this.missing.set(t, now);
      }
    });
    return found;
  }

  /** Closes every window older than a minute; returns the summaries of suppressed events (and clears them). */
  private suppressedSummaries(now: number): SecurityEventRecord[] {
    for (const [tenantId, w] of this.windows) if (now - w.startedAt >= 60_000) this.closeWindow(tenantId, w, now);
    const out = this.summaries;
    this.summaries = [];
    return out;
  }

  /** One `auth.failures_suppressed` event for a window that dropped events. */
  private closeWindow(tenantId: string, w: Window, now: number): void {
    this.windows.delete(tenantId);
    if (w.suppressed === 0) return;
    this.summaries.push({
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      tenantId,
      source: 'auth',
      eventType: 'auth.failures_suppressed',
      occurredAt: new Date(now).toISOString(),
      payload: { count: w.suppressed, windowStartedAt: new Date(w.startedAt).toISOString(), limitPerMinute: this.perMinute, limitPerSourcePerMinute: this.perSource },
    });
  }

  private window(tenantId: string, now: number): Window {
    let w = this.windows.get(tenantId);
    if (w && now - w.startedAt >= 60_000) {
      this.closeWindow(tenantId, w, now);
      w = undefined;
    }
    if (!w) {
      if (this.windows.size >= 10_000) for (const [t, old] of this.windows) this.closeWindow(t, old, now);
      w = { startedAt: now, count: 0, suppressed: 0, bySource: new Map() };
      this.windows.set(tenantId, w);
    }
    return w;
  }
}
