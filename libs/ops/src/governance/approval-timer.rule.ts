import { APPROVAL_ESCALATED, APPROVAL_EXPIRED, type AlertRecord, approvalOf } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { governanceAlertId } from './raise-alert';

/**
 * The alerts of the receipts the approval timers append:
 * - APPROVAL_SLA_BREACHED (high) for `approval.escalated`: a stage passed its SLA (one per stage);
 * - APPROVAL_EXPIRED (medium; high at critical risk) for `approval.expired`: nobody decided in
 *   time and the action was canceled.
 * Null for any other receipt, or one whose approval snapshot is not its action's.
 */
export function approvalTimerAlert(receipt: Receipt): AlertRecord | null {
  const approval = approvalOf(receipt);
  if (!approval || !receipt.actionId || approval.actionId !== receipt.actionId || approval.tenantId !== receipt.tenantId) return null;
  const base = { tenantId: receipt.tenantId, actionId: receipt.actionId, createdAt: receipt.timestamp };
  if (receipt.type === APPROVAL_ESCALATED) {
    const stageId = String(receipt.data.stageId ?? '');
    const stageName = String(receipt.data.stageName ?? '');
    const overdueSeconds = Number(receipt.data.overdueSeconds ?? 0);
    return {
      ...base,
      id: governanceAlertId(receipt.tenantId, 'APPROVAL_SLA_BREACHED', approval.id, stageId),
      severity: 'high',
      code: 'APPROVAL_SLA_BREACHED',
      message: `Approval stage "${stageName}" breached its SLA (${overdueSeconds} s overdue).`,
      metadata: { target: `approval_stage:${stageName}`, approvalId: approval.id, stageId, stageName, overdueSeconds, escalateTo: receipt.data.escalateTo ?? [], riskTier: approval.riskTier },
    };
  }
  if (receipt.type === APPROVAL_EXPIRED) {
    return {
      ...base,
      id: governanceAlertId(receipt.tenantId, 'APPROVAL_EXPIRED', approval.id),
      severity: approval.riskTier === 'critical' ? 'high' : 'medium',
      code: 'APPROVAL_EXPIRED',
      message: 'Approval expired before anyone decided; the action was canceled.',
      metadata: { target: 'approvals', approvalId: approval.id, expiredAt: receipt.data.expiredAt ?? receipt.timestamp, expiresAt: approval.expiresAt, riskTier: approval.riskTier },
    };
  }
  return null;
}
