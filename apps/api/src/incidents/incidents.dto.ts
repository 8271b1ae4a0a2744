import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CORRECTIVE_ACTION_STATUSES, INCIDENT_SEVERITIES, INCIDENT_UPDATE_STAGES, MAX_CORRECTIVE_ACTIONS, MAX_PRESERVED_TENANTS, USER_ID_PATTERN } from '@oars/domain';
import type { CorrectiveActionStatus, IncidentSeverity, IncidentStatus, IncidentUpdateStage } from '@oars/domain';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

const TENANT_MESSAGE = '$property must match [A-Za-z0-9_-]{1,64}';
const USER_MESSAGE = '$property must match [A-Za-z0-9_.@:-]{1,128}';
const STATUSES: IncidentStatus[] = ['open', 'acknowledged', 'resolved', 'closed'];

/** A tenant's incident, or (omitted) the platform's, which needs the admin role. */
export class OptionalTenantBody {
  @ApiPropertyOptional({ example: 'tenant_alpha', description: 'omitted: the platform stream (admins)' })
  @IsOptional() @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId?: string;
}

export class ListIncidentsQuery {
  @ApiPropertyOptional({ example: 'tenant_alpha' }) @IsOptional() @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: IncidentStatus;
  @ApiPropertyOptional({ enum: INCIDENT_SEVERITIES }) @IsOptional() @IsIn([...INCIDENT_SEVERITIES]) severity?: IncidentSeverity;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(400) cursor?: string;
}

/** `POST /v1/incidents`: incident command step 1. */
export class DeclareIncidentDto extends OptionalTenantBody {
  @ApiPropertyOptional({ enum: INCIDENT_SEVERITIES, description: 'required unless fromAlertId is given (then the alert’s mapped severity)' })
  @IsOptional() @IsIn([...INCIDENT_SEVERITIES]) severity?: IncidentSeverity;
  @ApiProperty({ example: 'carol', description: 'the incident commander' }) @IsString() @Matches(USER_ID_PATTERN, { message: USER_MESSAGE }) commander!: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500) summary?: string;
  @ApiPropertyOptional({ description: 'take command of this alert’s incident (or open one from it)' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,80}$/, { message: '$property must match [A-Za-z0-9_-]{1,80}' }) fromAlertId?: string;
}

export class IncidentUpdateDto extends OptionalTenantBody {
  @ApiProperty({ maxLength: 2000 }) @IsString() @IsNotEmpty() @MaxLength(2000) message!: string;
  @ApiPropertyOptional({ enum: INCIDENT_UPDATE_STAGES }) @IsOptional() @IsIn([...INCIDENT_UPDATE_STAGES]) stage?: IncidentUpdateStage;
}

export class PreserveEvidenceDto extends OptionalTenantBody {
  @ApiProperty({ type: [String], example: ['tenant_alpha'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_PRESERVED_TENANTS) @IsString({ each: true }) @Matches(TENANT_ID_PATTERN, { each: true, message: 'each value in $property must match [A-Za-z0-9_-]{1,64}' })
  tenantIds!: string[];
}

export class ResolveIncidentDto extends OptionalTenantBody {
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000) resolution?: string;
}

export class RcaDto {
  @ApiProperty({ maxLength: 4000 }) @IsString() @IsNotEmpty() @MaxLength(4000) summary!: string;
  @ApiProperty({ maxLength: 4000 }) @IsString() @IsNotEmpty() @MaxLength(4000) rootCause!: string;
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(4000) impact?: string;
}

export class CorrectiveActionDto {
  @ApiProperty({ maxLength: 1000 }) @IsString() @IsNotEmpty() @MaxLength(1000) description!: string;
  @ApiProperty({ example: 'dave' }) @IsString() @Matches(USER_ID_PATTERN, { message: USER_MESSAGE }) owner!: string;
  @ApiProperty({ example: '2026-06-30' }) @IsString() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }) dueDate!: string;
  @ApiPropertyOptional({ enum: CORRECTIVE_ACTION_STATUSES, default: 'open' }) @IsOptional() @IsIn([...CORRECTIVE_ACTION_STATUSES]) status?: CorrectiveActionStatus;
}

/** Incident command step 5. */
export class CloseIncidentDto extends OptionalTenantBody {
  @ApiProperty({ type: RcaDto }) @IsObject() @ValidateNested() @Type(() => RcaDto) rca!: RcaDto;
  @ApiProperty({ type: [CorrectiveActionDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_CORRECTIVE_ACTIONS) @ValidateNested({ each: true }) @Type(() => CorrectiveActionDto) correctiveActions!: CorrectiveActionDto[];
}

export class ChangeCorrectiveActionDto extends OptionalTenantBody {
  @ApiProperty({ enum: CORRECTIVE_ACTION_STATUSES }) @IsIn([...CORRECTIVE_ACTION_STATUSES]) status!: CorrectiveActionStatus;
}
