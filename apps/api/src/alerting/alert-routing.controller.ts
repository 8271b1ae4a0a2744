import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AlertRoutingRuleRecord } from '@oars/domain';
import type { Runtime } from '@oars/runtime';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { AlertRoutingQuery, ConfigureAlertRoutingDto } from './alerting.dto';

/**
 * OARS v1 §1.3 #39-40: the tenant's alert routing rules, read from its stream. Reads take
 * `alerts:read` (as v1); writes the admin role and `alerts:write` (v1 checked only the read scope).
 */
@ApiTags('alerting')
@ApiBearerAuth()
@Controller('v1/admin/ops/alert-routing')
export class AlertRoutingController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /** Always four rules, low, medium, high, critical: the tenant's, else the defaults (`updatedBy: system_default`). */
  @Get()
  @RequireScope('alerts:read')
  async list(@Query(createValidationPipe()) query: AlertRoutingQuery, @Caller() caller: Principal): Promise<{ tenantId: string; items: AlertRoutingRuleRecord[] }> {
    assertTenantAccess(caller, query.tenantId);
    return { tenantId: query.tenantId, items: await this.runtime.alerting.rules.list(query.tenantId) };
  }

  /** Sets the rule of one severity (an `alert.routing_configured` receipt); the same rule again changes nothing. */
  @Post()
  @HttpCode(200)
  @RequireScope('alerts:write', 'admin')
  async configure(@Body(createValidationPipe()) body: ConfigureAlertRoutingDto, @Caller() caller: Principal, @Req() req: FastifyRequest): Promise<AlertRoutingRuleRecord> {
    assertTenantAccess(caller, body.tenantId);
    const { tenantId, severity, channels, escalationMinutes } = body;
    return this.runtime.alerting.rules.configure(tenantId, { severity, channels, escalationMinutes }, caller.subject, String(req.id));
  }
}
