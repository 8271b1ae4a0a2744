import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PLATFORM_STREAM } from '@oars/eventstore';
import { type TenantIntegrityStatus } from '@oars/ops';
import { listDeadLetters } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { OpsDashboardService } from './ops-dashboard.service';
import type { OpsDashboard } from './ops-dashboard.types';
import { OptionalTenantQuery, TenantQuery } from './ops-queries.dto';

const DEAD_LETTERS_SHOWN = 100;

/** The ops dashboard (OARS v1 §1.3 #38, operators allowed), the SLO report and the integrity verifier's status. */
@ApiTags('ops')
@ApiBearerAuth()
@Controller('v1/admin/ops')
export class OpsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly dashboards: OpsDashboardService,
  ) {}

  /** 400 bad tenantId; 403 tenant_forbidden (counted as an auth failure) for a tenant not in the token; zeros for a tenant with nothing recorded yet. */
  @Get('dashboard')
  @RequireScope('alerts:read')
  async dashboard(@Query(createValidationPipe()) query: TenantQuery, @Caller() caller: Principal): Promise<OpsDashboard> {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    return this.dashboards.dashboard(query.tenantId);
  }

  /** Each SLI with its target, the 30-day budget left and burn rates over 1 h, 6 h and 3 d (all instances). */
  @Get('slo')
  @RequireScope('alerts:read')
  slo() {
    const { ops } = this.runtime;
    return {
      generatedAt: new Date().toISOString(),
      period: '30d',
      scope: 'All instances: per-minute buckets every instance adds to the database about every 10 s, plus what this instance has not flushed yet.',
      lastFlushAt: ops.slo.lastFlush.at ? new Date(ops.slo.lastFlush.at).toISOString() : null,
      lastFlushError: ops.slo.lastFlush.error,
      objectives: ops.slo.report(),
    };
  }

  /**
   * Where the integrity verifier stands per stream (the caller's tenants, or one of them), and the
   * events the projector parked as dead letters there (not in the read models; `oars projections dead-letters`).
   */
  @Get('integrity')
  @RequireScope('alerts:read')
  async integrity(@Query(createValidationPipe()) query: OptionalTenantQuery, @Caller() caller: Principal) {
    if (query.tenantId) assertTenantAccess(caller, query.tenantId);
    const tenants = query.tenantId ? [query.tenantId] : [...caller.tenantIds].sort();
    const { integrity } = this.runtime.ops;
    const statusOf = (stream: string): Promise<TenantIntegrityStatus> => (integrity ? integrity.tenantStatus(stream) : this.dashboards.integrityOf(stream));
    const items = await Promise.all(tenants.map(statusOf));
    const deadLetters = await listDeadLetters(this.runtime.sql, { tenantIds: tenants, limit: DEAD_LETTERS_SHOWN + 1 });
    // The platform stream is no tenant's: admins and auditors see it beside their tenants' streams.
    const seesPlatform = !query.tenantId && (caller.role === 'admin' || caller.role === 'auditor');
    return {
      verifier: integrity?.status() ?? { state: 'NOT_RUNNING_HERE', message: 'The integrity verifier runs in the process that runs the projector.' },
      items,
      ...(seesPlatform ? { platform: await statusOf(PLATFORM_STREAM) } : {}),
      projections: { deadLetters: { items: deadLetters.slice(0, DEAD_LETTERS_SHOWN), more: deadLetters.length > DEAD_LETTERS_SHOWN } },
    };
  }
}
