import type { ActionEventBody } from '../actions/action.events';
import { executionBody } from '../actions/decide/action-event.build';
import type { PolicyDecision } from '../actions/action.types';
import type { ApprovalState } from './approval.types';

/** `action.denied` error when the policy in force at the final approval no longer allows the action. */
export const DENIED_AT_FINAL_APPROVAL = 'Action denied by the current policy at final approval.';

/** `action.denied` error of a rejected approval as receipted (the reason stays out of receipts). */
export function rejectionError(approverId: string): string {
  return `Approval rejected by ${approverId}.`;
}

/** The OARS v1 answer's error of a rejection, with the approver's reason. */
export function rejectionMessage(approverId: string, reason: string): string {
  return `Approval rejected by ${approverId}: ${reason}`;
}

/**
 * The action's receipts once its approval is decided (OARS v1 §2.1):
 * - rejected: `denied`;
 * - approved, but the policy evaluated again now says deny or quarantine: `denied` (the window
 *   between asking and approving cannot let a since-forbidden action through);
 * - approved: `approved`, then — for a built-in connector, whose outcome was planned at submission —
 *   `executed` or `failed`; any other tool stays `approved` (`executedBy` = `deferredExecutor`: an
 *   HTTP connector's consumer or the agent records the outcome later).
 * Empty while the approval is pending. `reevaluated` is the decision of the current policy (null: not evaluated).
 */
export function concludeApproval(approval: ApprovalState, reevaluated: PolicyDecision | null, deferredExecutor: 'http' | 'agent' = 'agent'): ActionEventBody[] {
  if (approval.status === 'rejected') {
    const by = [...approval.decisions].reverse().find((d) => d.decision === 'reject');
    return [{ type: 'action.denied', data: { error: rejectionError(by?.approverId ?? 'unknown'), approvalId: approval.id } }];
  }
  if (approval.status !== 'approved') return [];
  if (reevaluated === 'deny' || reevaluated === 'quarantine') {
    return [{ type: 'action.denied', data: { error: DENIED_AT_FINAL_APPROVAL, approvalId: approval.id, reevaluatedDecision: reevaluated } }];
  }
  const execution = approval.plannedExecution;
  const approved: ActionEventBody = { type: 'action.approved', data: { executedBy: execution ? 'oars' : deferredExecutor, approvalId: approval.id } };
  return execution ? [approved, executionBody(approval.actionId, execution)] : [approved];
}
