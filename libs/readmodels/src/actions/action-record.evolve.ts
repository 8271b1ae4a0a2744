import { ACTION_RECEIPT_TYPES, ActionContext, ActionReceiptType, ActionRecord, stateOfReceiptType } from '@oars/domain';
import type { Receipt } from '@oars/receipts';

const ACTION_TYPES: ReadonlySet<string> = new Set(ACTION_RECEIPT_TYPES);

/** True for receipts of the action lifecycle (the actions read model ignores every other receipt). */
export function isActionReceipt(receipt: Receipt): boolean {
  return receipt.actionId !== null && ACTION_TYPES.has(receipt.type);
}

/**
 * The next ActionRecord after `receipt` (pure). `action.requested` creates the record; every later
 * receipt moves the state to the one its type names and copies the policy evaluation, approval id,
 * error and risk it carries. Returns `current` unchanged for receipts that are not newer than the
 * record (replays) or that belong to another tenant, and null when there is no record to evolve.
 */
export function evolveActionRecord(current: ActionRecord | null, receipt: Receipt): ActionRecord | null {
  if (!isActionReceipt(receipt)) return current;
  if (current && (current.tenantId !== receipt.tenantId || receipt.sequence <= current.lastSequence)) return current;
  const type = receipt.type as ActionReceiptType;
  if (type === 'action.requested') return current ?? createRecord(receipt);
  if (!current) return null;
  const data = receipt.data;
  const policy = receipt.policy;
  return {
    ...current,
    state: stateOfReceiptType(type),
    approvalId: type === 'action.approval_required' && typeof data.approvalId === 'string' ? data.approvalId : current.approvalId,
    policyDecision: policy ? policy.decision : current.policyDecision,
    policySetId: policy ? policy.policySetId : current.policySetId,
    policyVersion: policy ? policy.policyVersion : current.policyVersion,
    policyHash: policy ? policy.policyHash : current.policyHash,
    policyRuleIds: policy ? [...policy.ruleIds] : current.policyRuleIds,
    policyRationale: policy ? policy.rationale : current.policyRationale,
    risk: receipt.risk ?? current.risk,
    lastError: typeof data.error === 'string' ? data.error : current.lastError,
    updatedAt: receipt.timestamp,
    receiptIds: [...current.receiptIds, receipt.receiptId],
    lastSequence: receipt.sequence,
  };
}

function createRecord(receipt: Receipt): ActionRecord | null {
  if (!receipt.actor || !receipt.resource || receipt.inputHash === null) return null;
  return {
    id: receipt.actionId as string,
    tenantId: receipt.tenantId,
    state: 'requested',
    actor: receipt.actor,
    context: receipt.data.context as ActionContext,
    resource: receipt.resource,
    inputHash: receipt.inputHash,
    approvalId: null,
    policyDecision: null,
    policySetId: null,
    policyVersion: null,
    policyHash: null,
    policyRuleIds: [],
    policyRationale: null,
    risk: receipt.risk,
    lastError: null,
    createdAt: receipt.timestamp,
    updatedAt: receipt.timestamp,
    receiptIds: [receipt.receiptId],
    lastSequence: receipt.sequence,
  };
}
