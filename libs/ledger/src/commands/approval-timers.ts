import {
  ALERT_RAISED,
  APPROVAL_ESCALATED,
  alertForEscalation,
  APPROVAL_EXPIRED,
  APPROVAL_EXPIRED_ERROR,
  type ApprovalEscalation,
  approvalOf,
  escalateApproval,
  expireApproval,
} from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { type ReceiptDraft, type TenantChainWriter, aggregateDraft, derivedId } from '@oars/ledger';
import type { Receipt } from '@oars/receipts';
import { aggregateKey, aggregateLockOf } from './aggregate-lock';
import { actionChainDrafts } from './approval-chain-draft';

export interface ApprovalTimerDeps {
  store: EventStore;
  writer: TenantChainWriter;
}

export interface ApprovalTimerOutcome {
  /** Tenant stream position after the command (read models that reached it reflect it). */
  position: number;
  /** The escalation receipted by this command, or null. */
  escalation: ApprovalEscalation | null;
  expired: boolean;
}

/**
 * Escalates or expires one approval as of `now`, if due: `approval.expired` then `action.canceled`
 * ("Approval expired."), or else `approval.escalated` (once per stage). Decided on the latest
 * receipt of the action inside the writer's build; receipt ids derive from the approval (and stage),
 * so two instances firing the same timer collapse into one set of receipts.
 */
export async function fireApprovalTimers(
  deps: ApprovalTimerDeps,
  tenantId: string,
  actionId: string,
  now: Date,
  options: { escalateOnly?: boolean } = {},
): Promise<ApprovalTimerOutcome> {
  const subject = `action.${actionId}`;
  return aggregateLockOf(deps.writer).run([aggregateKey(tenantId, subject)], async () => {
    const { value, position } = await deps.writer.write<Omit<ApprovalTimerOutcome, 'position'>>(tenantId, async () => {
      const event = await deps.store.lastBySubject(tenantId, subject);
      const last = event ? (event.data as unknown as Receipt) : null;
      const approval = approvalOf(last);
      const nothing = { drafts: [] as ReceiptDraft[], finish: () => ({ escalation: null, expired: false }) };
      if (!last || !approval) return nothing;
      const at = now.toISOString();
      const expired = options.escalateOnly ? null : expireApproval(approval, at);
      if (expired) {
        const drafts = actionChainDrafts(last, [
          { receiptId: derivedId('rcpt', approval.id, APPROVAL_EXPIRED), type: APPROVAL_EXPIRED, data: { approvalId: approval.id, expiredAt: at, approval: expired } },
          { receiptId: derivedId('rcpt', approval.id, APPROVAL_EXPIRED, 'action.canceled'), type: 'action.canceled', data: { error: APPROVAL_EXPIRED_ERROR, approvalId: approval.id } },
        ], null);
        return { drafts, finish: () => ({ escalation: null, expired: true }) };
      }
      const escalated = escalateApproval(approval, at);
      if (!escalated) return nothing;
      const { approvalId, stageId, stageName, escalateTo, overdueSeconds } = escalated.escalation;
      const drafts = actionChainDrafts(last, [
        {
          receiptId: derivedId('rcpt', approval.id, APPROVAL_ESCALATED, stageId),
          type: APPROVAL_ESCALATED,
          data: { approvalId, stageId, stageName, escalateTo, overdueSeconds, approval: escalated.approval },
        },
      ], null);
      const alert = alertForEscalation({ tenantId, actionId, approvalId, stageId, stageName, escalateTo, overdueSeconds, now: at });
      drafts.push(aggregateDraft(derivedId('rcpt', alert.id), ALERT_RAISED, `alert.${alert.id}`, { alert }));
      // Built from the receipt as stored: when another instance escalated first, its facts are the ones that count.
      return { drafts, finish: (receipts: Receipt[]) => ({ escalation: escalationOf(receipts[0]!), expired: false }) };
    });
    return { ...value, position };
  });
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
