import { APPROVAL_SNAPSHOT_TYPES, approvalDueAt, approvalOf } from '@oars/domain';
import { type ApprovalTimerDeps, fireApprovalTimers, receiptOf } from '@oars/ledger';
import type { Reactor } from '@oars/reactors';
import type { Receipt } from '@oars/receipts';

/** The reactor's name: its checkpoints, lease and timers. */
export const APPROVAL_TIMERS_REACTOR = 'approval_timers';

/** What an approval receipt asks of the timers: wake at `dueAt` for the action, or no timer (null). */
export interface ApprovalTimerPlan {
  actionId: string;
  dueAt: string | null;
}

/**
 * The timer an approval receipt calls for (pure): every approval receipt carries the whole snapshot,
 * so the latest one says when the approval next needs a timer (its stage deadline or its expiry,
 * `approvalDueAt`), or that it needs none (decided, expired, canceled). Null for other receipts.
 */
export function approvalTimerPlan(receipt: Receipt): ApprovalTimerPlan | null {
  const approval = approvalOf(receipt);
  if (!approval || approval.tenantId !== receipt.tenantId || receipt.actionId !== approval.actionId) return null;
  return { actionId: approval.actionId, dueAt: approvalDueAt(approval) };
}

/**
 * Stage SLAs and approval expiry as durable timers: each approval receipt sets (or cancels) the
 * action's timer at its due time; when it fires, `fireApprovalTimers` escalates or expires what is
 * due as of now. Its receipts set the next timer (e.g. the expiry after an escalation). Receipt ids
 * derive from the approval, so a timer fired twice collapses into one set of receipts. It never
 * parks: a stuck approval timer is an ERROR, retried until it works.
 */
export function approvalTimersReactor(deps: ApprovalTimerDeps, now: () => Date = () => new Date()): Reactor {
  return {
    name: APPROVAL_TIMERS_REACTOR,
    maxAttempts: Infinity,
    // Only approval receipts set or cancel a timer: the host need not even read the others.
    eventTypes: APPROVAL_SNAPSHOT_TYPES,
    async handle(event, ctx) {
      const plan = approvalTimerPlan(receiptOf(event));
      if (!plan) return;
      if (plan.dueAt) await ctx.setTimer(plan.actionId, Date.parse(plan.dueAt));
      else await ctx.cancelTimer(plan.actionId);
    },
    async onTimer(timer) {
      await fireApprovalTimers(deps, timer.stream, timer.key, now());
    },
  };
}
