import type { Receipt } from '@oars/receipts';
import type { ApprovalState } from '../approvals/approval.types';
import { type ActionChainEvent, type ActionEvent, type ActionFacts, actionEventOf } from './action.events';
import type { ActionState } from './action.types';
import type { ActionExecutor } from './execution';

/**
 * What the action's decisions look at. Every receipt of the chain carries the action's facts and,
 * while an approval runs, the whole approval snapshot, so the state after the latest event alone is
 * the state after the whole history: an action is loaded from its latest receipt (the snapshot).
 */
export interface ActionAggregateState {
  /** Null while nothing was submitted under the id. */
  readonly actionId: string | null;
  /** Null for a receipt type this code does not know (nothing is decided on a guess). */
  readonly status: ActionState | null;
  /** Who records the outcome of an `approved` action; null in every other state. */
  readonly executor: ActionExecutor | null;
  /** The approval snapshot the latest event carries (pending or how it ended), else null. */
  readonly approval: ApprovalState | null;
  readonly facts: ActionFacts | null;
  /** The latest event: a repeated command is recognised against it. */
  readonly latest: ActionChainEvent | null;
}

export const initialActionState: ActionAggregateState = Object.freeze({ actionId: null, status: null, executor: null, approval: null, facts: null, latest: null });

const EXECUTORS: ReadonlySet<string> = new Set<ActionExecutor>(['oars', 'http', 'agent']);

export function evolveAction(state: ActionAggregateState, event: ActionEvent): ActionAggregateState {
  switch (event.type) {
    case 'alert.raised':
    case 'stepup.used':
      return state; // other aggregates, recorded in the same write
    case 'action.requested':
    case 'action.denied':
    case 'action.quarantined':
    case 'action.approval_required':
    case 'action.approved':
    case 'action.executed':
    case 'action.failed':
    case 'action.canceled': {
      const status = event.type.slice('action.'.length) as ActionState;
      const executor = event.type === 'action.approved' ? executorOfData(event.data) : null;
      return afterEvent(event, status, executor);
    }
    case 'approval.decided':
    case 'approval.escalated':
    case 'approval.expired':
      // A stage decision or an escalation leaves the action waiting while its approval is pending.
      return afterEvent(event, event.data.approval?.status === 'pending' ? 'approval_required' : null, null);
    default: {
      const never: never = event;
      throw new Error(`unknown action event ${JSON.stringify(never)}`);
    }
  }
}

/** The action as of its latest stored receipt (the snapshot read); the initial state when there is none. */
export function actionStateOf(latest: Receipt | null): ActionAggregateState {
  if (!latest) return initialActionState;
  const event = actionEventOf(latest);
  if (event) return evolveAction(initialActionState, event);
  // An approval receipt of a type this code does not know still says the action waits while its snapshot is pending.
  const { actor, resource, policy, risk, inputHash } = latest;
  const approval = latest.type.startsWith('action.') ? null : snapshotOf(latest.data);
  const waiting = approval?.status === 'pending';
  return { ...initialActionState, actionId: latest.actionId, facts: { actor, resource, policy, risk, inputHash }, status: waiting ? 'approval_required' : null, approval: waiting ? approval : null };
}

function afterEvent(event: ActionChainEvent, status: ActionState | null, executor: ActionExecutor | null): ActionAggregateState {
  const { actionId, actor, resource, policy, risk, inputHash } = event.metadata;
  return { actionId, status, executor, approval: snapshotOf(event.data), facts: { actor, resource, policy, risk, inputHash }, latest: event };
}

/** The executor an `action.approved` receipt names; receipts without one predate it and mean the agent. */
function executorOfData(data: { executedBy?: unknown }): ActionExecutor {
  return typeof data.executedBy === 'string' && EXECUTORS.has(data.executedBy) ? (data.executedBy as ActionExecutor) : 'agent';
}

function snapshotOf(data: object): ApprovalState | null {
  const approval = (data as { approval?: ApprovalState }).approval;
  return approval && typeof approval.id === 'string' && Array.isArray(approval.stages) && Array.isArray(approval.decisions) ? approval : null;
}
