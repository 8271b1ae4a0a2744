import type { ApprovalWorkflow } from '@oars/domain';
import type { PolicyDocument } from '@oars/policy';
import type { Receipt } from '@oars/receipts';

/** The published policy carried by the latest `policyset.published` receipt (`data.policy`). */
export function publishedPolicyOf(receipt: Receipt | null): PolicyDocument | null {
  const policy = receipt?.data.policy as PolicyDocument | undefined;
  return policy && Array.isArray(policy.rules) ? policy : null;
}

/** The workflow carried by the latest `approvalworkflow.current` receipt (`data.workflow`). */
export function approvalWorkflowOf(receipt: Receipt | null): ApprovalWorkflow | null {
  const workflow = receipt?.data.workflow as ApprovalWorkflow | undefined;
  return workflow && Array.isArray(workflow.stages) && workflow.stages.length > 0 ? workflow : null;
}
