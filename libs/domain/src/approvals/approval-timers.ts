import type { ApprovalState } from './approval.types';

/** `action.canceled` error of an approval that expired. */
export const APPROVAL_EXPIRED_ERROR = 'Approval expired.';

/** `data` of `approval.escalated` without the snapshot: the OARS v1 escalation item (§1.3 #17). */
export interface ApprovalEscalation {
  approvalId: string;
  actionId: string;
  tenantId: string;
  stageId: string;
  stageName: string;
  escalateTo: string[];
  overdueSeconds: number;
}

/**
 * When the approval next needs a timer: the current stage's deadline (until that stage is
 * escalated) or the expiry, whichever is first; null when it is not pending or has neither.
 */
export function approvalDueAt(state: ApprovalState): string | null {
  if (state.status !== 'pending') return null;
  const stage = state.stages[state.currentStageIndex];
  const deadline = stage && state.stageDeadlineAt && !state.escalatedStageIds.includes(stage.id) ? state.stageDeadlineAt : null;
  const candidates = [deadline, state.expiresAt].filter((t): t is string => t !== null);
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

/**
 * EscalateApproval: a pending approval whose current stage passed its SLA escalates once per stage
 * (the stage id joins `escalatedStageIds`). Null when nothing is due at `now`.
 */
export function escalateApproval(state: ApprovalState, now: string): { approval: ApprovalState; escalation: ApprovalEscalation } | null {
  const stage = state.stages[state.currentStageIndex];
  if (state.status !== 'pending' || !stage || !state.stageDeadlineAt) return null;
  if (state.escalatedStageIds.includes(stage.id)) return null;
  const overdueMs = Date.parse(now) - Date.parse(state.stageDeadlineAt);
  if (overdueMs < 0) return null;
  return {
    approval: { ...state, escalatedStageIds: [...state.escalatedStageIds, stage.id], updatedAt: now },
    escalation: {
      approvalId: state.id,
      actionId: state.actionId,
      tenantId: state.tenantId,
      stageId: stage.id,
      stageName: stage.name,
      escalateTo: [...stage.escalateTo],
      overdueSeconds: Math.floor(overdueMs / 1000),
    },
  };
}

/** ExpireApproval: a pending approval past `expiresAt` becomes `expired` (its action then ends `canceled`). */
export function expireApproval(state: ApprovalState, now: string): ApprovalState | null {
  if (state.status !== 'pending' || !state.expiresAt || Date.parse(now) < Date.parse(state.expiresAt)) return null;
  return { ...state, status: 'expired', updatedAt: now };
}
