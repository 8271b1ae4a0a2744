import type { ActionState, AlertSeverity } from '@oars/domain';
import type {
  EventLoopSnapshot,
  GoldenSignalsSnapshot,
  IntegrityVerifierStatus,
  MtlsStatus,
  NatsConnectionStatus,
  PolicyCacheCheck,
  SloReport,
  TenantIntegrityStatus,
} from '@oars/ops';
import type { DecisionMinute, PublishedPolicyRef } from '@oars/readmodels';
import type { PolicyDecision } from '@oars/receipts';

/** `siem` of OARS v1 §2.13; there are no SIEM targets in this deployment yet. */
export interface SiemSection {
  targets: never[];
  queueLength: number;
  droppedCount: number;
  maxQueueSize: number;
  backpressureDropCount: number;
  retry: { running: boolean; intervalSeconds: number; maxAttempts: number; inProgress: boolean; tickCount: number; lastRunAt: string | null };
  notes: string;
}

/** `backups` of OARS v1 §2.13 without filesystem paths; there are no backups yet. */
export interface BackupsSection {
  backupCount: number;
  latestBackupAt: string | null;
  drillCount: number;
  latestDrillAt: string | null;
  managedFiles: never[];
  notes: string;
}

/**
 * `GET /v1/admin/ops/dashboard?tenantId=`: OARS v1 §2.13 (every count exact) plus decisions,
 * approvals, golden signals, security signals, integrity, projections and SLOs.
 */
export interface OpsDashboard {
  generatedAt: string;
  tenantId: string;
  actions: { total: number; byState: Record<ActionState, number> };
  alerts: { total: number; bySeverity: Record<AlertSeverity, number> };
  securityEvents: { last24h: number; totalTracked: number };
  siem: SiemSection;
  workloadIdentity: MtlsStatus;
  backups: BackupsSection;
  decisions: { total: number; byDecision: Record<PolicyDecision, number>; lastHour: DecisionMinute[] };
  /** Null when this deployment has no approvals read model. */
  approvals: { pending: number } | null;
  /** Figures of the process that answered (not of the whole deployment). */
  goldenSignals: GoldenSignalsSnapshot & {
    scope: 'process';
    saturation: {
      inFlightRequests: number;
      appendQueueDepth: number;
      eventLoop: EventLoopSnapshot;
      dbPool: { engine: 'postgres' | 'pglite'; total: number | null; idle: number | null; waiting: number | null };
      nats: NatsConnectionStatus | null;
      eventStoreUp: boolean | null;
    };
  };
  securitySignals: {
    deniedHighRisk: number;
    authFailures: { last24h: number };
    policyDrift: {
      /** Decisions recorded with a policy hash other than the one in force at their position. */
      decisions: number;
      lastDetectedAt: string | null;
      /** The policy in force per the read models (null: the built-in default). */
      publishedPolicy: PublishedPolicyRef | null;
      /** This process's writer cache against the stream. */
      cache: PolicyCacheCheck;
    };
    integrityViolations: number;
  };
  integrity: {
    /** The verifier of this process, or `NOT_RUNNING_HERE` when it runs in another process (tenant figures then come from the database). */
    verifier: IntegrityVerifierStatus | { state: 'NOT_RUNNING_HERE'; message: string };
    tenant: TenantIntegrityStatus;
    violationsRecorded: number;
    lastViolationAt: string | null;
  };
  projections: {
    state: string;
    message: string;
    /** All tenants: events not yet in the read models, and the age of the oldest (sampled every 5 s). */
    lagEvents: number | null;
    lagSeconds: number | null;
    sampledAt: string | null;
    lastAppliedAt: string | null;
    tenant: { position: number; head: number; lagEvents: number };
  };
  slo: SloReport[];
}
