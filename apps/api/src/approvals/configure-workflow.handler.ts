import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  APPROVAL_WORKFLOW_CONFIGURED,
  APPROVAL_WORKFLOW_SUBJECT,
  type ApprovalWorkflow,
  configureApprovalWorkflow,
  validateWorkflowStages,
} from '@oars/domain';
import { randomHex32, randomId } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { ApiError } from '../http/api-error';
import { RUNTIME } from '../runtime.token';
import { approvalWorkflowOf } from '../settings/tenant-settings';
import { ConfigureApprovalWorkflow } from './approval.commands';

/**
 * Records the tenant's approval workflow as an `approval.workflow_configured` receipt on the
 * workflow's setting subject; every approval opened afterwards snapshots it.
 */
@CommandHandler(ConfigureApprovalWorkflow)
export class ConfigureApprovalWorkflowHandler implements ICommandHandler<ConfigureApprovalWorkflow, ApprovalWorkflow> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute(cmd: ConfigureApprovalWorkflow): Promise<ApprovalWorkflow> {
    const problems = validateWorkflowStages(cmd.stages);
    if (problems.length > 0) throw new ApiError(400, 'validation_error', `Invalid request: ${problems[0]!.field}: ${problems[0]!.message}`, problems);
    const now = new Date().toISOString();
    const { value } = await this.runtime.writer.write(cmd.tenantId, (ctx) => {
      const workflow = configureApprovalWorkflow({
        tenantId: cmd.tenantId,
        stages: cmd.stages,
        current: approvalWorkflowOf(ctx.setting(APPROVAL_WORKFLOW_SUBJECT)),
        newWorkflowId: randomId('apr_wf'),
        newStageIds: cmd.stages.map(() => randomId('apr_stage')),
        by: cmd.caller.subject,
        now,
      });
      return {
        drafts: [{
          receiptId: randomId('rcpt'),
          type: APPROVAL_WORKFLOW_CONFIGURED,
          subject: APPROVAL_WORKFLOW_SUBJECT,
          actionId: null,
          actor: null,
          resource: null,
          policy: null,
          risk: null,
          inputHash: null,
          telemetry: { traceId: `trc_${randomHex32()}`, spanId: `spn_${randomHex32().slice(0, 16)}`, requestId: cmd.requestId },
          data: { workflow, configuredBy: cmd.caller.subject },
        }],
        finish: () => workflow,
      };
    });
    return value;
  }
}
