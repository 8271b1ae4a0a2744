import { type ApprovalStage, type ApprovalState, type ApprovalWorkflow, openApproval } from './approval.types';
import { approvalDueAt, escalateApproval, expireApproval } from './approval-timers';
import { approvalOf } from './approval-receipts';
import { configureApprovalWorkflow, validateWorkflowStages } from './approval-workflow';
import { DENIED_AT_FINAL_APPROVAL, concludeApproval } from './conclude-approval';
import type { ExecutionOutcome } from '../actions/execution';

const T0 = '2026-03-01T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const stage = (id: string, over: Partial<ApprovalStage> = {}): ApprovalStage => ({
  id, name: `Stage ${id}`, mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: null, escalateTo: [], ...over,
});

function pending(stages: ApprovalStage[], expirySeconds: number | null = 3600, plannedExecution: ExecutionOutcome | null = null): ApprovalState {
  const workflow: ApprovalWorkflow = { id: 'apr_wf_1', tenantId: 't1', stages, createdAt: T0, updatedAt: T0, createdBy: 'admin' };
  return openApproval({ actionId: 'act_1', tenantId: 't1', workflow, riskTier: 'high', requestedBy: 'u', context: { requestedAt: T0 }, now: T0, expirySeconds, plannedExecution });
}

describe('approval timers (given approval, when time passes, then escalation or expiry)', () => {
  it('is due at the stage deadline until that stage escalates, then at the expiry', () => {
    const state = pending([stage('s1', { slaSeconds: 60, escalateTo: ['oncall', 'lead'] })]);
    expect(approvalDueAt(state)).toBe(at(60));
    expect(escalateApproval(state, at(59))).toBeNull();
    const escalated = escalateApproval(state, at(75))!;
    expect(escalated.escalation).toEqual({ approvalId: state.id, actionId: 'act_1', tenantId: 't1', stageId: 's1', stageName: 'Stage s1', escalateTo: ['oncall', 'lead'], overdueSeconds: 15 });
    expect(escalated.approval.escalatedStageIds).toEqual(['s1']);
    expect(escalateApproval(escalated.approval, at(120))).toBeNull();
    expect(approvalDueAt(escalated.approval)).toBe(at(3600));
  });

  it('expires a pending approval at expiresAt, and never one that is not pending or has no expiry', () => {
    const state = pending([stage('s1')]);
    expect(expireApproval(state, at(3599))).toBeNull();
    expect(expireApproval(state, at(3600))).toMatchObject({ status: 'expired', updatedAt: at(3600) });
    expect(expireApproval({ ...state, status: 'approved' }, at(9999))).toBeNull();
    const forever = pending([stage('s1')], null);
    expect(approvalDueAt(forever)).toBeNull();
    expect(expireApproval(forever, at(10 ** 8))).toBeNull();
    expect(approvalDueAt({ ...state, status: 'rejected' })).toBeNull();
  });
});

describe('concludeApproval (then the action receipts)', () => {
  const executed: ExecutionOutcome = { status: 'executed', output: { ok: true }, outputHash: 'a'.repeat(64) };
  const approved = (plan: ExecutionOutcome | null) => ({ ...pending([stage('s1')], 3600, plan), status: 'approved' as const });

  it('executes a built-in connector outcome planned at submission', () => {
    expect(concludeApproval(approved(executed), 'approve').map((t) => t.type)).toEqual(['action.approved', 'action.executed']);
    expect(concludeApproval(approved({ status: 'failed', error: 'boom' }), 'allow')[1]).toEqual({ type: 'action.failed', data: { error: 'boom' } });
  });

  it('leaves an action executed by its agent or an HTTP connector approved, naming the executor', () => {
    expect(concludeApproval(approved(null), 'approve')).toEqual([{ type: 'action.approved', data: { executedBy: 'agent', approvalId: approved(null).id } }]);
    expect(concludeApproval(approved(null), 'allow', 'http')[0]).toMatchObject({ data: { executedBy: 'http' } });
  });

  it('denies when the policy in force now denies or quarantines', () => {
    for (const decision of ['deny', 'quarantine'] as const) {
      const [denied, ...rest] = concludeApproval(approved(executed), decision);
      expect(rest).toEqual([]);
      expect(denied).toMatchObject({ type: 'action.denied', data: { error: DENIED_AT_FINAL_APPROVAL, reevaluatedDecision: decision } });
    }
  });

  it('denies a rejected approval naming the approver (without the reason), and does nothing while pending', () => {
    const state = pending([stage('s1')]);
    const rejected: ApprovalState = { ...state, status: 'rejected', decisions: [{ decision: 'reject', approverId: 'bob', reasonHash: 'h', stageId: 's1', stageIndex: 0, stepUp: null, decidedAt: T0 }] };
    expect(concludeApproval(rejected, null)).toEqual([{ type: 'action.denied', data: { error: 'Approval rejected by bob.', approvalId: state.id } }]);
    expect(concludeApproval(state, 'allow')).toEqual([]);
  });

  it('reads the snapshot a receipt carries', () => {
    const state = pending([stage('s1')]);
    expect(approvalOf({ data: { approval: state } } as never)).toBe(state);
    expect(approvalOf({ data: { error: 'x' } } as never)).toBeNull();
    expect(approvalOf(null)).toBeNull();
  });
});

describe('approval workflow configuration', () => {
  it('refuses a serial stage needing more than one approval and a quorum larger than its approvers, naming the field', () => {
    expect(validateWorkflowStages([{ name: 'a', mode: 'serial', requiredApprovals: 2 }])).toEqual([
      { field: 'stages.0.requiredApprovals', message: 'Serial approval stages must use requiredApprovals = 1.' },
    ]);
    expect(validateWorkflowStages([{ name: 'a', mode: 'serial', requiredApprovals: 1 }, { name: 'b', mode: 'parallel', requiredApprovals: 3, approverIds: ['x', 'y', 'x'] }])).toEqual([
      { field: 'stages.1.requiredApprovals', message: 'Stage requiredApprovals cannot exceed number of scoped approverIds.' },
    ]);
    expect(validateWorkflowStages([{ name: 'any', mode: 'parallel', requiredApprovals: 3 }])).toEqual([]);
    expect(validateWorkflowStages([])).toEqual([{ field: 'stages', message: 'stages must contain at least 1 stage' }]);
  });

  it('dedups and sorts approver lists, keeps id and createdAt of the current workflow, and renews stage ids', () => {
    const first = configureApprovalWorkflow({
      tenantId: 't1', current: null, newWorkflowId: 'apr_wf_a', newStageIds: ['apr_stage_1'], by: 'admin', now: T0,
      stages: [{ name: 'Security', mode: 'parallel', requiredApprovals: 2, approverIds: ['zoe', 'amy', 'zoe'], escalateTo: ['b', 'a', 'b'], slaSeconds: 60 }],
    });
    expect(first).toEqual({
      id: 'apr_wf_a', tenantId: 't1', createdAt: T0, updatedAt: T0, createdBy: 'admin',
      stages: [{ id: 'apr_stage_1', name: 'Security', mode: 'parallel', requiredApprovals: 2, approverIds: ['amy', 'zoe'], slaSeconds: 60, escalateTo: ['a', 'b'] }],
    });
    const second = configureApprovalWorkflow({ tenantId: 't1', current: first, newWorkflowId: 'apr_wf_b', newStageIds: ['apr_stage_2'], by: 'other', now: at(5), stages: [{ name: 'One', mode: 'serial', requiredApprovals: 1 }] });
    expect(second).toMatchObject({ id: 'apr_wf_a', createdAt: T0, updatedAt: at(5), createdBy: 'admin', stages: [{ id: 'apr_stage_2', approverIds: [], escalateTo: [], slaSeconds: null }] });
  });
});
