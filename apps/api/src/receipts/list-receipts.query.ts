import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

/** framework and controlId are given together or not at all (OARS v1 §1.3 #18). */
const givenControl = (o: { framework?: unknown; controlId?: unknown }) => o.framework !== undefined || o.controlId !== undefined;
const BOTH_CONTROL_FIELDS = '$property is required: framework and controlId go together';

/** `GET /v1/receipts` filters (OARS v1 §1.3 #18) plus `type`, `actionId` and a `cursor` for paging. */
export class ListReceiptsQuery {
  @ApiProperty() @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(128) toolId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(128) operation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) actorUserId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) actorAgentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsIn(['allow', 'deny', 'approve', 'quarantine']) policyDecision?: 'allow' | 'deny' | 'approve' | 'quarantine';
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(128) policyVersion?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(128) policyRuleId?: string;
  @ApiPropertyOptional({ enum: ['eu_ai_act', 'iso_42001', 'soc2'], description: 'With controlId: only the receipts the control mapping selects.' })
  @ValidateIf(givenControl) @IsString({ message: BOTH_CONTROL_FIELDS }) @IsNotEmpty({ message: BOTH_CONTROL_FIELDS }) @MaxLength(64) framework?: string;
  @ApiPropertyOptional({ description: 'With framework: a shipped control or one the tenant mapped (404 otherwise).' })
  @ValidateIf(givenControl) @IsString({ message: BOTH_CONTROL_FIELDS }) @IsNotEmpty({ message: BOTH_CONTROL_FIELDS }) @MaxLength(64) controlId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64) type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,80}$/) actionId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'Include the ledger.checkpoint receipts (default false: v1 clients see only the receipts they know; a whole-chain export sets it)' })
  @IsOptional() @IsIn(['true', 'false']) includeCheckpoints?: 'true' | 'false';
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(128) cursor?: string;
}
