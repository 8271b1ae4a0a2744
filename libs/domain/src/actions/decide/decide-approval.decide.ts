import { evaluatePolicy, scoreRisk } from '@oars/policy';
import type { ReceiptPolicy, ReceiptRisk } from '@oars/receipts';
import type { ApprovalState } from '../../approvals/approval.types';
import { concludeApproval } from '../../approvals/conclude-approval';
import { decideApproval } from '../../approvals/decide-approval';
import type { DecideApproval } from '../action.commands';
import type { ActionEvent, StepUpUsed } from '../action.events';
import type { ActionAggregateState } from '../action.state';
import { derivedReceiptId } from '../receipt-id';
import { type ExistingAction, alertAfter, existing, nextEvent } from './action-event.build';

/**
 * One approver's decision (rules: `decideApproval`): `approval.decided` with the snapshot after it
 * and, once the approval is decided, the action's conclusion (`concludeApproval`) under the policy in
 * force now, the alert it raises, and `stepup.used` when a TOTP code approved. Nothing when the
 * approval has concluded already or the same decision is recorded (a retry, answered as before).
 * Receipt ids derive from the decision, and the conclusion's from the decision's receipt.
 */
export function decideDecideApproval(cmd: DecideApproval, state: ActionAggregateState): ActionEvent[] {
  const action = existing(state, 'Approval');
  const approval = action.approval;
  if (!approval) return [];
  const { approverId, reasonHash } = cmd.data;
  const { now, tenantId } = cmd.metadata;
  const result = decideApproval(approval, { approverId, decision: cmd.data.decision, reasonHash, stepUp: cmd.data.stepUp }, now);
  if (result.kind === 'already_recorded') return [];
  const { decision, approval: after } = result;
  const decidedId = derivedReceiptId(approval.id, String(decision.stageIndex), approverId, decision.decision, reasonHash);
  const decided = nextEvent(action, {
    type: 'approval.decided',
    data: { approvalId: approval.id, stageIndex: decision.stageIndex, stageId: decision.stageId, approverId, decision: decision.decision, reasonHash, stepUp: decision.stepUp, approval: after },
  }, decidedId);
  const reevaluated = after.status === 'approved' ? reevaluate(cmd, action, after) : null;
  const deferredExecutor = cmd.data.httpToolIds.has(action.facts.resource?.toolId ?? '') ? 'http' : 'agent';
  const conclusion = concludeApproval(after, reevaluated?.policy.decision ?? null, deferredExecutor).map((body) =>
    nextEvent(action, body, derivedReceiptId(decidedId, body.type), reevaluated ?? {}),
  );
  const totp = cmd.data.stepUp.totp;
  const stepUpUsed: StepUpUsed[] =
    totp && result.totpTimeStep !== null
      ? [{
          type: 'stepup.used',
          data: { subject: approverId, enrollmentId: totp.enrollmentId, enrolledAt: totp.enrolledAt, lastTimeStep: result.totpTimeStep },
          metadata: { receiptId: derivedReceiptId(decidedId, 'stepup.used') },
        }]
      : [];
  const final = conclusion[conclusion.length - 1];
  const alert = final ? alertAfter(tenantId, final, now, derivedReceiptId(decidedId, 'alert')) : [];
  return [decided, ...conclusion, ...stepUpUsed, ...alert];
}

/**
 * The policy in force now (the window between asking and approving cannot let a since-forbidden
 * action through) on the action's resource and context, with a fresh risk score.
 */
function reevaluate(cmd: DecideApproval, action: ExistingAction, approval: ApprovalState): { policy: ReceiptPolicy; risk: ReceiptRisk } | null {
  const resource = action.facts.resource;
  if (!resource) return null;
  const { policy } = cmd.data;
  const risk = scoreRisk(resource, policy.riskConfig, approval.context);
  const e = evaluatePolicy(policy, { resource, context: approval.context, risk });
  return { policy: { policySetId: e.policySetId, policyVersion: e.policyVersion, policyHash: e.policyHash, decision: e.decision, ruleIds: e.ruleIds, rationale: e.rationale }, risk };
}
