import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TENANT_MESSAGE = '$property must match [A-Za-z0-9_-]{1,64}';

export class UserContextDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) userId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) sessionId?: string;
}

export class ActionContextDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(128) environment?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(128, { each: true })
  dataTypes?: string[];
  @ApiPropertyOptional({ description: 'Ignored: the server records its own time.' })
  @IsOptional() @IsISO8601({ strict: true }) requestedAt?: string;
}

export class ResourceDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(128) toolId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(128) operation!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) target!: string;
}

/** `POST /v1/actions` (OARS v1 §1.3 #14); snake_case aliases are folded in before validation. */
export class SubmitActionDto {
  @ApiProperty({ example: 'tenant_alpha' }) @IsString() @Matches(TENANT_ID_PATTERN, { message: TENANT_MESSAGE }) tenantId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(256) agentId!: string;
  @ApiPropertyOptional({ type: UserContextDto }) @IsOptional() @ValidateNested() @Type(() => UserContextDto) userContext?: UserContextDto;
  @ApiPropertyOptional({ type: ActionContextDto }) @IsOptional() @ValidateNested() @Type(() => ActionContextDto) context?: ActionContextDto;
  @ApiProperty({ type: ResourceDto }) @IsObject() @ValidateNested() @Type(() => ResourceDto) resource!: ResourceDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) @IsObject() input!: Record<string, unknown>;
}
