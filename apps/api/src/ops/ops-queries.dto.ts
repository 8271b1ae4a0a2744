import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

const TENANT_MESSAGE = '$property must match [A-Za-z0-9_-]{1,64}';

export class TenantQuery {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
}

export class OptionalTenantQuery {
  @ApiPropertyOptional({ example: 'tenant_alpha' }) @IsOptional() @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId?: string;
}

export class ListSecurityEventsQuery extends TenantQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(160) cursor?: string;
}
