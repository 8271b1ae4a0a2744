import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  APPROVAL_WORKFLOW_CONFIGURED,
  APPROVAL_WORKFLOW_SUBJECT,
  type ApprovalWorkflow,
  configureApprovalWorkflow,
  validateWorkflowStages,
} from '@oars/domain';
import { aggregateDraft, handleCommand, newTelemetry, randomId } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { ApiError } from '../http/api-error';
import { RUNTIME } from '../runtime.token';
import { approvalWorkflowOf } from '../settings/tenant-settings';
import { ConfigureApprovalWorkflow } from './approval.commands';

/**
 * Records the tenant's approval workflow (rules: `configureApprovalWorkflow`) as an
 * `approval.workflow_configured` receipt on the workflow's setting subject, decided on the workflow
 * in force at the head it is appended after; every approval opened afterwards snapshots it.
 */
@CommandHandler(ConfigureApprovalWorkflow)
export class ConfigureApprovalWorkflowHandler implements ICommandHandler<ConfigureApprovalWorkflow, ApprovalWorkflow> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute(cmd: ConfigureApprovalWorkflow): Promise<ApprovalWorkflow> {
    const problems = validateWorkflowStages(cmd.stages);
    if (problems.length > 0) throw new ApiError(400, 'validation_error', `Invalid request: ${problems[0]!.field}: ${problems[0]!.message}`, problems);
    // Time and ids come in from here: the decision itself stays pure.
    const now = new Date().toISOString();
    const ids = { newWorkflowId: randomId('apr_wf'), newStageIds: cmd.stages.map(() => randomId('apr_stage')), receiptId: randomId('rcpt') };
    const { value } = await handleCommand(this.runtime, {
      tenantId: cmd.tenantId,
      subjects: [APPROVAL_WORKFLOW_SUBJECT],
      load: async (_read, ctx) => approvalWorkflowOf(ctx.setting(APPROVAL_WORKFLOW_SUBJECT)),
      decide: (current) => [
        configureApprovalWorkflow({
          tenantId: cmd.tenantId,
          stages: cmd.stages,
          current,
          newWorkflowId: ids.newWorkflowId,
          newStageIds: ids.newStageIds,
          by: cmd.caller.subject,
          now,
        }),
      ],
      drafts: ([workflow]) => [
        { ...aggregateDraft(ids.receiptId, APPROVAL_WORKFLOW_CONFIGURED, APPROVAL_WORKFLOW_SUBJECT, { workflow, configuredBy: cmd.caller.subject }), telemetry: newTelemetry(cmd.requestId) },
      ],
      answer: ({ events }) => events[0]!,
    });
    return value;
  }
}
