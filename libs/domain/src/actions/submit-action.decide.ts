import type { RiskTier } from '@oars/receipts';
import type { ActionContext, ActionReceiptType, PolicyDecision } from './action.types';

/** One state transition of an action, before the chain writer positions and signs it. */
export interface ActionTransition {
  type: ActionReceiptType;
  data: Record<string, unknown>;
}

export type ExecutionOutcome = { status: 'executed'; output: Record<string, unknown>; outputHash: string } | { status: 'failed'; error: string };

export interface SubmitActionCommand {
  actionId: string;
  context: ActionContext;
  decision: PolicyDecision;
  riskTier: RiskTier;
  idempotencyRequestHash: string | null;
  /** The approval the action waits for, when the decision is `approve`. */
  approval?: { approvalId: string; totalStages: number; firstStageName: string };
  /** The inline connector outcome, when the decision is `allow` and the connector answered in time. */
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
      const { approvalId, totalStages, firstStageName } = cmd.approval;
      return [
        requested,
        {
          type: 'action.approval_required',
          data: {
            approvalId,
            stepUpRequired: cmd.riskTier === 'critical',
            approvalProgress: { currentStageIndex: 0, totalStages, currentStageName: firstStageName },
          },
        },
      ];
    }
    case 'allow': {
      const approved: ActionTransition = { type: 'action.approved', data: {} };
      if (!cmd.execution) return [requested, approved];
      const outcome: ActionTransition =
        cmd.execution.status === 'executed'
          ? { type: 'action.executed', data: { referenceId: `exec_${cmd.actionId}`, outputHash: cmd.execution.outputHash } }
          : { type: 'action.failed', data: { error: cmd.execution.error } };
      return [requested, approved, outcome];
    }
    default: {
      const never: never = cmd.decision;
      throw new Error(`unknown decision ${String(never)}`);
    }
  }
}
