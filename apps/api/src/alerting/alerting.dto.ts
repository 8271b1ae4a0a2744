import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ALERT_DELIVERY_STATUSES, ALERT_SEVERITIES, type AlertDeliveryStatus, CHANNEL_ID_PATTERN, MAX_ESCALATION_MINUTES, MAX_RULE_CHANNELS } from '@oars/domain';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';
import { TenantQuery } from '../ops/ops-queries.dto';

const TENANT_MESSAGE = '$property must match [A-Za-z0-9_-]{1,64}';

/**
 * `POST /v1/admin/ops/alert-routing` (OARS v1 §1.3 #40). Only the tenant is checked here; the rule
 * is validated by the domain (ConfigureAlertRouting), which names every bad field (`channels[1]`).
 */
export class ConfigureAlertRoutingDto {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) @Allow() severity!: unknown;
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_RULE_CHANNELS, example: ['pagerduty', 'slack_secops'], description: 'Channel ids of OARS_ALERT_CHANNELS (not checked against them, as in v1).' })
  @Allow() channels!: unknown;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_ESCALATION_MINUTES, example: 5 }) @Allow() escalationMinutes!: unknown;
}

export class AlertRoutingQuery extends TenantQuery {}

/** `GET /v1/admin/ops/alert-deliveries`: the dead-letter list with `status=dead`. */
export class ListAlertDeliveriesQuery extends TenantQuery {
  @ApiPropertyOptional({ enum: ALERT_DELIVERY_STATUSES }) @IsOptional() @IsIn(ALERT_DELIVERY_STATUSES) status?: AlertDeliveryStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,128}$/, { message: '$property must match [A-Za-z0-9_-]{1,128}' }) alertId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(CHANNEL_ID_PATTERN, { message: '$property must match [A-Za-z0-9_.:-]{1,64}' }) channelId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(160) cursor?: string;
}

/** `POST /v1/admin/ops/alert-deliveries/:deliveryId/replay`; without `tenantId`, the caller's tenant that holds the delivery. */
export class ReplayAlertDeliveryDto {
  @ApiPropertyOptional({ example: 'tenant_alpha' }) @IsOptional() @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId?: string;
}
