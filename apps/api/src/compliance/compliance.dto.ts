import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { COMPLIANCE_FRAMEWORKS, EVIDENCE_NODE_TYPES, RECEIPT_FILTER_FIELDS } from '@oars/domain';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

const TENANT_MESSAGE = '$property must match [A-Za-z0-9_-]{1,64}';
const FRAMEWORK = { enum: COMPLIANCE_FRAMEWORKS };

/**
 * `POST /v1/admin/compliance/control-mappings` (OARS v1 §1.3 #32). Only the envelope is checked
 * here; the mapping itself is validated by the domain (UpsertControlMapping), which names every bad
 * field (`receiptFilters.toolIds[1]`) and answers an unknown framework with `unknown_framework`.
 */
export class UpsertControlMappingDto {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
  @ApiProperty(FRAMEWORK) @Allow() framework!: unknown;
  @ApiProperty({ type: String, example: 'ART-14', description: '1 to 64 letters, digits, spaces or . _ ( ) / : -' }) @Allow() controlId!: unknown;
  @ApiProperty({ type: String, example: 'Human oversight', maxLength: 256 }) @Allow() controlDescription!: unknown;
  @ApiProperty({ type: [String], enum: EVIDENCE_NODE_TYPES, description: 'At least one.' }) @Allow() requiredNodeTypes!: unknown;
  @ApiPropertyOptional({
    type: 'object',
    properties: Object.fromEntries(RECEIPT_FILTER_FIELDS.map((f) => [f, { type: 'array', items: { type: 'string' }, minItems: 1 }])),
    description: 'Each list matches any of its values; the lists AND together.',
  })
  @Allow() receiptFilters?: unknown;
}

/** `GET /v1/admin/compliance/control-mappings?tenantId=&framework=` (OARS v1 §1.3 #31); no framework: all of them. */
export class ListControlMappingsQuery {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
  @ApiPropertyOptional(FRAMEWORK) @IsOptional() @IsString() framework?: string;
}

/** `POST /v1/admin/compliance/coverage/scan` (OARS v1 §1.3 #33) plus the window (default: the last 90 days). */
export class CoverageScanDto {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
  @ApiProperty(FRAMEWORK) @Allow() framework!: unknown;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Default: 90 days before dateTo.' }) @Allow() dateFrom?: unknown;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Default: now.' }) @Allow() dateTo?: unknown;
}

/** `GET /v1/admin/evidence/graph/status?tenantId=` (OARS v1 §1.3 #29). */
export class EvidenceGraphStatusQuery {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
}

/** `GET /v1/admin/evidence/graph/nodes` (OARS v1 §1.3 #30). */
export class ListEvidenceNodesQuery extends EvidenceGraphStatusQuery {
  @ApiPropertyOptional({ enum: ['all', ...EVIDENCE_NODE_TYPES], default: 'all' }) @IsOptional() @IsIn(['all', ...EVIDENCE_NODE_TYPES]) nodeType?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100_000, default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize?: number;
}
