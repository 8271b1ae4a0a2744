import type { ApprovalEscalation } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { handleActionCommand } from './action-command';
import type { CommandDeps } from './handle-command';

export type ApprovalTimerDeps = CommandDeps;

export interface ApprovalTimerOutcome {
  /** Tenant stream position after the command (read models that reached it reflect it). */
  position: number;
  /** The escalation receipted by this command, or null. */
  escalation: ApprovalEscalation | null;
  expired: boolean;
}

/**
 * Fires the timers of one approval as of `now`, if due: ExpireApproval (`approval.expired` then
 * `action.canceled`), else EscalateApproval (`approval.escalated`, once per stage, and its alert).
 * Receipt ids derive from the approval (and stage), so two instances firing the same timer
 * collapse into one set of receipts. `escalateOnly`: never expire (the compatibility scan).
 */
export async function fireApprovalTimers(
  deps: ApprovalTimerDeps,
  tenantId: string,
  actionId: string,
  now: Date,
  options: { escalateOnly?: boolean } = {},
): Promise<ApprovalTimerOutcome> {
  const metadata = { tenantId, actionId, now: now.toISOString() };
  const { value, position } = await handleActionCommand(deps, {
    tenantId,
    actionId,
    requestId: null,
    command: () => [
      ...(options.escalateOnly ? [] : [{ type: 'ExpireApproval' as const, data: {}, metadata }]),
      { type: 'EscalateApproval' as const, data: {}, metadata },
    ],
    // Built from the receipt as stored: when another instance escalated first, its facts are the ones that count.
    answer: ({ events, receipts }) => ({
      escalation: events[0]?.type === 'approval.escalated' ? escalationOf(receipts[0]!) : null,
      expired: events[0]?.type === 'approval.expired',
    }),
  });
  return { ...value, position };
}

function escalationOf(receipt: Receipt): ApprovalEscalation {
  const d = receipt.data as Omit<ApprovalEscalation, 'actionId' | 'tenantId'>;
  return {
    approvalId: d.approvalId,
    actionId: receipt.actionId!,
    tenantId: receipt.tenantId,
    stageId: d.stageId,
    stageName: d.stageName,
    escalateTo: d.escalateTo,
    overdueSeconds: d.overdueSeconds,
  };
}
