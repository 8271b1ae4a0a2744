import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { followUpTelemetry, nextActionDraft } from '@oars/connectors';
import { decideCancelAction } from '@oars/domain';
import type { Runtime } from '@oars/runtime';
import { type SubmitActionResponse, submitResponseOf } from '../actions/submit-action.response';
import { RUNTIME } from '../runtime.token';
import { writeActionTransition } from './action-transition.write';
import { CancelAction } from './lifecycle.commands';

/**
 * Cancels a pending action (rules: `decideCancelAction`): appends `action.canceled` to its chain, or
 * answers the existing one when it was canceled already.
 */
@CommandHandler(CancelAction)
export class CancelActionHandler implements ICommandHandler<CancelAction, SubmitActionResponse> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ actionId, caller, reason, requestId }: CancelAction): Promise<SubmitActionResponse> {
    const receipt = await writeActionTransition(this.runtime, caller, actionId, (latest) => {
      const decision = decideCancelAction({ latest, canceledBy: caller.subject, callerIsAdmin: caller.role === 'admin', reason, now: new Date().toISOString() });
      return decision.kind === 'cancel' ? [nextActionDraft(latest, decision.transition, followUpTelemetry(latest, requestId))] : [];
    });
    return submitResponseOf(actionId, receipt, null);
  }
}
