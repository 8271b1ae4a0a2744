import type { RiskTier } from '@oars/receipts';
import { type ApprovalState, approvalProgressOf } from '../approvals/approval.types';
import type { ExecutionOutcome } from './execution';
import type { ActionContext, ActionReceiptType, PolicyDecision } from './action.types';

/** One state transition of an action, before the chain writer positions and signs it. */
export interface ActionTransition {
  type: ActionReceiptType;
  data: Record<string, unknown>;
}


export interface SubmitActionCommand {
  actionId: string;
  context: ActionContext;
  decision: PolicyDecision;
  riskTier: RiskTier;
  idempotencyRequestHash: string | null;
  /** The approval the action waits for, when the decision is `approve` (see `openApproval`). */
  approval?: ApprovalState;
  /** The inline connector outcome, when the decision is `allow` and a built-in connector ran (none: agent-executed). */
  execution?: ExecutionOutcome;
}

export const DENIED_BY_POLICY = 'Action denied by policy.';
export const QUARANTINED_BY_POLICY = 'Action quarantined by policy.';

/**
 * The receipts of a submission (OARS v1 §2.1): `requested`, then the decision, then — for an allowed
 * action whose connector ran inline — `executed` or `failed`.
 */
export function decideSubmitAction(cmd: SubmitActionCommand): ActionTransition[] {
  const requested: ActionTransition = {
    type: 'action.requested',
    data: { context: cmd.context, idempotencyRequestHash: cmd.idempotencyRequestHash },
  };
  switch (cmd.decision) {
    case 'deny':
      return [requested, { type: 'action.denied', data: { error: DENIED_BY_POLICY } }];
    case 'quarantine':
      return [requested, { type: 'action.quarantined', data: { error: QUARANTINED_BY_POLICY } }];
    case 'approve': {
      if (!cmd.approval) throw new Error('approve decision without an approval');
      const approval = cmd.approval;
      return [
        requested,
        {
          type: 'action.approval_required',
          data: { approvalId: approval.id, stepUpRequired: approval.requiresStepUp, approvalProgress: approvalProgressOf(approval), approval },
        },
      ];
    }
    case 'allow': {
      const approved: ActionTransition = { type: 'action.approved', data: { executedBy: cmd.execution ? 'oars' : 'agent' } };
      return cmd.execution ? [requested, approved, executionTransition(cmd.actionId, cmd.execution)] : [requested, approved];
    }
    default: {
      const never: never = cmd.decision;
      throw new Error(`unknown decision ${String(never)}`);
    }
  }
}

/** The receipt of an execution outcome: `executed` with the output's hash, or `failed` with the error. */
export function executionTransition(actionId: string, outcome: ExecutionOutcome): ActionTransition {
  return outcome.status === 'executed'
    ? { type: 'action.executed', data: { referenceId: `exec_${actionId}`, outputHash: outcome.outputHash } }
    : { type: 'action.failed', data: { error: outcome.error } };
}
