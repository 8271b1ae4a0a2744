import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { AlertSeverity } from '@oars/domain';
import { listAlerts } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';

export class ListAlertsQuery {
  @ApiProperty() @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
  @ApiPropertyOptional() @IsOptional() @IsIn(['low', 'medium', 'high', 'critical']) severity?: AlertSeverity;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) cursor?: string;
}

/** `GET /v1/alerts` (OARS v1 §1.3 #34): newest first, with a cursor instead of the reference's 500 cap. */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @RequireScope('alerts:read')
  async list(@Query(createValidationPipe()) query: ListAlertsQuery, @Caller() caller: Principal) {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    const page = await listAlerts(this.runtime.sql, { tenantId: query.tenantId, severity: query.severity, limit: query.limit ?? 100, cursor: query.cursor });
    return { items: page.items, nextCursor: page.nextCursor };
  }
}
