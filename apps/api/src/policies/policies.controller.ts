import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { PolicyView } from '@oars/domain';
import { getPolicy, listPolicies } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { CreatePolicyDto } from './create-policy.dto';
import { ListPoliciesQuery } from './list-policies.query';
import { locatePolicyTenant } from './locate-policy.query';
import { ChangePublishedPolicyCommand, CreatePolicyCommand } from './policy.commands';
import type { PublishedPolicyAnswer } from './change-published-policy.handler';
import { SimulatePolicyDto } from './simulate-policy.dto';
import { type SimulationAnswer, simulatePolicy } from './simulate-policy.query';

/** OARS v1 §1.3 #21-26. Writes need the admin role and `policies:write`; documents carry `policyHash`. */
@ApiTags('policies')
@ApiBearerAuth()
@Controller('v1/policies')
export class PoliciesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('policies:write', 'admin')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async create(
    @Body(createValidationPipe()) body: CreatePolicyDto,
    @Caller() caller: Principal,
    @Req() req: FastifyRequest,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<PolicyView> {
    assertTenantAccess(caller, body.tenantId);
    const key = idempotencyKey?.trim() || null;
    if (key !== null && key.length > 255) throw new ApiError(400, 'validation_error', 'Idempotency-Key must be at most 255 characters.');
    const { policy } = await this.commands.execute(new CreatePolicyCommand(body, caller, String(req.id), key));
    return policy;
  }

  @Post('simulate')
  @HttpCode(200)
  @RequireScope('policies:read')
  async simulate(@Body(createValidationPipe()) body: SimulatePolicyDto, @Caller() caller: Principal): Promise<SimulationAnswer> {
    assertTenantAccess(caller, body.tenantId);
    return simulatePolicy(this.runtime, body);
  }

  @Get()
  @RequireScope('policies:read')
  async list(@Query(createValidationPipe()) query: ListPoliciesQuery, @Caller() caller: Principal): Promise<{ items: PolicyView[] }> {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    return { items: await listPolicies(this.runtime.sql, query.tenantId) };
  }

  @Get(':policyId')
  @RequireScope('policies:read')
  async get(@Param('policyId') policyId: string, @Caller() caller: Principal): Promise<PolicyView> {
    assertId('policyId', policyId);
    await this.runtime.catchUp(caller.tenantIds);
    const policy = await getPolicy(this.runtime.sql, caller.tenantIds, policyId);
    if (!policy) throw notFound('Policy');
    return policy;
  }

  /** The policy in force from now on; publishing the one already in force answers it again (no new receipt). */
  @Post(':policyId/publish')
  @HttpCode(200)
  @RequireScope('policies:write', 'admin')
  async publish(@Param('policyId') policyId: string, @Caller() caller: Principal, @Req() req: FastifyRequest): Promise<PolicyView> {
    return (await this.change('PublishPolicy', policyId, caller, req)).policy;
  }

  /** Re-publishes a policy that was in force before: 409 for the one in force or one never published. */
  @Post(':policyId/rollback')
  @HttpCode(200)
  @RequireScope('policies:write', 'admin')
  async rollback(@Param('policyId') policyId: string, @Caller() caller: Principal, @Req() req: FastifyRequest): Promise<PublishedPolicyAnswer> {
    return this.change('RollbackPolicy', policyId, caller, req);
  }

  private async change(kind: ChangePublishedPolicyCommand['kind'], policyId: string, caller: Principal, req: FastifyRequest): Promise<PublishedPolicyAnswer> {
    assertId('policyId', policyId);
    const tenantId = await locatePolicyTenant(this.runtime, caller.tenantIds, policyId);
    const { value } = await this.commands.execute(new ChangePublishedPolicyCommand(kind, tenantId, policyId, caller, String(req.id)));
    return value;
  }
}
