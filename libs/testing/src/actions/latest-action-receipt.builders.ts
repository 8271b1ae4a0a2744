import type { Receipt } from '@oars/receipts';
import { type ApprovalState, defaultApprovalWorkflow, openApproval } from '@oars/domain';

/** Builders of an action's latest stored receipt for the status specs (given …), exported as `latestActionReceipts`. */
export const REQUESTER = 'agent_owner';

export function givenReceipt(type: string, data: Record<string, unknown> = {}): Receipt {
  return {
    receiptId: `rcpt_${type.replace(/\W/g, '_')}`, version: '2', tenantId: 't', region: 'r', sequence: 2, type, timestamp: '2026-01-01T00:00:00.000Z', actionId: 'act_1',
    actor: { userId: REQUESTER, agentId: 'agent_1', serviceId: 'oars-gateway', delegationChain: [] }, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data,
    integrity: { prevEventHash: null, prevReceiptHash: null, receiptHash: 'h', signature: 's', signingKeyId: 'k', signatureAlg: 'Ed25519' },
  };
}

export function givenPendingApproval(): ApprovalState {
  return openApproval({
    actionId: 'act_1', tenantId: 't', workflow: defaultApprovalWorkflow('t'), riskTier: 'high', requestedBy: REQUESTER,
    context: { requestedAt: '2026-01-01T00:00:00.000Z' }, now: '2026-01-01T00:00:00.000Z', expirySeconds: null, plannedExecution: null,
  });
}

export const givenApprovalRequired = () => givenReceipt('action.approval_required', { approvalId: 'apr_1', approval: givenPendingApproval() });
export const givenApprovedFor = (executedBy: 'oars' | 'http' | 'agent') => givenReceipt('action.approved', { executedBy });
