import type { RiskTier } from '@oars/receipts';
import type { ActionContext } from '../actions/action.types';
import type { ExecutionOutcome } from '../actions/execution';

export type ApprovalStageMode = 'serial' | 'parallel';

/** OARS v1 §2.4 ApprovalStageRecord. */
export interface ApprovalStage {
  id: string;
  name: string;
  mode: ApprovalStageMode;
  requiredApprovals: number;
  /** Empty: any approver (other than the requester) may decide. */
  approverIds: string[];
  slaSeconds: number | null;
  escalateTo: string[];
}

/** The tenant's approval workflow (OARS v1 §1.3 #60). */
export interface ApprovalWorkflow {
  id: string;
  tenantId: string;
  stages: ApprovalStage[];
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'canceled';

export interface ApprovalDecisionRecord {
  decision: 'approve' | 'reject';
  approverId: string;
  /** SHA-256 of the reason; the reason itself is kept out of receipts. */
  reasonHash: string;
  stageId: string;
  stageIndex: number;
  stepUp: 'totp' | 'shared_code' | null;
  decidedAt: string;
}

/**
 * The approval as it stands after a receipt: every approval-related receipt of an action carries the
 * whole snapshot in `data.approval`, so the latest receipt of the action is all a decision needs.
 */
export interface ApprovalState {
  id: string;
  actionId: string;
  tenantId: string;
  status: ApprovalStatus;
  requiresStepUp: boolean;
  /** The requester (action actor's userId): may never approve their own action. */
  requestedBy: string | null;
  /** Facts to re-evaluate the policy at the final approval. */
  context: ActionContext;
  riskTier: RiskTier;
  stages: ApprovalStage[];
  currentStageIndex: number;
  stageStartedAt: string;
  stageDeadlineAt: string | null;
  escalatedStageIds: string[];
  /** When the approval expires (the action ends `canceled`), or null for never. */
  expiresAt: string | null;
  decisions: ApprovalDecisionRecord[];
  /**
   * The built-in connector's outcome, computed at submission (the connectors are deterministic and
   * side-effect free) because the raw input is never stored; null for agent-executed tools.
   */
  plannedExecution: ExecutionOutcome | null;
  createdAt: string;
  updatedAt: string;
}

/** Approval ids mirror action ids (`act_X` ↔ `apr_X`), so an approval leads to its action without a lookup table. */
export function approvalIdOf(actionId: string): string {
  return `apr_${actionId.slice(actionId.indexOf('_') + 1)}`;
}

export function actionIdOfApproval(approvalId: string): string | null {
  return /^apr_[A-Za-z0-9]{1,64}$/.test(approvalId) ? `act_${approvalId.slice(4)}` : null;
}

/** OARS v1 default: one serial "Primary Approval" stage, any approver. */
export function defaultApprovalWorkflow(tenantId: string): ApprovalWorkflow {
  return {
    id: 'default_workflow',
    tenantId,
    stages: [{ id: 'apr_stage_default', name: 'Primary Approval', mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: null, escalateTo: [] }],
    createdAt: '1970-01-01T00:00:00.000Z',
    updatedAt: '1970-01-01T00:00:00.000Z',
    createdBy: 'system',
  };
}

export interface OpenApprovalInput {
  actionId: string;
  tenantId: string;
  workflow: ApprovalWorkflow;
  riskTier: RiskTier;
  requestedBy: string | null;
  context: ActionContext;
  now: string;
  /** Pending approvals expire after this many seconds (null: never). */
  expirySeconds: number | null;
  plannedExecution: ExecutionOutcome | null;
}

const plusSeconds = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** The approval an `approve` decision opens: a snapshot of the workflow, stage 0 running. */
export function openApproval(input: OpenApprovalInput): ApprovalState {
  const first = input.workflow.stages[0];
  if (!first) throw new Error('approval workflow without stages');
  return {
    id: approvalIdOf(input.actionId),
    actionId: input.actionId,
    tenantId: input.tenantId,
    status: 'pending',
    requiresStepUp: input.riskTier === 'critical',
    requestedBy: input.requestedBy,
    context: input.context,
    riskTier: input.riskTier,
    stages: input.workflow.stages,
    currentStageIndex: 0,
    stageStartedAt: input.now,
    stageDeadlineAt: first.slaSeconds ? plusSeconds(input.now, first.slaSeconds) : null,
    escalatedStageIds: [],
    expiresAt: input.expirySeconds ? plusSeconds(input.now, input.expirySeconds) : null,
    decisions: [],
    plannedExecution: input.plannedExecution,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/** `approvalProgress` of the OARS v1 answers. */
export function approvalProgressOf(state: ApprovalState): { currentStageIndex: number; totalStages: number; currentStageName: string } {
  const stage = state.stages[Math.min(state.currentStageIndex, state.stages.length - 1)]!;
  return { currentStageIndex: state.currentStageIndex, totalStages: state.stages.length, currentStageName: stage.name };
}
