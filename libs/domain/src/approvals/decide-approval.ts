import { createHash, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '@oars/receipts';
import { ApprovalRuleError } from './approval.errors';
import type { ApprovalDecisionRecord, ApprovalState } from './approval.types';
import { verifyTotp } from './totp';

/** What the approver presented for step-up, and the factors it can be checked against. */
export interface StepUpEvidence {
  /** `stepUpCode` of the request, or null. */
  code: string | null;
  /** The approver's enrolled TOTP factor; when present, only a TOTP code is accepted. */
  totp: { enrollmentId: string; enrolledAt: string; secret: Uint8Array; lastTimeStep: number | null } | null;
  /** The shared compatibility code (OARS v1), for approvers without a factor; null when disabled. */
  sharedCode: string | null;
}

/** DecideApproval: one approver approves or rejects the stage the approval is at. */
export interface DecideApprovalCommand {
  approverId: string;
  decision: 'approve' | 'reject';
  /** SHA-256 of the reason ({@link reasonHashOf}); the reason never enters a receipt. */
  reasonHash: string;
  stepUp: StepUpEvidence;
}

export type DecideApprovalResult =
  /** The decision counts: `approval` is the snapshot after it (status pending, approved or rejected). */
  | { kind: 'recorded'; approval: ApprovalState; decision: ApprovalDecisionRecord; totpTimeStep: number | null }
  /** The same decision by the same approver is already recorded: a retry, answered like the original. */
  | { kind: 'already_recorded'; decision: ApprovalDecisionRecord };

export function reasonHashOf(reason: string): string {
  return sha256Hex(reason);
}

/**
 * Decides one approval decision (OARS v1 §2.4, with the reference's weaknesses fixed):
 * - a decision identical to one the approver already made is a retry (`already_recorded`);
 * - the approval MUST be pending (`approval_not_pending`);
 * - an approver decides at most once per approval, so one person never fills two slots or two
 *   stages (`duplicate_approver`);
 * - the requester never approves their own action (`separation_of_duties`; withdrawing by reject is allowed);
 * - a stage with approverIds accepts only them (`approver_not_authorized`);
 * - approving a critical-tier action needs step-up: the approver's TOTP when enrolled (each code
 *   once), else the shared code when enabled (`step_up_required` / `step_up_invalid` / `step_up_replayed`).
 * A reject ends the approval at any stage; approvals reaching a stage's quorum advance to the next
 * stage, or approve after the last. Pure: `now` is the decision time.
 */
export function decideApproval(state: ApprovalState, cmd: DecideApprovalCommand, now: string): DecideApprovalResult {
  const previous = state.decisions.find((d) => d.approverId === cmd.approverId);
  if (previous && previous.decision === cmd.decision && previous.reasonHash === cmd.reasonHash) return { kind: 'already_recorded', decision: previous };
  const stage = state.stages[state.currentStageIndex];
  if (state.status !== 'pending' || !stage) throw new ApprovalRuleError('approval_not_pending', `Approval is not pending: ${state.id}`);
  if (previous) {
    throw new ApprovalRuleError('duplicate_approver', `Approver ${cmd.approverId} already submitted a decision for this approval.`);
  }
  if (cmd.decision === 'approve' && state.requestedBy !== null && cmd.approverId === state.requestedBy) {
    throw new ApprovalRuleError('separation_of_duties', 'The requester of an action cannot approve it.');
  }
  if (stage.approverIds.length > 0 && !stage.approverIds.includes(cmd.approverId)) {
    throw new ApprovalRuleError('approver_not_authorized', `Approver is not authorized for current stage: ${cmd.approverId}`);
  }
  const stepUp = cmd.decision === 'approve' && state.requiresStepUp ? checkStepUp(cmd.stepUp, Date.parse(now)) : { method: null, timeStep: null };
  const decision: ApprovalDecisionRecord = {
    decision: cmd.decision,
    approverId: cmd.approverId,
    reasonHash: cmd.reasonHash,
    stageId: stage.id,
    stageIndex: state.currentStageIndex,
    stepUp: stepUp.method,
    decidedAt: now,
  };
  const decisions = [...state.decisions, decision];
  return { kind: 'recorded', approval: afterDecision(state, decisions, now), decision, totpTimeStep: stepUp.timeStep };
}

function afterDecision(state: ApprovalState, decisions: ApprovalDecisionRecord[], now: string): ApprovalState {
  const last = decisions[decisions.length - 1]!;
  if (last.decision === 'reject') return { ...state, status: 'rejected', decisions, updatedAt: now };
  const stage = state.stages[state.currentStageIndex]!;
  const approvals = decisions.filter((d) => d.stageIndex === state.currentStageIndex && d.decision === 'approve').length;
  if (approvals < stage.requiredApprovals) return { ...state, decisions, updatedAt: now };
  const nextIndex = state.currentStageIndex + 1;
  const next = state.stages[nextIndex];
  if (!next) return { ...state, status: 'approved', decisions, updatedAt: now };
  return {
    ...state,
    decisions,
    currentStageIndex: nextIndex,
    stageStartedAt: now,
    stageDeadlineAt: next.slaSeconds ? new Date(Date.parse(now) + next.slaSeconds * 1000).toISOString() : null,
    updatedAt: now,
  };
}

function checkStepUp(evidence: StepUpEvidence, nowMs: number): { method: 'totp' | 'shared_code'; timeStep: number | null } {
  if (!evidence.code) throw new ApprovalRuleError('step_up_required', 'Step-up authentication required for critical approval.');
  if (evidence.totp) {
    const verified = verifyTotp(evidence.totp.secret, evidence.code, nowMs, evidence.totp.lastTimeStep);
    if (verified.ok) return { method: 'totp', timeStep: verified.timeStep };
    if (verified.reason === 'replayed') throw new ApprovalRuleError('step_up_replayed', 'This step-up code was already used.');
    throw new ApprovalRuleError('step_up_invalid', 'Step-up code is invalid.');
  }
  if (evidence.sharedCode !== null && sameSecret(evidence.code, evidence.sharedCode)) return { method: 'shared_code', timeStep: null };
  throw new ApprovalRuleError('step_up_invalid', 'Step-up code is invalid.');
}

/** Constant-time comparison that does not leak the length either (both sides hashed first). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
