import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TenantQuery } from '../ops/ops-queries.dto';

/** An optional stream position in a query string. */
const SequenceParam = (description: string) =>
  applyDecorators(ApiPropertyOptional({ minimum: 1, description }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(Number.MAX_SAFE_INTEGER));

/** `GET /v1/admin/ledger/entries` (OARS v1 #42). */
export class LedgerEntriesQuery extends TenantQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @SequenceParam('Entries before this sequence (nextBeforeSequence of the previous page)') beforeSequence?: number;
}

/** `GET /v1/admin/forensics/replay`: sequences or ISO-8601 times, never both (checked further by resolveReplayRange). */
export class ReplayQuery extends TenantQuery {
  @SequenceParam('First sequence (default 1)') fromSequence?: number;
  @SequenceParam('Last sequence (default: the head)') toSequence?: number;
  @ApiPropertyOptional({ example: '2026-01-31T00:00:00Z', description: 'From this time, instead of sequences' }) @IsOptional() @IsString() @MaxLength(40) from?: string;
  @ApiPropertyOptional({ example: '2026-01-31T23:59:59Z', description: 'Until this time, instead of sequences' }) @IsOptional() @IsString() @MaxLength(40) to?: string;
}
