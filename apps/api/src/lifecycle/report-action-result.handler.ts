import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { followUpTelemetry, transitionDrafts } from '@oars/connectors';
import { decideReportResult } from '@oars/domain';
import type { Runtime } from '@oars/runtime';
import { type SubmitActionResponse, submitResponseOf } from '../actions/submit-action.response';
import { RUNTIME } from '../runtime.token';
import { writeActionTransition } from './action-transition.write';
import { ReportActionResult } from './lifecycle.commands';

/**
 * Records the outcome an agent reports for an action approved for it to execute (rules:
 * `decideReportResult`): `action.executed` / `action.failed` plus the alert OARS v1 §2.7 raises, or
 * the existing receipt when the same report was recorded already.
 */
@CommandHandler(ReportActionResult)
export class ReportResultHandler implements ICommandHandler<ReportActionResult, SubmitActionResponse> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ actionId, caller, report, requestId }: ReportActionResult): Promise<SubmitActionResponse> {
    const receipt = await writeActionTransition(this.runtime, caller, actionId, (latest) => {
      const decision = decideReportResult({ actionId, latest, reportedBy: caller.subject, callerIsAdmin: caller.role === 'admin', report });
      if (decision.kind === 'already_recorded') return [];
      return transitionDrafts(latest, decision.transition, followUpTelemetry(latest, requestId), new Date().toISOString());
    });
    return submitResponseOf(actionId, receipt, null);
  }
}
