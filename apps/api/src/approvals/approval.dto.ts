import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

const TENANT_MESSAGE = '$property must match [A-Za-z0-9_-]{1,64}';

/** `POST /v1/approvals/:approvalId/decision` (OARS v1 §1.3 #16). `approverId` defaults to the token's subject. */
export class ApprovalDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] }) @IsIn(['approve', 'reject']) decision!: 'approve' | 'reject';
  @ApiProperty({ minLength: 3, description: 'Kept out of receipts: they record its SHA-256.' })
  @IsString() @MinLength(3) @MaxLength(2000) reason!: string;
  @ApiPropertyOptional({ description: 'Must be the token subject unless the token has the impersonate scope.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) approverId?: string;
  @ApiPropertyOptional({ description: 'TOTP code of the approver (or the shared code, when enabled) for critical approvals.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(128) stepUpCode?: string;
}

/** `GET /v1/approvals` filters. */
export class ListApprovalsQuery {
  @ApiProperty() @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected', 'expired', 'canceled'] })
  @IsOptional() @IsIn(['pending', 'approved', 'rejected', 'expired', 'canceled']) status?: 'pending' | 'approved' | 'rejected' | 'expired' | 'canceled';
  @ApiPropertyOptional({ description: 'Only the approvals waiting for this approver’s decision.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) approverId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

/** `POST /v1/admin/approvals/escalations/scan` (OARS v1 §1.3 #17). */
export class EscalationScanDto {
  @ApiProperty() @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
  @ApiPropertyOptional({ description: 'Scan as of this time (ISO 8601); default now.' }) @IsOptional() @IsISO8601({ strict: true }) nowIso?: string;
}

/** `POST /v1/admin/tenants/:tenantId/step-up/enrollments`. */
export class StepUpEnrollmentDto {
  @ApiProperty({ description: 'The approver (token subject) the TOTP factor belongs to.' })
  @IsString() @IsNotEmpty() @MaxLength(256) subject!: string;
}
