import type { ActionState, AlertSeverity } from '@oars/domain';
import type { PolicyDecision } from '@oars/receipts';

/** The policy a tenant has in force (null in `TenantCounters.publishedPolicy`: the built-in default). */
export interface PublishedPolicyRef {
  id: string;
  version: string;
  hash: string;
  /** Stream position of the receipt that put it in force. */
  sequence: number;
}

/**
 * Exact per-tenant counts of the `ops` read model (table `tenant_counters`). Every figure counts
 * receipts up to `lastSequence` of the tenant stream, once each.
 */
export interface TenantCounters {
  tenantId: string;
  lastSequence: number;
  actionsTotal: number;
  /** Actions by their current state (sums to actionsTotal). */
  byState: Record<ActionState, number>;
  /** Policy decisions at submission, by decision. */
  decisions: Record<PolicyDecision, number>;
  /** Actions that entered `denied` or `quarantined` at risk tier high or critical. */
  deniedHighRisk: number;
  alerts: Record<AlertSeverity, number>;
  /** Decisions made with a policy hash other than the one in force at their stream position. */
  policyDriftDecisions: number;
  lastPolicyDriftAt: string | null;
  /** `integrity.violation_detected` receipts (findings of the integrity verifier). */
  integrityViolations: number;
  lastIntegrityViolationAt: string | null;
  publishedPolicy: PublishedPolicyRef | null;
  /** Timestamp of the last receipt folded in. */
  updatedAt: string | null;
}

/**
 * Where a security event comes from: a receipt of the tenant stream (projected), an
 * authentication/authorization failure recorded directly (never a receipt), or the projector
 * (an event of the stream it parked as a dead letter, recorded with the dead letter).
 */
export type SecurityEventSource = 'receipt' | 'auth' | 'projector';

/** OARS v1 §2.15 SecurityEventRecord. */
export interface SecurityEventRecord {
  /** `evt_…`; derived from the receipt for receipt-sourced events (a replay yields the same id). */
  id: string;
  tenantId: string;
  source: SecurityEventSource;
  eventType: string;
  /** ISO-8601 UTC with milliseconds. */
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** Decisions of one tenant in one minute (table `decision_minutes`). */
export interface DecisionMinute {
  /** ISO-8601 start of the minute. */
  minute: string;
  counts: Record<PolicyDecision, number>;
}

export const DECISIONS: readonly PolicyDecision[] = ['allow', 'deny', 'approve', 'quarantine'];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['low', 'medium', 'high', 'critical'];

export function zeroDecisions(): Record<PolicyDecision, number> {
  return { allow: 0, deny: 0, approve: 0, quarantine: 0 };
}
