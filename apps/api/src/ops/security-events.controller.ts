import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { listSecurityEvents } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { ListSecurityEventsQuery } from './ops-queries.dto';

/**
 * `GET /v1/security-events` (OARS v1 §1.3 #36): newest first, `{items, nextCursor}` with a cursor
 * instead of the reference's 500 cap. Receipt-sourced events (decisions, policies, keys, approvals,
 * integrity) and auth failures recorded for the tenant.
 */
@ApiTags('security')
@ApiBearerAuth()
@Controller('v1/security-events')
export class SecurityEventsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @RequireScope('events:read')
  async list(@Query(createValidationPipe()) query: ListSecurityEventsQuery, @Caller() caller: Principal) {
    assertTenantAccess(caller, query.tenantId);
    await Promise.all([this.runtime.catchUp([query.tenantId]), this.runtime.ops.security.flush()]);
    return listSecurityEvents(this.runtime.sql, { tenantId: query.tenantId, limit: query.limit ?? 200, cursor: query.cursor ?? null });
  }
}
