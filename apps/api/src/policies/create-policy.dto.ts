import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsString, Matches } from 'class-validator';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

/**
 * `POST /v1/policies` (OARS v1 §1.3 #21, plus `defaultDecision` and `riskConfig`). Only the envelope
 * is checked here; the content (rules, decisions, risk tuning, version) is validated by the domain,
 * which names every bad field (`rules[2].match.timeWindowUtc.endHour`). Unknown fields are refused.
 */
export class CreatePolicyDto {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
  @ApiProperty({ type: String, example: '2026.03-1' }) @Allow() version!: unknown;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'At least one rule (OARS v1 §2.3).' }) @Allow() rules!: unknown;
  @ApiPropertyOptional({ enum: ['allow', 'deny', 'approve', 'quarantine'], description: 'When no rule matches; absent: deny.' }) @Allow() defaultDecision?: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Tenant risk tuning; absent: the OARS v1 scoring.' }) @Allow() riskConfig?: unknown;
}
