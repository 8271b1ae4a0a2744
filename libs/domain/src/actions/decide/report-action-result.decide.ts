import { ActionNotAwaitingResultError } from '../../lifecycle/lifecycle.errors';
import type { ActionResultReport, ReportActionResult } from '../action.commands';
import type { ActionChainEvent, ActionEvent } from '../action.events';
import type { ActionAggregateState } from '../action.state';
import { alertAfter, existing, nextEvent } from './action-event.build';
import { assertRequester } from './cancel-action.decide';

/**
 * Records the outcome an agent reports for an action approved for it to execute
 * (`executedBy: 'agent'`): `action.executed` with the output hash, or `action.failed` with the
 * error, plus the alert it raises. The same report again decides nothing (the existing receipt
 * answers); any other report after the outcome, or one for an action OARS executes, is refused.
 */
export function decideReportActionResult(cmd: ReportActionResult, state: ActionAggregateState): ActionEvent[] {
  const action = existing(state);
  const { report } = cmd.data;
  const { actor: reportedBy, actionId, tenantId, now } = cmd.metadata;
  assertRequester(action, cmd.metadata, 'report the result of');
  if (action.latest && isSameReport(action.latest, report)) return [];
  if (action.status !== 'approved') {
    throw new ActionNotAwaitingResultError(`Action is ${action.status ?? 'in an unknown state'}; a result can only be reported for an approved action.`);
  }
  if (action.executor !== 'agent') {
    throw new ActionNotAwaitingResultError(`Action is executed by ${action.executor === 'http' ? 'its HTTP connector' : 'OARS'}, not by the agent.`);
  }
  const outcome = nextEvent(
    action,
    report.status === 'executed'
      ? { type: 'action.executed', data: { referenceId: `exec_${actionId}`, outputHash: report.outputHash, reportedBy } }
      : { type: 'action.failed', data: { error: report.error, reportedBy } },
  );
  return [outcome, ...alertAfter(tenantId, outcome, now)];
}

/** An agent's report already recorded (a built-in connector's outcome has no `reportedBy` and never counts). */
function isSameReport(latest: ActionChainEvent, report: ActionResultReport): boolean {
  if (latest.type === 'action.executed') return typeof latest.data.reportedBy === 'string' && report.status === 'executed' && latest.data.outputHash === report.outputHash;
  if (latest.type === 'action.failed') return typeof latest.data.reportedBy === 'string' && report.status === 'failed' && latest.data.error === report.error;
  return false;
}
