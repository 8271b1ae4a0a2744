import { openApproval } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { approvalTimerPlan } from './approval-timers.reactor';

const T0 = '2026-04-01T09:00:00.000Z';
const approval = openApproval({
  actionId: 'act_t1', tenantId: 'ten_a', riskTier: 'high', requestedBy: 'u1', context: { requestedAt: T0 }, now: T0, expirySeconds: 3600, plannedExecution: null,
  workflow: { id: 'apr_wf_1', tenantId: 'ten_a', createdAt: T0, updatedAt: T0, createdBy: 'admin', stages: [{ id: 'apr_stage_1', name: 'Ops', mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: 60, escalateTo: ['oncall'] }] },
});
const receipt = (over: Partial<Receipt>): Receipt => ({ tenantId: 'ten_a', actionId: 'act_t1', type: 'action.approval_required', data: { approvalId: approval.id, approval }, ...over }) as unknown as Receipt;

describe('approvalTimerPlan (what an approval receipt asks of the timers)', () => {
  it('wakes at the stage deadline of a pending approval, then at its expiry once the stage escalated', () => {
    expect(approvalTimerPlan(receipt({}))).toEqual({ actionId: 'act_t1', dueAt: '2026-04-01T09:01:00.000Z' });
    const escalated = { ...approval, escalatedStageIds: ['apr_stage_1'] };
    expect(approvalTimerPlan(receipt({ type: 'approval.escalated', data: { approval: escalated } }))).toEqual({ actionId: 'act_t1', dueAt: '2026-04-01T10:00:00.000Z' });
  });

  it('needs no timer once the approval is decided, and ignores other receipts and foreign snapshots', () => {
    expect(approvalTimerPlan(receipt({ type: 'approval.granted', data: { approval: { ...approval, status: 'approved' } } }))).toEqual({ actionId: 'act_t1', dueAt: null });
    expect(approvalTimerPlan(receipt({ type: 'action.executed', data: {} }))).toBeNull();
    expect(approvalTimerPlan(receipt({ tenantId: 'ten_other' }))).toBeNull(); // a snapshot naming another tenant
    expect(approvalTimerPlan(receipt({ actionId: 'act_other' }))).toBeNull(); // or another action
  });
});
