import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { MtlsStatus } from '@oars/ops';
import type { Runtime } from '@oars/runtime';
import { RequireScope } from '../auth/auth.guard';
import { RUNTIME } from '../runtime.token';

/** `GET /v1/admin/security/mtls/status` (OARS v1 §1.3 #37). Enforcement is a later issue: `enabled: false`. */
@ApiTags('security')
@ApiBearerAuth()
@Controller('v1/admin/security/mtls')
export class MtlsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('status')
  @RequireScope('auth_providers:read', 'admin')
  status(): MtlsStatus {
    return this.runtime.ops.mtls.status();
  }
}
