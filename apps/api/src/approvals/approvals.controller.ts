import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApprovalRecord, getApproval, listApprovals } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { DecideApproval, type DecisionAnswer } from './approval.commands';
import { ApprovalDecisionDto, ListApprovalsQuery } from './approval.dto';

/**
 * Approval decisions (OARS v1 §1.3 #16) and the approvals read model. Reads need `actions:read`:
 * an approval is part of its action's lifecycle (auditors see the queue; every token that may
 * decide also holds it). An approval of another tenant is 404, never 403.
 */
@ApiTags('approvals')
@ApiBearerAuth()
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** 202 while the approval stays pending, 200 once the action moved on (executed, failed, approved or denied). */
  @Post(':approvalId/decision')
  @RequireScope('approvals:write')
  async decide(
    @Param('approvalId') approvalId: string,
    @Body(createValidationPipe()) body: ApprovalDecisionDto,
    @Caller() caller: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DecisionAnswer['body']> {
    assertId('approvalId', approvalId);
    // The approver is the authenticated caller; deciding as someone else needs the impersonate scope.
    if (body.approverId !== undefined && body.approverId !== caller.subject && !caller.scopes.includes('impersonate')) {
      throw new ApiError(403, 'forbidden', 'Token cannot decide approvals for another approver.');
    }
    const answer: DecisionAnswer = await this.commands.execute(new DecideApproval(approvalId, body.approverId ?? caller.subject, body, caller, String(req.id)));
    void reply.status(answer.status);
    return answer.body;
  }

  @Get()
  @RequireScope('actions:read')
  async list(@Query(createValidationPipe()) query: ListApprovalsQuery, @Caller() caller: Principal): Promise<{ tenantId: string; items: ApprovalRecord[] }> {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    const items = await listApprovals(this.runtime.sql, { ...query, limit: query.limit ?? 100 });
    return { tenantId: query.tenantId, items };
  }

  @Get(':approvalId')
  @RequireScope('actions:read')
  async get(@Param('approvalId') approvalId: string, @Caller() caller: Principal): Promise<ApprovalRecord> {
    assertId('approvalId', approvalId);
    await this.runtime.catchUp(caller.tenantIds);
    const found = await getApproval(this.runtime.sql, caller.tenantIds, approvalId);
    if (!found) throw notFound('Approval');
    return found;
  }
}
