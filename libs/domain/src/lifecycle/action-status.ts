import type { Receipt } from '@oars/receipts';
import { actionStateOf } from '../actions/action.state';
import type { ActionState } from '../actions/action.types';
import type { ActionExecutor } from '../actions/execution';
import type { ApprovalState } from '../approvals/approval.types';

export interface ActionStatus {
  /** The state the latest receipt leaves the action in; null for a receipt this code does not know. */
  state: ActionState | null;
  /** Who executes an `approved` action (its `data.executedBy`); null in every other state. */
  executor: ActionExecutor | null;
  /** The approval snapshot while the action waits for approval, else null. */
  approval: ApprovalState | null;
}

/**
 * Where an action stands, from its latest receipt alone (the read side of `evolveAction`):
 * `action.<state>` receipts name their state; a stage decision or escalation that carries a pending
 * approval snapshot leaves the action `approval_required`.
 */
export function actionStatusOf(latest: Receipt): ActionStatus {
  const { status, executor, approval } = actionStateOf(latest);
  return { state: status, executor, approval: status === 'approval_required' ? approval : null };
}

/** True once nothing can happen to the action any more. */
export function isTerminalActionState(state: ActionState | null): boolean {
  return state === 'denied' || state === 'executed' || state === 'failed' || state === 'quarantined' || state === 'canceled';
}
