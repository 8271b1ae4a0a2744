import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

export class ListCheckpointsQuery {
  @ApiProperty() @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() cursor?: string;
}

export class ConsistencyQuery {
  @ApiProperty() @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
  @ApiProperty({ description: 'treeSize of the earlier checkpoint' }) @Type(() => Number) @IsInt() @Min(1) fromTreeSize!: number;
  @ApiPropertyOptional({ description: 'treeSize of the later checkpoint (default: the latest)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) toTreeSize?: number;
}
