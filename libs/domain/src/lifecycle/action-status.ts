import { ACTION_STATES, type ActionState, type ReceiptActor } from '../actions/action.types';
import type { ActionExecutor } from '../actions/execution';
import type { ApprovalState } from '../approvals/approval.types';

/**
 * The parts of an action's latest receipt (the latest event with subject `action.<id>`) that the
 * lifecycle decisions read. Every receipt of the action's chain carries the actor, and approval
 * receipts carry the whole approval snapshot in `data.approval`.
 */
export interface LatestActionReceipt {
  receiptId: string;
  type: string;
  actor: ReceiptActor | null;
  data: Record<string, unknown>;
}

export interface ActionStatus {
  /** The state the latest receipt leaves the action in; null for a receipt this code does not know. */
  state: ActionState | null;
  /** Who executes an `approved` action (its `data.executedBy`); null in every other state. */
  executor: ActionExecutor | null;
  /** The approval snapshot while the action waits for approval, else null. */
  approval: ApprovalState | null;
}

const STATES: ReadonlySet<string> = new Set(ACTION_STATES);
const EXECUTORS: ReadonlySet<string> = new Set<ActionExecutor>(['oars', 'http', 'agent']);

/** The executor recorded on an `action.approved` receipt; receipts without one predate it and mean the agent. */
export function executedByOf(data: Record<string, unknown>): ActionExecutor {
  return typeof data.executedBy === 'string' && EXECUTORS.has(data.executedBy) ? (data.executedBy as ActionExecutor) : 'agent';
}

/**
 * Where an action stands, from its latest receipt alone. `action.<state>` receipts name their
 * state; any other receipt of the chain (a stage decision, an escalation) that carries a pending
 * approval snapshot leaves the action `approval_required`.
 */
export function actionStatusOf(latest: LatestActionReceipt): ActionStatus {
  const approval = approvalOf(latest.data);
  if (latest.type.startsWith('action.')) {
    const state = latest.type.slice('action.'.length);
    if (!STATES.has(state)) return { state: null, executor: null, approval: null };
    return {
      state: state as ActionState,
      executor: state === 'approved' ? executedByOf(latest.data) : null,
      approval: state === 'approval_required' ? approval : null,
    };
  }
  if (approval?.status === 'pending') return { state: 'approval_required', executor: null, approval };
  return { state: null, executor: null, approval: null };
}

/** True once nothing can happen to the action any more. */
export function isTerminalActionState(state: ActionState | null): boolean {
  return state === 'denied' || state === 'executed' || state === 'failed' || state === 'quarantined' || state === 'canceled';
}

function approvalOf(data: Record<string, unknown>): ApprovalState | null {
  const approval = data.approval as ApprovalState | undefined;
  return approval && typeof approval === 'object' && typeof approval.status === 'string' ? approval : null;
}
