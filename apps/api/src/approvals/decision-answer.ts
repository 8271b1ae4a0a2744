import { APPROVAL_DECIDED, type ApprovalState, approvalOf, approvalProgressOf, derivedReceiptId, rejectionMessage } from '@oars/domain';
import { getAction } from '@oars/readmodels';
import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { submitResponseOf } from '../actions/submit-action.response';
import { ApiError } from '../http/api-error';
import type { DecisionAnswer } from './approval.commands';

const CONCLUDING_TYPES = ['action.approved', 'action.executed', 'action.failed', 'action.denied'] as const;

/** Receipt id of a receipt that concludes the action after decision `decidedId` (as DecideApproval derives it). */
const conclusionReceiptId = (decidedId: string, type: string) => derivedReceiptId(decidedId, type);

/** OARS v1 §1.3 #16, still pending: 202 with the decision's receipt and the progress after it. */
export function pendingAnswer(actionId: string, decided: Receipt, approval: ApprovalState): DecisionAnswer {
  return {
    status: 202,
    body: { actionId, state: 'approval_required', receiptId: decided.receiptId, approvalId: approval.id, stepUpRequired: approval.requiresStepUp, approvalProgress: approvalProgressOf(approval) },
  };
}

/** OARS v1 §1.3 #16, concluded: 200 shaped by the action's final receipt (a rejection names the approver and reason). */
export function concludedAnswer(actionId: string, final: Receipt, approval: ApprovalState, approverId: string, reason: string): DecisionAnswer {
  const planned = approval.plannedExecution;
  const body = submitResponseOf(actionId, final, final.type === 'action.executed' && planned?.status === 'executed' ? planned.output : null);
  if (approval.status === 'rejected') body.error = rejectionMessage(approverId, reason);
  return { status: 200, body };
}

export interface RecordedDecision {
  approverId: string;
  decision: 'approve' | 'reject';
  reasonHash: string;
  reason: string;
}

/**
 * A decision already in the chain (a retry, e.g. after a crash between append and answer): the
 * answer it got, rebuilt from the read models once they reach `sequence`. Null when the approver
 * made no such decision.
 */
export async function recordedAnswer(runtime: Runtime, tenantId: string, actionId: string, sequence: number, d: RecordedDecision): Promise<DecisionAnswer | null> {
  if (!(await runtime.waitForPosition(tenantId, sequence))) {
    throw new ApiError(503, 'dependency_unavailable', 'The decision is recorded but not yet readable; retry shortly.');
  }
  const view = await getAction(runtime.sql, [tenantId], actionId);
  const decided = view?.receipts.find((r) => r.type === APPROVAL_DECIDED && r.data.approverId === d.approverId && r.data.decision === d.decision && r.data.reasonHash === d.reasonHash);
  const approval = approvalOf(decided ?? null);
  if (!view || !decided || !approval) return null;
  if (approval.status === 'pending') return pendingAnswer(actionId, decided, approval);
  const ids = new Set(CONCLUDING_TYPES.map((t) => conclusionReceiptId(decided.receiptId, t)));
  const final = view.receipts.filter((r) => ids.has(r.receiptId)).pop();
  if (!final) throw new ApiError(503, 'dependency_unavailable', 'The decision is recorded but not yet readable; retry shortly.');
  return concludedAnswer(actionId, final, approval, d.approverId, d.reason);
}
