import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { MAX_RETENTION_DAYS } from '@oars/domain';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

class TenantBody {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
}

/** `POST /v1/admin/ledger/retention` (OARS v1 #45). */
export class SetRetentionDto extends TenantBody {
  @ApiProperty({ minimum: 1, maximum: MAX_RETENTION_DAYS }) @IsInt() @Min(1) @Max(MAX_RETENTION_DAYS) retentionDays!: number;
  @ApiProperty() @IsBoolean() legalHold!: boolean;
  @ApiPropertyOptional({ nullable: true, minLength: 3, maxLength: 500 }) @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MinLength(3) @MaxLength(500) reason?: string | null;
}

/** `POST /v1/admin/ledger/retention/apply` (OARS v1 #46). */
export class ApplyRetentionDto extends TenantBody {}

/** `POST /v1/admin/ledger/holds`: a legal hold (an incident's evidence hold names the incident). */
export class PlaceHoldDto extends TenantBody {
  @ApiProperty({ minLength: 3, maxLength: 500 }) @IsString() @MinLength(3) @MaxLength(500) reason!: string;
  @ApiPropertyOptional({ description: 'The incident whose evidence the hold preserves' }) @IsOptional() @IsString() @IsNotEmpty() @Matches(/^[A-Za-z0-9_-]{1,80}$/, { message: '$property must match [A-Za-z0-9_-]{1,80}' }) incidentId?: string;
}

export class ReleaseHoldDto extends TenantBody {}
