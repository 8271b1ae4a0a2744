import type { Receipt } from '@oars/receipts';

/** The `POST /v1/actions` answer (always 202), shaped as OARS v1 §1.3 #14 by the action's last receipt. */
export type SubmitActionResponse = Record<string, unknown> & { actionId: string; state: string; receiptId: string };

export function submitResponseOf(actionId: string, last: Receipt, output: Record<string, unknown> | null): SubmitActionResponse {
  const state = last.type.slice('action.'.length);
  const base = { actionId, state, receiptId: last.receiptId };
  const data = last.data as Record<string, unknown>;
  switch (last.type) {
    case 'action.executed':
      return { ...base, output: output ?? { referenceId: data.referenceId, outputHash: data.outputHash } };
    case 'action.failed':
    case 'action.denied':
    case 'action.quarantined':
    case 'action.canceled':
      return { ...base, error: String(data.error ?? '') };
    case 'action.approval_required':
      return { ...base, approvalId: data.approvalId, stepUpRequired: data.stepUpRequired, approvalProgress: data.approvalProgress };
    default:
      return base;
  }
}
