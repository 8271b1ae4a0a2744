import type { RecordConnectorOutcome } from '../action.commands';
import type { ActionEvent } from '../action.events';
import type { ActionAggregateState } from '../action.state';
import { alertAfter, executionBody, existing, nextEvent } from './action-event.build';

/**
 * An HTTP connector's outcome: `action.executed` / `action.failed` (plus its alert), but only while
 * the action is still `approved` for the connector. Nothing once anything else happened (an earlier
 * attempt, possibly by another instance, recorded its outcome): a retried or raced execution
 * collapses into the first recorded outcome.
 */
export function decideRecordConnectorOutcome(cmd: RecordConnectorOutcome, state: ActionAggregateState): ActionEvent[] {
  if (state.actionId === null || state.status !== 'approved' || state.executor !== 'http') return [];
  const action = existing(state);
  const outcome = nextEvent(action, executionBody(action.actionId, cmd.data.outcome));
  return [outcome, ...alertAfter(cmd.metadata.tenantId, outcome, cmd.metadata.now)];
}
