import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** `POST /v1/actions/:actionId/cancel`; the body may be omitted. */
export class CancelActionDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 500, description: 'Why; only its SHA-256 is receipted.' })
  @IsOptional()
  @IsString()
  @Length(3, 500)
  reason?: string;
}
