import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { Runtime } from '@oars/runtime';
import type { SubmitActionResponse } from '../actions/submit-action.response';
import { RUNTIME } from '../runtime.token';
import { runCallerActionCommand } from './caller-action-command';
import { ReportActionResult } from './lifecycle.commands';

/**
 * `POST /v1/actions/:id/result` (rules: ReportActionResult of the action decider): the agent's
 * outcome and its alert, answered by the outcome's receipt, new or existing.
 */
@CommandHandler(ReportActionResult)
export class ReportActionResultHandler implements ICommandHandler<ReportActionResult, SubmitActionResponse> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute(request: ReportActionResult): Promise<SubmitActionResponse> {
    return runCallerActionCommand(this.runtime, request, (metadata) => ({ type: 'ReportActionResult', data: { report: request.report }, metadata }));
  }
}
