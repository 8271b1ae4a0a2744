import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { APPROVAL_WORKFLOW_SUBJECT, type ApprovalEscalation, type ApprovalWorkflow, defaultApprovalWorkflow } from '@oars/domain';
import { fireApprovalTimers, latestReceipt } from '@oars/ledger';
import { listOverdueStages } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { approvalWorkflowOf } from '../settings/tenant-settings';
import { ConfigureApprovalWorkflow, EnrollStepUp } from './approval.commands';
import { EscalationScanDto, StepUpEnrollmentDto } from './approval.dto';
import { ApprovalWorkflowDto } from './approval-workflow.dto';
import type { StepUpEnrollmentAnswer } from './enroll-step-up.handler';

function assertTenantId(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new ApiError(400, 'invalid_id', 'tenantId must match [A-Za-z0-9_-]{1,64}.');
}

/** Approval administration: the workflow (OARS v1 §1.3 #60, #61), step-up enrollment, the escalation scan (#17). */
@ApiTags('approvals')
@ApiBearerAuth()
@Controller('v1/admin')
export class ApprovalAdminController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Get('tenants/:tenantId/approval-workflow')
  @RequireScope('tenant_admin:read')
  async workflow(@Param('tenantId') tenantId: string, @Caller() caller: Principal): Promise<ApprovalWorkflow> {
    assertTenantId(tenantId);
    assertTenantAccess(caller, tenantId);
    return approvalWorkflowOf(await latestReceipt(this.runtime.store, tenantId, APPROVAL_WORKFLOW_SUBJECT)) ?? defaultApprovalWorkflow(tenantId);
  }

  @Post('tenants/:tenantId/approval-workflow')
  @HttpCode(200)
  @RequireScope('tenant_admin:write', 'admin')
  async configure(
    @Param('tenantId') tenantId: string,
    @Body(createValidationPipe()) body: ApprovalWorkflowDto,
    @Caller() caller: Principal,
    @Req() req: FastifyRequest,
  ): Promise<ApprovalWorkflow> {
    assertTenantId(tenantId);
    assertTenantAccess(caller, tenantId);
    return this.commands.execute(new ConfigureApprovalWorkflow(tenantId, body.stages, caller, String(req.id)));
  }

  @Post('tenants/:tenantId/step-up/enrollments')
  @HttpCode(201)
  @RequireScope('tenant_admin:write', 'admin')
  async enroll(
    @Param('tenantId') tenantId: string,
    @Body(createValidationPipe()) body: StepUpEnrollmentDto,
    @Caller() caller: Principal,
    @Req() req: FastifyRequest,
  ): Promise<StepUpEnrollmentAnswer> {
    assertTenantId(tenantId);
    assertTenantAccess(caller, tenantId);
    return this.commands.execute(new EnrollStepUp(tenantId, body.subject, caller, String(req.id)));
  }

  /** Compatibility: escalates the tenant's overdue stages as of `nowIso` (the timers do this by themselves). */
  @Post('approvals/escalations/scan')
  @HttpCode(200)
  @RequireScope('approvals:write', 'admin')
  async scan(@Body(createValidationPipe()) body: EscalationScanDto, @Caller() caller: Principal) {
    assertTenantAccess(caller, body.tenantId);
    const now = body.nowIso ? new Date(body.nowIso) : new Date();
    await this.runtime.catchUp([body.tenantId]);
    const items: ApprovalEscalation[] = [];
    for (const due of await listOverdueStages(this.runtime.sql, body.tenantId, now)) {
      const outcome = await fireApprovalTimers(this.runtime, body.tenantId, due.actionId, now, { escalateOnly: true });
      if (outcome.escalation) items.push(outcome.escalation);
    }
    return { scannedAt: now.toISOString(), tenantId: body.tenantId, escalatedCount: items.length, items };
  }
}
