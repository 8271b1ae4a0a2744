import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class ApprovalStageDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ enum: ['serial', 'parallel'] }) @IsIn(['serial', 'parallel']) mode!: 'serial' | 'parallel';
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(100) requiredApprovals!: number;
  @ApiPropertyOptional({ type: [String], description: 'Empty or absent: anyone but the requester.' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(256, { each: true })
  approverIds?: string[];
  @ApiPropertyOptional({ minimum: 1, maximum: 86400 }) @IsOptional() @IsInt() @Min(1) @Max(86_400) slaSeconds?: number;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(256, { each: true })
  escalateTo?: string[];
}

/** `POST /v1/admin/tenants/:tenantId/approval-workflow` (OARS v1 §1.3 #61). */
export class ApprovalWorkflowDto {
  @ApiProperty({ type: [ApprovalStageDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ApprovalStageDto)
  stages!: ApprovalStageDto[];
}
