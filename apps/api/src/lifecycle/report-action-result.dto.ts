import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ActionResultReport } from '@oars/domain';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiError } from '../http/api-error';

/** `POST /v1/actions/:actionId/result`: the agent's outcome of an action approved for it to execute. */
export class ReportActionResultDto {
  @ApiProperty({ enum: ['executed', 'failed'] })
  @IsIn(['executed', 'failed'])
  status!: 'executed' | 'failed';

  @ApiPropertyOptional({ description: 'SHA-256 (64 lowercase hex) of the output; required when executed.' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: '$property must be 64 lowercase hex characters (a SHA-256)' })
  outputHash?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'What went wrong; required when failed.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  error?: string;
}

/** The report the body describes; 400 naming the field when the fields do not fit the status. */
export function resultReportOf(body: ReportActionResultDto): ActionResultReport {
  const invalid = (field: string, message: string) => new ApiError(400, 'validation_error', `Invalid request: ${message}.`, [{ field, message }]);
  if (body.status === 'executed') {
    if (body.outputHash === undefined) throw invalid('outputHash', 'outputHash is required when status is executed');
    if (body.error !== undefined) throw invalid('error', 'error is only allowed when status is failed');
    return { status: 'executed', outputHash: body.outputHash };
  }
  if (body.error === undefined) throw invalid('error', 'error is required when status is failed');
  if (body.outputHash !== undefined) throw invalid('outputHash', 'outputHash is only allowed when status is executed');
  return { status: 'failed', error: body.error };
}
