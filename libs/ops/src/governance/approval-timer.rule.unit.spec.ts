import type { ApprovalState } from '@oars/domain';
import { ReceiptStreamBuilder } from '@oars/testing';
import { approvalTimerAlert } from './approval-timer.rule';

const stream = new ReceiptStreamBuilder('tenant_apr');
const approval = (riskTier: ApprovalState['riskTier'], status: ApprovalState['status'] = 'pending'): ApprovalState => ({
  id: 'apr_1', actionId: 'act_1', tenantId: 'tenant_apr', status, requiresStepUp: false, requestedBy: 'u', context: { requestedAt: '2026-01-01T00:00:00.000Z' }, riskTier,
  stages: [{ id: 'apr_stage_a', name: 'Ops', mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: 60, escalateTo: ['lead'] }],
  currentStageIndex: 0, stageStartedAt: '2026-01-01T00:00:00.000Z', stageDeadlineAt: '2026-01-01T00:01:00.000Z', escalatedStageIds: [],
  expiresAt: '2026-01-08T00:00:00.000Z', decisions: [], plannedExecution: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
});
const escalated = (a: ApprovalState, stageId = 'apr_stage_a') =>
  stream.next({ type: 'approval.escalated', actionId: 'act_1', data: { approvalId: a.id, stageId, stageName: 'Ops', escalateTo: ['lead'], overdueSeconds: 12, approval: a } });

describe('approvalTimerAlert', () => {
  it('raises APPROVAL_SLA_BREACHED (high) for an escalated stage, once per stage', () => {
    const receipt = escalated(approval('high'));
    expect(approvalTimerAlert(receipt)).toMatchObject({
      tenantId: 'tenant_apr', actionId: 'act_1', severity: 'high', code: 'APPROVAL_SLA_BREACHED',
      message: 'Approval stage "Ops" breached its SLA (12 s overdue).', createdAt: receipt.timestamp,
      metadata: { target: 'approval_stage:Ops', approvalId: 'apr_1', stageId: 'apr_stage_a', overdueSeconds: 12, escalateTo: ['lead'], riskTier: 'high' },
    });
    expect(approvalTimerAlert(escalated(approval('high')))!.id).toBe(approvalTimerAlert(receipt)!.id);
    expect(approvalTimerAlert(escalated(approval('high'), 'apr_stage_b'))!.id).not.toBe(approvalTimerAlert(receipt)!.id);
  });

  it('raises APPROVAL_EXPIRED: medium, high when the action was critical', () => {
    const expired = (tier: ApprovalState['riskTier']) =>
      stream.next({ type: 'approval.expired', actionId: 'act_1', data: { approvalId: 'apr_1', expiredAt: '2026-01-08T00:00:01.000Z', approval: approval(tier, 'expired') } });
    expect(approvalTimerAlert(expired('medium'))).toMatchObject({
      code: 'APPROVAL_EXPIRED', severity: 'medium', actionId: 'act_1',
      metadata: { target: 'approvals', approvalId: 'apr_1', expiredAt: '2026-01-08T00:00:01.000Z', expiresAt: '2026-01-08T00:00:00.000Z' },
    });
    expect(approvalTimerAlert(expired('critical'))!.severity).toBe('high');
  });

  it('ignores other approval receipts and snapshots of another action', () => {
    expect(approvalTimerAlert(stream.next({ type: 'approval.decided', actionId: 'act_1', data: { approval: approval('high') } }))).toBeNull();
    expect(approvalTimerAlert(stream.next({ type: 'approval.escalated', actionId: 'act_2', data: { approval: approval('high') } }))).toBeNull();
    expect(approvalTimerAlert(stream.next({ type: 'approval.expired', actionId: 'act_1', data: {} }))).toBeNull();
  });
});
