import { Inject, Injectable } from '@nestjs/common';
import { OarsMetrics, type TenantIntegrityStatus, loadIntegrityRecord } from '@oars/ops';
import { PostgresSqlClient } from '@oars/db';
import { ALERT_SEVERITIES, emptyCounters, listDecisionMinutes, readTenantOpsSnapshot } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import type { BackupsSection, OpsDashboard, SiemSection } from './ops-dashboard.types';

const SIEM: SiemSection = {
  targets: [],
  queueLength: 0,
  droppedCount: 0,
  maxQueueSize: 0,
  backpressureDropCount: 0,
  retry: { running: false, intervalSeconds: 0, maxAttempts: 0, inProgress: false, tickCount: 0, lastRunAt: null },
  notes: 'No SIEM targets exist in this deployment yet: nothing is delivered, queued or dropped. Security events are readable at GET /v1/security-events.',
};

const BACKUPS: BackupsSection = {
  backupCount: 0,
  latestBackupAt: null,
  drillCount: 0,
  latestDrillAt: null,
  managedFiles: [],
  notes: 'No backups or restore drills exist in this deployment yet.',
};

const APPROVALS_TABLE_RECHECK_MS = 60_000;

/**
 * Builds the ops dashboard of one tenant from the read models (one SQL round trip for the counts, one
 * for the last hour of decisions), the stream head, and this process's in-memory signals. No scan
 * grows with history: counts come from `tenant_counters`.
 */
@Injectable()
export class OpsDashboardService {
  private approvalsTable: { exists: boolean; checkedAt: number } | null = null;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly metrics: OarsMetrics,
  ) {}

  async dashboard(tenantId: string): Promise<OpsDashboard> {
    const { runtime } = this;
    const { ops } = runtime;
    const now = new Date();
    const [snapshot, head, lastHour, tenantIntegrity, cache, inFlight] = await Promise.all([
      this.hasApprovalsTable().then((withApprovals) => readTenantOpsSnapshot(runtime.sql, tenantId, { now, withApprovals })),
      runtime.store.head(tenantId),
      listDecisionMinutes(runtime.sql, tenantId, new Date(now.getTime() - 3600_000).toISOString()),
      ops.integrity ? ops.integrity.tenantStatus(tenantId) : null,
      ops.checkPolicyCache(tenantId),
      this.metrics.httpInFlight.get(),
    ]);
    // A tenant the caller may see but with nothing recorded yet has a dashboard of zeros (as in v1).
    const c = snapshot.counters ?? emptyCounters(tenantId);
    const integrity = tenantIntegrity ?? (await this.integrityFromDatabase(tenantId, head.sequence));
    const sample = ops.sampler.last();
    const projector = runtime.projector?.status() ?? null;
    const pool = runtime.sql instanceof PostgresSqlClient ? runtime.sql.pool : null;
    return {
      generatedAt: now.toISOString(),
      tenantId,
      actions: { total: c.actionsTotal, byState: c.byState },
      alerts: { total: ALERT_SEVERITIES.reduce((n, s) => n + c.alerts[s], 0), bySeverity: c.alerts },
      securityEvents: { last24h: snapshot.securityEventsLast24h, totalTracked: snapshot.securityEventsTotal },
      siem: SIEM,
      workloadIdentity: ops.mtls.status(),
      backups: BACKUPS,
      decisions: { total: Object.values(c.decisions).reduce((a, b) => a + b, 0), byDecision: c.decisions, lastHour },
      approvals: snapshot.pendingApprovals === null ? null : { pending: snapshot.pendingApprovals },
      goldenSignals: {
        ...ops.golden.snapshot(now.getTime()),
        scope: 'process',
        saturation: {
          inFlightRequests: inFlight.values[0]?.value ?? 0,
          appendQueueDepth: runtime.writer.queueDepth(),
          eventLoop: ops.eventLoop.snapshot(),
          dbPool: { engine: runtime.sql.engine, total: pool?.totalCount ?? null, idle: pool?.idleCount ?? null, waiting: pool?.waitingCount ?? null },
          nats: ops.nats?.status() ?? null,
          eventStoreUp: sample?.eventStoreUp ?? null,
        },
      },
      securitySignals: {
        deniedHighRisk: c.deniedHighRisk,
        authFailures: { last24h: snapshot.authFailuresLast24h },
        policyDrift: { decisions: c.policyDriftDecisions, lastDetectedAt: c.lastPolicyDriftAt, publishedPolicy: c.publishedPolicy, cache },
        integrityViolations: c.integrityViolations,
      },
      integrity: {
        verifier: ops.integrity?.status() ?? { state: 'NOT_RUNNING_HERE', message: 'The integrity verifier runs in the process that runs the projector.' },
        tenant: integrity,
        violationsRecorded: c.integrityViolations,
        lastViolationAt: c.lastIntegrityViolationAt,
      },
      projections: {
        state: projector?.state ?? 'NOT_RUNNING_HERE',
        message: projector?.message ?? 'The projector runs in another process; lag comes from the checkpoints.',
        lagEvents: sample?.projector.lagEvents ?? projector?.lagEvents ?? null,
        lagSeconds: sample?.projector.lagSeconds ?? null,
        sampledAt: sample?.at ?? null,
        lastAppliedAt: projector?.lastAppliedAt ?? null,
        tenant: { position: c.lastSequence, head: head.sequence, lagEvents: Math.max(0, head.sequence - c.lastSequence) },
      },
      slo: ops.slo.report(now.getTime()),
    };
  }

  /** A tenant's integrity as recorded in the database (when the verifier runs in another process). */
  async integrityOf(tenantId: string): Promise<TenantIntegrityStatus> {
    return this.integrityFromDatabase(tenantId, (await this.runtime.store.head(tenantId)).sequence);
  }

  private async integrityFromDatabase(tenantId: string, head: number): Promise<TenantIntegrityStatus> {
    const r = await loadIntegrityRecord(this.runtime.sql, tenantId);
    return {
      tenantId,
      position: r.at.position,
      head,
      lagEvents: Math.max(0, head - r.at.position),
      lastCheckedAt: r.checkedAt,
      lastResult: r.lastResult,
      findingsTotal: r.findingsTotal,
      lastFinding: r.lastFinding,
      error: null,
    };
  }

  /** Whether the approvals read model exists (another issue adds it); re-checked while absent. */
  private async hasApprovalsTable(): Promise<boolean> {
    const known = this.approvalsTable;
    if (known && (known.exists || Date.now() - known.checkedAt < APPROVALS_TABLE_RECHECK_MS)) return known.exists;
    const { rows } = await this.runtime.sql.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'approvals' AND table_schema = current_schema()",
    );
    this.approvalsTable = { exists: Number(rows[0]?.n ?? 0) > 0, checkedAt: Date.now() };
    return this.approvalsTable.exists;
  }
}
