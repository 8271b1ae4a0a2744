import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { Runtime } from '@oars/runtime';
import type { SubmitActionResponse } from '../actions/submit-action.response';
import { RUNTIME } from '../runtime.token';
import { runCallerActionCommand } from './caller-action-command';
import { CancelAction } from './lifecycle.commands';

/** `POST /v1/actions/:id/cancel` (rules: CancelAction of the action decider); answered by `action.canceled`, new or existing. */
@CommandHandler(CancelAction)
export class CancelActionHandler implements ICommandHandler<CancelAction, SubmitActionResponse> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute(request: CancelAction): Promise<SubmitActionResponse> {
    return runCallerActionCommand(this.runtime, request, (metadata) => ({ type: 'CancelAction', data: { reason: request.reason }, metadata }));
  }
}
