import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EVIDENCE_FRAMEWORK_IDS, type EvidenceFrameworkId } from '@oars/domain';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const idList = () => [IsOptional(), IsArray(), ArrayMinSize(1), ArrayMaxSize(100), IsString({ each: true }), IsNotEmpty({ each: true }), MaxLength(128, { each: true })];
const apply = (decorators: PropertyDecorator[]): PropertyDecorator => (target, key) => decorators.forEach((d) => d(target, key));

/** `POST /v1/evidence/exports` (OARS v1 §1.3 #27) plus the scope filters and the asynchronous opt-in. */
export class EvidenceExportDto {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
  @ApiProperty({ enum: EVIDENCE_FRAMEWORK_IDS }) @IsIn(EVIDENCE_FRAMEWORK_IDS as unknown as string[], { message: `$property must be one of ${EVIDENCE_FRAMEWORK_IDS.join(', ')}` }) framework!: EvidenceFrameworkId;
  @ApiProperty({ example: '2026-01-01T00:00:00Z' }) @IsString() @Matches(ISO_Z, { message: '$property must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z' }) dateFrom!: string;
  @ApiProperty({ example: '2026-03-31T23:59:59Z' }) @IsString() @Matches(ISO_Z, { message: '$property must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z' }) dateTo!: string;
  @ApiPropertyOptional({ type: [String] }) @apply(idList()) toolIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @apply(idList()) agentIds?: string[];
  @ApiPropertyOptional({ type: [String], description: 'policySetIds' }) @apply(idList()) policyIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @apply(idList()) controlIds?: string[];
  @ApiPropertyOptional({ description: 'Answer 202 with a job instead of the bundle (also: header Prefer: respond-async).' }) @IsOptional() @IsBoolean() async?: boolean;
}

/** `POST /v1/evidence/exports/verify` (OARS v1 §1.3 #28). */
export class VerifyBundleDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) @IsObject() bundle!: Record<string, unknown>;
}
