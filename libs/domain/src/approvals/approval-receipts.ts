import type { Receipt } from '@oars/receipts';
import type { ApprovalState } from './approval.types';

/**
 * Receipt types of the approval, all in the action's chain (subject `action.<actionId>`) except the
 * workflow, which is a tenant setting. Each carries the approval snapshot after it in `data.approval`.
 */
export const APPROVAL_DECIDED = 'approval.decided';
export const APPROVAL_ESCALATED = 'approval.escalated';
export const APPROVAL_EXPIRED = 'approval.expired';
/** The tenant's workflow was configured (subject APPROVAL_WORKFLOW_SUBJECT, data `{workflow}`). */
export const APPROVAL_WORKFLOW_CONFIGURED = 'approval.workflow_configured';

/** The receipt types that may carry an approval snapshot (`approvalOf` is null for every other type). */
export const APPROVAL_SNAPSHOT_TYPES: readonly string[] = ['action.approval_required', 'action.canceled', APPROVAL_DECIDED, APPROVAL_ESCALATED, APPROVAL_EXPIRED];

/** The approval snapshot a receipt carries (`data.approval`), or null. */
export function approvalOf(receipt: Receipt | null): ApprovalState | null {
  const approval = receipt?.data.approval as ApprovalState | undefined;
  return approval && typeof approval.id === 'string' && Array.isArray(approval.stages) && Array.isArray(approval.decisions) ? approval : null;
}
