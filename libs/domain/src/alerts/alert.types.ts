import type { ReceiptResource, ReceiptRisk } from '../actions/action.types';

export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical';
export type AlertCode =
  | 'POLICY_DENIED' | 'ACTION_QUARANTINED' | 'EXECUTION_FAILED' | 'HIGH_RISK_EXECUTED' | 'APPROVAL_ESCALATED'
  // Governance alerts (what OARS detects about itself and its tenants).
  | 'INTEGRITY_VIOLATION' | 'POLICY_DRIFT' | 'APPROVAL_SLA_BREACHED' | 'APPROVAL_EXPIRED' | 'AUTH_FAILURE_SPIKE' | 'SLO_FAST_BURN' | 'SLO_SLOW_BURN';

/** OARS v1 §2.7 AlertRecord, carried as `data.alert` of an `alert.raised` receipt (subject `alert.<id>`). */
export interface AlertRecord {
  id: string;
  tenantId: string;
  actionId: string | null;
  severity: AlertSeverity;
  code: AlertCode;
  message: string;
  createdAt: string;
  metadata: Record<string, unknown>;
}

export const ALERT_RAISED = 'alert.raised';

/** Alert ids derive from the action and code, so a retried command raises the same alert once. */
export function alertIdOf(actionId: string, code: AlertCode): string {
  return `alrt_${actionId.slice(actionId.indexOf('_') + 1)}_${code.toLowerCase()}`;
}

/**
 * The alert an action's new state raises, exactly where OARS v1 §2.7 raises them: denied (by policy
 * or by an approver), quarantined, failed, and executed at high or critical risk. Null otherwise.
 */
export function alertForOutcome(input: {
  tenantId: string;
  actionId: string;
  state: string;
  resource: ReceiptResource;
  risk: ReceiptRisk;
  error?: string | null;
  now: string;
}): AlertRecord | null {
  const { tenantId, actionId, resource, risk, now } = input;
  const base = { tenantId, actionId, createdAt: now };
  switch (input.state) {
    case 'denied':
      return { ...base, id: alertIdOf(actionId, 'POLICY_DENIED'), severity: 'medium', code: 'POLICY_DENIED', message: 'Action denied by policy.', metadata: { operation: resource.operation, toolId: resource.toolId, riskTier: risk.tier } };
    case 'quarantined':
      return { ...base, id: alertIdOf(actionId, 'ACTION_QUARANTINED'), severity: 'high', code: 'ACTION_QUARANTINED', message: 'Action quarantined for manual investigation.', metadata: { operation: resource.operation, toolId: resource.toolId, riskTier: risk.tier } };
    case 'failed':
      return { ...base, id: alertIdOf(actionId, 'EXECUTION_FAILED'), severity: risk.tier === 'critical' ? 'critical' : 'medium', code: 'EXECUTION_FAILED', message: 'Connector execution failed.', metadata: { operation: resource.operation, toolId: resource.toolId, error: input.error ?? null } };
    case 'executed':
      if (risk.tier !== 'high' && risk.tier !== 'critical') return null;
      return { ...base, id: alertIdOf(actionId, 'HIGH_RISK_EXECUTED'), severity: risk.tier, code: 'HIGH_RISK_EXECUTED', message: 'High-risk action executed successfully.', metadata: { operation: resource.operation, toolId: resource.toolId, target: resource.target, riskScore: risk.score } };
    default:
      return null;
  }
}

/**
 * The notification of an escalated approval stage: an alert (high) naming the escalation targets, so
 * it shows on the console and in `/v1/alerts`, and alert routing delivers it. One per approval stage.
 */
export function alertForEscalation(input: {
  tenantId: string;
  actionId: string;
  approvalId: string;
  stageId: string;
  stageName: string;
  escalateTo: string[];
  overdueSeconds: number;
  now: string;
}): AlertRecord {
  const { tenantId, actionId, approvalId, stageId, stageName, escalateTo, overdueSeconds, now } = input;
  return {
    id: `${alertIdOf(actionId, 'APPROVAL_ESCALATED')}_${stageId.replace(/[^A-Za-z0-9]/g, '').slice(-16)}`,
    tenantId,
    actionId,
    severity: 'high',
    code: 'APPROVAL_ESCALATED',
    message: `Approval stage "${stageName}" is overdue; escalated to ${escalateTo.length ? escalateTo.join(', ') : 'nobody (no escalation targets)'}.`,
    createdAt: now,
    metadata: { approvalId, stageId, stageName, escalateTo, overdueSeconds },
  };
}
