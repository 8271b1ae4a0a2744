import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type ControlMappingRecord, type CoverageReport, UnknownFrameworkError, isComplianceFramework } from '@oars/domain';
import { listControlMappings } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { UpsertControlMappingCommand } from './compliance.commands';
import { CoverageScanDto, ListControlMappingsQuery, UpsertControlMappingDto } from './compliance.dto';
import { type ControlMappingView, controlMappingViews } from './control-mapping.views';
import { scanCoverage } from './coverage-scan.query';

/** OARS v1 §1.3 #31-33: control mappings (shipped and the tenant's) and the coverage scan. Writes need the admin role and `compliance:write`. */
@ApiTags('compliance')
@ApiBearerAuth()
@Controller('v1/admin/compliance')
export class ComplianceController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** The shipped controls (`source: 'catalogue'`) and the tenant's own mappings (`source: 'tenant'`), by controlId. */
  @Get('control-mappings')
  @RequireScope('compliance:read')
  async list(@Query(createValidationPipe()) query: ListControlMappingsQuery, @Caller() caller: Principal): Promise<{ items: ControlMappingView[] }> {
    assertTenantAccess(caller, query.tenantId);
    const { framework } = query;
    if (framework !== undefined && !isComplianceFramework(framework)) throw new UnknownFrameworkError();
    await this.runtime.catchUp([query.tenantId]);
    return { items: controlMappingViews(framework, await listControlMappings(this.runtime.sql, query.tenantId, framework)) };
  }

  /** Upserts the tenant's mapping of (framework, controlId): the v1 ControlMappingRecord; the same content again changes nothing. */
  @Post('control-mappings')
  @HttpCode(200)
  @RequireScope('compliance:write', 'admin')
  async upsert(@Body(createValidationPipe()) body: UpsertControlMappingDto, @Caller() caller: Principal, @Req() req: FastifyRequest): Promise<ControlMappingRecord> {
    assertTenantAccess(caller, body.tenantId);
    return this.commands.execute(new UpsertControlMappingCommand(body, caller, String(req.id)));
  }

  /** Which controls of the framework have their evidence inside the window (default: the last 90 days). */
  @Post('coverage/scan')
  @HttpCode(200)
  @RequireScope('compliance:read')
  async scan(@Body(createValidationPipe()) body: CoverageScanDto, @Caller() caller: Principal): Promise<CoverageReport> {
    assertTenantAccess(caller, body.tenantId);
    return scanCoverage(this.runtime, body);
  }
}
