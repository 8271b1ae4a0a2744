import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { isReservedStreamId } from '@oars/eventstore';
import type { Runtime } from '@oars/runtime';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError } from '../http/api-error';
import { RUNTIME } from '../runtime.token';

function assertTenantId(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new ApiError(400, 'invalid_id', 'tenantId must match [A-Za-z0-9_-]{1,64}.');
  if (isReservedStreamId(tenantId)) throw new ApiError(400, 'invalid_id', `tenantId ${tenantId} is reserved for the platform stream (GET /v1/trust/platform/keys).`);
}

/** Public keys for offline verification (no auth), and key administration. */
@ApiTags('keys')
@Controller()
export class KeysController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('v1/trust/tenants/:tenantId/keys')
  async trust(@Param('tenantId') tenantId: string) {
    assertTenantId(tenantId);
    const ring = await this.runtime.writer.keyring(tenantId);
    return { tenantId, items: ring?.keys ?? [] };
  }

  @Get('v1/admin/tenants/:tenantId/keys')
  @ApiBearerAuth()
  @RequireScope('tenant_admin:read')
  async list(@Param('tenantId') tenantId: string, @Caller() caller: Principal) {
    assertTenantId(tenantId);
    assertTenantAccess(caller, tenantId);
    const ring = await this.runtime.writer.keyring(tenantId);
    return { tenantId, items: (ring?.keys ?? []).map(({ publicKeyPem: _pem, ...rest }) => rest) };
  }

  @Post('v1/admin/tenants/:tenantId/keys/rotate')
  @HttpCode(200)
  @ApiBearerAuth()
  @RequireScope('tenant_admin:write', 'admin')
  async rotate(@Param('tenantId') tenantId: string, @Caller() caller: Principal) {
    assertTenantId(tenantId);
    assertTenantAccess(caller, tenantId);
    const rotated = await this.runtime.writer.rotateKey(tenantId);
    return { tenantId, ...rotated };
  }
}
