import type { ActionTransition } from '../actions/submit-action.decide';
import { type LatestActionReceipt, actionStatusOf } from './action-status';
import { ActionNotAwaitingResultError, NotActionRequesterError } from './lifecycle.errors';

/** What an agent reports after executing an approved action itself. */
export type ActionResultReport = { status: 'executed'; outputHash: string } | { status: 'failed'; error: string };

export interface ReportResultCommand {
  actionId: string;
  latest: LatestActionReceipt;
  /** The authenticated caller (token subject). */
  reportedBy: string;
  callerIsAdmin: boolean;
  report: ActionResultReport;
}

export type ReportResultDecision =
  | { kind: 'record'; transition: ActionTransition }
  /** The same report was recorded already: answered with the existing receipt. */
  | { kind: 'already_recorded' };

/**
 * Records the outcome an agent reports for an action approved for it to execute
 * (`data.executedBy: 'agent'`): `action.executed` with the output hash, or `action.failed` with the
 * error. Reporting the same outcome again is answered with the same receipt; any other report after
 * the outcome, or a report for an action OARS executes, is refused.
 * MUST refuse anyone but the submitter (the actor's userId) and admins.
 */
export function decideReportResult(cmd: ReportResultCommand): ReportResultDecision {
  const { latest, report } = cmd;
  if (!cmd.callerIsAdmin && latest.actor?.userId !== cmd.reportedBy) throw new NotActionRequesterError('report the result of');
  if (typeof latest.data.reportedBy === 'string' && sameReport(latest, report)) return { kind: 'already_recorded' };
  const status = actionStatusOf(latest);
  if (status.state !== 'approved') {
    throw new ActionNotAwaitingResultError(`Action is ${status.state ?? 'in an unknown state'}; a result can only be reported for an approved action.`);
  }
  if (status.executor !== 'agent') {
    throw new ActionNotAwaitingResultError(`Action is executed by ${status.executor === 'http' ? 'its HTTP connector' : 'OARS'}, not by the agent.`);
  }
  const data =
    report.status === 'executed'
      ? { referenceId: `exec_${cmd.actionId}`, outputHash: report.outputHash, reportedBy: cmd.reportedBy }
      : { error: report.error, reportedBy: cmd.reportedBy };
  return { kind: 'record', transition: { type: report.status === 'executed' ? 'action.executed' : 'action.failed', data } };
}

function sameReport(latest: LatestActionReceipt, report: ActionResultReport): boolean {
  if (report.status === 'executed') return latest.type === 'action.executed' && latest.data.outputHash === report.outputHash;
  return latest.type === 'action.failed' && latest.data.error === report.error;
}
