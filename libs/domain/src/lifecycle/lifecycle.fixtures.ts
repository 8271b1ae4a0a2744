import { type ApprovalState, openApproval, defaultApprovalWorkflow } from '../approvals/approval.types';
import type { LatestActionReceipt } from './action-status';

/** Builders of an action's latest receipt for the lifecycle specs (given …). */
export const REQUESTER = 'agent_owner';

export function givenReceipt(type: string, data: Record<string, unknown> = {}, userId: string | null = REQUESTER): LatestActionReceipt {
  return { receiptId: `rcpt_${type.replace(/\W/g, '_')}`, type, actor: { userId, agentId: 'agent_1', serviceId: 'oars-gateway', delegationChain: [] }, data };
}

export function givenPendingApproval(): ApprovalState {
  return openApproval({
    actionId: 'act_1', tenantId: 't', workflow: defaultApprovalWorkflow('t'), riskTier: 'high', requestedBy: REQUESTER,
    context: { requestedAt: '2026-01-01T00:00:00.000Z' }, now: '2026-01-01T00:00:00.000Z', expirySeconds: null, plannedExecution: null,
  });
}

export const givenApprovalRequired = () => givenReceipt('action.approval_required', { approvalId: 'apr_1', approval: givenPendingApproval() });
export const givenApprovedFor = (executedBy: 'oars' | 'http' | 'agent') => givenReceipt('action.approved', { executedBy });
