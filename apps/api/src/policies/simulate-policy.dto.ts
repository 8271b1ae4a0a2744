import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ResourceDto, TENANT_ID_PATTERN } from '../actions/submit-action.dto';

export class SimulationContextDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(128) environment?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(128, { each: true })
  dataTypes?: string[];
  @ApiPropertyOptional({ description: 'Honoured here (time windows); ISO-8601 with a zone. Default: now.' })
  @IsOptional() @IsISO8601({ strict: true }) requestedAt?: string;
}

/** `POST /v1/policies/simulate` (OARS v1 §1.3 #22): decides without creating anything. */
export class SimulatePolicyDto {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(256) agentId!: string;
  @ApiPropertyOptional({ description: 'Accepted for OARS v1 compatibility; decisions do not depend on it.' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) userId?: string;
  @ApiPropertyOptional({ description: 'A draft or published policy of the tenant; default: the published one, else the built-in default.' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,80}$/, { message: '$property must match [A-Za-z0-9_-]{1,80}' }) policyId?: string;
  @ApiPropertyOptional({ type: SimulationContextDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => SimulationContextDto) context?: SimulationContextDto;
  @ApiProperty({ type: ResourceDto }) @IsObject() @ValidateNested() @Type(() => ResourceDto) resource!: ResourceDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Accepted for OARS v1 compatibility; decisions do not depend on it.' })
  @IsOptional() @IsObject() input?: Record<string, unknown>;
}
