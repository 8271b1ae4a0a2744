import type { ExecutionOutcome } from '../actions/execution';
import { type ActionTransition, executionTransition } from '../actions/submit-action.decide';
import { type LatestActionReceipt, actionStatusOf } from './action-status';

/**
 * The receipt an HTTP connector's outcome appends: `action.executed` / `action.failed`, but only
 * while the action is still `approved` for the connector. Null once anything else happened (an
 * earlier attempt, possibly by another instance, recorded its outcome): a retried or raced
 * execution collapses into the first recorded outcome.
 */
export function decideConnectorOutcome(actionId: string, latest: LatestActionReceipt, outcome: ExecutionOutcome): ActionTransition | null {
  const status = actionStatusOf(latest);
  if (status.state !== 'approved' || status.executor !== 'http') return null;
  return executionTransition(actionId, outcome);
}

